// Package loopguard rewrites a WebAssembly module so that a host can stop
// a running call cheaply. Every loop header counts down a budget; every
// 4096 iterations the guest makes one call into the host (memory.grow by
// zero pages) and then reads a mutable i32 flag the rewrite adds and
// exports (Export), trapping with unreachable when it is set. The host sets
// it from another goroutine when a call's deadline passes. The call into
// the host matters as much as the flag: native guest code gives the Go
// runtime no safe point, so without it a guest spinning in a loop would
// hold off a garbage collection's stop-the-world, and with it the timer
// that sets the flag, forever.
//
// wazero can stop a guest by itself (WithCloseOnContextDone), but it does
// so by calling a trampoline at every loop header, which costs Go guests,
// whose every function body is a loop, four to five times their run time
// (host/plugin/RATIONALE.md). A global read and a branch cost next to
// nothing.
//
// Instrument only rewrites what it fully understands: a module with
// instructions or sections it does not know (SIMD, threads, exception
// handling, ...) is returned unchanged with ok false, and the host falls
// back to wazero's mechanism for it.
package loopguard
