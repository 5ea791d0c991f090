package loopguard_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/fabnode/fabnode/host/plugin/loopguard"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// Small modules, assembled here so that each test shows exactly what it
// runs. mod puts sections together; every function is exported by index
// as "f0", "f1", ...

func sec(id byte, body ...byte) []byte {
	return append(append([]byte{id}, uleb(len(body))...), body...)
}

func vec(items ...[]byte) []byte {
	b := uleb(len(items))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func uleb(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7F)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func name(s string) []byte { return append(uleb(len(s)), s...) }

// body is a function body without locals.
func body(code ...byte) []byte { return append(uleb(len(code)+1), append([]byte{0x00}, code...)...) }

var magic = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

// module builds a module of functions of the given types (indices into
// types), exporting each, with one page of memory.
func module(types [][]byte, funcTypes []byte, bodies [][]byte, extra ...[]byte) []byte {
	var fs, exports [][]byte
	for i, t := range funcTypes {
		fs = append(fs, []byte{t})
		exports = append(exports, append(name("f"+string(rune('0'+i))), 0x00, byte(i)))
	}
	m := append([]byte(nil), magic...)
	m = append(m, sec(1, vec(types...)...)...)
	m = append(m, sec(3, vec(fs...)...)...)
	for _, e := range extra {
		m = append(m, e...)
	}
	m = append(m, sec(5, 0x01, 0x00, 0x01)...)
	m = append(m, sec(7, vec(exports...)...)...)
	return append(m, sec(10, vec(bodies...)...)...)
}

var (
	voidType   = []byte{0x60, 0x00, 0x00}       // () -> ()
	i32ArgType = []byte{0x60, 0x01, 0x7F, 0x00} // (i32) -> ()
)

// loopWasm spins: (func (loop (br 0))).
var loopWasm = module([][]byte{voidType}, []byte{0}, [][]byte{body(0x03, 0x40, 0x0C, 0x00, 0x0B, 0x0B)})

// recurseWasm has no loop at all: f0 calls f1(60); f1(n) calls itself
// twice with n-1 while n > 0, 2^60 calls.
var recurseWasm = module([][]byte{voidType, i32ArgType}, []byte{0, 1}, [][]byte{
	body(0x41, 60, 0x10, 0x01, 0x0B),
	body(0x20, 0x00, 0x04, 0x40,
		0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x01,
		0x20, 0x00, 0x41, 0x01, 0x6B, 0x10, 0x01,
		0x0B, 0x0B),
})

// stopper is the host side: its visit stops the guest once stop is set,
// and counts the visits.
type stopper struct {
	stop   atomic.Bool
	visits atomic.Int64
}

func (s *stopper) visit(context.Context) bool {
	s.visits.Add(1)
	return s.stop.Load()
}

// newRuntime returns a runtime with the guard's host module and WASI, and
// wazero's own deadline mechanism off: only the guard can stop a guest.
func newRuntime(t testing.TB, s *stopper) wazero.Runtime {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false))
	t.Cleanup(func() { rt.Close(ctx) })
	if err := loopguard.Instantiate(ctx, rt, s.visit); err != nil {
		t.Fatal(err)
	}
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	return rt
}

func instrument(t testing.TB, wasm []byte) []byte {
	t.Helper()
	out, _, err := loopguard.Instrument(wasm, loopguard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// run calls export of the instrumented module, sets the stop flag after
// stopAfter, and returns how long the guest ran on past it.
func run(t *testing.T, wasm []byte, export string, stopAfter time.Duration, meanwhile func(done <-chan struct{})) time.Duration {
	t.Helper()
	s := &stopper{}
	rt := newRuntime(t, s)
	ctx := context.Background()
	mod, err := rt.Instantiate(ctx, instrument(t, wasm))
	if err != nil {
		t.Fatal(err)
	}
	var stopped atomic.Int64
	time.AfterFunc(stopAfter, func() { stopped.Store(time.Now().UnixNano()); s.stop.Store(true) })
	finished := make(chan error, 1)
	done := make(chan struct{})
	go func() { _, err := mod.ExportedFunction(export).Call(ctx); finished <- err; close(done) }()
	if meanwhile != nil {
		go meanwhile(done)
	}
	select {
	case err := <-finished:
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("want a trap at the guard, got %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the guest did not stop")
	}
	return time.Duration(time.Now().UnixNano() - stopped.Load())
}

func TestStopsAnEndlessLoop(t *testing.T) { run(t, loopWasm, "f0", 20*time.Millisecond, nil) }

// TestStopsLoopFreeRecursion: a guest with no loop instruction at all,
// only calls, is stopped at a function entry.
func TestStopsLoopFreeRecursion(t *testing.T) { run(t, recurseWasm, "f0", 20*time.Millisecond, nil) }

// TestStopsDuringGarbageCollection: the garbage collector stops the world,
// which must wait for the guest to reach a safe point, and the timer that
// sets the flag cannot run until the world restarts. Without the guard's
// regular visits to the host this deadlocks.
func TestStopsDuringGarbageCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	for _, c := range []struct {
		name string
		wasm []byte
	}{{"loop", loopWasm}, {"recursion", recurseWasm}} {
		t.Run(c.name, func(t *testing.T) {
			run(t, c.wasm, "f0", 50*time.Millisecond, func(done <-chan struct{}) {
				for {
					select {
					case <-done:
						return
					default:
						runtime.GC()
					}
				}
			})
		})
	}
}

// TestOtherGoroutinesRunWithOneP: with GOMAXPROCS=1 a guest spinning in a
// loop or recursing holds the only P; its visits to the host are where
// the Go scheduler can take it back, so a goroutine that wakes every
// millisecond keeps being scheduled, within the 100 ms the node promises
// for /health, while the guest runs (the host's own visit also yields,
// see host/plugin).
func TestOtherGoroutinesRunWithOneP(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, c := range []struct {
		name string
		wasm []byte
	}{{"loop", loopWasm}, {"recursion", recurseWasm}} {
		t.Run(c.name, func(t *testing.T) {
			var worst atomic.Int64
			run(t, c.wasm, "f0", 300*time.Millisecond, func(done <-chan struct{}) {
				last := time.Now()
				for {
					select {
					case <-done:
						return
					case <-time.After(time.Millisecond):
					}
					now := time.Now()
					if gap := now.Sub(last); gap > time.Duration(worst.Load()) {
						worst.Store(int64(gap))
					}
					last = now
				}
			})
			if w := time.Duration(worst.Load()); w > 100*time.Millisecond || w == 0 {
				t.Errorf("a goroutine waited %v for the P while the guest ran", w)
			}
		})
	}
}

// TestWorkBetweenVisitsIsBounded: a visit comes after a bounded amount of
// work, not after a fixed number of loop iterations: the longer a loop's
// body, the fewer iterations between two visits, and never more than about
// Budget×64 instructions (the documented weight of a unit).
func TestWorkBetweenVisitsIsBounded(t *testing.T) {
	const instructionsPerVisit = loopguard.Budget * 64
	ctx := context.Background()
	for _, n := range []int{0, 100, 2000} {
		// (global $i (mut i32)) exported as "i"; f0: loop { n × (i32.const 1; drop); $i++; br 0 }
		code := []byte{0x03, 0x40}
		for range n {
			code = append(code, 0x41, 0x01, 0x1A)
		}
		code = append(code, 0x23, 0x00, 0x41, 0x01, 0x6A, 0x24, 0x00, 0x0C, 0x00, 0x0B, 0x0B)
		perIteration := 2*n + 7
		m := append([]byte(nil), magic...)
		m = append(m, sec(1, vec(voidType)...)...)
		m = append(m, sec(3, vec([]byte{0})...)...)
		m = append(m, sec(6, vec([]byte{0x7F, 0x01, 0x41, 0x00, 0x0B})...)...)
		m = append(m, sec(7, vec(append(name("f0"), 0x00, 0x00), append(name("i"), 0x03, 0x00))...)...)
		m = append(m, sec(10, vec(body(code...))...)...)

		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false))
		defer rt.Close(ctx)
		var counter api.Global
		var at []uint32 // the iteration count at each visit
		if err := loopguard.Instantiate(ctx, rt, func(context.Context) bool {
			at = append(at, uint32(counter.Get()))
			return len(at) == 5
		}); err != nil {
			t.Fatal(err)
		}
		mod, err := rt.Instantiate(ctx, instrument(t, m))
		if err != nil {
			t.Fatal(err)
		}
		counter = mod.ExportedGlobal("i")
		if _, err := mod.ExportedFunction("f0").Call(ctx); err == nil {
			t.Fatal("not stopped")
		}
		iterations := int(at[4] - at[3])
		if work := iterations * perIteration; work > instructionsPerVisit+perIteration || iterations < 1 {
			t.Errorf("%d instructions per iteration: %d iterations (%d instructions) between two visits, want at most about %d instructions",
				perIteration, iterations, work, instructionsPerVisit)
		}
	}
}

// TestInstrumentsRealModules checks that the hand-written test modules
// and the built-in plugins (Go guests built with the SDK) are rewritten
// and still compile, and that the rewrite keeps the Go guests' function
// names.
func TestInstrumentsRealModules(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/wat/*.wasm")
	for _, name := range []string{"safety", "format", "cache", "pricing", "proof"} {
		paths = append(paths, plugintest.Build(t, "../../../plugins/"+name))
	}
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(plugintest.CacheDir())
	if err != nil {
		t.Fatal(err)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
	defer rt.Close(ctx)
	for _, p := range paths {
		switch filepath.Base(p) {
		case "badglobal.wasm", "bigtable.wasm": // refused, see TestRefusesInvalidModules and TestTables
			continue
		}
		code, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := loopguard.Instrument(code, loopguard.Options{})
		if err != nil {
			t.Errorf("%s: not instrumented: %v", p, err)
			continue
		}
		if bytes.Equal(out, code) {
			t.Errorf("%s: unchanged", p)
		}
		c, err := rt.CompileModule(ctx, out)
		if err != nil {
			t.Errorf("%s: instrumented module does not compile: %v", p, err)
			continue
		}
		if strings.HasSuffix(p, "pricing.wasm") || strings.Contains(p, "/pricing-") {
			found := false
			for _, f := range c.ExportedFunctions() {
				if f.Name() == "fab_call" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: fab_call is no longer exported", p)
			}
		}
	}
}

// TestRefusesWhatItCannotRewrite: garbage, truncation, a module that
// already imports from the guard's module, and instructions beyond
// WebAssembly 2.0 are refused with a reason.
func TestRefusesWhatItCannotRewrite(t *testing.T) {
	imp := append(append(name(loopguard.ImportModule), name("x")...), 0x00, 0x00)
	clash := append(append([]byte(nil), magic...), sec(1, vec(voidType)...)...)
	clash = append(clash, sec(2, vec(imp)...)...)
	for what, code := range map[string][]byte{
		"garbage":   []byte("not wasm at all"),
		"truncated": loopWasm[:len(loopWasm)-3],
		"clash":     clash,
		"exception": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x08, 0x00, 0x0B)}), // throw 0
	} {
		if _, _, err := loopguard.Instrument(code, loopguard.Options{}); err == nil {
			t.Errorf("%s: rewritten", what)
		}
	}
}

// TestRefusesInvalidModules: a module that refers to an index the rewrite
// adds (a global, a type, a local; the function index space shifts) is
// invalid, and the rewrite would make it valid; each is refused. wazero
// refuses each original too, which shows the cases are invalid.
func TestRefusesInvalidModules(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	badglobal, err := os.ReadFile("../testdata/wat/badglobal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for what, code := range map[string][]byte{
		"global.set of an undeclared global": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x41, 0x00, 0x24, 0x00, 0x0B)}),
		"global.get of an undeclared global": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x23, 0x00, 0x1A, 0x0B)}),
		"testdata/wat/badglobal.wasm":        badglobal,
		"call_indirect of an undeclared type": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x41, 0x00, 0x11, 0x01, 0x00, 0x0B)},
			sec(4, 0x01, 0x70, 0x00, 0x01)),
		"block of an undeclared type": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x02, 0x01, 0x0B, 0x0B)}),
		"local of a function that has none": module([][]byte{voidType}, []byte{0}, [][]byte{
			// one i32 local is declared in the body: local 1 is not
			append(uleb(7), 0x01, 0x01, 0x7F, 0x20, 0x01, 0x1A, 0x0B),
		}),
		"call of an undeclared function": module([][]byte{voidType}, []byte{0}, [][]byte{body(0x10, 0x01, 0x0B)}),
		"overlong function index":        module([][]byte{voidType}, []byte{0}, [][]byte{body(0x10, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0B)}),
		"sections out of order":          append(module([][]byte{voidType}, []byte{0}, [][]byte{body(0x0B)}), sec(1, vec(voidType)...)...),
	} {
		if _, err := rt.CompileModule(ctx, code); err == nil {
			t.Errorf("%s: wazero accepts the original, so the case is not invalid", what)
		}
		_, _, err := loopguard.Instrument(code, loopguard.Options{})
		if err == nil {
			t.Errorf("%s: rewritten", what)
		} else if !loopguard.IsInvalid(err) {
			t.Errorf("%s: refused, but not as invalid: %v", what, err)
		}
	}
}

// TestTables: a table's maximum is capped, so table.grow fails (-1) past
// the cap; tables declared larger are refused; Info says what the tables
// may hold.
func TestTables(t *testing.T) {
	ctx := context.Background()
	// f0: table.grow(ref.null, 10) on table 0, result returned.
	grow := []byte{0xD0, 0x70, 0x41, 10, 0xFC, 15, 0x00, 0x0B}
	i32Result := []byte{0x60, 0x00, 0x01, 0x7F}
	table := func(limits ...byte) []byte { return sec(4, append([]byte{0x01, 0x70}, limits...)...) }
	for _, c := range []struct {
		name      string
		table     []byte
		cap       uint32
		elements  uint64
		firstGrow int32 // what table.grow(10) returns
	}{
		{"no maximum", table(0x00, 0x05), 100, 5, -1},
		{"maximum within the cap", table(0x01, 0x05, 0x0F), 100, 15, 5},
		{"maximum beyond the cap", table(0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F), 12, 12, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			wasm := module([][]byte{i32Result}, []byte{0}, [][]byte{body(grow...)}, c.table)
			out, info, err := loopguard.Instrument(wasm, loopguard.Options{MaxTableElements: c.cap})
			if err != nil {
				t.Fatal(err)
			}
			if info.TableElements != c.elements {
				t.Errorf("TableElements = %d, want %d", info.TableElements, c.elements)
			}
			rt := newRuntime(t, &stopper{})
			mod, err := rt.Instantiate(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := mod.ExportedFunction("f0").Call(ctx)
			if err != nil || int32(res[0]) != c.firstGrow {
				t.Errorf("table.grow(10) = %d %v, want %d", int32(res[0]), err, c.firstGrow)
			}
		})
	}
	big := module([][]byte{voidType}, []byte{0}, [][]byte{body(0x0B)}, table(0x00, 0x81, 0x01)) // min 129
	if _, _, err := loopguard.Instrument(big, loopguard.Options{MaxTableElements: 128}); err == nil || !strings.Contains(err.Error(), "more than the 128 allowed") {
		t.Errorf("a table declared over the cap: %v", err)
	}
}

// TestVisitsBeforeHostCalls: a call of an imported function, memory.grow
// and a bulk memory instruction over a large length each visit the host
// first, so the guest cannot start one after its deadline.
func TestVisitsBeforeHostCalls(t *testing.T) {
	ctx := context.Background()
	// f0 is entered (one visit at most, for its entry weight), then:
	cases := map[string][]byte{
		"memory.grow": {0x41, 0x00, 0x40, 0x00, 0x1A, 0x0B},
		"memory.fill": {0x41, 0x00, 0x41, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x01, 0xFC, 11, 0x00, 0x0B}, // 256 MiB
	}
	for what, code := range cases {
		s := &stopper{}
		s.stop.Store(true)
		rt := newRuntime(t, s)
		mod, err := rt.Instantiate(ctx, instrument(t, module([][]byte{voidType}, []byte{0}, [][]byte{body(code...)})))
		if err != nil {
			t.Fatal(err)
		}
		_, err = mod.ExportedFunction("f0").Call(ctx)
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Errorf("%s: not stopped before it ran: %v", what, err)
		}
	}
	// The import: wasi's sched_yield.
	imp := append(append(name("wasi_snapshot_preview1"), name("sched_yield")...), 0x00, 0x01)
	m := append([]byte(nil), magic...)
	m = append(m, sec(1, vec(voidType, []byte{0x60, 0x00, 0x01, 0x7F})...)...)
	m = append(m, sec(2, vec(imp)...)...)
	m = append(m, sec(3, vec([]byte{0})...)...)
	m = append(m, sec(7, vec(append(name("f0"), 0x00, 0x01))...)...)
	m = append(m, sec(10, vec(body(0x10, 0x00, 0x1A, 0x0B))...)...)
	s := &stopper{}
	rt := newRuntime(t, s)
	mod, err := rt.Instantiate(ctx, instrument(t, m))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mod.ExportedFunction("f0").Call(ctx); err != nil {
		t.Fatal(err)
	}
	if s.visits.Load() == 0 {
		t.Error("a call of an import did not visit the host")
	}
}

// FuzzInstrumentKeepsValidity: the rewrite never turns an invalid module
// into a valid one (so validating the rewritten module, as wazero does
// when it compiles it, validates the original), and a valid module it
// accepts stays valid. Seeds: the modules of these tests and the
// hand-written hostile modules.
func FuzzInstrumentKeepsValidity(f *testing.F) {
	for _, m := range [][]byte{loopWasm, recurseWasm} {
		f.Add(m)
	}
	paths, _ := filepath.Glob("../testdata/wat/*.wasm")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	valid := func(b []byte) bool {
		c, err := rt.CompileModule(ctx, b)
		if err == nil {
			c.Close(ctx)
		}
		return err == nil
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, _, err := loopguard.Instrument(wasm, loopguard.Options{})
		if err != nil {
			return
		}
		switch in, rewritten := valid(wasm), valid(out); {
		case rewritten && !in:
			t.Fatalf("an invalid module became valid")
		case in && !rewritten:
			c, err := rt.CompileModule(ctx, out)
			if err == nil {
				c.Close(ctx)
			}
			t.Fatalf("a valid module became invalid: %v", err)
		}
	})
}

// BenchmarkInstrument rewrites the built-in pricing plugin (a 3 MB Go
// guest): what the guard adds to every load.
func BenchmarkInstrument(b *testing.B) {
	code, err := os.ReadFile(plugintest.Build(b, "../../../plugins/pricing"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(code)))
	for b.Loop() {
		if _, _, err := loopguard.Instrument(code, loopguard.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
