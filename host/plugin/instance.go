package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/fabnode/fabnode/abi"
)

// instance is one initialised module instance. It is never used by two
// goroutines at once: the pool hands it to one caller at a time, and busy
// turns a violation of that rule into a panic rather than memory corruption.
type instance struct {
	mod            api.Module
	mem            api.Memory
	alloc, call    api.Function
	stack          [3]uint64
	bufPtr, bufCap uint32 // the guest input buffer from the last fab_alloc
	stdout, stderr *guestLog
	busy           atomic.Bool
	// cc is the context of the running call when the loop guard enforces
	// its deadline (reused from call to call).
	cc callCtx
}

// callCtx is the context a guest call runs under with the loop guard: the
// caller's, plus the call's deadline, which the guard's visits to the host
// check (Plugin.visit). No timer is involved: nothing has to run at the
// deadline, so a guest holding the only P (GOMAXPROCS=1) cannot delay it;
// the guest finds out at its next visit, within a few milliseconds.
type callCtx struct {
	context.Context
	deadline  time.Time
	limit     time.Duration // the plugin's bound that deadline comes from
	callers   bool          // the deadline is the caller's, earlier than the plugin's
	stopped   stopReason
	lastYield time.Time
}

type stopReason uint8

const (
	running      stopReason = iota
	stopDeadline            // the plugin's time limit passed
	stopCaller              // the caller gave up (cancelled, or its own deadline passed)
)

type callCtxKey struct{}

// Value lets visit find the call's context even if wazero wraps it.
func (c *callCtx) Value(key any) any {
	if key == (callCtxKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// begin resets the call context for a call that may run for limit.
func (inst *instance) begin(ctx context.Context, limit time.Duration) *callCtx {
	now := time.Now()
	c := &inst.cc
	*c = callCtx{Context: ctx, deadline: now.Add(limit), limit: limit, lastYield: now}
	if d, ok := ctx.Deadline(); ok && d.Before(c.deadline) {
		c.deadline, c.callers = d, true
	}
	return c
}

// yieldEvery is how long a guest call runs before its visits to the host
// let other goroutines run (runtime.Gosched), so that with GOMAXPROCS=1 a
// long or runaway call cannot hold the only P until its deadline.
const yieldEvery = time.Millisecond

// visit is the loop guard's call into the host (loopguard.Instantiate): it
// stops the call once its deadline has passed or its caller has gone, and
// otherwise yields the P now and then.
func (p *Plugin) visit(ctx context.Context) bool {
	c, _ := ctx.(*callCtx)
	if c == nil {
		if c, _ = ctx.Value(callCtxKey{}).(*callCtx); c == nil {
			d, ok := ctx.Deadline()
			return ctx.Err() != nil || ok && !time.Now().Before(d)
		}
	}
	now := time.Now()
	switch {
	case c.Context.Err() != nil:
		c.stopped = stopCaller
	case !now.Before(c.deadline) && c.callers:
		c.stopped = stopCaller
	case !now.Before(c.deadline):
		c.stopped = stopDeadline
	case now.Sub(c.lastYield) >= yieldEvery:
		runtime.Gosched()
		c.lastYield = time.Now()
	}
	return c.stopped != running
}

// randSource is an instance's random source: the runtime's, read in chunks
// so that one random_get call of the whole memory cannot run far past the
// call's deadline.
type randSource struct {
	inst *instance
	src  io.Reader
}

func (r randSource) Read(b []byte) (int, error) {
	const chunk = 64 << 10
	n := 0
	for n < len(b) {
		if c := &r.inst.cc; c.Context != nil && (c.stopped != running || n > 0 && !time.Now().Before(c.deadline)) {
			return n, errors.New("random_get: the call's deadline passed")
		}
		k, err := r.src.Read(b[n:min(len(b), n+chunk)])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// initLimit bounds instantiation (the reactor's _initialize, which for a Go
// guest runs the Go runtime's initialisation: ~3-5 ms, tens of ms under
// -race or on a busy machine), fab_abi_version and fab_init together: ten
// hook timeouts, and never less than 2 s. It is spent at load, where a
// slow start only delays a reload, and when a faulted instance is
// replaced, where the caller's own deadline applies too.
func (p *Plugin) initLimit() time.Duration { return max(10*p.limits.Timeout, 2*time.Second) }

// newInstance instantiates the module (running _initialize), checks the ABI
// version and hands the plugin its configuration.
func (p *Plugin) newInstance(ctx context.Context) (*instance, error) {
	inst := &instance{
		stdout: newGuestLog(p.log, "stdout", p.limits.MaxLogBytes),
		stderr: newGuestLog(p.log, "stderr", p.limits.MaxLogBytes),
	}
	defer inst.stdout.endCall()
	defer inst.stderr.endCall()
	ictx, cancel := p.callContext(ctx, inst, p.initLimit())
	defer endCall(inst, cancel)
	// Monotonic time is real elapsed time plus every sleep the guest asked
	// for, and sleeping returns at once: a guest can never block a host
	// thread outside the deadline's reach, and a Go guest runtime waiting
	// for a timer does not spin until the real time arrives.
	var slept atomic.Int64
	cfg := p.modCfg.WithStdout(inst.stdout).WithStderr(inst.stderr).
		WithRandSource(randSource{inst, p.rand}).
		WithNanotime(func() int64 { return int64(time.Since(p.start)) + slept.Load() }, sys.ClockResolution(time.Microsecond)).
		WithNanosleep(func(ns int64) { slept.Add(max(ns, 0)) })
	alloc := newMemoryAllocator()
	mod, err := p.rt.InstantiateModule(experimental.WithMemoryAllocator(ictx, alloc), p.compiled, cfg)
	if err != nil {
		alloc.release()
		f := p.fault(inst, 0, abi.ExportInitialize, ictx, err)
		f.Reason = "instantiation failed: " + f.Reason
		return nil, f
	}
	inst.mod, inst.mem = mod, mod.ExportedMemory(abi.ExportMemory)
	inst.alloc, inst.call = mod.ExportedFunction(abi.ExportAlloc), mod.ExportedFunction(abi.ExportCall)
	p.live.Add(1)
	fail := func(err error) (*instance, error) {
		inst.close()
		p.live.Add(-1)
		return nil, err
	}

	ver, err := mod.ExportedFunction(abi.ExportVersion).Call(ictx)
	if err != nil {
		return fail(p.fault(inst, 0, abi.ExportVersion, ictx, err))
	}
	major, minor := abi.UnpackVersion(uint32(ver[0]))
	if major != abi.Major {
		return fail(fmt.Errorf("plugin %q: built for ABI v%d.%d, this host speaks v%d.%d: rebuild it against an ABI v%d SDK",
			p.name, major, minor, abi.Major, abi.Minor, abi.Major))
	}

	ptr, err := inst.write(ictx, p.initArg)
	if err != nil {
		return fail(p.fault(inst, 0, abi.ExportAlloc, ictx, err))
	}
	res, err := mod.ExportedFunction(abi.ExportInit).Call(ictx, uint64(ptr), uint64(len(p.initArg)))
	if err != nil {
		return fail(p.fault(inst, 0, abi.ExportInit, ictx, err))
	}
	if _, err := p.result(inst, 0, res[0]); err != nil {
		var pe *PluginError
		var fe *FaultError
		switch {
		case errors.As(err, &pe):
			err = fmt.Errorf("plugin %q: rejected its configuration: %s", p.name, Escape(pe.Message))
		case errors.As(err, &fe):
			fe.Export = abi.ExportInit
		}
		return fail(err)
	}
	return inst, nil
}

// callContext returns the context a guest call runs under, bounded by
// limit as the plugin's deadline mode says, and the cancel function (if
// any) to hand to endCall when it ends.
func (p *Plugin) callContext(ctx context.Context, inst *instance, limit time.Duration) (context.Context, context.CancelFunc) {
	switch {
	case p.guarded:
		return inst.begin(ctx, limit), nil
	case p.deadlines: // wazero's close-on-context-done watches this context
		return context.WithTimeout(ctx, limit)
	}
	return ctx, nil
}

// endCall ends what callContext began, and forgets the caller's context.
func endCall(inst *instance, cancel context.CancelFunc) {
	if cancel != nil {
		cancel()
	}
	inst.cc.Context = nil
}

// minAlloc is the smallest input buffer the host asks for, so that most
// calls reuse the buffer and skip the fab_alloc round trip.
const minAlloc = 4 << 10

// write copies in into the guest's input buffer and returns its address.
// Per ABI.md a buffer returned by fab_alloc(n) stays valid for requests of
// up to n bytes until the next fab_alloc, so fab_alloc is only called when a
// request outgrows the buffer.
func (inst *instance) write(ctx context.Context, in []byte) (uint32, error) {
	if len(in) > int(inst.bufCap) || inst.bufCap == 0 {
		want := uint32(max(len(in), minAlloc))
		inst.stack[0] = uint64(want)
		if err := inst.alloc.CallWithStack(ctx, inst.stack[:]); err != nil {
			return 0, err
		}
		ptr := uint32(inst.stack[0])
		if uint64(ptr)+uint64(want) > uint64(inst.mem.Size()) {
			return 0, fmt.Errorf("fab_alloc(%d) returned %#x, outside the %d-byte memory", want, ptr, inst.mem.Size())
		}
		inst.bufPtr, inst.bufCap = ptr, want
	}
	inst.mem.Write(inst.bufPtr, in) // in bounds: checked when the buffer was handed out, and memory never shrinks
	return inst.bufPtr, nil
}

// callInstance runs one hook on inst under the plugin's deadline. Any error
// other than *PluginError means inst must be discarded.
func (p *Plugin) callInstance(ctx context.Context, inst *instance, hook abi.Hook, in []byte) ([]byte, error) {
	if !inst.busy.CompareAndSwap(false, true) {
		panic("plugin: instance used by two calls at once")
	}
	defer inst.busy.Store(false)
	defer inst.stdout.endCall()
	defer inst.stderr.endCall()
	ctx, cancel := p.callContext(ctx, inst, p.limits.Timeout)
	defer endCall(inst, cancel)

	ptr, err := inst.write(ctx, in)
	if err != nil {
		return nil, p.fault(inst, hook, "", ctx, err)
	}
	inst.stack = [3]uint64{uint64(hook), uint64(ptr), uint64(len(in))}
	if err := inst.call.CallWithStack(ctx, inst.stack[:]); err != nil {
		return nil, p.fault(inst, hook, "", ctx, err)
	}
	return p.result(inst, hook, inst.stack[0])
}

// result reads and checks a packed (ptr, len) result and returns a copy of
// the payload.
func (p *Plugin) result(inst *instance, hook abi.Hook, packed uint64) ([]byte, error) {
	ptr, n := abi.UnpackResult(packed)
	if n > p.limits.MaxOutputBytes {
		return nil, &FaultError{Plugin: p.name, Hook: hook,
			Reason: fmt.Sprintf("result of %d bytes exceeds max_output_bytes %d", n, p.limits.MaxOutputBytes)}
	}
	if n == 0 {
		return nil, &FaultError{Plugin: p.name, Hook: hook, Reason: "empty result (no status byte)"}
	}
	view, ok := inst.mem.Read(ptr, n)
	if !ok {
		return nil, &FaultError{Plugin: p.name, Hook: hook,
			Reason: fmt.Sprintf("result (ptr %#x, len %d) lies outside the %d-byte memory", ptr, n, inst.mem.Size())}
	}
	switch status, payload := abi.Status(view[0]), view[1:]; status {
	case abi.StatusOK:
		if len(payload) == 0 {
			return nil, nil
		}
		return append([]byte(nil), payload...), nil
	case abi.StatusError:
		return nil, &PluginError{Plugin: p.name, Hook: hook, Message: string(payload)}
	case abi.StatusUnsupported:
		return nil, &PluginError{Plugin: p.name, Hook: hook, Message: ErrUnsupported.Error()}
	default:
		return nil, &FaultError{Plugin: p.name, Hook: hook, Reason: fmt.Sprintf("invalid status byte %d", status)}
	}
}

// fault classifies a failed guest call: of hook, or of export when it is
// not fab_call (instantiation and initialisation).
func (p *Plugin) fault(inst *instance, hook abi.Hook, export string, ctx context.Context, err error) *FaultError {
	f := &FaultError{Plugin: p.name, Hook: hook, Export: export, Err: err, Stderr: inst.stderr.firstBytes()}
	limit := p.limits.Timeout
	if export != "" {
		limit = p.initLimit()
	}
	deadline := fmt.Sprintf("deadline exceeded (timeout %v)", limit)
	if export != "" {
		deadline = fmt.Sprintf("deadline exceeded (instantiation and init limit %v)", limit)
	}
	var exit *sys.ExitError
	switch {
	case p.guarded && inst.cc.stopped == stopDeadline:
		f.Reason, f.Err = deadline, nil
	case p.guarded && inst.cc.stopped == stopCaller:
		f.Reason, f.Err, f.cancelled = "caller cancelled", nil, true
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		f.Reason, f.Err = deadline, nil
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		f.Reason, f.Err, f.cancelled = "caller cancelled", nil, true
	case errors.As(err, &exit):
		f.Reason, f.Err = fmt.Sprintf("guest exited with code %d", exit.ExitCode()), nil
	case !p.guarded && errors.Is(ctx.Err(), context.DeadlineExceeded):
		f.Reason, f.Err = deadline, nil
	case ctx.Err() != nil:
		f.Reason, f.Err, f.cancelled = "caller cancelled", nil, true
	default:
		f.Reason = "trap"
	}
	return f
}

func (inst *instance) close() {
	if inst.mod != nil {
		inst.mod.Close(context.Background())
	}
}
