package chain

import (
	"crypto/ecdsa"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// RequestType is what a client (or its session key) signs to send a paid
// request on a session: the node checks it, the escrow never sees it.
// It is hashed under the escrow's domain, so a signature is good for one
// session of one escrow on one chain.
const RequestType = "Request(uint256 sessionId,uint64 nonce,bytes32 bodyHash)"

var requestTypeHash = crypto.Keccak256Hash([]byte(RequestType))

// Request is one paid request: its session, a nonce the client never
// reuses on that session, and the keccak256 of the request body.
type Request struct {
	SessionID *big.Int
	Nonce     uint64
	BodyHash  common.Hash
}

// RequestHash is the EIP-712 digest of r.
func (d Domain) RequestHash(r Request) (common.Hash, error) {
	id, err := word(r.SessionID, "session id")
	if err != nil {
		return common.Hash{}, err
	}
	return d.digest(crypto.Keccak256(requestTypeHash[:], id, uword(r.Nonce), r.BodyHash[:]))
}

// SignRequest signs r with key.
func (d Domain) SignRequest(r Request, key *ecdsa.PrivateKey) ([]byte, error) {
	h, err := d.RequestHash(r)
	if err != nil {
		return nil, err
	}
	return Sign(h, key)
}

// RecoverRequest returns the address that signed r.
func (d Domain) RecoverRequest(r Request, sig []byte) (common.Address, error) {
	h, err := d.RequestHash(r)
	if err != nil {
		return common.Address{}, err
	}
	return Recover(h, sig)
}

// RequestTypedData is r as eth_signTypedData_v4 data (its hash equals
// RequestHash), for wallets and libraries such as ethers.
func (d Domain) RequestTypedData(r Request) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": domainFields,
			"Request": {
				{Name: "sessionId", Type: "uint256"},
				{Name: "nonce", Type: "uint64"},
				{Name: "bodyHash", Type: "bytes32"},
			},
		},
		PrimaryType: "Request",
		Domain:      d.typedDomain(),
		Message: apitypes.TypedDataMessage{
			"sessionId": new(big.Int).Set(r.SessionID),
			"nonce":     new(big.Int).SetUint64(r.Nonce),
			"bodyHash":  r.BodyHash.Hex(),
		},
	}
}
