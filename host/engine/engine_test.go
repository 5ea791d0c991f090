package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/gguf"
	"github.com/fabnode/fabnode/host/modelgen"
)

var tinyPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "engine-test")
	if err != nil {
		panic(err)
	}
	tinyPath = filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], tinyPath); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func load(t *testing.T, opts Options) *Model {
	t.Helper()
	m, err := Load(tinyPath, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func greedy(prompt string, max int) Request {
	s := DefaultSampling()
	s.Temperature = 0
	seed := uint32(42)
	s.Seed = &seed
	return Request{Prompt: prompt, MaxTokens: max, Sampling: s}
}

func generate(t *testing.T, m *Model, req Request) (string, Event) {
	t.Helper()
	st, err := m.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return st.Collect(context.Background())
}

func TestLoadDescribesModel(t *testing.T) {
	m := load(t, Options{Parallel: 1, ContextSize: 256})
	info := m.Info()
	if info.Architecture != "llama" || info.Quantization != "F32" || info.ContextLength != 4096 || info.Name != "fabnode-tiny" {
		t.Fatalf("unexpected info %+v", info)
	}
	if info.Parameters < 100_000 || info.ChatTemplate == "" || len(info.Devices) == 0 {
		t.Fatalf("unexpected info %+v", info)
	}
}

func TestGreedyIsDeterministicAndRespectsMaxTokens(t *testing.T) {
	m := load(t, Options{Parallel: 1, ContextSize: 256})
	a, endA := generate(t, m, greedy("the river and the mountain", 24))
	b, _ := generate(t, m, greedy("the river and the mountain", 24))
	if a != b || a == "" {
		t.Fatalf("greedy outputs differ or are empty: %q vs %q", a, b)
	}
	if endA.Finish != FinishLength || endA.Usage.CompletionTokens != 24 {
		t.Fatalf("want length after 24 tokens, got %s after %d", endA.Finish, endA.Usage.CompletionTokens)
	}
	if endA.Usage.PromptTokens == 0 {
		t.Fatal("prompt tokens not counted")
	}
}

func TestSeededSamplingIsDeterministic(t *testing.T) {
	m := load(t, Options{Parallel: 2, ContextSize: 256})
	req := greedy("hello world", 32)
	req.Sampling.Temperature = 0.9
	req.Sampling.TopK = 40
	req.Sampling.TopP = 0.95
	req.Sampling.MinP = 0.01
	req.Sampling.PresencePenalty = 0.5
	a, _ := generate(t, m, req)
	b, _ := generate(t, m, req)
	if a != b {
		t.Fatalf("same seed, different text: %q vs %q", a, b)
	}
	seed := uint32(7)
	req.Sampling.Seed = &seed
	c, _ := generate(t, m, req)
	if c == a {
		t.Fatalf("a different seed gave the same 32 tokens: %q", c)
	}
}

func TestBatchedGreedyEqualsSolo(t *testing.T) {
	m := load(t, Options{Parallel: 8, ContextSize: 256, BatchSize: 64})
	prompts := make([]string, 16)
	for i := range prompts {
		prompts[i] = fmt.Sprintf("story %d: the %s city at night", i, strings.Repeat("green ", i%5))
	}
	solo := make([]string, len(prompts))
	for i, p := range prompts {
		solo[i], _ = generate(t, m, greedy(p, 32))
	}
	batched := make([]string, len(prompts))
	var wg sync.WaitGroup
	for i, p := range prompts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := m.Generate(context.Background(), greedy(p, 32))
			if err != nil {
				t.Error(err)
				return
			}
			batched[i], _ = st.Collect(context.Background())
		}()
	}
	wg.Wait()
	for i := range prompts {
		if solo[i] != batched[i] {
			t.Errorf("prompt %d: solo %q != batched %q", i, solo[i], batched[i])
		}
	}
}

func TestCancelFreesSlotBeforeNextStep(t *testing.T) {
	m := load(t, Options{Parallel: 2, ContextSize: 2048})
	ctx, cancel := context.WithCancel(context.Background())
	st, err := m.Generate(ctx, greedy("a long story", 0))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := st.Next(context.Background())
	if first.Tokens != 1 {
		t.Fatalf("first event %+v", first)
	}
	cancel()
	cancelled := time.Now()
	// Tokens sampled before the cancel may still be queued in the stream;
	// count only those sampled after it.
	tokensAfter := 0
	var last Event
	for {
		e, ok := st.Next(context.Background())
		if !ok {
			break
		}
		if e.At.After(cancelled) {
			tokensAfter += e.Tokens
		}
		last = e
	}
	if last.Finish != FinishCancelled {
		t.Fatalf("finish %q, want cancelled", last.Finish)
	}
	// At most the step already in flight when cancel ran.
	if tokensAfter > 1 {
		t.Fatalf("%d tokens generated after cancel", tokensAfter)
	}
	if got := m.Stats().Busy; got != 0 {
		t.Fatalf("busy slots after cancel = %d", got)
	}
}

func TestStopSequenceCutsOutput(t *testing.T) {
	m := load(t, Options{Parallel: 1, ContextSize: 256})
	full, _ := generate(t, m, greedy("the blue road", 40))
	if len(full) < 12 {
		t.Skipf("output too short to pick a stop sequence: %q", full)
	}
	stop := full[len(full)/2 : len(full)/2+3]
	req := greedy("the blue road", 40)
	req.Stop = []string{stop}
	got, end := generate(t, m, req)
	if want := full[:strings.Index(full, stop)]; got != want || end.Finish != FinishStop {
		t.Fatalf("with stop %q: got %q (%s), want %q", stop, got, end.Finish, want)
	}
}

func TestPromptPrefixIsReused(t *testing.T) {
	m := load(t, Options{Parallel: 1, ContextSize: 512})
	prompt := strings.Repeat("the node answers the question about the chain. ", 8)
	a, first := generate(t, m, greedy(prompt, 8))
	b, second := generate(t, m, greedy(prompt, 8))
	if first.Usage.CachedTokens != 0 {
		t.Fatalf("first request reused %d tokens from an empty cache", first.Usage.CachedTokens)
	}
	if second.Usage.CachedTokens != second.Usage.PromptTokens-1 {
		t.Fatalf("second request reused %d of %d prompt tokens", second.Usage.CachedTokens, second.Usage.PromptTokens)
	}
	if a != b {
		t.Fatalf("cached prefix changed the output: %q vs %q", a, b)
	}
}

// A slot whose cache was filled beside other requests may sit high in
// the KV cache, and a new prompt that reused a few of its tokens stayed
// there: every later step attended over the whole span. From such a slot
// a prefix shorter than minPrefixReuse is read again; a long one, or any
// from a slot filled alone, is reused.
func TestShortPrefixesOfSharedSlotsAreNotReused(t *testing.T) {
	m := load(t, Options{Parallel: 2, ContextSize: 512})
	long := strings.Repeat("the node answers the question about the chain. ", 8)
	prompt := func(shared string, n int) string { return fmt.Sprintf("%s ending %d", shared, n) }
	sharedTokens := func(shared string) int {
		a, _ := m.Tokenize(prompt(shared, 1))
		b, _ := m.Tokenize(prompt(shared, 2))
		return commonPrefix(a, b)
	}
	short := "the node"
	if n := sharedTokens(short); n == 0 || n >= minPrefixReuse {
		t.Fatalf("the short prompts share %d tokens; the test needs 1 to %d", n, minPrefixReuse-1)
	}
	if n := sharedTokens(long); n < minPrefixReuse {
		t.Fatalf("the long prompts share %d tokens; the test needs %d", n, minPrefixReuse)
	}
	// Two requests at once, the first running while the second comes and
	// goes: the first ends last and keeps its cache, shared.
	burst := func(shared string) {
		long := greedy(shared+" burst long", 200)
		for _, id := range modelgen.EndTokens {
			long.Sampling.LogitBias = append(long.Sampling.LogitBias, TokenBias{Token: id, Bias: -100})
		}
		st, err := m.Generate(context.Background(), long)
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := st.Next(context.Background()); !ok || e.Done {
			t.Fatalf("the long request ended at once: %+v", e)
		}
		generate(t, m, greedy(shared+" burst short", 4))
		if _, end := st.Collect(context.Background()); end.Usage.CompletionTokens != 200 {
			t.Fatalf("the long request ended after %d tokens", end.Usage.CompletionTokens)
		}
	}
	reused := func(shared string, n int) int {
		_, end := generate(t, m, greedy(prompt(shared, n), 4))
		return end.Usage.CachedTokens
	}

	generate(t, m, greedy(prompt(short, 1), 4))
	if got := reused(short, 2); got != sharedTokens(short) {
		t.Fatalf("a slot filled alone: %d tokens reused, want %d", got, sharedTokens(short))
	}
	burst(short)
	if got := reused(short, 3); got != 0 {
		t.Fatalf("after a burst, a short prefix: %d tokens reused, want 0", got)
	}
	if got := reused(short, 4); got != sharedTokens(short) {
		t.Fatalf("the slot refilled alone: %d tokens reused, want %d", got, sharedTokens(short))
	}
	burst(long)
	if got := reused(long, 5); got < minPrefixReuse {
		t.Fatalf("after a burst, a long prefix: %d tokens reused, want at least %d", got, minPrefixReuse)
	}
}

func TestRejectsBadInput(t *testing.T) {
	m := load(t, Options{Parallel: 1, ContextSize: 64})
	if _, err := m.Generate(context.Background(), greedy(strings.Repeat("word ", 200), 4)); err == nil || !strings.Contains(err.Error(), "context") {
		t.Fatalf("long prompt: %v", err)
	}
	bad := greedy("x", 4)
	bad.Sampling.Temperature = 3
	if _, err := m.Generate(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "temperature") {
		t.Fatalf("bad temperature: %v", err)
	}
	if _, err := m.Generate(context.Background(), greedy("x", -1)); err == nil || !strings.Contains(err.Error(), "max_tokens") {
		t.Fatalf("negative max_tokens: %v", err)
	}
}

func TestRefusesGPULayersWithoutGPU(t *testing.T) {
	if len(GPUs()) > 0 {
		t.Skip("a GPU backend is loaded")
	}
	_, err := Load(tinyPath, Options{GPULayers: 99}, nil)
	if err == nil || !strings.Contains(err.Error(), "no GPU backend") {
		t.Fatalf("want a clear no-GPU error, got %v", err)
	}
}

func TestRefusesTruncatedFile(t *testing.T) {
	data, err := os.ReadFile(tinyPath)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.gguf")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cut, Options{}, nil); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("want truncated error, got %v", err)
	}
}

func TestCloseEndsRequests(t *testing.T) {
	m, err := Load(tinyPath, Options{Parallel: 1, ContextSize: 2048}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.Generate(context.Background(), greedy("hello", 0))
	if err != nil {
		t.Fatal(err)
	}
	st.Next(context.Background())
	done := make(chan Event)
	go func() { _, e := st.Collect(context.Background()); done <- e }()
	m.Close()
	select {
	case e := <-done:
		if e.Finish != FinishError {
			t.Fatalf("finish %q after close", e.Finish)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("request did not end after Close")
	}
}

// Quantized weights written by our own encoders load and run in llama.cpp,
// which reports the quantization back.
func TestQuantizedModelsRun(t *testing.T) {
	for _, typ := range []string{"F16", "Q8_0", "Q4_0"} {
		t.Run(typ, func(t *testing.T) {
			spec := modelgen.Presets["tiny"]
			tt, err := gguf.ParseTensorType(typ)
			if err != nil {
				t.Fatal(err)
			}
			spec.WeightType = tt
			path := filepath.Join(t.TempDir(), typ+".gguf")
			if _, err := modelgen.Generate(spec, path); err != nil {
				t.Fatal(err)
			}
			m, err := Load(path, Options{Parallel: 1, ContextSize: 128}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Info().Quantization != typ {
				t.Fatalf("quantization %q", m.Info().Quantization)
			}
			st, err := m.Generate(context.Background(), greedy("the green river", 8))
			if err != nil {
				t.Fatal(err)
			}
			text, end := st.Collect(context.Background())
			if end.Usage.CompletionTokens != 8 || text == "" {
				t.Fatalf("%s generated %q (%+v)", typ, text, end)
			}
		})
	}
}

// TestCloseReleasesContextMemory loads and closes a model with a large KV
// cache repeatedly: a context that is not freed grows the process by its
// whole KV cache each time.
func TestCloseReleasesContextMemory(t *testing.T) {
	cycle := func() {
		m, err := Load(tinyPath, Options{Parallel: 8, ContextSize: 4096}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, end := generate(t, m, greedy("hello", 2)); end.Err != nil {
			t.Fatal(end.Err)
		}
		m.Close()
	}
	for range 3 {
		cycle()
	}
	debug.FreeOSMemory()
	before := residentBytes(t)
	const cycles = 20
	for range cycles {
		cycle()
	}
	// Each context holds about 36 MiB (an 8 MiB KV cache and compute
	// buffers); before Close freed it, 20 cycles grew the process by 700
	// MiB. The bound leaves room for the Go heap of the tests around.
	debug.FreeOSMemory()
	if grown := residentBytes(t) - before; grown > 96<<20 {
		t.Fatalf("resident memory grew %d MiB over %d load/close cycles", grown>>20, cycles)
	}
}

func residentBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		t.Fatal(err)
	}
	return resident * int64(os.Getpagesize())
}
