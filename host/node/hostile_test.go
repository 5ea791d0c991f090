package node_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// healthBound is what the node promises: /health answers within it
// whatever a plugin does.
const healthBound = 100 * time.Millisecond

// TestHostilePluginsLeaveTheNodeResponsive serves a real node (a generated
// tiny model, the built-in pricing plugin) and swaps a hostile pricing
// plugin in for each case. A quote (GET /v1/quote) runs the hostile hook
// under the default 100 ms deadline while /health is polled: every poll
// must answer within 100 ms, and the quote must fail as pricing
// unavailable. All of it with GOMAXPROCS=1, as on every CPU-only node
// (engine.GoProcs), and 2.
func TestHostilePluginsLeaveTheNodeResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plugins and a node")
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], model); err != nil {
		t.Fatal(err)
	}
	pricing := plugintest.Build(t, "../../plugins/pricing")
	hostile := plugintest.Build(t, "../plugin/testdata/guests/hostile")
	wat := func(name string) string { return "../plugin/testdata/wat/" + name + ".wasm" }

	cfg := config.Default()
	cfg.Node.DataDir = dir
	cfg.Node.DevKey = true
	cfg.Node.PluginWatch = 0
	cfg.Models["tiny"] = config.ModelConfig{Path: model, GPULayers: -1}
	cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: pricing,
		MemoryLimit: 64 << 20, Timeout: 100 * time.Millisecond, MaxOutputBytes: 1 << 20, PoolSize: 2}
	n, err := node.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := n.Prepare(ctx, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Plugins.Close)
	srv := httptest.NewServer(n.API.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/v1/quote?prompt_tokens=10&max_tokens=10"); code != http.StatusOK {
		t.Fatalf("quote with the built-in pricing plugin: %d %s", code, body)
	}

	swapIn := func(t *testing.T, path string, conf map[string]string) error {
		return n.Plugins.Reload(ctx, plugin.Manifest{Name: "pricing", Kind: "pricing", Path: path, Config: conf, AllowUnpinned: true,
			Limits: plugin.Limits{MemoryMiB: 64, Timeout: 100 * time.Millisecond, PoolSize: 2}})
	}
	// Each case either runs until its deadline (untilDeadline), so /health
	// must be polled meanwhile, or is stopped by a limit it reaches, which
	// may come before the first poll.
	cases := []struct {
		name          string
		path          string
		conf          map[string]string
		untilDeadline bool
	}{
		{"loop", wat("loop"), nil, true},
		{"recursion without loops, depth 60", wat("recurse"), nil, true},
		{"recursion without loops, depth 28", wat("recurse28"), nil, true},
		{"table.grow without a maximum", wat("tablegrow"), nil, false},
		{"table.grow with the largest maximum", wat("tablemax"), nil, false},
		{"Go guest spinning", hostile, map[string]string{"quote": "loop"}, true},
		{"Go guest memory bomb", hostile, map[string]string{"quote": "bomb"}, false},
	}
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if err := swapIn(t, c.path, c.conf); err != nil {
						t.Fatal(err)
					}
					p, _ := n.Plugins.Plugin("pricing")
					calls := p.Stats().Calls
					type answer struct {
						code int
						body string
					}
					quoted := make(chan answer, 1)
					go func() {
						code, body := get("/v1/quote?prompt_tokens=10&max_tokens=10")
						quoted <- answer{code, body}
					}()
					for p.Stats().Calls == calls { // the hostile hook is running
						time.Sleep(50 * time.Microsecond)
					}
					var worst time.Duration
					polls := 0
					for {
						select {
						case a := <-quoted:
							if a.code != http.StatusServiceUnavailable {
								t.Errorf("hostile quote answered %d %s, want 503 (pricing unavailable)", a.code, a.body)
							}
							switch {
							case polls == 0 && c.untilDeadline:
								t.Fatal("/health was not polled while the hostile call ran")
							case polls == 0:
								t.Logf("the hostile call hit its limit before /health was polled")
							}
							if worst > healthBound {
								t.Errorf("/health took %v while the hostile call ran (%d polls), want under %v", worst, polls, healthBound)
							}
							if code, _ := get("/health"); code != http.StatusOK {
								t.Errorf("/health after the hostile call: %d", code)
							}
							return
						default:
						}
						start := time.Now()
						if code, body := get("/health"); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
							t.Fatalf("/health: %d %s", code, body)
						}
						worst = max(worst, time.Since(start))
						polls++
						time.Sleep(2 * time.Millisecond)
					}
				})
			}
		})
	}

	// Refused at load, the running plugin keeps serving: an invalid module
	// (global.set of a global it does not declare) and one whose table is
	// larger than the host allows.
	if err := swapIn(t, pricing, nil); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"badglobal": "invalid module", "bigtable": "more than the 1048576 allowed"} {
		if err := swapIn(t, wat(name), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want a refusal containing %q, got %v", name, want, err)
		}
		if code, body := get("/v1/quote?prompt_tokens=10&max_tokens=10"); code != http.StatusOK {
			t.Errorf("after refusing %s: quote %d %s", name, code, body)
		}
	}
}
