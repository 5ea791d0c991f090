package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func payload(n int) ([]byte, string) {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

func fastOpts() Options {
	return Options{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, StallTimeout: 5 * time.Second}
}

// rangeStart parses "bytes=N-" (the only form Download sends).
func rangeStart(r *http.Request) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"), 10, 64)
	return n
}

// droppingServer honours Range but cuts the connection after k body bytes
// on every request, like a flaky CDN edge.
func droppingServer(t *testing.T, data []byte, k int, ignoreRange bool) (*httptest.Server, *atomic.Int32) {
	requests := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		start := rangeStart(r)
		if ignoreRange {
			start = 0
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		rest := data[start:]
		if start > 0 {
			fmt.Fprintf(buf, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/%d\r\n", start, len(data)-1, len(data))
		} else {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\n")
		}
		fmt.Fprintf(buf, "Content-Length: %d\r\n\r\n", len(rest))
		buf.Write(rest[:min(k, len(rest))])
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv, requests
}

func serveBytes(t *testing.T, data []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "model.gguf", time.Unix(1700000000, 0), bytes.NewReader(data))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func assertNoFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s should not exist (stat err %v)", path, err)
	}
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: content differs (len %d want %d, err %v)", path, len(got), len(want), err)
	}
}

func TestResumeAfterDrops(t *testing.T) {
	data, sum := payload(1<<20 + 123)
	srv, requests := droppingServer(t, data, 100_000, false)
	dest := filepath.Join(t.TempDir(), "m", "model.gguf")

	var mu sync.Mutex
	var seen []Progress
	opts := fastOpts()
	opts.MaxAttempts = 2 // attempts that make progress do not count
	opts.ProgressInterval = time.Nanosecond
	opts.Progress = func(p Progress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }
	res, err := Download(context.Background(), srv.URL, dest, sum, opts)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	assertFile(t, dest, data)
	assertNoFile(t, PartialPath(dest))
	if res.SHA256 != sum || res.Size != int64(len(data)) || res.Attempts != int(requests.Load()) || res.Attempts < 11 {
		t.Errorf("result %+v (requests %d)", res, requests.Load())
	}
	// Progress is monotonic and ends at the total.
	for i := 1; i < len(seen); i++ {
		if seen[i].Done < seen[i-1].Done {
			t.Fatalf("progress went backwards: %d after %d", seen[i].Done, seen[i-1].Done)
		}
	}
	last := seen[len(seen)-1]
	if last.Done != int64(len(data)) || last.Total != int64(len(data)) {
		t.Errorf("last progress %+v", last)
	}

	// A second call finds the verified file and does nothing.
	res, err = Download(context.Background(), srv.URL, dest, sum, opts)
	if err != nil || !res.AlreadyPresent || res.Attempts != 0 {
		t.Errorf("second call: %+v %v", res, err)
	}
}

func TestServerIgnoresRange(t *testing.T) {
	data, sum := payload(300_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data) // always 200, whole body
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "model.gguf")
	// A stale partial with wrong bytes: resuming onto it would corrupt the
	// file, so a 200 must restart from zero.
	if err := os.WriteFile(PartialPath(dest), bytes.Repeat([]byte{0xAA}, 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Download(context.Background(), srv.URL, dest, sum, fastOpts())
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	assertFile(t, dest, data)
	assertNoFile(t, PartialPath(dest))
	if res.Resumed != 0 || res.Attempts != 1 { // the stale bytes were not reused
		t.Errorf("result %+v", res)
	}
}

func TestNoNetProgressGivesUp(t *testing.T) {
	// Ignores Range and drops every time: each retry restarts from zero and
	// gets no further, so retries must stop.
	data, sum := payload(300_000)
	srv, requests := droppingServer(t, data, 10_000, true)
	opts := fastOpts()
	opts.MaxAttempts = 3
	dest := filepath.Join(t.TempDir(), "model.gguf")
	_, err := Download(context.Background(), srv.URL, dest, sum, opts)
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts without progress") || requests.Load() != 4 {
		t.Fatalf("requests=%d err=%v", requests.Load(), err)
	}
	assertNoFile(t, dest)
	if st, err := os.Stat(PartialPath(dest)); err != nil || st.Size() != 10_000 {
		t.Fatalf("partial should be kept: %v %v", st, err)
	}
}

func TestCorruptDownload(t *testing.T) {
	data, sum := payload(200_000)
	bad := bytes.Clone(data)
	bad[1234] ^= 0xFF
	srv := serveBytes(t, bad)
	dest := filepath.Join(t.TempDir(), "model.gguf")
	_, err := Download(context.Background(), srv.URL, dest, sum, fastOpts())
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Expected != sum || ce.Actual == sum || !strings.Contains(err.Error(), "expected "+sum) {
		t.Fatalf("want checksum error, got %v", err)
	}
	assertNoFile(t, dest)
	assertNoFile(t, PartialPath(dest))
}

func TestCancelKeepsPartialForResume(t *testing.T) {
	data, sum := payload(1 << 20)
	half := len(data) / 2
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:half])
		w.(http.Flusher).Flush()
		select { // hang mid-body until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	dest := filepath.Join(t.TempDir(), "model.gguf")

	ctx, cancel := context.WithCancel(context.Background())
	opts := fastOpts()
	opts.ProgressInterval = time.Nanosecond
	opts.Progress = func(p Progress) {
		if p.Done >= int64(half) {
			cancel()
		}
	}
	_, err := Download(ctx, srv.URL, dest, sum, opts)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "kept at") {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	assertNoFile(t, dest)
	st, err := os.Stat(PartialPath(dest))
	if err != nil || st.Size() != int64(half) {
		t.Fatalf("partial: %v %v", st, err)
	}

	// Resume against a well-behaved server: only the rest is fetched.
	res, err := Download(context.Background(), serveBytes(t, data).URL, dest, sum, fastOpts())
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if res.Resumed != int64(half) {
		t.Errorf("resumed %d, want %d", res.Resumed, half)
	}
	assertFile(t, dest, data)
}

func TestCompletePartialGets416(t *testing.T) {
	data, sum := payload(50_000)
	dest := filepath.Join(t.TempDir(), "model.gguf")
	if err := os.WriteFile(PartialPath(dest), data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Download(context.Background(), serveBytes(t, data).URL, dest, sum, fastOpts())
	if err != nil || res.Resumed != int64(len(data)) {
		t.Fatalf("%+v %v", res, err)
	}
	assertFile(t, dest, data)
}

func TestOversizedPartialRestarts(t *testing.T) {
	data, sum := payload(50_000)
	dest := filepath.Join(t.TempDir(), "model.gguf")
	if err := os.WriteFile(PartialPath(dest), make([]byte, 60_000), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Download(context.Background(), serveBytes(t, data).URL, dest, sum, fastOpts()); err != nil {
		t.Fatal(err)
	}
	assertFile(t, dest, data)
}

func TestNotFound(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "model.gguf")
	_, err := Download(context.Background(), srv.URL+"/nope.gguf", dest, strings.Repeat("ab", 32), fastOpts())
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 || !strings.Contains(err.Error(), "404 Not Found") || !strings.Contains(err.Error(), "/nope.gguf") {
		t.Fatalf("got %v", err)
	}
	assertNoFile(t, dest)
	assertNoFile(t, PartialPath(dest))
}

func TestServerErrorsAreRetriedThenGiveUp(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	opts := fastOpts()
	opts.MaxAttempts = 3
	dest := filepath.Join(t.TempDir(), "model.gguf")
	_, err := Download(context.Background(), srv.URL, dest, strings.Repeat("ab", 32), opts)
	if err == nil || n.Load() != 3 || !strings.Contains(err.Error(), "giving up after 3 attempts") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("n=%d err=%v", n.Load(), err)
	}
	assertNoFile(t, PartialPath(dest))
}

func TestStallIsRetried(t *testing.T) {
	data, sum := payload(10_000)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 { // first connection goes silent mid-body
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:100])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	opts := fastOpts()
	opts.StallTimeout = 100 * time.Millisecond
	dest := filepath.Join(t.TempDir(), "model.gguf")
	res, err := Download(context.Background(), srv.URL, dest, sum, opts)
	if err != nil || res.Attempts != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	assertFile(t, dest, data)
}

func TestShaRequired(t *testing.T) {
	data, sum := payload(1000)
	srv := serveBytes(t, data)
	dest := filepath.Join(t.TempDir(), "model.gguf")
	if _, err := Download(context.Background(), srv.URL, dest, "", fastOpts()); err == nil || !strings.Contains(err.Error(), "no sha256") {
		t.Fatalf("got %v", err)
	}
	if _, err := Download(context.Background(), srv.URL, dest, "xyz", fastOpts()); err == nil || !strings.Contains(err.Error(), "invalid sha256") {
		t.Fatalf("got %v", err)
	}
	if _, err := Download(context.Background(), "ftp://x/y", dest, sum, fastOpts()); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Fatalf("got %v", err)
	}
	opts := fastOpts()
	opts.AllowUnverified = true
	res, err := Download(context.Background(), srv.URL, dest, "", opts)
	if err != nil || res.SHA256 != sum {
		t.Fatalf("%+v %v", res, err)
	}
	assertFile(t, dest, data)
}

func TestReplacesWrongExistingFile(t *testing.T) {
	data, sum := payload(1000)
	dest := filepath.Join(t.TempDir(), "model.gguf")
	os.WriteFile(dest, []byte("old"), 0o644)
	res, err := Download(context.Background(), serveBytes(t, data).URL, dest, strings.ToUpper(sum), fastOpts())
	if err != nil || res.AlreadyPresent {
		t.Fatalf("%+v %v", res, err)
	}
	assertFile(t, dest, data)
}

func TestVerifyFile(t *testing.T) {
	data, sum := payload(5000)
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, data, 0o644)
	if got, err := FileSHA256(path); err != nil || got != sum {
		t.Fatalf("FileSHA256 = %s %v", got, err)
	}
	if err := VerifyFile(path, strings.ToUpper(sum)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data[:4000], 0o644) // truncated
	var ce *ChecksumError
	if err := VerifyFile(path, sum); !errors.As(err, &ce) || !strings.Contains(err.Error(), "expected "+sum) {
		t.Fatalf("truncated file: %v", err)
	}
	if err := VerifyFile(path, ""); err == nil {
		t.Fatal("empty sha must not verify")
	}
	if err := VerifyFile(filepath.Join(t.TempDir(), "missing"), sum); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 100-199/1000", 100, 1000, true},
		{"bytes 0-0/*", 0, -1, true},
		{"bytes */1000", 0, 1000, true},
		{"", 0, -1, false},
		{"bytes x-1/2", 0, 2, false},
		{"items 1-2/3", 0, -1, false},
	}
	for _, tt := range tests {
		s, tot, ok := parseContentRange(tt.in)
		if s != tt.start || tot != tt.total || ok != tt.ok {
			t.Errorf("%q: %d %d %v", tt.in, s, tot, ok)
		}
	}
}

func TestBar(t *testing.T) {
	var buf bytes.Buffer
	b := NewBar(&buf, "tiny.gguf")
	if b.tty {
		t.Fatal("bytes.Buffer is not a terminal")
	}
	for done := int64(0); done <= 1000; done += 50 {
		b.Update(Progress{Done: done, Total: 1000, Rate: 100})
	}
	b.Finish(nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 11 || strings.Contains(buf.String(), "\r") || !strings.Contains(lines[10], "100.0%") {
		t.Errorf("plain output:\n%s", buf.String())
	}

	buf.Reset()
	b = NewBar(&buf, "x")
	b.SetTTY(true)
	b.Update(Progress{Done: 512 << 20, Total: 1 << 30, Rate: 10 << 20})
	b.Finish(errors.New("boom"))
	out := buf.String()
	for _, want := range []string{"\r", "[============            ]", " 50.0% 512.0 MiB/1.0 GiB 10.0 MiB/s ETA 51s", "failed at 512.0 MiB: boom\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("tty output %q lacks %q", out, want)
		}
	}
}

// TestWaitsForAnotherProcessDownloading holds the destination's lock the
// way a second fabnode process would: Download waits (and says so), gives
// up when its context ends, and once the lock is released finds the other
// process's finished file instead of downloading it again.
func TestWaitsForAnotherProcessDownloading(t *testing.T) {
	data, sum := payload(64 << 10)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.ServeContent(w, r, "m.gguf", time.Unix(1700000000, 0), bytes.NewReader(data))
	}))
	t.Cleanup(srv.Close)
	dest := filepath.Join(t.TempDir(), "m.gguf")
	other, err := lockFile(context.Background(), LockPath(dest), nil) // another open file description, as another process has
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var waited atomic.Bool
	opts := fastOpts()
	opts.OnWait = func() { waited.Store(true) }
	if _, err := Download(ctx, srv.URL, dest, sum, opts); !errors.Is(err, context.DeadlineExceeded) || !waited.Load() {
		t.Fatalf("with the lock held elsewhere: %v (waited %v)", err, waited.Load())
	}

	done := make(chan error, 1)
	go func() {
		res, err := Download(context.Background(), srv.URL, dest, sum, fastOpts())
		if err == nil && !res.AlreadyPresent {
			err = fmt.Errorf("downloaded again: %+v", res)
		}
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if err := os.WriteFile(dest, data, 0o644); err != nil { // the other process finishes
		t.Fatal(err)
	}
	other()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
