// Package identity is the node's one identity: a secp256k1 key that is its
// Ethereum account (it pays gas, registers the node, receives earnings and
// signs the escrow checkpoints), signs its proof commitments, and will be its
// libp2p identity.
//
// # The key
//
// The key lives in a go-ethereum encrypted keystore (Web3 Secret Storage, the
// files geth, clef and ethers read) in <data_dir>/keystore unless
// node.keystore says otherwise. A node has exactly one key there: `fabnode key
// new` creates it, `fabnode key import` imports a hex private key or another
// keystore file, `fabnode key address` prints its address (read from the
// file; no password needed).
//
// The password comes from the file node.key_password_file or, when that is
// not set, from the environment variable FABNODE_KEY_PASSWORD; never from the
// config text, and it is never logged. A password file's trailing newline is
// not part of the password.
//
// # Development key
//
// With node.dev_key = true (the repository's config.hcl, which `make run`
// uses), a node that has no key creates one on its first start, encrypted
// with the configured password or, when none is set, the empty password, and
// logs a warning on every start that it runs on a development key. Production
// configs leave dev_key off: such a node refuses to start without a key and
// says to run `fabnode key new`.
//
// # The Ed25519 key it replaces
//
// Earlier nodes signed commitments with an Ed25519 key in <data_dir>/node.key
// (node.key_file). It cannot become a secp256k1 key. A node that has that file
// and no keystore key refuses to start with a MigrationError that says so,
// names the old public key (commitments signed before stay verifiable against
// it) and tells the operator to run `fabnode key new` or `fabnode key import`.
// With dev_key the new key is created and the same facts are logged as a
// warning. The old file is never read for signing, changed or removed.
//
// # Signatures
//
// Key.SignDigest (the node's plugin.Signer) signs a 32-byte digest as it is,
// with no prefix, and returns 65 bytes r‖s‖v with v ∈ {27, 28} and a low s,
// the form OpenZeppelin's ECDSA and the escrow accept (chain.Sign). Recover
// returns the address that signed a digest, so a client verifies a commitment
// with Recover(commitment.Digest, signature) == the node's address, which the
// API reports as fabnode.node_key.
//
// # libp2p
//
// The same key becomes the node's libp2p identity, with no second key file:
// lcrypto.UnmarshalSecp256k1PrivateKey(crypto.FromECDSA(key.PrivateKey()))
// (github.com/libp2p/go-libp2p/core/crypto) gives the libp2p private key, and
// its peer id (16Uiu2HA…) inlines the compressed public key, so anyone can
// derive the Ethereum address from a peer id offline. libp2p's own signatures
// (SHA-256, DER) are a different scheme from SignDigest's and are never
// verified as each other.
package identity
