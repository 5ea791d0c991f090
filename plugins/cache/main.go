// Command cache is the built-in cache policy plugin. It decides whether a
// completion may be served from the host's response cache, under which key
// and for how long. The host owns the store.
//
// Only deterministic requests are cacheable by default (temperature 0, or a
// fixed seed): caching a sampled answer would make every client see the same
// sample.
//
// Configuration (all optional):
//
//	ttl                 how long an entry lives (default 10m)
//	max_temperature     cache requests up to this temperature (default 0)
//	shared              "true": one entry serves all clients (default false:
//	                    the client id is part of the key)
//	fold_case           "true": prompts differing only in case share an entry
//	exclude_models      models never cached, separated by "|"
//	semantic_threshold  cosine similarity in (0,1] for semantic lookup on the
//	                    engine's embeddings (default 0 = exact match only)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o cache.wasm .
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/fabnode/fabnode/sdk"
)

var cfg struct {
	ttl               time.Duration
	maxTemperature    float64
	shared, foldCase  bool
	exclude           map[string]bool
	semanticThreshold float64
}

func configure(c sdk.Config) (err error) {
	if cfg.ttl, err = c.Duration("ttl", 10*time.Minute); err != nil {
		return err
	}
	if cfg.ttl <= 0 || cfg.ttl.Milliseconds() > math.MaxUint32 {
		return fmt.Errorf(`config "ttl": %v out of range`, cfg.ttl)
	}
	if cfg.maxTemperature, err = c.Float("max_temperature", 0); err != nil {
		return err
	}
	if cfg.shared, err = c.Bool("shared", false); err != nil {
		return err
	}
	if cfg.foldCase, err = c.Bool("fold_case", false); err != nil {
		return err
	}
	if cfg.semanticThreshold, err = c.Float("semantic_threshold", 0); err != nil {
		return err
	}
	if cfg.semanticThreshold < 0 || cfg.semanticThreshold > 1 {
		return fmt.Errorf(`config "semantic_threshold": %v not in [0,1]`, cfg.semanticThreshold)
	}
	cfg.exclude = map[string]bool{}
	for _, m := range c.List("exclude_models", "|") {
		cfg.exclude[m] = true
	}
	return nil
}

// normalize collapses runs of white space and trims the ends, so prompts that
// differ only in formatting share an entry.
func normalize(p []byte) []byte {
	out := bytes.Join(bytes.Fields(p), []byte{' '})
	if cfg.foldCase {
		out = bytes.ToLower(out)
	}
	return out
}

func policy(req sdk.CacheRequest) (sdk.CachePolicy, error) {
	deterministic := float64(req.Temperature) <= cfg.maxTemperature || req.HasSeed
	if !deterministic || cfg.exclude[req.Model] {
		return sdk.CachePolicy{}, nil
	}
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(b))))
		h.Write(b)
	}
	field([]byte("fabnode-cache-v1"))
	field([]byte(req.Model))
	if !cfg.shared {
		field([]byte(req.Client))
	}
	scope := h.Sum(nil) // model (and client): where a semantic match may come from
	field(normalize(req.Prompt))
	var nums []byte
	nums = binary.LittleEndian.AppendUint32(nums, req.MaxTokens)
	nums = binary.LittleEndian.AppendUint32(nums, math.Float32bits(req.Temperature))
	if req.HasSeed {
		nums = binary.LittleEndian.AppendUint64(nums, req.Seed)
	}
	field(nums)
	return sdk.CachePolicy{
		Cacheable:           true,
		Key:                 h.Sum(nil),
		TTLMillis:           uint32(cfg.ttl.Milliseconds()),
		SimilarityThreshold: float32(cfg.semanticThreshold),
		Scope:               scope,
	}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindCache, Name: "fabnode-cache/1", Init: configure, CachePolicy: policy})
}

func main() {}
