package identity

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
)

// EnvPassword is the environment variable that holds the keystore password
// when node.key_password_file is not set.
const EnvPassword = "FABNODE_KEY_PASSWORD"

// Key is the node's unlocked secp256k1 key. It implements plugin.Signer.
type Key struct {
	priv *ecdsa.PrivateKey
	addr common.Address
	file string
}

// Address is the node's Ethereum address, its public identity.
func (k *Key) Address() common.Address { return k.addr }

// PrivateKey is the key itself, for signing transactions and, later, as the
// libp2p identity. It never reaches a log or a plugin.
func (k *Key) PrivateKey() *ecdsa.PrivateKey { return k.priv }

// File is the keystore file the key was read from.
func (k *Key) File() string { return k.file }

// SignDigest signs a 32-byte digest as it is (no prefix) and returns r‖s‖v
// with v ∈ {27, 28}. It implements plugin.Signer.
func (k *Key) SignDigest(digest [32]byte) ([]byte, error) {
	return chain.Sign(common.Hash(digest), k.priv)
}

// Recover returns the address that produced sig (r‖s‖v, v ∈ {27, 28}, low s)
// over digest: a commitment verifies when it is the node's address.
func Recover(digest [32]byte, sig []byte) (common.Address, error) {
	return chain.Recover(common.Hash(digest), sig)
}

// FromPrivateKey wraps a key that is not read from a keystore (tests, tools).
func FromPrivateKey(priv *ecdsa.PrivateKey) *Key {
	return &Key{priv: priv, addr: crypto.PubkeyToAddress(priv.PublicKey)}
}

var (
	// ErrNoKey: the keystore holds no key.
	ErrNoKey = errors.New("no node key")
	// ErrKeyExists: new or import into a keystore that already has the key.
	ErrKeyExists = errors.New("the node already has a key")
	// ErrNoPassword: neither node.key_password_file nor FABNODE_KEY_PASSWORD is set.
	ErrNoPassword = errors.New("no key password: set node.key_password_file (a file holding the password) or the environment variable " + EnvPassword)
	// ErrWrongPassword: the password does not decrypt the key.
	ErrWrongPassword = errors.New("wrong key password")
)

// ReadPassword returns the keystore password: the contents of file (without
// its trailing newline) when file is set, else $FABNODE_KEY_PASSWORD. source
// says where it came from, for messages (never the password itself); ok is
// false when neither is set (an empty variable counts as unset).
func ReadPassword(file string) (password, source string, ok bool, err error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", false, fmt.Errorf("key password file: %w", err)
		}
		s := strings.TrimSuffix(string(b), "\n")
		return strings.TrimSuffix(s, "\r"), "the password in " + file, true, nil
	}
	if v, set := os.LookupEnv(EnvPassword); set && v != "" {
		return v, "the password in $" + EnvPassword, true, nil
	}
	return "", "", false, nil
}

// Options says where a node's key is and how to unlock it.
type Options struct {
	Keystore Keystore
	// PasswordFile is node.key_password_file; "" reads $FABNODE_KEY_PASSWORD.
	PasswordFile string
	// DevKey creates a development key when the keystore has none.
	DevKey bool
	// LegacyKeyFile is where earlier nodes kept their Ed25519 key.
	LegacyKeyFile string
	Log           hclog.Logger
}

// Open returns the node's unlocked key (see the package doc): the one key in
// the keystore, or with DevKey a new development key when there is none.
func Open(o Options) (*Key, error) {
	log := o.Log
	if log == nil {
		log = hclog.NewNullLogger()
	}
	legacy := ReadLegacyKey(o.LegacyKeyFile)
	acct, err := o.Keystore.Only()
	if errors.Is(err, ErrNoKey) {
		if !o.DevKey {
			if legacy != nil {
				return nil, &MigrationError{Legacy: *legacy, Keystore: o.Keystore.Dir}
			}
			return nil, fmt.Errorf("%w in %s: create it with `fabnode key new` (or `fabnode key import FILE`), "+
				"its password in node.key_password_file or $%s; for development, node.dev_key = true creates one", ErrNoKey, o.Keystore.Dir, EnvPassword)
		}
		return newDevKey(o, legacy, log)
	}
	if err != nil {
		return nil, err
	}
	pw, source, ok, err := ReadPassword(o.PasswordFile)
	if err != nil {
		return nil, err
	}
	if !ok {
		if !o.DevKey && !o.Keystore.IsDevKey(acct.Address) {
			return nil, fmt.Errorf("node key %s is encrypted: %w", acct.File, ErrNoPassword)
		}
		source = "the empty password of a development key"
	}
	k, err := o.Keystore.Unlock(acct, pw)
	if errors.Is(err, ErrWrongPassword) {
		return nil, fmt.Errorf("node key %s: %w (tried %s)", acct.File, ErrWrongPassword, source)
	}
	if err != nil {
		return nil, err
	}
	if o.Keystore.IsDevKey(k.addr) {
		log.Warn("DEVELOPMENT KEY: this node runs on a key it created itself (node.dev_key); never use it for real funds: "+
			"production nodes create theirs with `fabnode key new` and leave dev_key off", "address", k.addr.Hex(), "file", k.file)
	}
	if legacy != nil {
		log.Info("the Ed25519 node key of earlier versions is no longer used; commitments signed before verify against its public key",
			"file", legacy.File, "public_key", legacy.PublicKeyHex())
	}
	return k, nil
}

func newDevKey(o Options, legacy *LegacyKey, log hclog.Logger) (*Key, error) {
	pw, source, ok, err := ReadPassword(o.PasswordFile)
	if err != nil {
		return nil, err
	}
	if !ok {
		pw, source = "", "the empty password"
	}
	ks := o.Keystore
	if ks.ScryptN == 0 {
		ks.ScryptN, ks.ScryptP = LightScryptN, LightScryptP
	}
	k, err := ks.newKey(nil, pw, true)
	if errors.Is(err, ErrKeyExists) { // another process created it first
		return Open(Options{Keystore: o.Keystore, PasswordFile: o.PasswordFile, DevKey: o.DevKey, Log: o.Log})
	}
	if err != nil {
		return nil, err
	}
	log.Warn("DEVELOPMENT KEY: node.dev_key = true and the node had no key, so it created one; never use it for real funds: "+
		"production nodes create theirs with `fabnode key new` and leave dev_key off",
		"address", k.addr.Hex(), "file", k.file, "encrypted_with", source)
	if legacy != nil {
		log.Warn("the Ed25519 node key of earlier versions cannot be converted and is no longer used; commitments signed before verify against its public key",
			"file", legacy.File, "public_key", legacy.PublicKeyHex())
	}
	return k, nil
}

// LegacyKey is the Ed25519 node key of earlier versions.
type LegacyKey struct {
	File      string
	PublicKey ed25519.PublicKey // nil when the file is not a hex Ed25519 seed
}

// PublicKeyHex is the hex public key, as the API reported it.
func (l LegacyKey) PublicKeyHex() string {
	if l.PublicKey == nil {
		return "(unreadable)"
	}
	return hex.EncodeToString(l.PublicKey)
}

// ReadLegacyKey returns the Ed25519 key at path, or nil when there is none.
func ReadLegacyKey(path string) *LegacyKey {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	l := &LegacyKey{File: path}
	if err == nil {
		if seed, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(seed) == ed25519.SeedSize {
			l.PublicKey = ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		}
	}
	return l
}

// MigrationError stops a node that has only the Ed25519 key of an earlier
// version.
type MigrationError struct {
	Legacy   LegacyKey
	Keystore string
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("this node has the Ed25519 key of an earlier fabnode in %s (public key %s) and no key in %s. "+
		"A node is now identified by one secp256k1 key, its Ethereum account, which also signs its commitments; "+
		"an Ed25519 key cannot be converted into one. Create the node's key with `fabnode key new` "+
		"(or `fabnode key import FILE` for an existing Ethereum key), its password in node.key_password_file or $%s. "+
		"Commitments signed before verify against the old public key %s: keep %s to prove them; the node no longer uses it",
		e.Legacy.File, e.Legacy.PublicKeyHex(), e.Keystore, EnvPassword, e.Legacy.PublicKeyHex(), e.Legacy.File)
}
