package loopguard

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Instantiate adds to rt the host module that rewritten modules import.
// visit runs, in the calling goroutine and with the context of the guest
// call, whenever the guest's budget runs out (and before every call of an
// imported function, memory.grow and table.grow); it returns whether the
// call must stop, and the guest then traps with unreachable.
//
// A visit is Go code, so it is where the Go runtime can preempt a
// goroutine that runs a guest (for the garbage collector's stop-the-world,
// or for another goroutine when GOMAXPROCS is 1); visit itself may also
// yield (runtime.Gosched).
func Instantiate(ctx context.Context, rt wazero.Runtime, visit func(ctx context.Context) (stop bool)) error {
	_, err := rt.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(ctx context.Context, stack []uint64) {
			stack[0] = 0
			if visit(ctx) {
				stack[0] = 1
			}
		}), nil, []api.ValueType{api.ValueTypeI32}).
		Export(ImportName).
		Instantiate(ctx)
	return err
}
