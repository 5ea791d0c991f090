package abi

import "fmt"

// Version of the ABI implemented by this package. A plugin reports the
// version it was built for through the fab_abi_version export, packed as
// Major<<16 | Minor. The host refuses any plugin whose major version differs
// from its own; minor versions only add hooks, kinds or trailing fields, so a
// plugin built for an older or newer minor of the same major is accepted.
const (
	Major = 1
	Minor = 2
)

// PackVersion packs a version the way fab_abi_version returns it.
func PackVersion(major, minor uint16) uint32 { return uint32(major)<<16 | uint32(minor) }

// UnpackVersion splits a value returned by fab_abi_version.
func UnpackVersion(v uint32) (major, minor uint16) { return uint16(v >> 16), uint16(v) }

// Names of the exports every plugin module must provide, and of the optional
// reactor initialiser that Go (and other WASI reactor) guests export.
const (
	ExportVersion    = "fab_abi_version" // () -> i32
	ExportAlloc      = "fab_alloc"       // (size i32) -> i32 ptr
	ExportInit       = "fab_init"        // (ptr i32, len i32) -> i64 packed result
	ExportCall       = "fab_call"        // (hook i32, ptr i32, len i32) -> i64 packed result
	ExportMemory     = "memory"
	ExportInitialize = "_initialize" // optional; run once at instantiation
)

// Kind is the policy a plugin implements. Each kind has a documented failure
// direction in the host (see ABI.md, "Failure direction").
type Kind uint8

const (
	KindUnknown Kind = iota
	KindSafety
	KindFormat
	KindCache
	KindPricing
	KindProof
)

var kindNames = [...]string{"unknown", "safety", "format", "cache", "pricing", "proof"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind maps a kind name as written in configuration to a Kind.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames[1:] {
		if n == s {
			return Kind(i + 1), nil
		}
	}
	return KindUnknown, fmt.Errorf("unknown plugin kind %q (want one of safety, format, cache, pricing, proof)", s)
}

// Hook identifies the function a fab_call invocation asks the plugin to run.
type Hook uint32

const (
	HookDescribe    Hook = 0 // every plugin: -> Description (self-test at load)
	HookPing        Hook = 1 // every plugin: echoes its input (no-op cost, health)
	HookCheckPrompt Hook = 2 // safety: PromptCheck -> Verdict
	HookFilterChunk Hook = 3 // safety: ChunkFilter -> ChunkResult
	HookRedact      Hook = 4 // safety: RedactRequest -> RedactResult
	HookFormat      Hook = 5 // format: FormatRequest -> FormatResult
	HookCachePolicy Hook = 6 // cache: CacheRequest -> CachePolicy
	HookQuote       Hook = 7 // pricing: QuoteRequest -> Quote
	HookCommit      Hook = 8 // proof: CommitRequest -> Commitment
	// Added in v1.1.
	HookFormatStream Hook = 9 // format, optional: FormatChunk -> FormatChunkResult
	hookCount             = 10
)

var hookNames = [...]string{"describe", "ping", "check_prompt", "filter_chunk", "redact", "format", "cache_policy", "quote", "commit", "format_stream"}

func (h Hook) String() string {
	if h < hookCount {
		return hookNames[h]
	}
	return fmt.Sprintf("hook(%d)", uint32(h))
}

// Bit returns the bit of h in a HookSet.
func (h Hook) Bit() HookSet { return 1 << h }

// HookSet is a bit set of hooks, as reported by Description.Hooks.
type HookSet uint64

// Has reports whether h is in the set.
func (s HookSet) Has(h Hook) bool { return s&h.Bit() != 0 }

// RequiredHooks lists, per kind, the hooks a plugin of that kind must
// implement. The host checks them at load time.
func RequiredHooks(k Kind) HookSet {
	switch k {
	case KindSafety:
		return HookCheckPrompt.Bit() | HookFilterChunk.Bit()
	case KindFormat:
		return HookFormat.Bit()
	case KindCache:
		return HookCachePolicy.Bit()
	case KindPricing:
		return HookQuote.Bit()
	case KindProof:
		return HookCommit.Bit()
	}
	return 0
}

// Status is the first byte of every result buffer.
type Status uint8

const (
	StatusOK          Status = 0 // payload is the hook's encoded result
	StatusError       Status = 1 // payload is a UTF-8 error message
	StatusUnsupported Status = 2 // the plugin does not implement the hook
)

// PackResult packs the (ptr, len) pair returned by fab_init and fab_call.
func PackResult(ptr, n uint32) uint64 { return uint64(ptr)<<32 | uint64(n) }

// UnpackResult splits a packed (ptr, len) result.
func UnpackResult(v uint64) (ptr, n uint32) { return uint32(v >> 32), uint32(v) }
