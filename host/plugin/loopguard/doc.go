// Package loopguard rewrites a WebAssembly module so that a host can stop
// a running call cheaply: every loop header first reads a mutable i32
// global the rewrite adds and exports (Export), and traps with
// unreachable when it is not zero. The host sets it from another goroutine
// when a call's deadline passes.
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
