package plugin

import (
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/fabnode/fabnode/abi"
)

// Manifest declares one plugin. The config layer fills it from a block of
// config.hcl such as
//
//	plugin "safety" {
//	  kind   = "safety"
//	  path   = "/var/lib/fabnode/plugins/safety.wasm"
//	  sha256 = "3f9a...e1"                 # hex SHA-256 of the file
//	  config = { deny_prompt = "build a bomb" }
//	  limits {
//	    memory_mib       = 64
//	    timeout          = "100ms"
//	    max_output_bytes = 1048576         # abi.DefaultMaxOutputBytes
//	    max_log_bytes    = 8192
//	    pool_size        = 4
//	  }
//	}
//
// and hands the full set to Registry.Apply on start and on every reload.
type Manifest struct {
	Name   string
	Kind   string            // safety, format, cache, pricing, proof
	Path   string            // the .wasm file
	SHA256 string            // hex pin; required unless AllowUnpinned
	Config map[string]string // handed to the plugin's fab_init
	Limits Limits

	// AllowUnpinned accepts a module without a SHA-256 pin. Meant for
	// development and tests; production configs should always pin.
	AllowUnpinned bool
}

// Limits bound what one plugin may consume. Zero values take the defaults
// documented on each field.
type Limits struct {
	// MemoryMiB caps each instance's linear memory (default 64, min 4:
	// a Go guest needs about 2.6 MiB just to start).
	MemoryMiB uint32
	// Timeout bounds one hook call (default 100ms). A call that runs past it
	// is aborted and its instance discarded.
	Timeout time.Duration
	// MaxOutputBytes caps the size of one hook result (default
	// abi.DefaultMaxOutputBytes, 1 MiB; at most MaxOutputBytesLimit).
	MaxOutputBytes uint32
	// MaxLogBytes caps what one call may write to stdout, and separately
	// the same again to stderr, before the rest is dropped (default 8 KiB
	// per stream, so 16 KiB per call).
	MaxLogBytes uint32
	// PoolSize is the number of instances, and so of concurrent calls
	// (default 4). All are created at load.
	PoolSize int
	// CrashLoopFailures within CrashLoopWindow mark the plugin unhealthy
	// for CrashLoopCooldown (defaults 5, 1m, 30s).
	CrashLoopFailures int
	CrashLoopWindow   time.Duration
	CrashLoopCooldown time.Duration
}

const (
	wasmPageSize = 64 << 10
	minMemoryMiB = 4
	maxMemoryMiB = 4 << 10
	maxPoolSize  = 256
	// MaxOutputBytesLimit is the largest max_output_bytes a manifest may
	// set (the config's check tag on max_output_bytes says the same).
	MaxOutputBytesLimit = 1 << 30
)

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	def := func(v, d int64) int64 {
		if v == 0 {
			return d
		}
		return v
	}
	l.MemoryMiB = uint32(def(int64(l.MemoryMiB), 64))
	l.Timeout = time.Duration(def(int64(l.Timeout), int64(100*time.Millisecond)))
	l.MaxOutputBytes = uint32(def(int64(l.MaxOutputBytes), abi.DefaultMaxOutputBytes))
	l.MaxLogBytes = uint32(def(int64(l.MaxLogBytes), 8<<10))
	l.PoolSize = int(def(int64(l.PoolSize), 4))
	l.CrashLoopFailures = int(def(int64(l.CrashLoopFailures), 5))
	l.CrashLoopWindow = time.Duration(def(int64(l.CrashLoopWindow), int64(time.Minute)))
	l.CrashLoopCooldown = time.Duration(def(int64(l.CrashLoopCooldown), int64(30*time.Second)))
	return l
}

func (l Limits) memoryPages() uint32 { return l.MemoryMiB * (1 << 20 / wasmPageSize) }

// Validate checks the manifest without touching the file system and returns
// every problem found, each naming the offending field.
func (m *Manifest) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("plugin %q: "+format, append([]any{m.Name}, args...)...))
	}
	if m.Name == "" || strings.ContainsAny(m.Name, " \t\n/\\") {
		bad("name must be non-empty and contain no spaces or slashes")
	}
	if _, err := abi.ParseKind(m.Kind); err != nil {
		bad("kind: %v", err)
	}
	if m.Path == "" {
		bad("path is required")
	} else if !strings.HasSuffix(m.Path, ".wasm") {
		bad("path %q: expected a .wasm file", m.Path)
	}
	switch {
	case m.SHA256 == "" && !m.AllowUnpinned:
		bad("sha256 pin is required (or set allow_unpinned = true for development)")
	case m.SHA256 != "":
		if b, err := hex.DecodeString(m.SHA256); err != nil || len(b) != 32 {
			bad("sha256 %q: want 64 hex digits", m.SHA256)
		}
	}
	l := m.Limits
	if l.MemoryMiB != 0 && (l.MemoryMiB < minMemoryMiB || l.MemoryMiB > maxMemoryMiB) {
		bad("limits.memory_mib %d: want %d..%d", l.MemoryMiB, minMemoryMiB, maxMemoryMiB)
	}
	if l.Timeout < 0 {
		bad("limits.timeout %v: must be positive", l.Timeout)
	}
	if l.PoolSize < 0 || l.PoolSize > maxPoolSize {
		bad("limits.pool_size %d: want 1..%d", l.PoolSize, maxPoolSize)
	}
	if l.MaxOutputBytes != 0 && (l.MaxOutputBytes < 64 || l.MaxOutputBytes > MaxOutputBytesLimit) {
		bad("limits.max_output_bytes %d: want 64..%d", l.MaxOutputBytes, MaxOutputBytesLimit)
	}
	if l.CrashLoopFailures < 0 || l.CrashLoopWindow < 0 || l.CrashLoopCooldown < 0 {
		bad("limits.crash_loop_*: must not be negative")
	}
	return errors.Join(errs...)
}

func (m *Manifest) kind() abi.Kind { k, _ := abi.ParseKind(m.Kind); return k }

// Equal reports whether two manifests describe the same plugin version.
// The registry uses it (with the file hash) to skip no-op reloads.
func (m *Manifest) Equal(o *Manifest) bool {
	return m.Name == o.Name && m.Kind == o.Kind && m.Path == o.Path && m.SHA256 == o.SHA256 &&
		m.AllowUnpinned == o.AllowUnpinned && m.Limits == o.Limits && maps.Equal(m.Config, o.Config)
}
