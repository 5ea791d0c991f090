package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func TestPolicy(t *testing.T) {
	c := plugintest.Load(t, ".", "cache", map[string]string{
		"ttl": "90s", "exclude_models": "live-model", "semantic_threshold": "0.95",
	}).Cache()
	ctx := context.Background()
	get := func(req sdk.CacheRequest) sdk.CachePolicy {
		t.Helper()
		p, err := c.Policy(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := sdk.CacheRequest{Model: "m", Client: "alice", Prompt: []byte("What is  2+2?\n"), MaxTokens: 16}
	p := get(base)
	if !p.Cacheable || len(p.Key) != 32 || p.TTLMillis != 90_000 || p.SimilarityThreshold != 0.95 {
		t.Fatalf("unexpected policy %+v", p)
	}
	spaced := base
	spaced.Prompt = []byte("  What is 2+2? ")
	if !bytes.Equal(get(spaced).Key, p.Key) {
		t.Error("white space changed the key")
	}
	other := base
	other.Client = "bob"
	if bytes.Equal(get(other).Key, p.Key) || bytes.Equal(get(other).Scope, p.Scope) {
		t.Error("clients share an entry or scope although shared=false")
	}
	reworded := base
	reworded.Prompt = []byte("what's two plus two")
	if r := get(reworded); bytes.Equal(r.Key, p.Key) || !bytes.Equal(r.Scope, p.Scope) {
		t.Error("a different prompt must change the key but not the scope")
	}
	sampled := base
	sampled.Temperature = 0.7
	if get(sampled).Cacheable {
		t.Error("sampled request cacheable")
	}
	sampled.HasSeed, sampled.Seed = true, 42
	if !get(sampled).Cacheable {
		t.Error("seeded request not cacheable")
	}
	excluded := base
	excluded.Model = "live-model"
	if get(excluded).Cacheable {
		t.Error("excluded model cacheable")
	}
}
