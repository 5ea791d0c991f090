package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func TestCommitChainSignedByHost(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	rt := plugintest.NewRuntime(t)
	reg := plugin.NewRegistry(rt, plugin.RegistryConfig{Signer: plugin.Ed25519Signer(priv)})
	t.Cleanup(reg.Close)
	if err := reg.Load(context.Background(), plugintest.Manifest(t, "proof", "proof", plugintest.Build(t, "."), nil)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := sdk.CommitRequest{JobID: "job-1", ModelSHA256: sha256.Sum256([]byte("model")), TokenStart: 0, TokenEnd: 64, OutputSHA256: sha256.Sum256([]byte("out1"))}
	c1, err := reg.Proof().Commit(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := abi.CommitDigest(&first)
	if c1.Digest != want || c1.Scheme != abi.CommitScheme {
		t.Fatalf("digest %x scheme %q, want canonical %x", c1.Digest, c1.Scheme, want)
	}
	if !ed25519.Verify(pub, c1.Digest[:], c1.Signature) {
		t.Fatal("host signature does not verify")
	}
	second := first
	second.TokenStart, second.TokenEnd, second.Prev = 64, 128, c1.Digest
	c2, err := reg.Proof().Commit(ctx, second)
	if err != nil || c2.Digest == c1.Digest {
		t.Fatalf("second commitment %x, %v", c2.Digest, err)
	}
	unchained := second
	unchained.Prev = [32]byte{}
	if _, err := reg.Proof().Commit(ctx, unchained); err == nil || !strings.Contains(err.Error(), "require_chain") {
		t.Fatalf("unchained checkpoint accepted: %v", err)
	}
	// A job that ended before its first checkpoint has one final
	// commitment over [0, n), with nothing to chain to.
	single := first
	single.Kind = sdk.CommitFinal
	if _, err := reg.Proof().Commit(ctx, single); err != nil {
		t.Fatalf("single final commitment refused: %v", err)
	}
	bad := first
	bad.TokenEnd = 0
	bad.TokenStart = 5
	bad.Prev = c1.Digest
	if _, err := reg.Proof().Commit(ctx, bad); err == nil || !strings.Contains(err.Error(), "token range") {
		t.Fatalf("inverted token range accepted: %v", err)
	}
}
