package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin/loopguard"
)

// Plugin is one loaded version of a plugin module: the compiled code and a
// bounded pool of initialised instances. It is safe for concurrent use; each
// call borrows an instance exclusively, so at most PoolSize calls run at once
// and the rest wait (bounded by their context).
type Plugin struct {
	name     string
	kind     abi.Kind
	manifest Manifest
	limits   Limits
	sum      [32]byte
	stamp    string // size and mtime of the file at load; see fileStamp
	desc     abi.Description
	log      hclog.Logger

	rt       wazero.Runtime
	compiled wazero.CompiledModule
	modCfg   wazero.ModuleConfig
	initArg  []byte // encoded abi.Config
	start    time.Time

	rand      io.Reader      // the runtime's random source
	deadlines bool           // calls have deadlines (false only in benchmarks)
	guarded   bool           // the module was instrumented by loopguard
	tokens    chan struct{}  // one per instance that may be checked out
	idle      chan *instance // initialised, unused instances
	live      atomic.Int64   // instances alive (idle + in use)
	calls     atomic.Int64
	faults    atomic.Int64
	breaker   breaker
	closed    atomic.Bool
	inUse     atomic.Int64 // calls holding (or about to hold) an instance
	closeOnce sync.Once
}

func newPlugin(ctx context.Context, r *Runtime, m Manifest, code []byte, sum [32]byte) (_ *Plugin, err error) {
	l := m.Limits.withDefaults()
	p := &Plugin{
		name: m.Name, kind: m.kind(), manifest: m, limits: l, sum: sum,
		log:    r.cfg.Logger.Named("plugin").With("plugin", m.Name, "kind", m.Kind),
		tokens: make(chan struct{}, l.PoolSize),
		idle:   make(chan *instance, l.PoolSize),
	}
	p.breaker = breaker{max: l.CrashLoopFailures, window: l.CrashLoopWindow, cooldown: l.CrashLoopCooldown, now: r.cfg.Clock}
	if p.initArg, err = abi.Config(m.Config).AppendBinary(nil); err != nil {
		return nil, err
	}

	// Deadlines: the loop guard rewrites the module (RATIONALE.md). A module
	// it cannot rewrite, or that is not valid WebAssembly, is refused.
	// Benchmarks can switch the guard off to price wazero's mechanism.
	pages := l.memoryPages()
	p.deadlines = deadlines
	if useLoopGuard && deadlines {
		guarded, info, err := loopguard.Instrument(code, loopguard.Options{MaxTableElements: maxTableElements})
		if err != nil {
			return nil, fmt.Errorf("plugin %q: compiling %s: %w", m.Name, m.Path, err)
		}
		code, p.guarded = guarded, true
		// What the tables may hold comes off the memory limit.
		tablePages := uint32((info.TableElements*tableElementBytes + wasmPageSize - 1) / wasmPageSize)
		if tablePages >= pages {
			return nil, fmt.Errorf("plugin %q: its tables may hold %d elements (%d KiB), more than limits.memory_mib %d leaves room for",
				m.Name, info.TableElements, info.TableElements*tableElementBytes>>10, l.MemoryMiB)
		}
		pages -= tablePages
	}
	// One wazero runtime per plugin: the memory limit and the close-on-
	// context-done behaviour are runtime-wide settings. The compilation cache
	// is shared.
	p.rt = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().
		WithCompilationCache(r.cache).
		WithMemoryLimitPages(pages).
		WithCloseOnContextDone(deadlines && !p.guarded))
	defer func() {
		if err != nil {
			p.closeRuntime()
		}
	}()
	if p.guarded {
		if err = loopguard.Instantiate(ctx, p.rt, p.visit); err != nil {
			return nil, fmt.Errorf("plugin %q: loop guard: %w", m.Name, err)
		}
	}
	if _, err = wasi_snapshot_preview1.Instantiate(ctx, p.rt); err != nil {
		return nil, fmt.Errorf("plugin %q: wasi: %w", m.Name, err)
	}
	if p.compiled, err = p.rt.CompileModule(ctx, code); err != nil {
		return nil, fmt.Errorf("plugin %q: compiling %s: %w", m.Name, m.Path, err)
	}
	if err = checkModuleShape(p.compiled); err != nil {
		return nil, fmt.Errorf("plugin %q: %w", m.Name, err)
	}

	start := r.start
	p.modCfg = wazero.NewModuleConfig().
		WithName(""). // anonymous: the same module is instantiated PoolSize times
		WithStartFunctions(abi.ExportInitialize).
		WithWalltime(func() (int64, int32) {
			t := r.cfg.Clock()
			return t.Unix(), int32(t.Nanosecond())
		}, sys.ClockResolution(time.Microsecond))
	// No WithFS, WithEnv, WithArgs, WithStdin: the guest sees no filesystem,
	// no environment and empty stdin. Monotonic time and sleep are per
	// instance, see newInstance.
	p.start, p.rand = start, r.cfg.Rand

	// Pre-initialise the whole pool so that a broken module fails here, at
	// load, and the request path never pays the ~3 ms instantiation.
	first, err := p.newInstance(ctx)
	if err != nil {
		return nil, err
	}
	if err = p.selfTest(ctx, first); err != nil {
		first.close()
		return nil, err
	}
	p.idle <- first
	for i := 1; i < l.PoolSize; i++ {
		inst, err := p.newInstance(ctx)
		if err != nil {
			p.drainIdle()
			return nil, err
		}
		p.idle <- inst
	}
	for i := 0; i < l.PoolSize; i++ {
		p.tokens <- struct{}{}
	}
	p.log.Debug("plugin loaded", "sha256", fmt.Sprintf("%x", sum), "pool", l.PoolSize, "described_as", Escape(p.desc.Name))
	return p, nil
}

// deadlines and useLoopGuard are always true in production; benchmarks
// switch them off to measure what they cost (RATIONALE.md).
var deadlines, useLoopGuard = true, true

// maxTableElements caps the table elements an instance may hold (the sum
// of its tables' maximum sizes, see loopguard.Options); each takes
// tableElementBytes of host memory in wazero, counted against the memory
// limit.
const (
	maxTableElements  = 1 << 20
	tableElementBytes = 8
)

// checkModuleShape refuses a module whose exports or imports do not match
// ABI v1 before anything runs, with an error naming what is wrong.
func checkModuleShape(c wazero.CompiledModule) error {
	want := []struct {
		name    string
		params  []api.ValueType
		results []api.ValueType
	}{
		{abi.ExportVersion, nil, []api.ValueType{api.ValueTypeI32}},
		{abi.ExportAlloc, []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
		{abi.ExportInit, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
		{abi.ExportCall, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
	}
	fns := c.ExportedFunctions()
	var errs []error
	for _, w := range want {
		f, ok := fns[w.name]
		if !ok {
			errs = append(errs, fmt.Errorf("missing export %q (not an ABI v%d plugin?)", w.name, abi.Major))
			continue
		}
		if !bytes.Equal(f.ParamTypes(), w.params) || !bytes.Equal(f.ResultTypes(), w.results) {
			errs = append(errs, fmt.Errorf("export %q has signature %v -> %v, want %v -> %v",
				w.name, typeNames(f.ParamTypes()), typeNames(f.ResultTypes()), typeNames(w.params), typeNames(w.results)))
		}
	}
	if _, ok := c.ExportedMemories()[abi.ExportMemory]; !ok {
		errs = append(errs, fmt.Errorf("missing exported memory %q", abi.ExportMemory))
	}
	for _, f := range c.ImportedFunctions() {
		if mod, name, _ := f.Import(); mod != wasi_snapshot_preview1.ModuleName && mod != loopguard.ImportModule {
			errs = append(errs, fmt.Errorf("imports %s.%s: only %s is provided", mod, name, wasi_snapshot_preview1.ModuleName))
		}
	}
	return errors.Join(errs...)
}

func typeNames(ts []api.ValueType) []string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = api.ValueTypeName(t)
	}
	return s
}

// selfTest checks that the plugin describes itself as the manifest's kind,
// implements that kind's hooks, and answers a ping.
func (p *Plugin) selfTest(ctx context.Context, inst *instance) error {
	out, err := p.callInstance(ctx, inst, abi.HookDescribe, nil)
	if err != nil {
		return fmt.Errorf("plugin %q: self-test describe: %w", p.name, err)
	}
	if err := p.desc.UnmarshalBinary(out); err != nil {
		return fmt.Errorf("plugin %q: self-test describe: %w", p.name, err)
	}
	if p.desc.Kind != p.kind {
		return fmt.Errorf("plugin %q: manifest says kind %s but the module implements %s", p.name, p.kind, p.desc.Kind)
	}
	if missing := abi.RequiredHooks(p.kind) &^ p.desc.Hooks; missing != 0 {
		return fmt.Errorf("plugin %q: %s plugin lacks required hooks %s", p.name, p.kind, hookList(missing))
	}
	probe := []byte("fabnode-self-test")
	out, err = p.callInstance(ctx, inst, abi.HookPing, probe)
	if err != nil {
		return fmt.Errorf("plugin %q: self-test ping: %w", p.name, err)
	}
	if !bytes.Equal(out, probe) {
		return fmt.Errorf("plugin %q: self-test ping returned %q, want the input echoed", p.name, out)
	}
	return nil
}

func hookList(s abi.HookSet) string {
	var b []byte
	for h := abi.Hook(0); h < 64; h++ {
		if s.Has(h) {
			b = fmt.Appendf(b, "%s ", h)
		}
	}
	return string(bytes.TrimSpace(b))
}

// Name returns the plugin's manifest name.
func (p *Plugin) Name() string { return p.name }

// Kind returns the plugin's kind.
func (p *Plugin) Kind() abi.Kind { return p.kind }

// Manifest returns the manifest the plugin was loaded from.
func (p *Plugin) Manifest() Manifest { return p.manifest }

// SHA256 returns the hash of the loaded module.
func (p *Plugin) SHA256() [32]byte { return p.sum }

// Description returns what the plugin answered to the describe hook.
func (p *Plugin) Description() abi.Description { return p.desc }

// Stats is a snapshot of a plugin's counters.
type Stats struct {
	Instances int64 // alive: idle plus in use
	Calls     int64
	Faults    int64 // calls that discarded their instance
	Healthy   bool  // false while the crash-loop breaker is open
}

// LoopGuarded reports whether the plugin's deadlines use the loop guard
// (host/plugin/loopguard) rather than wazero's slower per-loop check.
func (p *Plugin) LoopGuarded() bool { return p.guarded }

// Stats returns the plugin's counters.
func (p *Plugin) Stats() Stats {
	return Stats{Instances: p.live.Load(), Calls: p.calls.Load(), Faults: p.faults.Load(), Healthy: p.breaker.allow()}
}

// Call runs hook with an encoded request and returns the encoded result
// payload (status byte stripped). The result is a copy the caller owns.
// A *PluginError means the plugin declined; a *FaultError means the
// instance was discarded; ErrUnhealthy means the call was not attempted.
func (p *Plugin) Call(ctx context.Context, hook abi.Hook, in []byte) ([]byte, error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	if !p.breaker.allow() {
		return nil, fmt.Errorf("plugin %q: %w", p.name, ErrUnhealthy)
	}
	if err := ctx.Err(); err != nil { // the caller gave up already
		return nil, fmt.Errorf("plugin %q: %w", p.name, err)
	}
	select {
	case <-p.tokens:
	case <-ctx.Done():
		return nil, fmt.Errorf("plugin %q: waiting for a free instance: %w", p.name, ctx.Err())
	}
	defer func() { p.tokens <- struct{}{} }()
	// inUse keeps Close from releasing the runtime, and with it the
	// instances' memory, under a running call; a call that finds the
	// plugin closed after counting itself stops here.
	p.inUse.Add(1)
	defer p.doneWithInstance()
	if p.closed.Load() {
		return nil, ErrClosed
	}
	var inst *instance
	select {
	case inst = <-p.idle:
	default:
		// A previous fault discarded an instance; replace it now. A caller
		// that gives up meanwhile is not the plugin's failure.
		var err error
		if inst, err = p.newInstance(ctx); err != nil {
			if callerGone(ctx, err) {
				return nil, fmt.Errorf("plugin %q: replacing an instance: %w (%v)", p.name, callerErr(ctx), err)
			}
			p.faults.Add(1)
			p.breaker.fail()
			p.log.Warn("plugin instance could not be replaced", "error", err)
			return nil, err
		}
	}
	p.calls.Add(1)
	out, err := p.callInstance(ctx, inst, hook, in)
	var fault *FaultError
	if errors.As(err, &fault) {
		// The instance was interrupted or misbehaved: its state is undefined
		// either way. But a caller that gave up (client gone, request
		// deadline) is not the plugin's failure and must not trip the breaker.
		p.live.Add(-1)
		p.discard(inst)
		if callerGone(ctx, err) {
			return nil, fmt.Errorf("plugin %q: %w (%v)", p.name, callerErr(ctx), err)
		}
		p.faults.Add(1)
		p.breaker.fail()
		p.log.Warn("plugin instance discarded", "error", err)
		return nil, err
	}
	// Return the instance before the token (deferred), so that the
	// instance count never exceeds the pool size.
	if p.closed.Load() {
		inst.close()
		p.live.Add(-1)
	} else {
		p.idle <- inst
	}
	return out, err
}

// callerGone reports whether a failed call or instantiation failed because
// its caller gave up rather than because of the plugin.
func callerGone(ctx context.Context, err error) bool {
	var fault *FaultError
	return ctx.Err() != nil || errors.As(err, &fault) && fault.cancelled
}

// callerErr is the caller's context error; the loop guard can see the
// caller's deadline pass before the context's own timer has fired.
func callerErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.DeadlineExceeded
}

// Close closes every idle instance and then the plugin's runtime; calls in
// flight finish first (the last one releases the runtime), new ones fail
// with ErrClosed. The Registry only closes a version once its in-flight
// calls have drained.
func (p *Plugin) Close(ctx context.Context) error {
	if p.closed.Swap(true) {
		return nil
	}
	p.drainIdle()
	if p.inUse.Load() == 0 {
		p.release()
	}
	return nil
}

// discard closes a faulted instance in the background: unmapping a memory
// the guest filled takes milliseconds (about 5 ms a GiB), which the caller
// need not wait for. It holds the runtime like a call until it is done.
func (p *Plugin) discard(inst *instance) {
	p.inUse.Add(1)
	go func() {
		defer p.doneWithInstance()
		inst.close()
	}()
}

// doneWithInstance ends a call's hold on the pool; the last call to end
// after Close releases the runtime.
func (p *Plugin) doneWithInstance() {
	if p.inUse.Add(-1) == 0 && p.closed.Load() {
		p.drainIdle()
		p.release()
	}
}

func (p *Plugin) release() { p.closeOnce.Do(func() { p.closeRuntime() }) }

// closeRuntime releases the runtime and the compiled module. The
// compilation cache is shared by every plugin, so wazero keeps a compiled
// module (its native code and decoded form) until it is closed itself:
// closing only the runtime would keep every version ever loaded.
func (p *Plugin) closeRuntime() error {
	ctx := context.Background()
	err := p.rt.Close(ctx)
	if p.compiled != nil {
		p.compiled.Close(ctx)
	}
	return err
}

func (p *Plugin) drainIdle() {
	for {
		select {
		case inst := <-p.idle:
			inst.close()
			p.live.Add(-1)
		default:
			return
		}
	}
}

// breaker marks a plugin unhealthy after max faults within window, for
// cooldown. While open, calls fail fast in the kind's failure direction
// instead of burning ~3 ms re-instantiating a module that keeps crashing.
type breaker struct {
	mu        sync.Mutex
	max       int
	window    time.Duration
	cooldown  time.Duration
	now       func() time.Time
	failures  []time.Time
	openUntil time.Time
}

func (b *breaker) fail() {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	keep := b.failures[:0]
	for _, t := range b.failures {
		if now.Sub(t) < b.window {
			keep = append(keep, t)
		}
	}
	b.failures = append(keep, now)
	if len(b.failures) >= b.max {
		b.openUntil = now.Add(b.cooldown)
		b.failures = b.failures[:0]
	}
}

func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.now().Before(b.openUntil)
}
