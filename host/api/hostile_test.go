package api_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/api"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/models"
)

// The defects below were found by trying the node as a hostile client.

// serveWith serves the tiny model with engine options and API config of
// the test's choosing.
func serveWith(t *testing.T, opts engine.Options, cfg api.Config) (*httptest.Server, *models.Manager) {
	t.Helper()
	mgr, err := models.New([]models.Spec{{Name: "tiny", Path: tinyPath, Engine: opts}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(cfg, &inference.Service{Models: mgr}, nil).Handler())
	t.Cleanup(func() {
		srv.Close()
		mgr.Close()
	})
	return srv, mgr
}

func errorOf(t *testing.T, body map[string]any) (param, code any) {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("not an OpenAI error: %v", body)
	}
	return e["param"], e["code"]
}

// repeat_last_n: 67108864 in a 100-byte request took 256 MiB; max_tokens
// past 2^32 was answered from the cached 1-token answer of max_tokens 1.
func TestParametersThatSizeAllocationsAre400(t *testing.T) {
	n := start(t, 1)
	for param, extra := range map[string]string{
		"repeat_last_n": `"repeat_last_n":67108864`,
		"max_tokens":    `"max_tokens":4294967297`,
	} {
		status, body := rawPost(t, n.url, "/v1/chat/completions", `{"model":"tiny",`+extra+`,"messages":[{"role":"user","content":"hi"}]}`)
		if p, _ := errorOf(t, body); status != 400 || p != param {
			t.Errorf("%s: status %d, param %v: %v", param, status, p, body)
		}
	}
}

// 60,000 empty user turns (a 960 KB body, under the limit) kept the node
// tokenizing for about 4 minutes after the client had gone.
func TestManyEmptyTurnsAreRefusedAtOnce(t *testing.T) {
	n := start(t, 1)
	body := `{"model":"tiny","messages":[` + strings.TrimSuffix(strings.Repeat(`{"role":"user"},`, 60000), ",") + `]}`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // before: minutes
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", n.url+"/v1/chat/completions", strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if _, code := errorOf(t, out); resp.StatusCode != 400 || code != "context_length_exceeded" {
		t.Fatalf("status %d %v", resp.StatusCode, out)
	}
}

// rawExchange writes raw bytes on a fresh connection, optionally
// half-closes it, and reads the response.
func rawExchange(t *testing.T, url, request string, halfClose bool) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	if halfClose {
		c.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A body sent at 1 byte/s was held for 20 s and more: reading a body now
// has a deadline.
func TestASlowBodyTimesOut(t *testing.T) {
	srv, _ := serveWith(t, engine.Options{Parallel: 1, ContextSize: 256}, api.Config{BodyTimeout: 200 * time.Millisecond})
	resp, body := rawExchange(t, srv.URL, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\":", false)
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

// A body shorter than its Content-Length was processed and refused as
// unsafe ("safety check unavailable"): an I/O error is never a verdict.
func TestAShortBodyIsTheClientGoingAway(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{"safety": nil})
	json := `{"model":"tiny","max_tokens":2,"messages":[{"role":"user","content":"hi"}]}`
	resp, body := rawExchange(t, n.url, fmt.Sprintf("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(json)+50, json), true)
	if resp.StatusCode != 499 || strings.Contains(body, "content_filter") {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

// A 10 MB body of non-JSON bytes got 400: the decoder failed on the first
// byte before the limit was reached. A declared Content-Length over the
// limit is refused before anything is read.
func TestEveryBodyOverTheLimitIs413(t *testing.T) {
	n := start(t, 1)
	junk := strings.Repeat("\x00garbage", 10<<20/8)
	for name, chunked := range map[string]bool{"Content-Length": false, "chunked": true} {
		var rd io.Reader = strings.NewReader(junk)
		if chunked {
			rd = io.MultiReader(rd) // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", n.url+"/v1/chat/completions", rd)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
	}
	resp, _ := rawExchange(t, n.url, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n", false)
	if resp.StatusCode != 413 {
		t.Fatalf("declared length: status %d", resp.StatusCode)
	}
}

func TestWrongMethodsAre405WithAllow(t *testing.T) {
	n := start(t, 1)
	for path, allow := range map[string]string{"/v1/chat/completions": "POST", "/v1/completions": "POST", "/v1/models": "GET", "/health": "GET", "/metrics": "GET", "/v1/quote": "GET"} {
		method := "GET"
		if allow == "GET" {
			method = "DELETE"
		}
		req, _ := http.NewRequest(method, n.url+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != allow {
			t.Errorf("%s %s: %d, Allow %q", method, path, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// With 2 slots and a queue of 3, a burst of 10 gets exactly 5 answers and
// 5 503s: the scheduler used to drain submissions into an unbounded list.
func TestTheQueueLimitHoldsUnderABurst(t *testing.T) {
	srv, mgr := serveWith(t, engine.Options{Parallel: 2, MaxQueue: 3, ContextSize: 1024}, api.Config{})
	if _, release, err := mgr.Get(context.Background(), "tiny"); err != nil {
		t.Fatal(err)
	} else {
		release()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"model":"tiny","stream":true,"max_tokens":1000,` + runsToMaxTokens + `,"messages":[{"role":"user","content":"a long story"}]}`
			req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/v1/chat/completions", strings.NewReader(body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait() // an admitted stream answers 200 at once; the rest 503
	if codes[200] != 5 || codes[503] != 5 {
		t.Fatalf("status counts %v, want 5 × 200 and 5 × 503", codes)
	}
	cancel()
}

// Client-chosen model names became label values: any client could create
// unbounded series.
func TestUnknownModelsShareOneLabel(t *testing.T) {
	n := start(t, 1)
	for i := 0; i < 30; i++ {
		rawPost(t, n.url, "/v1/chat/completions", fmt.Sprintf(`{"model":"evil-%d\"\n\u0000","messages":[{"role":"user","content":"hi"}]}`, i))
	}
	resp, err := http.Get(n.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "evil-") {
		t.Fatal("a client-chosen model name is a label value")
	}
	if !strings.Contains(string(b), `fabnode_requests_total{code="404",endpoint="chat",model="unknown"} 30`) {
		t.Fatalf("the 30 requests are not counted under model=\"unknown\":\n%s", grepLines(string(b), "fabnode_requests_total"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// The metrics exposition passes promtool (fabnode_slots_total was a gauge
// with a counter's suffix). Debian's prometheus package has promtool;
// `make test` installs it where it can.
func TestMetricsPassPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus); the exposition format is not checked")
	}
	n := start(t, 1)
	if _, err := n.client.Chat.Completions.New(context.Background(), chatParams("hi", 2)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(n.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = resp.Body
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// The client is its address unless the operator trusts the `user` field:
// a body cannot claim to be another client (and read its cached answers).
func TestTheClientIsWhatTheTransportSays(t *testing.T) {
	for _, trust := range []bool{false, true} {
		n := startWithPluginsConfig(t, map[string]map[string]string{"cache": nil}, api.Config{TrustUserField: trust})
		ask := func(user string) string {
			_, body := rawPost(t, n.url, "/v1/chat/completions", `{"model":"tiny","max_tokens":3,"temperature":0,"user":"`+user+`","messages":[{"role":"user","content":"same"}]}`)
			return body["fabnode"].(map[string]any)["cache"].(string)
		}
		ask("alice")
		got := ask("bob")
		if want := map[bool]string{false: "hit", true: "miss"}[trust]; got != want {
			t.Errorf("trust_user_field=%v: bob after alice: cache %s, want %s", trust, got, want)
		}
	}
}

// A cache hit is not generated: it no longer adds to
// fabnode_completion_tokens_total.
func TestCacheHitsAreNotCountedAsGenerated(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{"cache": nil})
	ask := func() {
		if status, body := rawPost(t, n.url, "/v1/chat/completions", `{"model":"tiny","max_tokens":5,"temperature":0,"messages":[{"role":"user","content":"same"}]}`); status != 200 {
			t.Fatal(body)
		}
	}
	ask()
	before := scrape(t, n.url)["fabnode_completion_tokens_total"]
	ask()
	m := scrape(t, n.url)
	if before != 5 || m["fabnode_completion_tokens_total"] != 5 {
		t.Fatalf("generated tokens %v, then %v after a hit", before, m["fabnode_completion_tokens_total"])
	}
}

// One address can hold at most so many connections; the next is told so.
func TestConnectionsPerClientAreCapped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	go srv.Serve(api.LimitPerClient(ln, 2))
	defer srv.Close()
	var held []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	// The two are accepted (a request on each is answered); a third is not.
	for _, c := range held {
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != 200 {
			t.Fatalf("held connection: %v %v", resp, err)
		}
	}
	resp, body := rawExchange(t, "http://"+ln.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false)
	if resp.StatusCode != 503 || !strings.Contains(body, "too many connections") {
		t.Fatalf("third connection: %d %s", resp.StatusCode, body)
	}
	held[0].Close()
	for deadline := time.Now().Add(5 * time.Second); ; {
		resp, _ := rawExchange(t, "http://"+ln.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false)
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection's place was never given back")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A 32-byte model file whose one key claims 16 MiB made every request
// allocate 1.4 GB and answer with an 83 MB HTTP 500 body: the reader
// allocated the claimed length, quoted its buffer into the error, every
// layer wrapped it again, and the failed load was tried again each time.
func TestAHostileModelFileGetsAShortErrorEveryTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hostile.gguf")
	var file []byte
	file = append(file, "GGUF"...)
	file = binary.LittleEndian.AppendUint32(file, 3)     // version
	file = binary.LittleEndian.AppendUint64(file, 0)     // tensors
	file = binary.LittleEndian.AppendUint64(file, 1)     // keys
	file = binary.LittleEndian.AppendUint64(file, 1<<24) // the first key's length, and nothing follows
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	mgr, err := models.New([]models.Spec{{Name: "hostile", Path: path, Engine: engine.Options{Parallel: 1, ContextSize: 256}}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{}, &inference.Service{Models: mgr}, nil).Handler())
	t.Cleanup(func() { srv.Close(); mgr.Close() })

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 3 {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
			strings.NewReader(`{"model":"hostile","messages":[{"role":"user","content":"hi"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out struct {
			Error struct{ Message string } `json:"error"`
		}
		if err := json.Unmarshal(body, &out); err != nil || out.Error.Message == "" {
			t.Fatalf("request %d: status %d, not an OpenAI error: %.200q", i, resp.StatusCode, body)
		}
		if resp.StatusCode < 500 || len(body) > 1024 || !strings.Contains(out.Error.Message, "hostile") {
			t.Fatalf("request %d: status %d, %d bytes: %.300s", i, resp.StatusCode, len(body), body)
		}
	}
	runtime.ReadMemStats(&after)
	// Before: 1.4 GB per request. Three requests with their HTTP and JSON
	// cost well under a megabyte each.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("three requests for a hostile model allocated %d MiB", alloc>>20)
	}
}

// 2000 refused requests with 30 KB model names left 2000 series and
// 63 MiB more live heap, never freed. Such a name is now refused as too
// long (400); a short unknown one is a 404; both count under one label.
func TestUnknownModelNamesLeaveNoHeapBehind(t *testing.T) {
	n := start(t, 1)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	post := func(i int) {
		name, want := strings.Repeat("x", 30<<10), 400
		if i%2 == 0 {
			name, want = strings.Repeat("y", 240), 404
		}
		status, _ := rawPost(t, n.url, "/v1/chat/completions", fmt.Sprintf(`{"model":"%s-%d","messages":[{"role":"user","content":"hi"}]}`, name, i))
		if status != want {
			t.Fatalf("model name of %d bytes: status %d, want %d", len(name), status, want)
		}
	}
	for i := range 50 { // the first requests' one-time allocations (connections, pools)
		post(i)
	}
	base := heap()
	for i := range 2000 {
		post(50 + i)
	}
	if grown := int64(heap()) - int64(base); grown > 4<<20 {
		t.Fatalf("2000 refused requests with made-up model names left %d KiB more live heap", grown>>10)
	}
	resp, err := http.Get(n.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	series := grepLines(string(b), "fabnode_requests_total{")
	if strings.Count(series, "\n")+1 != 2 || strings.Count(series, `model="unknown"`) != 2 {
		t.Fatalf("want one series for each status, both model=\"unknown\":\n%s", series)
	}
}
