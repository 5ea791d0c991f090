package identity

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

// Scrypt parameters of the keystore encryption: Standard (geth's default,
// about a second and 256 MiB per encryption or unlock) for production keys,
// Light for development keys and --lightkdf.
const (
	StandardScryptN = keystore.StandardScryptN
	StandardScryptP = keystore.StandardScryptP
	LightScryptN    = keystore.LightScryptN
	LightScryptP    = keystore.LightScryptP
)

// devMarker names the file that marks the keystore's key as a development key.
const devMarker = ".dev-key"

// maxKeyFile bounds what is read of a file that may be a key.
const maxKeyFile = 64 << 10

// Keystore is a directory of go-ethereum keystore files holding the node's key.
type Keystore struct {
	Dir string
	// ScryptN and ScryptP encrypt new keys; 0 means Standard.
	ScryptN, ScryptP int
}

// Account is a key file in the keystore, not yet unlocked.
type Account struct {
	Address common.Address
	File    string
}

// Accounts lists the keystore's key files, by file name. Files that are not
// keystore JSON (and hidden files, such as the writes in progress) are
// skipped.
func (s Keystore) Accounts() ([]Account, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	var out []Account
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), "~") {
			continue
		}
		path := filepath.Join(s.Dir, e.Name())
		b, err := readBounded(path)
		if err != nil {
			return nil, fmt.Errorf("keystore: %w", err)
		}
		if a, ok := keyFileAddress(b); ok {
			out = append(out, Account{Address: a, File: path})
		}
	}
	return out, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxKeyFile))
}

// keyFileAddress returns the address a keystore JSON file declares.
func keyFileAddress(b []byte) (common.Address, bool) {
	var f struct {
		Address     string          `json:"address"`
		Crypto      json.RawMessage `json:"crypto"`
		CryptoUpper json.RawMessage `json:"Crypto"`
	}
	if json.Unmarshal(b, &f) != nil || (f.Crypto == nil && f.CryptoUpper == nil) {
		return common.Address{}, false
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(f.Address, "0x"))
	if err != nil || len(raw) != common.AddressLength {
		return common.Address{}, false
	}
	return common.BytesToAddress(raw), true
}

// Only returns the keystore's one key: ErrNoKey when it has none, an error
// naming them when it has several.
func (s Keystore) Only() (Account, error) {
	accts, err := s.Accounts()
	if err != nil {
		return Account{}, err
	}
	switch len(accts) {
	case 0:
		return Account{}, ErrNoKey
	case 1:
		return accts[0], nil
	}
	var names []string
	for _, a := range accts {
		names = append(names, fmt.Sprintf("%s (%s)", a.Address.Hex(), filepath.Base(a.File)))
	}
	return Account{}, fmt.Errorf("keystore %s holds %d keys, a node has one: %s; move the others out", s.Dir, len(accts), strings.Join(names, ", "))
}

// Unlock decrypts a's key with password.
func (s Keystore) Unlock(a Account, password string) (*Key, error) {
	b, err := readBounded(a.File)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	k, err := keystore.DecryptKey(b, password)
	if errors.Is(err, keystore.ErrDecrypt) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, fmt.Errorf("node key %s: %w", a.File, err)
	}
	if k.Address != a.Address {
		return nil, fmt.Errorf("node key %s declares address %s but holds the key of %s", a.File, a.Address.Hex(), k.Address.Hex())
	}
	return &Key{priv: k.PrivateKey, addr: k.Address, file: a.File}, nil
}

// New creates the node's key, encrypted with password. It refuses when the
// keystore already has a key (ErrKeyExists).
func (s Keystore) New(password string) (*Key, error) { return s.newKey(nil, password, false) }

// Import stores priv as the node's key, encrypted with password. It refuses
// when the keystore already has a key (ErrKeyExists).
func (s Keystore) Import(priv *ecdsa.PrivateKey, password string) (*Key, error) {
	if priv == nil {
		return nil, errors.New("import: no key")
	}
	return s.newKey(priv, password, false)
}

func (s Keystore) newKey(priv *ecdsa.PrivateKey, password string, dev bool) (*Key, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	unlock, err := lockDir(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	defer unlock()
	accts, err := s.Accounts()
	if err != nil {
		return nil, err
	}
	if len(accts) > 0 {
		return nil, fmt.Errorf("%w: %s in %s", ErrKeyExists, accts[0].Address.Hex(), accts[0].File)
	}
	if priv == nil {
		if priv, err = crypto.GenerateKey(); err != nil {
			return nil, err
		}
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, err
	}
	n, p := s.ScryptN, s.ScryptP
	if n == 0 {
		n, p = StandardScryptN, StandardScryptP
	}
	k := &keystore.Key{Id: id, Address: crypto.PubkeyToAddress(priv.PublicKey), PrivateKey: priv}
	b, err := keystore.EncryptKey(k, password, n, p)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(s.Dir, keyFileName(k.Address, time.Now()))
	if err := writeFileAtomic(path, b); err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	marker := filepath.Join(s.Dir, devMarker)
	if dev {
		if err := writeFileAtomic(marker, []byte(k.Address.Hex()+"\n")); err != nil {
			return nil, fmt.Errorf("keystore: %w", err)
		}
	} else if err := os.Remove(marker); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	return &Key{priv: priv, addr: k.Address, file: path}, nil
}

// IsDevKey reports whether addr is the development key the node created
// itself (node.dev_key).
func (s Keystore) IsDevKey(addr common.Address) bool {
	b, err := os.ReadFile(filepath.Join(s.Dir, devMarker))
	return err == nil && strings.EqualFold(strings.TrimSpace(string(b)), addr.Hex())
}

// keyFileName is go-ethereum's naming: UTC--<ISO 8601 time>--<hex address>.
func keyFileName(a common.Address, t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("UTC--%04d-%02d-%02dT%02d-%02d-%02d.%09dZ--%s", t.Year(), t.Month(), t.Day(),
		t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), hex.EncodeToString(a[:]))
}

// writeFileAtomic writes a file mode 0600 under a temporary hidden name and
// renames it into place, so a reader never sees half a key.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// ParsePrivateKey reads a key to import: 64 hex digits (optionally 0x, on
// one line), or a keystore JSON file decrypted with password.
func ParsePrivateKey(data []byte, password string) (*ecdsa.PrivateKey, error) {
	s := strings.TrimSpace(string(data))
	if t := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"); len(t) == 64 && isHex(t) {
		k, err := crypto.HexToECDSA(t)
		if err != nil {
			return nil, fmt.Errorf("not a secp256k1 private key: %w", err)
		}
		return k, nil
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		k, err := keystore.DecryptKey(data, password)
		if errors.Is(err, keystore.ErrDecrypt) {
			return nil, fmt.Errorf("keystore file: %w", ErrWrongPassword)
		}
		if err != nil {
			return nil, fmt.Errorf("keystore file: %w", err)
		}
		return k.PrivateKey, nil
	}
	return nil, errors.New("not a key: want 64 hex digits (a private key) or a keystore JSON file")
}

func isHex(s string) bool {
	return !slices.ContainsFunc([]byte(s), func(c byte) bool {
		return !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
	})
}
