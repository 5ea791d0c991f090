package wire

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/ipfs/go-cid"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multihash"
)

// PrivKey is the node's secp256k1 key as a libp2p identity: the peer id
// then inlines the compressed public key, and so names the Ethereum
// address of the same key (PeerAddress).
func PrivKey(k *ecdsa.PrivateKey) (lcrypto.PrivKey, error) {
	if k == nil || k.Curve != ethcrypto.S256() {
		return nil, errors.New("the node key must be a secp256k1 key")
	}
	return lcrypto.UnmarshalSecp256k1PrivateKey(ethcrypto.FromECDSA(k))
}

// PeerID is the peer id of the node key: what the NodeRegistry entry's
// peerId holds (as bytes: []byte(id)).
func PeerID(k *ecdsa.PrivateKey) (peer.ID, error) {
	pk, err := PrivKey(k)
	if err != nil {
		return "", err
	}
	return peer.IDFromPrivateKey(pk)
}

// PeerAddress is the Ethereum address a peer id speaks for: the address of
// the secp256k1 key inlined in it. Any other key type has none.
func PeerAddress(id peer.ID) (common.Address, error) {
	pub, err := id.ExtractPublicKey()
	if err != nil {
		return common.Address{}, fmt.Errorf("peer %s: %w", id, err)
	}
	return PubKeyAddress(pub)
}

// PubKeyAddress is the Ethereum address of a libp2p secp256k1 public key.
func PubKeyAddress(pub lcrypto.PubKey) (common.Address, error) {
	if pub.Type() != lcrypto.Secp256k1 {
		return common.Address{}, fmt.Errorf("a %s key speaks for no Ethereum address", pub.Type())
	}
	raw, err := pub.Raw()
	if err != nil {
		return common.Address{}, err
	}
	pk, err := ethcrypto.DecompressPubkey(raw)
	if err != nil {
		return common.Address{}, err
	}
	return ethcrypto.PubkeyToAddress(*pk), nil
}

// ModelCID is the content id a model is provided under in the DHT: CIDv1,
// raw codec, over the sha2-256 multihash of the GGUF file's SHA-256 digest
// (the bytes the node already has; the chain's model id is the same
// digest).
func ModelCID(sha256 [32]byte) cid.Cid {
	mh, _ := multihash.Encode(sha256[:], multihash.SHA2_256) // a 32-byte digest always encodes
	return cid.NewCidV1(cid.Raw, mh)
}

// ParseSHA256 reads a 64-digit hex SHA-256, with or without 0x.
func ParseSHA256(s string) ([32]byte, error) {
	var d [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(s), "0x"))
	if err != nil || len(b) != 32 {
		return d, fmt.Errorf("%q is not a SHA-256 (64 hex digits)", truncate(s, 80))
	}
	copy(d[:], b)
	return d, nil
}

// ParseModelID reads a model id given as its SHA-256 (hex) or its CID
// (ModelCID's form). ok is false when s is neither, e.g. a model name.
func ParseModelID(s string) (sha [32]byte, ok bool) {
	if d, err := ParseSHA256(s); err == nil {
		return d, true
	}
	c, err := cid.Decode(s)
	if err != nil || c.Type() != cid.Raw {
		return sha, false
	}
	dm, err := multihash.Decode(c.Hash())
	if err != nil || dm.Code != multihash.SHA2_256 || len(dm.Digest) != 32 {
		return sha, false
	}
	copy(sha[:], dm.Digest)
	return sha, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
