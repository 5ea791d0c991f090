package plugintest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/plugin"
)

var (
	mu     sync.Mutex
	outDir string
	built  = map[string]string{} // absolute package dir -> .wasm
)

// Main runs the tests and removes the built plugins. Use it from TestMain
// when a package builds plugins: func TestMain(m *testing.M) { plugintest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if outDir != "" {
		os.RemoveAll(outDir)
	}
	mu.Unlock()
	os.Exit(code)
}

// Build compiles the plugin main package in dir (relative to the test's
// working directory) with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared and
// returns the path of the .wasm file. The result is shared by all tests of
// the process; callers must not modify it.
func Build(t testing.TB, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[abs]; ok {
		return p
	}
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "fabnode-plugintest-"); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256([]byte(abs))
	out := filepath.Join(outDir, filepath.Base(abs)+"-"+hex.EncodeToString(sum[:4])+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, ".")
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building plugin %s: %v\n%s", dir, err, b)
	}
	built[abs] = out
	return out
}

// CacheDir is the wazero compilation cache directory plugintest uses, under
// the user cache directory, shared by test runs ("" if there is none).
func CacheDir() string { return cacheDir() }

var cacheDir = sync.OnceValue(func() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "fabnode", "plugintest-wazero")
	}
	return ""
})

// NewRuntime returns a host runtime whose guest output goes to the test log
// and whose compilation cache is shared across test runs. It is closed when
// the test ends.
func NewRuntime(t testing.TB) *plugin.Runtime {
	t.Helper()
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: cacheDir(), Logger: Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

// Logger returns an hclog.Logger that writes to the test's output.
func Logger(t testing.TB) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: t.Name(), Output: t.Output(), Level: hclog.Info})
}

// Manifest returns a manifest for the .wasm at path, pinned to its current
// SHA-256, with a pool of 2 instances.
func Manifest(t testing.TB, name, kind, path string, config map[string]string) plugin.Manifest {
	t.Helper()
	sum, err := fetch.FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return plugin.Manifest{Name: name, Kind: kind, Path: path, SHA256: sum, Config: config, Limits: plugin.Limits{PoolSize: 2}}
}

// Load builds the plugin in dir and loads it as a plugin of the given kind
// into a fresh Registry, which is closed when the test ends.
func Load(t testing.TB, dir, kind string, config map[string]string) *plugin.Registry {
	t.Helper()
	m := Manifest(t, fmt.Sprintf("%s-under-test", kind), kind, Build(t, dir), config)
	return LoadManifest(t, m)
}

// LoadManifest loads m into a fresh Registry, closed when the test ends.
func LoadManifest(t testing.TB, m plugin.Manifest) *plugin.Registry {
	t.Helper()
	reg := plugin.NewRegistry(NewRuntime(t), plugin.RegistryConfig{})
	if err := reg.Load(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	return reg
}
