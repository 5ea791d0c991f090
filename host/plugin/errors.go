package plugin

import (
	"errors"
	"fmt"

	"github.com/fabnode/fabnode/abi"
)

var (
	// ErrUnhealthy is returned without calling the plugin while its crash-loop
	// breaker is open.
	ErrUnhealthy = errors.New("plugin unhealthy: too many recent failures")
	// ErrClosed is returned by calls on a closed plugin.
	ErrClosed = errors.New("plugin closed")
	// ErrUnsupported is returned when the plugin does not implement a hook.
	ErrUnsupported = errors.New("hook not implemented by plugin")
	// ErrNotConfigured is returned by a facade when no plugin of its kind is
	// loaded and the kind has no built-in fallback.
	ErrNotConfigured = errors.New("no plugin of this kind configured")
)

// FaultError reports a call that broke the sandbox contract: a trap, a
// deadline, a limit or a malformed result. The instance that produced it has
// been discarded and the failure counts towards the crash-loop breaker.
type FaultError struct {
	Plugin string
	Hook   abi.Hook
	// Export names the export that failed when it was not a hook call
	// (fab_call): _initialize, fab_abi_version, fab_alloc or fab_init,
	// while an instance was created.
	Export string
	Reason string // what happened, e.g. "deadline exceeded"
	Stderr string // start of what the guest wrote to stderr during the call, escaped (Escape)
	Err    error  // underlying wazero error, if any

	cancelled bool // the caller gave up: not the plugin's failure
}

// Error says what failed. Everything in it that comes from the guest (its
// stderr, and the function names in a wasm stack trace) is escaped.
func (e *FaultError) Error() string {
	s := fmt.Sprintf("plugin %q hook %s: %s", e.Plugin, e.Hook, e.Reason)
	if e.Export != "" {
		s = fmt.Sprintf("plugin %q %s: %s", e.Plugin, e.Export, e.Reason)
	}
	if e.Err != nil {
		s += ": " + Escape(e.Err.Error())
	}
	if e.Stderr != "" {
		s += " (guest stderr: " + e.Stderr + ")"
	}
	return s
}

func (e *FaultError) Unwrap() error { return e.Err }

// PluginError is an error the plugin itself returned (StatusError). The
// instance is healthy and stays in the pool.
type PluginError struct {
	Plugin  string
	Hook    abi.Hook
	Message string
}

// Error says what the plugin declined with; its message is escaped.
func (e *PluginError) Error() string {
	return fmt.Sprintf("plugin %q hook %s: %s", e.Plugin, e.Hook, Escape(e.Message))
}
