package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin/loopguard"
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
	// stop is the loop guard's flag (nil without the guard): a call whose
	// deadline passes sets it, and the guest traps at its next loop.
	stop api.MutableGlobal
	// suspect: a deadline fired while a call ended; the flag may still be
	// set behind the next call's back, so the instance is not reused.
	suspect bool
}

// arm makes ctx's end stop the guest and returns disarm, which marks the
// instance suspect if that happened (or may still happen).
func (inst *instance) arm(ctx context.Context) (disarm func()) {
	if inst.stop == nil {
		return func() {}
	}
	inst.stop.Set(0)
	stop := context.AfterFunc(ctx, func() { inst.stop.Set(1) })
	return func() {
		if !stop() {
			inst.suspect = true
		}
	}
}

// newInstance instantiates the module (running _initialize), checks the ABI
// version and hands the plugin its configuration.
func (p *Plugin) newInstance(ctx context.Context) (*instance, error) {
	inst := &instance{
		stdout: newGuestLog(p.log, "stdout", p.limits.MaxLogBytes),
		stderr: newGuestLog(p.log, "stderr", p.limits.MaxLogBytes),
	}
	// _initialize of a Go guest takes ~3 ms, more on a busy machine: give
	// instantiation more room than a hook, but still bound it.
	ictx, cancel := context.WithTimeout(ctx, max(10*p.limits.Timeout, 2*time.Second))
	defer cancel()
	defer inst.stdout.endCall()
	defer inst.stderr.endCall()
	// Monotonic time is real elapsed time plus every sleep the guest asked
	// for, and sleeping returns at once: a guest can never block a host
	// thread outside the deadline's reach, and a Go guest runtime waiting
	// for a timer does not spin until the real time arrives.
	var slept atomic.Int64
	cfg := p.modCfg.WithStdout(inst.stdout).WithStderr(inst.stderr).
		WithNanotime(func() int64 { return int64(time.Since(p.start)) + slept.Load() }, sys.ClockResolution(time.Microsecond)).
		WithNanosleep(func(ns int64) { slept.Add(max(ns, 0)) })
	mod, err := p.rt.InstantiateModule(ictx, p.compiled, cfg)
	if err != nil {
		return nil, &FaultError{Plugin: p.name, Reason: "instantiation failed", Err: err, Stderr: inst.stderr.firstBytes()}
	}
	inst.mod, inst.mem = mod, mod.ExportedMemory(abi.ExportMemory)
	inst.alloc, inst.call = mod.ExportedFunction(abi.ExportAlloc), mod.ExportedFunction(abi.ExportCall)
	p.live.Add(1)
	fail := func(err error) (*instance, error) {
		inst.close()
		p.live.Add(-1)
		return nil, err
	}
	if p.guarded {
		flag, ok := mod.ExportedGlobal(loopguard.Export).(api.MutableGlobal)
		if !ok {
			return fail(fmt.Errorf("plugin %q: the loop guard's flag is missing", p.name))
		}
		inst.stop = flag
		defer inst.arm(ictx)()
		if init := mod.ExportedFunction(abi.ExportInitialize); init != nil {
			if _, err := init.Call(ictx); err != nil {
				f := p.fault(inst, abi.HookDescribe, ictx, err)
				f.Reason = "instantiation failed: " + f.Reason
				return fail(f)
			}
		}
	}

	ver, err := mod.ExportedFunction(abi.ExportVersion).Call(ictx)
	if err != nil {
		return fail(p.fault(inst, abi.HookDescribe, ictx, err))
	}
	major, minor := abi.UnpackVersion(uint32(ver[0]))
	if major != abi.Major {
		return fail(fmt.Errorf("plugin %q: built for ABI v%d.%d, this host speaks v%d.%d: rebuild it against an ABI v%d SDK",
			p.name, major, minor, abi.Major, abi.Minor, abi.Major))
	}

	ptr, err := inst.write(ictx, p.initArg)
	if err != nil {
		return fail(p.fault(inst, abi.HookDescribe, ictx, err))
	}
	res, err := mod.ExportedFunction(abi.ExportInit).Call(ictx, uint64(ptr), uint64(len(p.initArg)))
	if err != nil {
		return fail(p.fault(inst, abi.HookDescribe, ictx, err))
	}
	if _, err := p.result(inst, abi.HookDescribe, res[0]); err != nil {
		var pe *PluginError
		if errors.As(err, &pe) {
			err = fmt.Errorf("plugin %q: rejected its configuration: %s", p.name, pe.Message)
		}
		return fail(err)
	}
	return inst, nil
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
	ctx, cancel := context.WithTimeout(ctx, p.limits.Timeout)
	defer cancel()
	defer inst.stdout.endCall()
	defer inst.stderr.endCall()
	defer inst.arm(ctx)()

	ptr, err := inst.write(ctx, in)
	if err != nil {
		return nil, p.fault(inst, hook, ctx, err)
	}
	inst.stack = [3]uint64{uint64(hook), uint64(ptr), uint64(len(in))}
	if err := inst.call.CallWithStack(ctx, inst.stack[:]); err != nil {
		return nil, p.fault(inst, hook, ctx, err)
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

// fault classifies a failed guest call.
func (p *Plugin) fault(inst *instance, hook abi.Hook, ctx context.Context, err error) *FaultError {
	f := &FaultError{Plugin: p.name, Hook: hook, Err: err, Stderr: inst.stderr.firstBytes()}
	var exit *sys.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		f.Reason, f.Err = fmt.Sprintf("deadline exceeded (timeout %v)", p.limits.Timeout), nil
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		f.Reason, f.Err = "caller cancelled", nil
	case errors.As(err, &exit):
		f.Reason, f.Err = fmt.Sprintf("guest exited with code %d", exit.ExitCode()), nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// A trap at the loop guard once the deadline passed.
		f.Reason, f.Err = fmt.Sprintf("deadline exceeded (timeout %v)", p.limits.Timeout), nil
	case ctx.Err() != nil:
		f.Reason, f.Err = "caller cancelled", nil
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
