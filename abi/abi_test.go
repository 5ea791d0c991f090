package abi

import (
	"bytes"
	"encoding"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type msg interface {
	AppendBinary([]byte) ([]byte, error)
	encoding.BinaryUnmarshaler
}

func h(b byte) (x [32]byte) {
	for i := range x {
		x[i] = b + byte(i)
	}
	return x
}

// samples has one fully populated value of every message.
func samples() []msg {
	return []msg{
		&Description{Kind: KindSafety, Hooks: HookCheckPrompt.Bit() | HookFilterChunk.Bit(), Name: "s/1"},
		&PromptCheck{Model: "m", Client: "c", Prompt: []byte("hi")},
		&Verdict{Action: ActionRewrite, Reason: "r", Rewritten: []byte("x")},
		&ChunkFilter{State: []byte("st"), Chunk: []byte("ch"), Final: true},
		&ChunkResult{Action: ActionDeny, Reason: "no", Emit: []byte("e"), State: []byte("s")},
		&RedactRequest{Text: []byte("t")},
		&RedactResult{Text: []byte("t"), Count: 3},
		&FormatRequest{Format: FormatJSON, Text: []byte("{}")},
		&FormatResult{Text: []byte("{}"), Valid: true, Problem: "p"},
		&FormatChunk{Format: FormatHTML, State: []byte("st"), Chunk: []byte("ch"), Final: true},
		&FormatChunkResult{Emit: []byte("e"), State: []byte("s"), Held: 3, Valid: true, Problem: "p"},
		&CacheRequest{Model: "m", Client: "c", Prompt: []byte("p"), Temperature: 0.5, MaxTokens: 9, Seed: 7, HasSeed: true},
		&CachePolicy{Cacheable: true, Key: []byte("k"), TTLMillis: 5, SimilarityThreshold: 0.9, Scope: []byte("s")},
		&QuoteRequest{Model: "m", Client: "c", PromptTokens: 1, MaxTokens: 2, Load: LoadSnapshot{3, 4, 5, 0.5, 12.5}, UnixMillis: -8, Cached: true},
		&Quote{InputNanosPerToken: 1, OutputNanosPerToken: -2, Currency: "EUR", ValidUntilUnixMilli: 9},
		&CommitRequest{Kind: CommitFinal, JobID: "j", ModelSHA256: h(1), TokenStart: 2, TokenEnd: 3, OutputSHA256: h(4), Prev: h(5)},
		&Commitment{Digest: h(6), Scheme: CommitScheme},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, m := range samples() {
		b, err := m.AppendBinary([]byte("prefix"))
		if err != nil {
			t.Fatal(err)
		}
		got := reflect.New(reflect.TypeOf(m).Elem()).Interface().(msg)
		if err := got.UnmarshalBinary(b[len("prefix"):]); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%T: round trip gave %+v, want %+v", m, got, m)
		}
		// Every strict prefix is rejected as truncated, never a panic,
		// except the encoding of an older minor version, which ends before
		// the optional fields added since (ABI.md, Versioning).
		body := b[len("prefix"):]
		older := map[int]bool{}
		if _, ok := m.(*QuoteRequest); ok {
			older[len(body)-1] = true // v1.1: no Cached
		}
		for n := range len(body) {
			err := reflect.New(reflect.TypeOf(m).Elem()).Interface().(msg).UnmarshalBinary(body[:n])
			if err == nil && !older[n] {
				t.Fatalf("%T: %d of %d bytes decoded without error", m, n, len(body))
			}
			if err != nil && older[n] {
				t.Fatalf("%T: the older minor's %d bytes: %v", m, n, err)
			}
		}
	}
}

// A v1.1 host's QuoteRequest has no Cached field; a v1.2 plugin reads it
// as false, and a v1.1 plugin ignores the byte a v1.2 host appends.
func TestQuoteRequestAcrossMinorVersions(t *testing.T) {
	q := QuoteRequest{Model: "m", PromptTokens: 3, UnixMillis: 7}
	b, _ := q.AppendBinary(nil)
	var old QuoteRequest
	if err := old.UnmarshalBinary(b[:len(b)-1]); err != nil || old.Cached || old.PromptTokens != 3 || old.UnixMillis != 7 {
		t.Fatalf("v1.1 encoding: %+v, %v", old, err)
	}
	q.Cached = true
	b, _ = q.AppendBinary(nil)
	if b[len(b)-1] != 1 {
		t.Fatalf("Cached is not the last byte: %v", b)
	}
}

func TestDecodeErrorsNameTheMessage(t *testing.T) {
	var q Quote
	err := q.UnmarshalBinary([]byte{1, 2, 3})
	if !errors.Is(err, ErrShort) || !strings.Contains(err.Error(), "decoding Quote") {
		t.Errorf("got %v", err)
	}
	var p PromptCheck // length prefix claims 4 GiB
	if err := p.UnmarshalBinary([]byte{0xff, 0xff, 0xff, 0xff}); !errors.Is(err, ErrShort) {
		t.Errorf("huge length: %v", err)
	}
	var f FormatResult
	if err := f.UnmarshalBinary([]byte{0, 0, 0, 0, 7, 0, 0, 0, 0}); err == nil || !strings.Contains(err.Error(), "invalid bool") {
		t.Errorf("bad bool: %v", err)
	}
	if _, err := DecodeConfig([]byte{0xff, 0xff, 0xff, 0x7f}); err == nil || !strings.Contains(err.Error(), "cannot fit") {
		t.Errorf("config count: %v", err)
	}
}

func TestConfigIsCanonical(t *testing.T) {
	a, _ := Config{"b": "2", "a": "1"}.AppendBinary(nil)
	b, _ := Config{"a": "1", "b": "2"}.AppendBinary(nil)
	if !bytes.Equal(a, b) {
		t.Fatal("equal maps encode differently")
	}
	c, err := DecodeConfig(a)
	if err != nil || c["a"] != "1" || c["b"] != "2" || len(c) != 2 {
		t.Fatalf("%v %v", c, err)
	}
}

func TestVersionAndKinds(t *testing.T) {
	if maj, min := UnpackVersion(PackVersion(1, 7)); maj != 1 || min != 7 {
		t.Error(maj, min)
	}
	if p, n := UnpackResult(PackResult(0xdeadbeef, 42)); p != 0xdeadbeef || n != 42 {
		t.Error(p, n)
	}
	for k := KindSafety; k <= KindProof; k++ {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("%v: %v %v", k, got, err)
		}
		if RequiredHooks(k) == 0 {
			t.Errorf("%v has no required hooks", k)
		}
	}
	if _, err := ParseKind("nope"); err == nil {
		t.Error("unknown kind parsed")
	}
}

func TestCommitDigest(t *testing.T) {
	req := CommitRequest{JobID: "job", ModelSHA256: h(1), TokenEnd: 10, OutputSHA256: h(2)}
	d1, err := CommitDigest(&req)
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*CommitRequest){
		"job":    func(r *CommitRequest) { r.JobID = "job2" },
		"model":  func(r *CommitRequest) { r.ModelSHA256[0]++ },
		"range":  func(r *CommitRequest) { r.TokenEnd++ },
		"output": func(r *CommitRequest) { r.OutputSHA256[31]++ },
		"prev":   func(r *CommitRequest) { r.Prev[0] = 1 },
		"kind":   func(r *CommitRequest) { r.Kind = CommitFinal },
	} {
		r := req
		mutate(&r)
		if d2, _ := CommitDigest(&r); d2 == d1 {
			t.Errorf("changing %s did not change the digest", name)
		}
	}
	bad := req
	bad.TokenStart = 11
	if _, err := CommitDigest(&bad); err == nil {
		t.Error("inverted range accepted")
	}
}

// FuzzDecode checks that no input makes a decoder panic.
func FuzzDecode(f *testing.F) {
	for _, m := range samples() {
		b, _ := m.AppendBinary(nil)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range samples() {
			_ = m.UnmarshalBinary(b)
		}
		_, _ = DecodeConfig(b)
	})
}
