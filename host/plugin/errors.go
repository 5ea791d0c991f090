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
	Reason string // what happened, e.g. "deadline exceeded"
	Stderr string // start of what the guest wrote to stderr during the call
	Err    error  // underlying wazero error, if any
}

func (e *FaultError) Error() string {
	s := fmt.Sprintf("plugin %q hook %s: %s", e.Plugin, e.Hook, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
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

func (e *PluginError) Error() string {
	return fmt.Sprintf("plugin %q hook %s: %s", e.Plugin, e.Hook, e.Message)
}
