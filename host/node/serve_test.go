package node_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// serving is a node running Serve on a loopback port.
type serving struct {
	n    *node.Node
	url  string
	stop context.CancelFunc
	done chan error
}

func serveNode(t *testing.T, edit func(cfg *config.Config)) *serving {
	t.Helper()
	return serveNodeWith(t, edit, nil)
}

// serveNodeWith is serveNode with a hook between New and Serve.
func serveNodeWith(t *testing.T, edit func(cfg *config.Config), built func(n *node.Node)) *serving {
	t.Helper()
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], model); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Node.DataDir = filepath.Join(dir, "data")
	cfg.Node.DevKey = true // the node's key, created on first start
	cfg.Node.PluginWatch = 0
	cfg.Engine.ContextSize, cfg.Engine.Parallel = 512, 2
	cfg.Models["tiny"] = config.ModelConfig{Path: model, GPULayers: -1}
	cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: plugintest.Build(t, "../../plugins/pricing"),
		MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2}
	if edit != nil {
		edit(cfg)
	}
	n, err := node.New(cfg, plugintest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if built != nil {
		built(n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Prepare(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &serving{n: n, url: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1)}
	go func() { s.done <- n.Serve(ctx, ln, time.Minute) }() // a generous grace: drains are tested, not their speed
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	waitServing(t, s.url)
	return s
}

func waitServing(t *testing.T, url string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if r, err := http.Get(url + "/health"); err == nil {
			r.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the node never answered /health")
		}
	}
}

func reloadBody() io.Reader { return strings.NewReader(`{"name":"pricing"}`) }

// The admin endpoint shared the public listener and trusted any loopback
// peer, so whatever a reverse proxy on the host forwarded was admitted.
// It now has its own listener, by default a unix socket only the node's
// user can open.
func TestAdminIsNotOnThePublicListener(t *testing.T) {
	s := serveNode(t, nil)
	resp, err := http.Post(s.url+"/admin/plugins/reload", "application/json", reloadBody())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("admin endpoint on the public listener: %d", resp.StatusCode)
	}
	sock := filepath.Join(s.n.Config.Node.DataDir, "admin.sock")
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("admin socket %v %v", fi, err)
	}
	c := http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	resp, err = c.Post("http://admin/admin/plugins/reload", "application/json", reloadBody())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"reloaded":"pricing"`) {
		t.Fatalf("reload over the socket: %d %s", resp.StatusCode, b)
	}
}

// With api.metrics_listen set, /metrics is served there and not on the
// public listener, which a competitor could otherwise read the node's
// load from.
func TestMetricsOnAListenerOfTheirOwn(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	s := serveNode(t, func(cfg *config.Config) { cfg.API.MetricsListen = addr })
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(s.url + "/metrics"); code != 404 {
		t.Fatalf("public /metrics: %d %.200s", code, body)
	}
	if code, body := get("http://" + addr + "/metrics"); code != 200 || !strings.Contains(body, "fabnode_requests_in_flight") {
		t.Fatalf("metrics listener: %d %.200s", code, body)
	}
	if code, _ := get("http://" + addr + "/v1/models"); code != 404 {
		t.Fatalf("the metrics listener serves the API: %d", code)
	}
}

// On an address, every admin request must carry the bearer token.
func TestAdminOnAnAddressNeedsTheToken(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	token := filepath.Join(t.TempDir(), "admin.token")
	os.WriteFile(token, []byte("s3cret-s3cret-s3cret\n"), 0o600)
	serveNode(t, func(cfg *config.Config) { cfg.Admin.Listen, cfg.Admin.TokenFile = addr, token })
	post := func(auth string) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/admin/plugins/reload", reloadBody())
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(""); got != 401 {
		t.Errorf("no token: %d", got)
	}
	if got := post("Bearer wrong"); got != 401 {
		t.Errorf("a wrong token: %d", got)
	}
	if got := post("Bearer s3cret-s3cret-s3cret"); got != 200 {
		t.Errorf("the token: %d", got)
	}
}

func TestAdminOnAnAddressWithoutATokenIsRefused(t *testing.T) {
	cfg := config.Default()
	cfg.Node.DataDir = t.TempDir()
	cfg.Node.DevKey = true
	cfg.Admin.Listen = "127.0.0.1:0"
	cfg.Models["m"] = config.ModelConfig{Path: filepath.Join(t.TempDir(), "absent.gguf")}
	n, err := node.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	if err := n.Serve(context.Background(), ln, time.Second); err == nil || !strings.Contains(err.Error(), "admin.token_file") {
		t.Fatalf("Serve: %v", err)
	}
}

// A shutdown drains the requests in flight before the models and plugins
// close: a stream begun before it finishes whole.
func TestShutdownDrainsRequestsFirst(t *testing.T) {
	s := serveNode(t, nil)
	body, _ := json.Marshal(map[string]any{"model": "tiny", "stream": true, "max_tokens": 300, "temperature": 0,
		"logit_bias": modelgen.NoEnd(), // it runs to its length
		"messages":   []map[string]string{{"role": "user", "content": "a story"}}})
	resp, err := http.Post(s.url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	if _, err := rd.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	s.stop() // SIGTERM, in effect
	rest, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("the stream broke at shutdown: %v", err)
	}
	if !strings.Contains(string(rest), `"finish_reason":"length"`) || !strings.HasSuffix(string(rest), "data: [DONE]\n\n") {
		t.Fatalf("the stream did not finish whole: ...%s", rest[max(0, len(rest)-300):])
	}
	if err := <-s.done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	s.done <- nil // for the cleanup
}

// An idle keep-alive connection is closed after idle_timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	s := serveNode(t, func(cfg *config.Config) { cfg.API.IdleTimeout = 200 * time.Millisecond })
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	rd := bufio.NewReader(c)
	resp, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := rd.ReadByte(); err != io.EOF {
		t.Fatalf("an idle connection stayed open: %v", err)
	}
}
