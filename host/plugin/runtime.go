package plugin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/tetratelabs/wazero"
)

// RuntimeConfig configures a Runtime. Every field is optional.
type RuntimeConfig struct {
	// CacheDir holds wazero's on-disk compilation cache, so a restart or a
	// reload of an unchanged module skips native compilation (~0.5 s for a
	// Go guest). Empty means an in-memory cache only.
	CacheDir string
	// Logger receives guest stdout/stderr and plugin lifecycle events.
	Logger hclog.Logger
	// Clock is the wall clock guests see (default time.Now). Plugins that
	// need the time should take it from their request instead; see ABI.md.
	Clock func() time.Time
	// Rand is the random source guests see (default crypto/rand.Reader).
	// It must be safe for concurrent use.
	Rand io.Reader
	// MaxModuleBytes refuses larger .wasm files (default 64 MiB).
	MaxModuleBytes int64
}

// Runtime loads plugins. It owns the compilation cache shared by all of them;
// each plugin gets its own wazero runtime so that its memory limit applies to
// it alone.
type Runtime struct {
	cfg   RuntimeConfig
	cache wazero.CompilationCache
	start time.Time
}

// NewRuntime creates a Runtime. Close it to release the compilation cache.
func NewRuntime(cfg RuntimeConfig) (*Runtime, error) {
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.MaxModuleBytes == 0 {
		cfg.MaxModuleBytes = 64 << 20
	}
	r := &Runtime{cfg: cfg, start: time.Now()}
	if cfg.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("plugin compilation cache %q: %w", cfg.CacheDir, err)
		}
		r.cache = c
	} else {
		r.cache = wazero.NewCompilationCache()
	}
	return r, nil
}

// Close releases the compilation cache. Plugins loaded from r must be closed
// first.
func (r *Runtime) Close(ctx context.Context) error { return r.cache.Close(ctx) }

// Load validates m, reads and verifies the module, compiles it and creates
// its pool of initialised instances, running the self-test described in
// ABI.md. Any failure is returned as an error naming the plugin and the
// problem; nothing is left running.
func (r *Runtime) Load(ctx context.Context, m Manifest) (*Plugin, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	code, sum, err := r.readModule(&m)
	if err != nil {
		return nil, err
	}
	stamp, _ := fileStamp(m.Path)
	p, err := newPlugin(ctx, r, m, code, sum)
	if p != nil {
		p.stamp = stamp
	}
	return p, err
}

// fileStamp identifies a file version cheaply (size and modification
// time), so a watcher polling for changes hashes only files that changed.
func fileStamp(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano()), nil
}

func (r *Runtime) readModule(m *Manifest) ([]byte, [32]byte, error) {
	var sum [32]byte
	f, err := os.Open(m.Path)
	if err != nil {
		return nil, sum, fmt.Errorf("plugin %q: %w", m.Name, err)
	}
	defer f.Close()
	code, err := io.ReadAll(io.LimitReader(f, r.cfg.MaxModuleBytes+1))
	if err != nil {
		return nil, sum, fmt.Errorf("plugin %q: reading %s: %w", m.Name, m.Path, err)
	}
	if int64(len(code)) > r.cfg.MaxModuleBytes {
		return nil, sum, fmt.Errorf("plugin %q: %s is larger than %d bytes", m.Name, m.Path, r.cfg.MaxModuleBytes)
	}
	sum = sha256.Sum256(code)
	if m.SHA256 != "" {
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, m.SHA256) {
			return nil, sum, fmt.Errorf("plugin %q: sha256 mismatch for %s: pinned %s, file has %s", m.Name, m.Path, m.SHA256, got)
		}
	}
	return code, sum, nil
}
