package abi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The encoding benchmarks compare this package's binary encoding with
// encoding/json on the two messages that matter for latency: the pricing
// quote (per request) and a 64-byte streamed chunk (per token batch). Each
// op is one encode plus one decode, as a host->guest->host hop does on each
// side. Results and commands: RATIONALE.md.

var (
	benchQuote = QuoteRequest{Model: "llama-3.1-8b-instruct-q4_k_m", Client: "client-0123456789abcdef",
		PromptTokens: 512, MaxTokens: 256, Load: LoadSnapshot{3, 5, 8, 0.62, 41.5}, UnixMillis: 1764100000000}
	benchChunk = ChunkFilter{State: []byte("the last fifteen"), Chunk: bytes.Repeat([]byte("token text "), 6)[:64]}
)

func BenchmarkEncoding(b *testing.B) {
	b.Run("quote/binary", func(b *testing.B) { benchBinary(b, &benchQuote, new(QuoteRequest)) })
	b.Run("quote/json", func(b *testing.B) { benchJSON(b, &benchQuote, new(QuoteRequest)) })
	b.Run("chunk64/binary", func(b *testing.B) { benchBinary(b, &benchChunk, new(ChunkFilter)) })
	b.Run("chunk64/json", func(b *testing.B) { benchJSON(b, &benchChunk, new(ChunkFilter)) })
}

func benchBinary(b *testing.B, in, out msg) {
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = in.AppendBinary(buf[:0])
		if err := out.UnmarshalBinary(buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes")
}

func benchJSON(b *testing.B, in, out any) {
	var n int
	b.ReportAllocs()
	for b.Loop() {
		buf, _ := json.Marshal(in)
		if err := json.Unmarshal(buf, out); err != nil {
			b.Fatal(err)
		}
		n = len(buf)
	}
	b.ReportMetric(float64(n), "bytes")
}
