// Package plugin is the node's WebAssembly plugin host: it loads policy
// plugins (safety, format, cache, pricing, proof) built for ABI v1 (see
// abi/ABI.md), runs them sandboxed on wazero, and gives the request path one
// typed facade per kind.
//
// The pieces, from the bottom up:
//
//   - Runtime owns the compilation cache shared by all plugins (on disk, so
//     a restart or a reload of an unchanged module skips compilation) and the
//     guest-visible clock, random source and log.
//   - Plugin is one loaded version of one module, rewritten by loopguard so
//     that a deadline stops any code: its own wazero runtime (so its memory
//     limit is its own), and a bounded pool of pre-initialised instances. A
//     call borrows one instance exclusively, under a deadline, with its
//     output size and log volume capped. An instance that traps,
//     times out, exits or returns a malformed result is discarded and
//     replaced, never reused; repeated faults open a crash-loop breaker.
//   - Manifest declares a plugin (path, SHA-256 pin, kind, config, limits)
//     and validates itself with errors that name the field.
//   - Registry holds the current version of each plugin and swaps versions
//     atomically on Reload: the new version is validated (pin, ABI version,
//     exports, init, self-test) before the swap, calls in flight finish on
//     the version they started on, and a failed reload keeps the old one.
//     Apply reconciles with a full configuration, all or nothing: the new
//     set replaces the old one at once only if every plugin of it loads;
//     Refresh reloads plugins whose files changed (for a file watcher or
//     SIGHUP).
//   - Safety, Format, CachePolicy, Pricing and Proof are the facades the
//     request path calls (reg.Safety().CheckPrompt, reg.Pricing().Quote, ...).
//     Each applies its kind's failure direction: safety and proof fail
//     closed, format fails open to the unchanged text, cache fails to "do not
//     cache", pricing to the configured fallback quote or an error.
//
// The response cache store the cache policy governs is package cache.
// Choices that are not obvious are explained in RATIONALE.md; measured
// costs are in BENCHMARKS.md.
package plugin

// The hand-written hostile modules in testdata/wat are committed as .wat and
// .wasm; regenerating them needs wat2wasm (Debian package wabt).
//go:generate sh -c "cd testdata/wat && ./gen.sh"
