package plugin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/plugin"
)

func TestManifestValidation(t *testing.T) {
	ok := plugin.Manifest{Name: "p", Kind: "pricing", Path: "p.wasm", SHA256: strings.Repeat("ab", 32)}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid manifest rejected: %v", err)
	}
	for want, mutate := range map[string]func(*plugin.Manifest){
		"name must be non-empty":            func(m *plugin.Manifest) { m.Name = "" },
		`unknown plugin kind "billing"`:     func(m *plugin.Manifest) { m.Kind = "billing" },
		"path is required":                  func(m *plugin.Manifest) { m.Path = "" },
		"expected a .wasm file":             func(m *plugin.Manifest) { m.Path = "p.so" },
		"sha256 pin is required":            func(m *plugin.Manifest) { m.SHA256 = "" },
		`sha256 "abc": want 64 hex digits`:  func(m *plugin.Manifest) { m.SHA256 = "abc" },
		"limits.memory_mib 1: want 4..4096": func(m *plugin.Manifest) { m.Limits.MemoryMiB = 1 },
		"limits.timeout -1s":                func(m *plugin.Manifest) { m.Limits.Timeout = -time.Second },
		"limits.pool_size 1000":             func(m *plugin.Manifest) { m.Limits.PoolSize = 1000 },
		"limits.max_output_bytes 10":        func(m *plugin.Manifest) { m.Limits.MaxOutputBytes = 10 },
	} {
		m := ok
		mutate(&m)
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `plugin "`) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
	unpinned := ok
	unpinned.SHA256, unpinned.AllowUnpinned = "", true
	if err := unpinned.Validate(); err != nil {
		t.Errorf("allow_unpinned: %v", err)
	}
}

func TestLoadErrorsNameTheProblem(t *testing.T) {
	rt, _ := newHost(t, hostOpts{})
	ctx := context.Background()
	missing := plugin.Manifest{Name: "gone", Kind: "pricing", Path: "testdata/nope.wasm", AllowUnpinned: true}
	if _, err := rt.Load(ctx, missing); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.wasm")
	os.WriteFile(junk, []byte("\x00asm not really"), 0o644)
	garbage := plugin.Manifest{Name: "junk", Kind: "pricing", Path: junk, AllowUnpinned: true}
	if _, err := rt.Load(ctx, garbage); err == nil || !strings.Contains(err.Error(), `plugin "junk": compiling`) {
		t.Errorf("garbage module: %v", err)
	}
}
