package plugin_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// The hook benchmarks measure one call through the host, from the Go value
// in to the Go value out: encode, borrow an instance, copy in, run the
// guest, bounds-check and copy out, decode, return the instance. Each runs
// with the deadline enforced by the loop guard, as in production; by
// wazero's close-on-context-done, the fallback for modules the guard
// cannot rewrite; and with no deadline at all, to show what each costs.
// Results and commands: BENCHMARKS.md.

func withDeadlineModes(b *testing.B, run func(b *testing.B)) {
	for _, mode := range []struct {
		name            string
		deadline, guard bool
	}{{"deadline=guard", true, true}, {"deadline=wazero", true, false}, {"deadline=off", false, false}} {
		b.Run(mode.name, func(b *testing.B) {
			defer plugin.SetDeadlines(mode.deadline)()
			defer plugin.SetLoopGuard(mode.guard)()
			run(b)
		})
	}
}

func benchRegistry(b *testing.B, ms ...plugin.Manifest) *plugin.Registry {
	_, reg := newHost(b, hostOpts{log: &logSink{}})
	for _, m := range ms {
		m.Limits.Timeout = 0
		mustLoad(b, reg, m)
	}
	return reg
}

// BenchmarkHookNoop is the ping hook with an empty payload: the fixed cost
// of a call, for a hand-written guest (wat) and for a Go guest (SDK).
func BenchmarkHookNoop(b *testing.B) {
	for _, g := range []struct{ name, path string }{{"wat", watPath("ok")}, {"go", pricingWasm(b)}} {
		b.Run(g.name, func(b *testing.B) {
			withDeadlineModes(b, func(b *testing.B) {
				reg := benchRegistry(b, manifest(b, "p", "pricing", g.path, nil))
				p, _ := reg.Plugin("p")
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := p.Call(ctx, abi.HookPing, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkHookQuote is a realistic pricing quote through the facade, with
// the built-in pricing plugin configured with surge and a model multiplier.
func BenchmarkHookQuote(b *testing.B) {
	withDeadlineModes(b, func(b *testing.B) {
		reg := benchRegistry(b, manifest(b, "p", "pricing", pricingWasm(b),
			map[string]string{"surge_max": "0.5", "model.llama-3.1-8b-instruct-q4_k_m": "1.5"}))
		req := abi.QuoteRequest{Model: "llama-3.1-8b-instruct-q4_k_m", Client: "client-0123456789abcdef",
			PromptTokens: 512, MaxTokens: 256, Load: abi.LoadSnapshot{QueueDepth: 3, ActiveRequests: 5, Slots: 8, GPUUtil: 0.62}, UnixMillis: 1764100000000}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reg.Pricing().Quote(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHookFilterChunk64 filters a stream in 64-byte chunks through the
// built-in safety plugin with five blocked phrases and its default
// redaction (e-mail, phone, card), carrying the per-request state from
// chunk to chunk.
func BenchmarkHookFilterChunk64(b *testing.B) {
	withDeadlineModes(b, func(b *testing.B) {
		reg := benchRegistry(b, manifest(b, "s", "safety", safetyWasm(b),
			map[string]string{"deny_output": "secret launch code|rm -rf /|credit card dump|forbidden word|private key"}))
		chunk := bytes.Repeat([]byte("token text "), 6)[:64]
		ctx := context.Background()
		st := reg.Safety().NewStream()
		defer st.Close()
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			r, err := st.Filter(ctx, chunk)
			if err != nil || r.Blocked {
				b.Fatal(r, err)
			}
		}
	})
}

// BenchmarkHookFormatStream64 shapes a stream of markdown prose into html
// in 64-byte chunks through the built-in format plugin, carrying its state.
func BenchmarkHookFormatStream64(b *testing.B) {
	withDeadlineModes(b, func(b *testing.B) {
		reg := benchRegistry(b, manifest(b, "f", "format", plugintest.Build(b, "../../plugins/format"), nil))
		chunk := bytes.Repeat([]byte("some *text* "), 6)[:63]
		chunk = append(chunk, '\n')
		ctx := context.Background()
		st := reg.Format().NewStream(abi.FormatHTML)
		defer st.Close()
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			if _, err := st.Write(ctx, chunk); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoadFromCache is the cost of loading (validating, compiling from
// the on-disk cache, instantiating and self-testing) a Go-guest plugin with
// a pool of one: what a hot swap costs before the switch.
func BenchmarkLoadFromCache(b *testing.B) {
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	m := plugintest.Manifest(b, "p", "pricing", pricingWasm(b), nil)
	m.Limits.PoolSize = 1
	p, err := rt.Load(ctx, m) // fills the cache
	if err != nil {
		b.Fatal(err)
	}
	p.Close(ctx)
	for b.Loop() {
		p, err := rt.Load(ctx, m)
		if err != nil {
			b.Fatal(err)
		}
		p.Close(ctx)
	}
}

// BenchmarkDeadlineOvershoot runs hostile hooks that only their deadline
// (the production default, 100 ms) stops, and reports how long each call
// ran past it: the median and the 99th percentile over the iterations,
// per class. An iteration is one hostile call on a fresh instance (the
// refill after the previous fault happens before the clock starts). Run
// it with -cpu 1,2: GOMAXPROCS=1 is every CPU-only node.
func BenchmarkDeadlineOvershoot(b *testing.B) {
	const timeout = 100 * time.Millisecond
	classes := []struct {
		name, path, model string
		memoryMiB         uint32
	}{
		{"loop", watPath("loop"), "", 0},
		{"recursion-depth60", watPath("recurse"), "", 0},
		{"recursion-depth28", watPath("recurse28"), "", 0},
		{"table-growth", watPath("tablemax"), "", 0},
		{"go-loop", hostileWasm(b), "loop", 0},
		{"go-memory-growth", hostileWasm(b), "grow", 4096},
	}
	for _, c := range classes {
		b.Run(c.name, func(b *testing.B) {
			_, reg := newHost(b, hostOpts{log: &logSink{}})
			m := manifest(b, "p", "pricing", c.path, nil)
			m.Limits.Timeout, m.Limits.PoolSize, m.Limits.MemoryMiB = timeout, 1, c.memoryMiB
			p := mustLoad(b, reg, m)
			in, _ := (&abi.QuoteRequest{Model: c.model}).AppendBinary(nil)
			ctx := context.Background()
			var over []time.Duration
			for b.Loop() {
				b.StopTimer()
				p.Call(ctx, abi.HookPing, nil) // refills the pool
				b.StartTimer()
				start := time.Now()
				_, err := p.Call(ctx, abi.HookQuote, in)
				elapsed := time.Since(start)
				if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
					b.Fatalf("want the deadline to stop it, got %v after %v", err, elapsed)
				}
				over = append(over, elapsed-timeout)
			}
			slices.Sort(over)
			rank := func(q float64) time.Duration { return over[max(0, int(math.Ceil(q*float64(len(over))))-1)] }
			b.ReportMetric(float64(rank(0.50))/1e6, "p50-ms")
			b.ReportMetric(float64(rank(0.99))/1e6, "p99-ms")
			b.ReportMetric(float64(over[len(over)-1])/1e6, "max-ms")
		})
	}
}
