package plugin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// TestHostileGoGuest runs every misbehaviour of a real Go guest several
// times against a host that also serves a good plugin, and checks that each
// is contained: the call fails with a fault naming the cause, the instance is
// discarded, the good plugin and the hostile plugin's fresh instances keep
// serving, and neither the instance count nor the heap grows.
func TestHostileGoGuest(t *testing.T) {
	log := &logSink{}
	_, reg := newHost(t, hostOpts{log: log})
	mustLoad(t, reg, manifest(t, "good-safety", "safety", safetyWasm(t), map[string]string{"deny_prompt": "build a bomb"}))
	hm := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	hm.Limits.MemoryMiB = 32
	hostile := mustLoad(t, reg, hm)
	if !hostile.LoopGuarded() {
		t.Fatal("the Go guest's deadlines fell back to wazero's check: the loop guard did not apply")
	}
	ctx := context.Background()
	quote := func(mode string) (abi.Quote, error) {
		return reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: mode})
	}
	if _, err := quote("ok"); err != nil {
		t.Fatal(err)
	}
	pool := hostile.Stats().Instances
	baseline := heapInuse()

	cases := []struct {
		mode   string
		reason string // in the FaultError
		stderr string // in the captured guest stderr, if any
	}{
		{"loop", "deadline exceeded", ""},
		{"bomb", "trap", "out of memory"},
		{"panic", "trap", "panic: hostile: panic in hook"},
		{"huge", "exceeds max_output_bytes", ""},
		{"exit", "exited with code 3", ""},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			for range 3 {
				_, err := quote(c.mode)
				var fault *plugin.FaultError
				if !errors.As(err, &fault) {
					t.Fatalf("want a FaultError, got %v", err)
				}
				if !strings.Contains(fault.Reason, c.reason) || !strings.Contains(fault.Stderr, c.stderr) {
					t.Fatalf("fault %q (stderr %q), want reason %q and stderr %q", fault.Reason, fault.Stderr, c.reason, c.stderr)
				}
				// The memory bomb must be stopped by the memory limit (the
				// guest runtime's out-of-memory trap), not by the deadline,
				// also under -race.
				if c.mode == "bomb" && fault.Reason != "trap" {
					t.Fatalf("the memory bomb was stopped by %q, not by the memory limit", fault.Reason)
				}
				assertSafetyServes(t, reg)
				if _, err := quote("ok"); err != nil {
					t.Fatalf("hostile plugin did not recover with a fresh instance: %v", err)
				}
				if n := hostile.Stats().Instances; n > pool {
					t.Fatalf("%d instances alive, pool is %d", n, pool)
				}
			}
		})
	}
	if got := hostile.Stats().Faults; got != int64(3*len(cases)) {
		t.Errorf("faults = %d, want %d", got, 3*len(cases))
	}
	// Linear memories of discarded instances (up to 32 MiB each for the
	// bomb) must have been released.
	if after := heapInuse(); after > baseline+16<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", baseline, after)
	}
}

// TestSandboxHasNoOutsideWorld: a guest that tries the filesystem, the
// environment and its arguments finds nothing.
func TestSandboxHasNoOutsideWorld(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	mustLoad(t, reg, manifest(t, "hostile", "pricing", hostileWasm(t), nil))
	q, err := reg.Pricing().Quote(context.Background(), abi.QuoteRequest{Model: "escape"})
	if err != nil {
		t.Fatal(err)
	}
	if q.Currency != "sandboxed" {
		t.Errorf("the guest reached outside: %s", q.Currency)
	}
}

// TestLogFloodIsBounded has a guest write 10 MiB to stdout in one call: the
// call succeeds, and only about max_log_bytes of it reaches the node log.
func TestLogFloodIsBounded(t *testing.T) {
	log := &logSink{}
	_, reg := newHost(t, hostOpts{log: log})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	m.Limits.MaxLogBytes = 4096
	m.Limits.Timeout = 0 // default; flooding takes a moment
	mustLoad(t, reg, m)
	for range 2 {
		if _, err := reg.Pricing().Quote(context.Background(), abi.QuoteRequest{Model: "flood"}); err != nil {
			t.Fatal(err)
		}
	}
	out := log.String()
	if !strings.Contains(out, "guest output over budget, dropped") || !strings.Contains(out, "bytes=10235904") {
		t.Errorf("dropped bytes not reported:\n%.2000s", out)
	}
	// Two calls, 4 KiB each, plus per-line log formatting overhead.
	if n := log.Len(); n > 2*4096*3 {
		t.Errorf("log grew to %d bytes for a 4096-byte budget per call", n)
	}
}

// TestPanicInInit: a plugin that panics in a Go init function (inside
// _initialize), or whose fab_init panics or fails, is refused at load with
// the reason.
func TestPanicInInit(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	err := reg.Load(context.Background(), manifest(t, "initpanic", "pricing", plugintest.Build(t, "testdata/guests/initpanic"), nil))
	if err == nil || !strings.Contains(err.Error(), "instantiation failed") || !strings.Contains(err.Error(), "initpanic: panic in Go init") {
		t.Errorf("panic in Go init: want instantiation failure with the panic message, got %v", err)
	}
	for mode, want := range map[string]string{
		"panic": "hostile: panic in init",
		"fail":  "rejected its configuration: hostile: refusing to start",
	} {
		err := reg.Load(context.Background(), manifest(t, "h-"+mode, "pricing", hostileWasm(t), map[string]string{"init": mode}))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("init=%s: want load error containing %q, got %v", mode, want, err)
		}
	}
	if len(reg.Names()) != 0 {
		t.Errorf("refused plugins were registered: %v", reg.Names())
	}
}

// TestHostileWatModules covers misbehaviour a Go guest cannot easily
// produce: bad ABI shape at load, and bad results at call time.
func TestHostileWatModules(t *testing.T) {
	ctx := context.Background()
	rt, reg := newHost(t, hostOpts{})
	mustLoad(t, reg, manifest(t, "good-safety", "safety", safetyWasm(t), map[string]string{"deny_prompt": "build a bomb"}))

	for name, want := range map[string]string{
		"abi2":      fmt.Sprintf("built for ABI v2.0, this host speaks v%d.%d", abi.Major, abi.Minor),
		"nocall":    `missing export "fab_call"`,
		"inittrap":  "instantiation failed",
		"badimport": "imports env.mystery: only wasi_snapshot_preview1 is provided",
		// Invalid: global.set of a global it does not declare. The rewrite
		// would have given it the loop guard's counter.
		"badglobal": "invalid module: global.set refers to global 0, the module has 0",
		"bigtable":  "the module's tables declare 2097152 elements, more than the 1048576 allowed",
	} {
		_, err := rt.Load(ctx, manifest(t, name, "pricing", watPath(name), nil))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want load error containing %q, got %v", name, want, err)
		}
	}

	baseline := heapInuse()
	for name, want := range map[string]string{
		"oob":       "lies outside the 65536-byte memory",
		"oversized": "exceeds max_output_bytes",
		"loop":      "deadline exceeded",
		"procexit":  "guest exited with code 7",
		// No loop instruction at all: 2^60 calls, and 2^28.
		"recurse":   "deadline exceeded",
		"recurse28": "deadline exceeded",
		// table.grow in a loop, with no declared maximum and with the
		// largest one.
		"tablegrow": "deadline exceeded",
		"tablemax":  "deadline exceeded",
	} {
		t.Run(name, func(t *testing.T) {
			p, err := rt.Load(ctx, manifest(t, name, "pricing", watPath(name), nil))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(ctx)
			if !p.LoopGuarded() {
				t.Error("deadlines fell back to wazero's check: the loop guard did not apply")
			}
			for range 3 {
				_, err := p.Call(ctx, abi.HookQuote, nil)
				var fault *plugin.FaultError
				if !errors.As(err, &fault) || !strings.Contains(err.Error(), want) {
					t.Fatalf("want fault containing %q, got %v", want, err)
				}
				// Describe and ping still work on a fresh instance.
				if out, err := p.Call(ctx, abi.HookPing, []byte("hi")); err != nil || string(out) != "hi" {
					t.Fatalf("plugin did not recover: %q %v", out, err)
				}
				assertSafetyServes(t, reg)
			}
			if s := p.Stats(); s.Faults != 3 || s.Instances > 2 {
				t.Errorf("stats %+v: want 3 faults and at most 2 instances", s)
			}
		})
	}

	if after := heapInuse(); after > baseline+16<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", baseline, after)
	}

	p, err := rt.Load(ctx, manifest(t, "ok", "pricing", watPath("ok"), nil))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	_, err = p.Call(ctx, abi.HookQuote, nil)
	var perr *plugin.PluginError
	if !errors.As(err, &perr) || !strings.Contains(err.Error(), "not implemented") {
		t.Errorf("unsupported hook: want PluginError, got %v", err)
	}
	if p.Stats().Faults != 0 {
		t.Error("a declined call counted as a fault")
	}
}

// TestConcurrentHammerNeverSharesInstances calls one plugin from many
// goroutines. The guest refuses a call that enters while another is running
// in the same instance, and numbers calls per instance: every (instance,
// call number) pair must be seen exactly once and the numbers of each
// instance must be 1..n with no gaps.
func TestConcurrentHammerNeverSharesInstances(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	m.Limits.PoolSize = 3
	m.Limits.Timeout = 0
	p := mustLoad(t, reg, m)
	const goroutines, each = 12, 40
	var mu sync.Mutex
	seen := map[string]int{}
	perInstance := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q, err := reg.Pricing().Quote(context.Background(), abi.QuoteRequest{Model: "work", PromptTokens: uint32(g*each + i)})
				if err != nil {
					errs <- err
					return
				}
				id, _, _ := strings.Cut(q.Currency, "-")
				mu.Lock()
				seen[q.Currency]++
				perInstance[id]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(perInstance) > 3 {
		t.Errorf("%d instances served calls, pool is 3", len(perInstance))
	}
	total := 0
	for id, n := range perInstance {
		total += n
		for k := 1; k <= n; k++ {
			if seen[fmt.Sprintf("%s-%d", id, k)] != 1 {
				t.Fatalf("instance %s call %d seen %d times", id, k, seen[fmt.Sprintf("%s-%d", id, k)])
			}
		}
	}
	if total != goroutines*each || p.Stats().Faults != 0 {
		t.Errorf("total %d calls, %d faults", total, p.Stats().Faults)
	}
}

// TestCallerCancellationIsNotAPluginFault: a caller that gives up while a
// guest runs gets its context error; the interrupted instance is discarded
// but the plugin is not blamed.
func TestCallerCancellationIsNotAPluginFault(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	m.Limits.CrashLoopFailures = 1
	p := mustLoad(t, reg, m)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "ok"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := reg.Pricing().Quote(short, abi.QuoteRequest{Model: "loop"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want context.DeadlineExceeded, got %v", err)
	}
	if s := p.Stats(); s.Faults != 0 || !s.Healthy {
		t.Errorf("caller cancellation blamed on the plugin: %+v", s)
	}
	if _, err := reg.Pricing().Quote(context.Background(), abi.QuoteRequest{Model: "ok"}); err != nil {
		t.Fatal(err)
	}
}

// TestCrashLoopBreaker: after crash_loop_failures faults within the window
// the plugin is marked unhealthy and calls fail fast, in pricing's failure
// direction (the fallback quote), without running the guest; after the
// cooldown it is tried again.
func TestCrashLoopBreaker(t *testing.T) {
	clock := &fakeClock{}
	fallback := abi.Quote{InputNanosPerToken: 7, OutputNanosPerToken: 9, Currency: "USD", ValidUntilUnixMilli: 1}
	_, reg := newHost(t, hostOpts{clock: clock.Now, regCfg: plugin.RegistryConfig{FallbackQuote: &fallback}})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	m.Limits.CrashLoopFailures = 3
	p := mustLoad(t, reg, m)
	ctx := context.Background()
	for range 3 {
		if q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "panic"}); err == nil || q != fallback {
			t.Fatalf("faulting call: got %+v %v, want the fallback quote and an error", q, err)
		}
	}
	calls := p.Stats().Calls
	q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "ok"})
	if !errors.Is(err, plugin.ErrUnhealthy) || q != fallback {
		t.Fatalf("breaker open: got %+v %v, want fallback and ErrUnhealthy", q, err)
	}
	if p.Stats().Calls != calls || p.Stats().Healthy {
		t.Errorf("guest was called while the breaker was open: %+v", p.Stats())
	}
	clock.Advance(31 * time.Second)
	if q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "ok"}); err != nil || q.Currency == "USD" {
		t.Fatalf("after cooldown: %+v %v", q, err)
	}
}

// TestInitLoopNamesInit: a fab_init that never returns is stopped at the
// instantiation limit and the error names fab_init, not a hook.
func TestInitLoopNamesInit(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "initloop", "pricing", hostileWasm(t), map[string]string{"init": "loop"})
	m.Limits.Timeout = 10 * time.Millisecond // instantiation limit: 2 s
	err := reg.Load(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), `plugin "initloop" fab_init: deadline exceeded (instantiation and init limit 2s)`) {
		t.Fatalf("want fab_init named with its limit, got %v", err)
	}
	if strings.Contains(err.Error(), "describe") {
		t.Errorf("the error names the describe hook: %v", err)
	}
}

// TestRefillByAGoneCallerIsNotAPluginFault: replacing a discarded instance
// on the request path (fab_init takes 200 ms here) for a caller whose
// context ends meanwhile fails with the caller's error, and neither counts
// as a fault nor trips the crash-loop breaker (which would make a safety
// plugin deny every prompt).
func TestRefillByAGoneCallerIsNotAPluginFault(t *testing.T) {
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), map[string]string{"init": "slow"})
	m.Limits.PoolSize = 1
	m.Limits.CrashLoopFailures = 2
	p := mustLoad(t, reg, m)
	ctx := context.Background()
	if _, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "panic"}); err == nil {
		t.Fatal("the panicking call succeeded")
	}
	if s := p.Stats(); s.Faults != 1 || s.Instances != 0 {
		t.Fatalf("after the panic: %+v", s)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err := reg.Pricing().Quote(short, abi.QuoteRequest{Model: "ok"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the caller's deadline, got %v", err)
	}
	if s := p.Stats(); s.Faults != 1 || !s.Healthy {
		t.Errorf("the caller's deadline during a refill was blamed on the plugin: %+v", s)
	}
	if _, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "ok", UnixMillis: 1}); err != nil {
		t.Fatalf("the plugin does not serve after the refill: %v", err)
	}
}

// TestTablesCountAgainstTheMemoryLimit: what a module's tables may hold (8
// bytes per element in wazero) comes off its memory limit; a module whose
// tables leave no room is refused. tablemax declares the largest maximum
// a table can have, which the host lowers to 2^20 elements (8 MiB).
func TestTablesCountAgainstTheMemoryLimit(t *testing.T) {
	ctx := context.Background()
	rt, _ := newHost(t, hostOpts{})
	m := manifest(t, "tablemax", "pricing", watPath("tablemax"), nil)
	m.Limits.MemoryMiB = 8
	if _, err := rt.Load(ctx, m); err == nil || !strings.Contains(err.Error(), "its tables may hold 1048576 elements (8192 KiB), more than limits.memory_mib 8 leaves room for") {
		t.Fatalf("tables larger than the memory limit: %v", err)
	}
	m.Limits.MemoryMiB = 16
	p, err := rt.Load(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	// Each call grows its table to the cap, then spins until its deadline
	// discards the instance: the heap does not keep what they grew.
	baseline := heapInuse()
	for range 6 {
		if _, err := p.Call(ctx, abi.HookQuote, nil); err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
			t.Fatalf("want the deadline, got %v", err)
		}
	}
	if after := heapInuse(); after > baseline+24<<20 {
		t.Errorf("heap in use grew from %d to %d bytes over six table.grow bombs", baseline, after)
	}
}

// TestDiscardedVersionsFreeTheirMemory: every version of a plugin that is
// closed (replaced, removed, or refused at load) gives back what wazero
// holds for its compiled module: the registry's runtimes share one
// compilation cache, and wazero keeps a compiled module until it is
// closed. Eight versions, each with a 4 MiB data segment, are loaded and
// closed; the heap must not keep them.
func TestDiscardedVersionsFreeTheirMemory(t *testing.T) {
	ctx := context.Background()
	rt, _ := newHost(t, hostOpts{})
	ok, err := os.ReadFile(watPath("ok"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	load := func(i int) {
		path := filepath.Join(dir, fmt.Sprintf("v%d.wasm", i))
		if err := os.WriteFile(path, withPassiveData(t, ok, bytes.Repeat([]byte{byte(i)}, 4<<20)), 0o644); err != nil {
			t.Fatal(err)
		}
		m := manifest(t, "v", "pricing", path, nil)
		m.Limits.PoolSize = 1
		p, err := rt.Load(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		p.Close(ctx)
	}
	load(0)
	baseline := heapInuse()
	for i := 1; i <= 8; i++ {
		load(i)
	}
	if after := heapInuse(); after > baseline+12<<20 {
		t.Errorf("heap in use grew from %d to %d bytes over eight closed 4 MiB versions", baseline, after)
	}
}

// withPassiveData returns module with one more (passive) data segment.
func withPassiveData(t *testing.T, module, data []byte) []byte {
	t.Helper()
	uleb := func(n int) []byte {
		var b []byte
		for ; n >= 0x80; n >>= 7 {
			b = append(b, byte(n)|0x80)
		}
		return append(b, byte(n))
	}
	readU32 := func(b []byte) (int, int) {
		v, shift := 0, 0
		for i, c := range b {
			v |= int(c&0x7F) << shift
			shift += 7
			if c&0x80 == 0 {
				return v, i + 1
			}
		}
		t.Fatal("bad LEB128")
		return 0, 0
	}
	out := append([]byte(nil), module[:8]...)
	for rest := module[8:]; len(rest) > 0; {
		id := rest[0]
		size, n := readU32(rest[1:])
		body := rest[1+n : 1+n+size]
		rest = rest[1+n+size:]
		if id == 11 { // data: one more segment
			count, k := readU32(body)
			seg := append(append([]byte{0x01}, uleb(len(data))...), data...)
			body = append(append(uleb(count+1), body[k:]...), seg...)
		}
		out = append(append(append(out, id), uleb(len(body))...), body...)
	}
	return out
}

// TestGuestOutputIsEscaped: what a guest prints reaches the log escaped,
// whatever the log's format: no escape sequence, carriage return or
// forged record survives as such.
func TestGuestOutputIsEscaped(t *testing.T) {
	sink := &argSink{}
	log := hclog.NewInterceptLogger(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Info})
	log.RegisterSink(sink)
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{Logger: log, CacheDir: plugintest.CacheDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	p, err := rt.Load(context.Background(), manifest(t, "hostile", "pricing", hostileWasm(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	in, _ := (&abi.QuoteRequest{Model: "ansi"}).AppendBinary(nil)
	if _, err := p.Call(context.Background(), abi.HookQuote, in); err != nil {
		t.Fatal(err)
	}
	lines := sink.values("line")
	if len(lines) != 2 {
		t.Fatalf("guest output lines logged: %q", lines)
	}
	for _, l := range lines {
		if strings.ContainsAny(l, "\x1b\r\x07\n") {
			t.Errorf("logged raw: %q", l)
		}
	}
	if !strings.Contains(lines[0], `\x1b[2J\r[INFO]  plugin: forged record`) {
		t.Errorf("stdout line not escaped as expected: %s", lines[0])
	}
}

// argSink records the raw arguments of every log record.
type argSink struct {
	mu   sync.Mutex
	args [][]any
}

func (s *argSink) Accept(_ string, _ hclog.Level, _ string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.args = append(s.args, args)
}

func (s *argSink) values(key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.args {
		for i := 0; i+1 < len(a); i += 2 {
			if a[i] == key {
				out = append(out, fmt.Sprint(a[i+1]))
			}
		}
	}
	return out
}

// TestDiscardedInstancesReturnTheirMemory: an instance that filled its
// memory and faulted gives the memory back to the system when it is
// discarded, not whenever the Go heap gets round to it: three guests that
// touch 256 MiB each leave the process's resident memory where it was.
func TestDiscardedInstancesReturnTheirMemory(t *testing.T) {
	if _, err := rss(); err != nil {
		t.Skip(err)
	}
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "hostile", "pricing", hostileWasm(t), nil)
	m.Limits.MemoryMiB, m.Limits.PoolSize = 256, 1
	m.Limits.Timeout = 5 * time.Second
	p := mustLoad(t, reg, m)
	in, _ := (&abi.QuoteRequest{Model: "grow"}).AppendBinary(nil)
	heapInuse()
	before, _ := rss()
	for range 3 {
		if _, err := p.Call(context.Background(), abi.HookQuote, in); err == nil || !strings.Contains(err.Error(), "out of memory") {
			t.Fatalf("want the guest out of memory, got %v", err)
		}
	}
	var after uint64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if after, _ = rss(); after < before+64<<20 {
			return
		}
	}
	t.Errorf("resident memory went from %d MiB to %d MiB and stayed", before>>20, after>>20)
}

// rss is the process's resident memory (Linux).
func rss() (uint64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	var size, resident uint64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return 0, err
	}
	return resident * uint64(os.Getpagesize()), nil
}
