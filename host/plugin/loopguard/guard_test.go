package loopguard_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/fabnode/fabnode/host/plugin/loopguard"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// loopWasm is testdata/wat/loop.wat's pattern reduced to one function:
// (memory 1) (func (export "spin") (loop $l (br $l))).
var loopWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
	0x03, 0x02, 0x01, 0x00, // func 0: type 0
	0x05, 0x03, 0x01, 0x00, 0x01, // memory: one page
	0x07, 0x08, 0x01, 0x04, 's', 'p', 'i', 'n', 0x00, 0x00, // export "spin"
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // code: loop br 0 end end
}

// spin runs the endless loop, instrumented, with wazero's own deadline
// mechanism off: only the guard can stop it. stopAfter sets the flag.
func spin(t *testing.T, stopAfter time.Duration, meanwhile func(done <-chan struct{})) {
	t.Helper()
	guarded, ok, why := loopguard.Instrument(loopWasm)
	if !ok {
		t.Fatal(why)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, guarded)
	if err != nil {
		t.Fatal(err)
	}
	flag, ok := mod.ExportedGlobal(loopguard.Export).(api.MutableGlobal)
	if !ok {
		t.Fatalf("no mutable global %q exported", loopguard.Export)
	}
	time.AfterFunc(stopAfter, func() { flag.Set(1) })
	finished := make(chan error, 1)
	done := make(chan struct{})
	go func() { _, err := mod.ExportedFunction("spin").Call(ctx); finished <- err; close(done) }()
	if meanwhile != nil {
		go meanwhile(done)
	}
	select {
	case err := <-finished:
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("want a trap at the guard, got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not stop")
	}
}

func TestStopsAnEndlessLoop(t *testing.T) { spin(t, 20*time.Millisecond, nil) }

// TestStopsDuringGarbageCollection: the garbage collector stops the world,
// which must wait for the guest to reach a safe point, and the timer that
// sets the flag cannot run until the world restarts. Without the guard's
// regular visits to the host this deadlocks.
func TestStopsDuringGarbageCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	spin(t, 50*time.Millisecond, func(done <-chan struct{}) {
		for {
			select {
			case <-done:
				return
			default:
				runtime.GC()
			}
		}
	})
}

// TestInstrumentsRealModules checks that the hand-written test modules
// and the built-in plugins (Go guests built with the SDK) are instrumented,
// not left to the fallback, and still compile.
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
		code, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out, ok, why := loopguard.Instrument(code)
		if !ok {
			t.Errorf("%s: not instrumented: %v", p, why)
			continue
		}
		if bytes.Equal(out, code) {
			t.Errorf("%s: unchanged", p)
		}
		if _, err := rt.CompileModule(ctx, out); err != nil {
			t.Errorf("%s: instrumented module does not compile: %v", p, err)
		}
	}
}

// TestRefusesWhatItCannotRewrite: garbage, truncation, and a module that
// already uses the flag's name are returned unchanged with a reason.
func TestRefusesWhatItCannotRewrite(t *testing.T) {
	clash := append([]byte(nil), loopWasm[:23]...)
	name := loopguard.Export
	export := append([]byte{0x01, byte(len(name))}, name...)
	export = append(export, 0x00, 0x00)
	clash = append(clash, 0x07, byte(len(export)))
	clash = append(clash, export...)
	clash = append(clash, loopWasm[33:]...)
	for what, code := range map[string][]byte{
		"garbage":   []byte("not wasm at all"),
		"truncated": loopWasm[:len(loopWasm)-3],
		"clash":     clash,
	} {
		out, ok, why := loopguard.Instrument(code)
		if ok || why == nil || !bytes.Equal(out, code) {
			t.Errorf("%s: ok=%v why=%v", what, ok, why)
		}
	}
}
