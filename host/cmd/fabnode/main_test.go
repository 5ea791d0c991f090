package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
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
