package identity_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/identity"
)

// fast keystore parameters: tests only.
func testKeystore(t *testing.T) identity.Keystore {
	return identity.Keystore{Dir: filepath.Join(t.TempDir(), "keystore"), ScryptN: 2, ScryptP: 1}
}

func logTo(buf *bytes.Buffer) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Output: buf, Level: hclog.Debug})
}

// New creates the one key, Unlock opens it with its password only, a
// second New is refused, and the file is a standard keystore file that
// go-ethereum decrypts.
func TestNewUnlockAndWrongPassword(t *testing.T) {
	ks := testKeystore(t)
	k, err := ks.New("pw")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(k.File())
	if err != nil || fi.Mode().Perm() != 0o600 || !strings.HasPrefix(filepath.Base(k.File()), "UTC--") {
		t.Fatalf("key file %s: %v %v", k.File(), fi, err)
	}
	raw, _ := os.ReadFile(k.File())
	gk, err := keystore.DecryptKey(raw, "pw")
	if err != nil || gk.Address != k.Address() {
		t.Fatalf("go-ethereum reads %v %v, want %v", gk, err, k.Address())
	}
	if _, err := ks.New("pw"); !errors.Is(err, identity.ErrKeyExists) || !strings.Contains(err.Error(), k.Address().Hex()) {
		t.Fatalf("second New: %v", err)
	}
	a, err := ks.Only()
	if err != nil || a.Address != k.Address() {
		t.Fatalf("Only: %v %v", a, err)
	}
	if _, err := ks.Unlock(a, "wrong"); !errors.Is(err, identity.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	again, err := ks.Unlock(a, "pw")
	if err != nil || again.Address() != k.Address() || !again.PrivateKey().Equal(k.PrivateKey()) {
		t.Fatalf("unlock: %v", err)
	}
}

// Import takes a hex private key file or a keystore JSON file (decrypted
// with its own password); anything else is refused.
func TestImport(t *testing.T) {
	priv, _ := crypto.GenerateKey()
	want := crypto.PubkeyToAddress(priv.PublicKey)
	for _, hexForm := range []string{hex.EncodeToString(crypto.FromECDSA(priv)), "0x" + hex.EncodeToString(crypto.FromECDSA(priv)) + "\n"} {
		p, err := identity.ParsePrivateKey([]byte(hexForm), "")
		if err != nil || crypto.PubkeyToAddress(p.PublicKey) != want {
			t.Fatalf("hex %q: %v", hexForm, err)
		}
	}
	other := testKeystore(t)
	src, err := other.Import(priv, "source pw")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := os.ReadFile(src.File())
	if _, err := identity.ParsePrivateKey(js, "nope"); !errors.Is(err, identity.ErrWrongPassword) {
		t.Fatalf("keystore JSON with a wrong password: %v", err)
	}
	p, err := identity.ParsePrivateKey(js, "source pw")
	if err != nil {
		t.Fatal(err)
	}
	ks := testKeystore(t)
	k, err := ks.Import(p, "node pw")
	if err != nil || k.Address() != want {
		t.Fatalf("import: %v %v", k, err)
	}
	if a, _ := ks.Only(); a.Address != want {
		t.Fatalf("stored %v", a)
	}
	if _, err := identity.ParsePrivateKey([]byte("not a key"), ""); err == nil {
		t.Fatal("garbage accepted")
	}
}

// SignDigest signs the digest itself as r‖s‖v with v ∈ {27, 28}, and
// Recover gives the node's address back (so a client verifies commitments
// against fabnode.node_key); another digest recovers to someone else.
func TestSignatureRecoversToTheAddress(t *testing.T) {
	ks := testKeystore(t)
	k, _ := ks.New("")
	for i := range 20 {
		d := sha256.Sum256([]byte{byte(i)})
		sig, err := k.SignDigest(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 65 || sig[64] != 27 && sig[64] != 28 {
			t.Fatalf("signature %x", sig)
		}
		got, err := identity.Recover(d, sig)
		if err != nil || got != k.Address() {
			t.Fatalf("recovered %v %v, want %v", got, err, k.Address())
		}
		if a, _ := chain.Recover(d, sig); a != k.Address() {
			t.Fatal("the escrow's recovery disagrees")
		}
		d[0] ^= 1
		if other, _ := identity.Recover(d, sig); other == k.Address() {
			t.Fatal("a changed digest verifies")
		}
	}
}

// Open: the password from a file (its newline dropped) or from
// $FABNODE_KEY_PASSWORD, a clear error without one, and a wrong one named.
func TestOpenPasswordSources(t *testing.T) {
	ks := testKeystore(t)
	k, _ := ks.New("s3cret")
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("s3cret\n"), 0o600)
	t.Setenv(identity.EnvPassword, "")
	got, err := identity.Open(identity.Options{Keystore: ks, PasswordFile: pwFile})
	if err != nil || got.Address() != k.Address() {
		t.Fatalf("password file: %v", err)
	}
	if _, err := identity.Open(identity.Options{Keystore: ks}); !errors.Is(err, identity.ErrNoPassword) {
		t.Fatalf("no password: %v", err)
	}
	t.Setenv(identity.EnvPassword, "s3cret")
	if got, err = identity.Open(identity.Options{Keystore: ks}); err != nil || got.Address() != k.Address() {
		t.Fatalf("env password: %v", err)
	}
	t.Setenv(identity.EnvPassword, "not-the-pw-xyz")
	_, err = identity.Open(identity.Options{Keystore: ks})
	if !errors.Is(err, identity.ErrWrongPassword) || !strings.Contains(err.Error(), identity.EnvPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "not-the-pw-xyz") || strings.Contains(err.Error(), "s3cret") {
		t.Fatal("the error shows a password")
	}
}

// A node without a key refuses to start unless dev_key is on; with it, it
// creates a development key once, says so loudly at every start, and
// opens the same key afterwards.
func TestDevKey(t *testing.T) {
	t.Setenv(identity.EnvPassword, "")
	ks := identity.Keystore{Dir: filepath.Join(t.TempDir(), "keystore")}
	if _, err := identity.Open(identity.Options{Keystore: ks}); !errors.Is(err, identity.ErrNoKey) || !strings.Contains(err.Error(), "fabnode key new") {
		t.Fatalf("no key, no dev_key: %v", err)
	}
	var log bytes.Buffer
	k, err := identity.Open(identity.Options{Keystore: ks, DevKey: true, Log: logTo(&log)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "DEVELOPMENT KEY") || !strings.Contains(log.String(), k.Address().Hex()) || !ks.IsDevKey(k.Address()) {
		t.Fatalf("log:\n%s", log.String())
	}
	log.Reset()
	again, err := identity.Open(identity.Options{Keystore: ks, DevKey: true, Log: logTo(&log)})
	if err != nil || again.Address() != k.Address() || !strings.Contains(log.String(), "DEVELOPMENT KEY") {
		t.Fatalf("second start: %v\n%s", err, log.String())
	}
	// A production config (dev_key off) on that keystore still warns.
	log.Reset()
	if _, err := identity.Open(identity.Options{Keystore: ks, Log: logTo(&log)}); err != nil || !strings.Contains(log.String(), "DEVELOPMENT KEY") {
		t.Fatalf("dev key without dev_key: %v\n%s", err, log.String())
	}
}

// A node that has only the Ed25519 node.key of earlier versions is told
// what happened and what to do, with the old public key; with dev_key it
// gets a new key and the same facts as a warning. The old file stays.
func TestLegacyKeyMigration(t *testing.T) {
	t.Setenv(identity.EnvPassword, "")
	dir := t.TempDir()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	legacy := filepath.Join(dir, "node.key")
	os.WriteFile(legacy, []byte(hex.EncodeToString(seed)+"\n"), 0o600)
	pub := hex.EncodeToString(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	ks := identity.Keystore{Dir: filepath.Join(dir, "keystore"), ScryptN: 2, ScryptP: 1}

	_, err := identity.Open(identity.Options{Keystore: ks, LegacyKeyFile: legacy})
	var me *identity.MigrationError
	if !errors.As(err, &me) {
		t.Fatalf("want a MigrationError, got %v", err)
	}
	for _, want := range []string{legacy, pub, "fabnode key new", "fabnode key import", "cannot be converted", identity.EnvPassword} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("migration message lacks %q:\n%s", want, err)
		}
	}
	var log bytes.Buffer
	k, err := identity.Open(identity.Options{Keystore: ks, LegacyKeyFile: legacy, DevKey: true, Log: logTo(&log)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), pub) || !strings.Contains(log.String(), "DEVELOPMENT KEY") {
		t.Fatalf("dev key over a legacy key, log:\n%s", log.String())
	}
	if b, _ := os.ReadFile(legacy); !strings.Contains(string(b), hex.EncodeToString(seed)) {
		t.Fatal("the old key file changed")
	}
	// Once the node has its key, the old file is only mentioned.
	log.Reset()
	if got, err := identity.Open(identity.Options{Keystore: ks, LegacyKeyFile: legacy, DevKey: true, Log: logTo(&log)}); err != nil || got.Address() != k.Address() ||
		!strings.Contains(log.String(), "no longer used") {
		t.Fatalf("%v\n%s", err, log.String())
	}
}

// Two keys in the keystore are refused, naming both.
func TestTwoKeysAreRefused(t *testing.T) {
	a, b := testKeystore(t), testKeystore(t)
	ka, _ := a.New("")
	kb, _ := b.New("")
	raw, _ := os.ReadFile(kb.File())
	os.WriteFile(filepath.Join(a.Dir, filepath.Base(kb.File())), raw, 0o600)
	_, err := a.Only()
	if err == nil || !strings.Contains(err.Error(), ka.Address().Hex()) || !strings.Contains(err.Error(), kb.Address().Hex()) {
		t.Fatalf("two keys: %v", err)
	}
}
