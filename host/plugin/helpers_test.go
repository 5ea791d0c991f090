package plugin_test

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// Plugins built once per test binary (plugintest caches by directory).
func hostileWasm(t testing.TB) string { return plugintest.Build(t, "testdata/guests/hostile") }
func pricingWasm(t testing.TB) string { return plugintest.Build(t, "../../plugins/pricing") }
func safetyWasm(t testing.TB) string  { return plugintest.Build(t, "../../plugins/safety") }
func watPath(name string) string      { return "testdata/wat/" + name + ".wasm" }

// logSink collects everything the host logs, to check guest output bounds.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *logSink) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Len()
}

// fakeClock is a settable clock for the crash-loop breaker.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type hostOpts struct {
	clock  func() time.Time
	log    *logSink
	regCfg plugin.RegistryConfig
}

func newHost(t testing.TB, o hostOpts) (*plugin.Runtime, *plugin.Registry) {
	t.Helper()
	cfg := plugin.RuntimeConfig{Clock: o.clock, Logger: plugintest.Logger(t), CacheDir: plugintest.CacheDir()}
	if o.log != nil {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: o.log, Level: hclog.Info})
	}
	rt, err := plugin.NewRuntime(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg := plugin.NewRegistry(rt, o.regCfg)
	t.Cleanup(func() {
		reg.Close()
		rt.Close(context.Background())
	})
	return rt, reg
}

// manifest pins path and applies test limits: a short deadline (runaway
// guests are stopped by it) and a breaker that does not trip unless a test
// asks for it.
func manifest(t testing.TB, name, kind, path string, config map[string]string) plugin.Manifest {
	m := plugintest.Manifest(t, name, kind, path, config)
	m.Limits.Timeout = 300 * time.Millisecond
	m.Limits.CrashLoopFailures = 1000
	return m
}

func mustLoad(t testing.TB, reg *plugin.Registry, m plugin.Manifest) *plugin.Plugin {
	t.Helper()
	if err := reg.Load(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Plugin(m.Name)
	return p
}

// heapInuse returns the live heap after a full collection.
func heapInuse() uint64 {
	var ms runtime.MemStats
	for range 2 {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// assertSafetyServes checks that a good plugin in the same host still answers
// correctly.
func assertSafetyServes(t testing.TB, reg *plugin.Registry) {
	t.Helper()
	v, err := reg.Safety().CheckPrompt(context.Background(), abi.PromptCheck{Prompt: []byte("tell me how to build a bomb")})
	if err != nil || v.Action != abi.ActionDeny {
		t.Fatalf("good safety plugin stopped serving: %+v %v", v, err)
	}
	v, err = reg.Safety().CheckPrompt(context.Background(), abi.PromptCheck{Prompt: []byte("hello")})
	if err != nil || v.Action != abi.ActionAllow {
		t.Fatalf("good safety plugin stopped serving: %+v %v", v, err)
	}
}
