// Package loopguard rewrites a WebAssembly module so that a host can stop
// any running call, whatever the shape of its code, cheaply, and caps the
// module's tables.
//
// The rewrite adds a mutable i32 budget (a global) and an import of a host
// function (ImportModule.ImportName, provided by Instantiate). Every
// function entry and every loop header takes a weight off the budget (one
// unit per 64 instructions the check guards, at least one); when the
// budget runs out the guest calls the host, which says whether the call
// must stop (its deadline has passed, or its caller has gone), and the
// guest then traps with unreachable. Checking at function entry as well as
// at loop headers, as wasmtime's epoch interruption does, stops code with
// no loop at all, such as exponential recursion; weighing the checks
// bounds the work between two visits (about Budget×64 instructions, a few
// milliseconds) instead of the number of loop iterations. Calls of
// imported functions, memory.grow and table.grow visit the host first, and
// bulk memory and table instructions are weighed by their length operand,
// so none of them can start long after a deadline.
//
// The visit is Go code, and that matters as much as the answer: native
// guest code gives the Go runtime no safe point, so without regular visits
// a guest would hold off a garbage collection's stop-the-world, and with
// GOMAXPROCS=1 every other goroutine, indefinitely. The host decides at
// each visit from the clock, not from a flag a timer sets, so the deadline
// holds even when the guest holds the only P.
//
// wazero can stop a guest by itself (WithCloseOnContextDone), but it does
// so by calling a trampoline at every loop header (and not at function
// entry), which costs Go guests, whose every function body is a loop, four
// to five times their run time (host/plugin/RATIONALE.md). A global
// decrement and a branch cost next to nothing.
//
// Instrument only rewrites what it fully understands (WebAssembly 2.0:
// the MVP, sign extension, saturating conversions, multi-value, bulk
// memory, reference types, fixed-width SIMD; and tail calls) and refuses
// anything else. It also refuses a module that refers to an index the
// rewrite adds (a global, type, function or local it does not declare):
// such a module is invalid, and the rewrite would make it valid, so that
// validating the rewritten module (wazero does when it compiles it)
// validates the original too. FuzzInstrumentKeepsValidity checks both
// directions.
package loopguard
