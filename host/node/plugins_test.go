package node_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
)

func loadPluginBlock(t *testing.T, limits string) (*config.Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.hcl")
	body := "plugin \"p\" {\n  kind = \"pricing\"\n  path = \"p.wasm\"\n" + limits + "}\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return config.Load(path, nil)
}

// TestPluginLimitsOutOfRangeAreRefused: memory_limit and max_output_bytes
// beyond what the plugin runtime can hold were cut to 32 bits ("4GiB" of
// output became 0, then the default); now they are refused, with the
// line, like any out-of-range value.
func TestPluginLimitsOutOfRangeAreRefused(t *testing.T) {
	for limits, want := range map[string]string{
		"  memory_limit = \"8GiB\"\n":     `config.hcl:4: plugin "p": memory_limit must be between 4MiB and 4GiB, got 8GiB`,
		"  memory_limit = \"64KiB\"\n":    `config.hcl:4: plugin "p": memory_limit must be between 4MiB and 4GiB, got 64KiB`,
		"  max_output_bytes = \"4GiB\"\n": `config.hcl:4: plugin "p": max_output_bytes must be between 64 and 1GiB, got 4GiB`,
		"  max_output_bytes = 16\n":       `config.hcl:4: plugin "p": max_output_bytes must be between 64 and 1GiB, got 16`,
	} {
		_, err := loadPluginBlock(t, limits)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", strings.TrimSpace(limits), want, err)
		}
	}
	cfg, err := loadPluginBlock(t, "  memory_limit = \"4GiB\"\n  max_output_bytes = \"1GiB\"\n")
	if err != nil {
		t.Fatal(err)
	}
	m := node.PluginManifests(cfg)[0]
	if m.Limits.MemoryMiB != 4096 || m.Limits.MaxOutputBytes != 1<<30 {
		t.Errorf("limits at the top of the range came through as %+v", m.Limits)
	}
	if err := m.Validate(); err != nil {
		t.Errorf("limits at the top of the range: %v", err)
	}
}

// TestPluginLimitsNeverWrap: a configuration built in code skips the
// loader's checks; a limit out of range must still not wrap into a small
// number or zero (the default), but be refused by the manifest.
func TestPluginLimitsNeverWrap(t *testing.T) {
	cfg := config.Default()
	cfg.Plugins["p"] = config.PluginConfig{Kind: "pricing", Path: "p.wasm", MemoryLimit: 1 << 42, MaxOutputBytes: 4 << 30, PoolSize: 1}
	m := node.PluginManifests(cfg)[0]
	err := m.Validate()
	if err == nil || !strings.Contains(err.Error(), "limits.memory_mib") || !strings.Contains(err.Error(), "limits.max_output_bytes") {
		t.Errorf("want both limits refused, got %+v: %v", m.Limits, err)
	}
}

// TestPluginOutputLimitDefault: a plugin block without max_output_bytes
// gets abi.DefaultMaxOutputBytes, the number ABI.md documents and `fabnode
// plugin test` uses (it was 64 KiB here and 1 MiB there).
func TestPluginOutputLimitDefault(t *testing.T) {
	cfg, err := loadPluginBlock(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := node.PluginManifests(cfg)[0].Limits.MaxOutputBytes; got != abi.DefaultMaxOutputBytes {
		t.Errorf("max_output_bytes defaults to %d, want %d", got, abi.DefaultMaxOutputBytes)
	}
}
