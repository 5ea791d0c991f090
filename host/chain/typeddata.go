package chain

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// The escrow's EIP-712 domain and types, exactly as SessionEscrow.sol hashes them.
const (
	DomainName    = "fabnode-escrow"
	DomainVersion = "1"

	ReceiptType    = "Receipt(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain)"
	CheckpointType = "Checkpoint(uint256 sessionId,uint64 inputTokens,uint64 outputTokens,bytes32 outputChain,bytes32 prevChain)"

	domainType = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)

var (
	domainTypeHash     = crypto.Keccak256Hash([]byte(domainType))
	receiptTypeHash    = crypto.Keccak256Hash([]byte(ReceiptType))
	checkpointTypeHash = crypto.Keccak256Hash([]byte(CheckpointType))
	nameHash           = crypto.Keccak256Hash([]byte(DomainName))
	versionHash        = crypto.Keccak256Hash([]byte(DomainVersion))

	// secp256k1n / 2: OpenZeppelin's ECDSA rejects signatures with a higher s.
	halfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)
)

// ErrBadSignature is returned (wrapped) by Recover for a signature the
// escrow would reject.
var ErrBadSignature = errors.New("chain: invalid signature")

// Domain is the EIP-712 domain of one escrow on one chain.
type Domain struct {
	ChainID *big.Int
	Escrow  common.Address
}

// Receipt is a client's cumulative receipt for a session.
type Receipt struct {
	SessionID    *big.Int
	InputTokens  uint64
	OutputTokens uint64
	OutputChain  common.Hash
}

// Checkpoint is a host's claim that extends a receipt (PrevChain is the
// receipt's OutputChain) by at most the session's credit window.
type Checkpoint struct {
	SessionID    *big.Int
	InputTokens  uint64
	OutputTokens uint64
	OutputChain  common.Hash
	PrevChain    common.Hash
}

func word(n *big.Int, what string) ([]byte, error) {
	if n == nil || n.Sign() < 0 || n.BitLen() > 256 {
		return nil, fmt.Errorf("chain: %s %v is not a uint256", what, n)
	}
	return n.FillBytes(make([]byte, 32)), nil
}

func uword(v uint64) []byte {
	return new(big.Int).SetUint64(v).FillBytes(make([]byte, 32))
}

// Separator is the domain separator (OpenZeppelin's _domainSeparatorV4).
func (d Domain) Separator() (common.Hash, error) {
	id, err := word(d.ChainID, "chain id")
	if err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash(domainTypeHash[:], nameHash[:], versionHash[:], id,
		common.LeftPadBytes(d.Escrow[:], 32)), nil
}

func (d Domain) digest(structHash []byte) (common.Hash, error) {
	sep, err := d.Separator()
	if err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], structHash), nil
}

// ReceiptHash is the EIP-712 digest of r: what its signer signs and what the
// escrow's receiptDigest returns.
func (d Domain) ReceiptHash(r Receipt) (common.Hash, error) {
	id, err := word(r.SessionID, "session id")
	if err != nil {
		return common.Hash{}, err
	}
	return d.digest(crypto.Keccak256(receiptTypeHash[:], id, uword(r.InputTokens),
		uword(r.OutputTokens), r.OutputChain[:]))
}

// CheckpointHash is the EIP-712 digest of c.
func (d Domain) CheckpointHash(c Checkpoint) (common.Hash, error) {
	id, err := word(c.SessionID, "session id")
	if err != nil {
		return common.Hash{}, err
	}
	return d.digest(crypto.Keccak256(checkpointTypeHash[:], id, uword(c.InputTokens),
		uword(c.OutputTokens), c.OutputChain[:], c.PrevChain[:]))
}

func (d Domain) typedDomain() apitypes.TypedDataDomain {
	return apitypes.TypedDataDomain{
		Name:              DomainName,
		Version:           DomainVersion,
		ChainId:           (*math.HexOrDecimal256)(new(big.Int).Set(d.ChainID)),
		VerifyingContract: d.Escrow.Hex(),
	}
}

var domainFields = []apitypes.Type{
	{Name: "name", Type: "string"},
	{Name: "version", Type: "string"},
	{Name: "chainId", Type: "uint256"},
	{Name: "verifyingContract", Type: "address"},
}

// ReceiptTypedData is r as eth_signTypedData_v4 data, for wallets and other
// signers that take typed data (its hash equals ReceiptHash).
func (d Domain) ReceiptTypedData(r Receipt) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": domainFields,
			"Receipt": {
				{Name: "sessionId", Type: "uint256"},
				{Name: "inputTokens", Type: "uint64"},
				{Name: "outputTokens", Type: "uint64"},
				{Name: "outputChain", Type: "bytes32"},
			},
		},
		PrimaryType: "Receipt",
		Domain:      d.typedDomain(),
		Message: apitypes.TypedDataMessage{
			"sessionId":    new(big.Int).Set(r.SessionID),
			"inputTokens":  new(big.Int).SetUint64(r.InputTokens),
			"outputTokens": new(big.Int).SetUint64(r.OutputTokens),
			"outputChain":  r.OutputChain.Hex(),
		},
	}
}

// CheckpointTypedData is c as eth_signTypedData_v4 data.
func (d Domain) CheckpointTypedData(c Checkpoint) apitypes.TypedData {
	return apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": domainFields,
			"Checkpoint": {
				{Name: "sessionId", Type: "uint256"},
				{Name: "inputTokens", Type: "uint64"},
				{Name: "outputTokens", Type: "uint64"},
				{Name: "outputChain", Type: "bytes32"},
				{Name: "prevChain", Type: "bytes32"},
			},
		},
		PrimaryType: "Checkpoint",
		Domain:      d.typedDomain(),
		Message: apitypes.TypedDataMessage{
			"sessionId":    new(big.Int).Set(c.SessionID),
			"inputTokens":  new(big.Int).SetUint64(c.InputTokens),
			"outputTokens": new(big.Int).SetUint64(c.OutputTokens),
			"outputChain":  c.OutputChain.Hex(),
			"prevChain":    c.PrevChain.Hex(),
		},
	}
}

// Sign signs a digest with key and returns r‖s‖v with v ∈ {27, 28}, the form
// the escrow accepts.
func Sign(digest common.Hash, key *ecdsa.PrivateKey) ([]byte, error) {
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return sig, nil
}

// ContractSignature converts a 65-byte signature with v ∈ {0, 1} (as from
// crypto.Sign or a go-ethereum keystore's SignHash) to v ∈ {27, 28}, leaving
// one that already has v ∈ {27, 28} as it is. It returns a copy.
func ContractSignature(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	if len(out) == 65 && out[64] < 27 {
		out[64] += 27
	}
	return out
}

// Recover returns the address that signed digest, accepting exactly what the
// escrow accepts: 65 bytes, v ∈ {27, 28}, s ≤ secp256k1n/2.
func Recover(digest common.Hash, sig []byte) (common.Address, error) {
	if len(sig) != 65 {
		return common.Address{}, fmt.Errorf("%w: %d bytes, want 65", ErrBadSignature, len(sig))
	}
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, fmt.Errorf("%w: v = %d, want 27 or 28", ErrBadSignature, v)
	}
	if new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 {
		return common.Address{}, fmt.Errorf("%w: s is in the upper half", ErrBadSignature)
	}
	raw := append([]byte(nil), sig...)
	raw[64] -= 27
	pub, err := crypto.SigToPub(digest[:], raw)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// SignReceipt signs r with key (the depositor's or the session key).
func (d Domain) SignReceipt(r Receipt, key *ecdsa.PrivateKey) ([]byte, error) {
	h, err := d.ReceiptHash(r)
	if err != nil {
		return nil, err
	}
	return Sign(h, key)
}

// RecoverReceipt returns the signer of r.
func (d Domain) RecoverReceipt(r Receipt, sig []byte) (common.Address, error) {
	h, err := d.ReceiptHash(r)
	if err != nil {
		return common.Address{}, err
	}
	return Recover(h, sig)
}

// SignCheckpoint signs c with key (the host's).
func (d Domain) SignCheckpoint(c Checkpoint, key *ecdsa.PrivateKey) ([]byte, error) {
	h, err := d.CheckpointHash(c)
	if err != nil {
		return nil, err
	}
	return Sign(h, key)
}

// RecoverCheckpoint returns the signer of c.
func (d Domain) RecoverCheckpoint(c Checkpoint, sig []byte) (common.Address, error) {
	h, err := d.CheckpointHash(c)
	if err != nil {
		return common.Address{}, err
	}
	return Recover(h, sig)
}
