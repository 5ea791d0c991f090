package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func genTiny(t *testing.T) (path, sum string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "tiny.gguf")
	out, err := run(t, "model", "gen", "--preset", "tiny", "--out", path)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(out)
	return path, f[len(f)-1]
}

// serveNode builds the node of cfg, serves it on a loopback port until the
// test ends (a 5 s shutdown grace) and returns it with the address it
// listens on, once /health answers.
func serveNode(t *testing.T, cfg *config.Config) (*node.Node, string) {
	t.Helper()
	n, err := node.New(cfg, plugintest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Prepare(ctx, nil); err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- n.Serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() { cancel(); <-served })
	addr := ln.Addr().String()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if r, err := http.Get("http://" + addr + "/health"); err == nil {
			r.Body.Close()
			return n, addr
		}
		if time.Now().After(deadline) {
			t.Fatal("the node never answered /health")
		}
	}
}

func TestModelGenIsDeterministicAndInfoDescribesIt(t *testing.T) {
	_, a := genTiny(t)
	path, b := genTiny(t)
	if a != b || len(a) != 64 {
		t.Fatalf("two generations hash %s and %s", a, b)
	}
	out, err := run(t, "model", "info", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"architecture        llama", "quantization        F32", "chat template       chatml", "sha256              " + a} {
		if !strings.Contains(out, want) {
			t.Errorf("model info lacks %q:\n%s", want, out)
		}
	}
	q8 := filepath.Join(t.TempDir(), "q8.gguf")
	if _, err := run(t, "model", "gen", "--preset", "tiny", "--type", "q8_0", "--out", q8); err != nil {
		t.Fatal(err)
	}
	if out, _ := run(t, "model", "info", "--no-hash", q8); !strings.Contains(out, "Q8_0") {
		t.Fatalf("quantized model info:\n%s", out)
	}
	if _, err := run(t, "model", "gen", "--preset", "huge"); err == nil || !strings.Contains(err.Error(), "unknown preset") {
		t.Fatalf("unknown preset: %v", err)
	}
}

// flaky serves body but drops the connection after chunk bytes of every
// response and ignores the first Range request, as bad mirrors do.
func flaky(body []byte, chunk int) http.Handler {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := 0
		if rg := r.Header.Get("Range"); rg != "" && n.Add(1) != 1 {
			var from int
			if _, err := fmtSscanf(rg, "bytes=%d-", &from); err == nil && from < len(body) {
				start = from
				w.Header().Set("Content-Range", rangeHeader(from, len(body)))
				w.Header().Set("Content-Length", itoa(len(body)-from))
				w.WriteHeader(http.StatusPartialContent)
			}
		}
		if start == 0 {
			w.Header().Set("Content-Length", itoa(len(body)))
			w.WriteHeader(http.StatusOK)
		}
		end := min(len(body), start+chunk)
		w.Write(body[start:end])
		if end < len(body) {
			panic(http.ErrAbortHandler) // drop the connection mid-body
		}
	})
}

func TestModelPullResumesAndVerifies(t *testing.T) {
	src, sum := genTiny(t)
	body, _ := os.ReadFile(src)
	srv := httptest.NewServer(flaky(body, len(body)/5))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "pulled.gguf")
	out, err := run(t, "model", "pull", srv.URL+"/tiny.gguf", "--sha256", sum, "--out", dest)
	if err != nil {
		t.Fatalf("pull: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(dest)
	if !bytes.Equal(got, body) {
		t.Fatal("pulled file differs from the served one")
	}

	bad := filepath.Join(t.TempDir(), "bad.gguf")
	wrong := strings.Repeat("ab", 32)
	if _, err := run(t, "model", "pull", srv.URL+"/tiny.gguf", "--sha256", wrong, "--out", bad); err == nil || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("wrong hash: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatal("a file that failed verification was left in place")
	}
	if _, err := run(t, "model", "pull", srv.URL+"/tiny.gguf", "--out", bad); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("pull without a hash: %v", err)
	}
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.hcl")
	os.WriteFile(cfg, []byte("api {\n  listn = \"x\"\n}\nengine {\n  parallel = 0\n}\n"), 0o644)
	_, err := run(t, "serve", "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "config.hcl:2") || !strings.Contains(err.Error(), `did you mean "listen"`) ||
		!strings.Contains(err.Error(), "config.hcl:5") {
		t.Fatalf("config errors: %v", err)
	}
}

func TestPrintConfigAppliesEnvAndFlags(t *testing.T) {
	path, _ := genTiny(t)
	cfg := filepath.Join(t.TempDir(), "config.hcl")
	os.WriteFile(cfg, []byte("model \"tiny\" {\n  path = \""+path+"\"\n}\n"), 0o644)
	t.Setenv("FABNODE_API_LISTEN", "127.0.0.1:9999")
	t.Setenv("FABNODE_ENGINE_PARALLEL", "3")
	out, err := run(t, "serve", "--config", cfg, "--print-config", "--parallel", "5")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"127.0.0.1:9999"`) || !strings.Contains(out, "parallel        = 5") {
		t.Fatalf("env or flag not applied:\n%s", out)
	}
	list, err := run(t, "model", "list", "--config", cfg)
	if err != nil || !strings.Contains(list, "tiny") || !strings.Contains(list, "present") || !strings.Contains(list, "llama") {
		t.Fatalf("model list: %v\n%s", err, list)
	}
}

func TestPluginCommandsAndLiveReload(t *testing.T) {
	wasm := plugintest.Build(t, "../../../plugins/pricing")
	out, err := run(t, "plugin", "inspect", wasm)
	fields := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	if err != nil || fields["kind"] != "pricing" || !strings.Contains(fields["hooks"], "quote") || !strings.HasPrefix(fields["deadlines"], "loop guard") {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	out, err = run(t, "plugin", "test", wasm, "--set", "input_per_mtok=2")
	if err != nil || !strings.Contains(out, "InputNanosPerToken:2000") {
		t.Fatalf("test: %v\n%s", err, out)
	}
	if _, err := run(t, "plugin", "test", wasm, "--kind", "safety"); err == nil || !strings.Contains(err.Error(), "implements pricing") {
		t.Fatalf("wrong kind: %v", err)
	}

	// A node serving from a config file; the file's pricing changes and
	// `fabnode plugin reload` swaps it in.
	model, _ := genTiny(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.hcl")
	writeCfg := func(price string) {
		os.WriteFile(cfgPath, []byte(fmt.Sprintf(`node {
  data_dir     = %q
  dev_key      = true
  plugin_watch = "0s"
}
model "tiny" {
  path = %q
}
plugin "pricing" {
  kind   = "pricing"
  path   = %q
  config = { input_per_mtok = %q }
}
`, dir, model, wasm, price)), 0o644)
	}
	writeCfg("0.10")
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	n.Reconfigure = func() (*config.Config, error) { return config.Load(cfgPath, nil) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := n.Prepare(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go n.Serve(ctx, ln, time.Second)
	url := "http://" + ln.Addr().String()
	quote := func() string {
		r, err := http.Get(url + "/v1/quote?prompt_tokens=1")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return string(b)
	}
	if q := quote(); !strings.Contains(q, `"input_nanos_per_token":100,`) {
		t.Fatalf("quote before reload: %s", q)
	}
	if out, err := run(t, "plugin", "list", "--config", cfgPath); err != nil || !strings.Contains(out, "unpinned") {
		t.Fatalf("plugin list: %v\n%s", err, out)
	}
	writeCfg("0.70")
	if out, err := run(t, "plugin", "reload", "pricing", "--config", cfgPath); err != nil {
		t.Fatalf("reload: %v\n%s", err, out)
	}
	if q := quote(); !strings.Contains(q, `"input_nanos_per_token":700,`) {
		t.Fatalf("quote after reload: %s", q)
	}
	writeCfg("not-a-number")
	if _, err := run(t, "plugin", "reload", "pricing", "--config", cfgPath); err == nil {
		t.Fatal("a plugin config its init rejects was swapped in")
	}
	if q := quote(); !strings.Contains(q, `"input_nanos_per_token":700,`) {
		t.Fatalf("a failed reload changed the running plugin: %s", q)
	}
	if _, err := run(t, "plugin", "reload", "nope", "--config", cfgPath); err == nil || !strings.Contains(err.Error(), "no plugin") {
		t.Fatalf("unknown plugin: %v", err)
	}
}

func TestMain(m *testing.M) { plugintest.Main(m) }
