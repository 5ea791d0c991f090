package chain

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// NextOutputChain folds one delivered output chunk into the chain:
// keccak256(prev ‖ keccak256(chunk)). The chain of no output is the zero hash.
func NextOutputChain(prev common.Hash, chunk []byte) common.Hash {
	h := crypto.Keccak256(chunk)
	return crypto.Keccak256Hash(prev[:], h)
}

// OutputChainOf is the chain over chunks, in order, from the zero hash.
func OutputChainOf(chunks ...[]byte) common.Hash {
	var c common.Hash
	for _, chunk := range chunks {
		c = NextOutputChain(c, chunk)
	}
	return c
}
