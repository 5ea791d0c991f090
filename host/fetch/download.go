package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options tunes Download. The zero value is usable except that a sha256 is
// required unless AllowUnverified is set.
type Options struct {
	// Client defaults to a client with a response-header timeout and no
	// overall timeout (model files take as long as they take).
	Client *http.Client
	// AllowUnverified permits an empty sha256. The file is still written
	// atomically, but nothing guarantees its content.
	AllowUnverified bool
	// MaxAttempts bounds consecutive attempts that add no bytes (default 5).
	// An attempt that makes progress resets the count, so a flaky server
	// that drops the connection every few MB still finishes.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the exponential wait between attempts
	// (defaults 500ms and 30s).
	MinBackoff, MaxBackoff time.Duration
	// StallTimeout aborts and retries an attempt that receives no body bytes
	// for this long (default 60s); a half-dead connection would otherwise
	// hang forever.
	StallTimeout time.Duration
	// Progress, if set, is called at most every ProgressInterval (default
	// 250ms) and once at the end. Done decreases only if the server forces
	// a restart from zero.
	Progress         func(Progress)
	ProgressInterval time.Duration
	// Header is added to every request (e.g. Authorization).
	Header http.Header
	// OnWait, if set, is called once when another process is downloading
	// to the same destination and this call waits for it to finish.
	OnWait func()
}

func (o Options) withDefaults() Options {
	if o.Client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		o.Client = &http.Client{Transport: t}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(30*time.Second, o.MinBackoff)
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = time.Minute
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = 250 * time.Millisecond
	}
	return o
}

// Result describes a finished download.
type Result struct {
	Path     string
	Size     int64
	SHA256   string // lowercase hex of the file now at Path
	Resumed  int64  // bytes reused from a partial left by an earlier run
	Attempts int    // HTTP requests made (0 when AlreadyPresent)
	// AlreadyPresent: dest existed and matched the sha256 (or, when
	// unverified, simply existed), so nothing was downloaded.
	AlreadyPresent bool
}

// HTTPError is a response status that Download does not handle.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
}

func (e *HTTPError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Status) }

// retryable reports whether the status may succeed on a later attempt.
func (e *HTTPError) retryable() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests || e.StatusCode == http.StatusRequestTimeout
}

// PartialPath is where Download keeps an unfinished download of dest.
func PartialPath(dest string) string { return dest + ".partial" }

// LockPath is the file whose lock serialises downloads to dest across
// processes.
func LockPath(dest string) string { return dest + ".lock" }

// Download fetches url into destPath, resuming from destPath+".partial" if
// an earlier run left one. The file appears at destPath only once complete
// and (when sha256Hex is given) verified, via fsync + rename, so destPath is
// never half-written. On checksum mismatch the partial is deleted; on
// context cancellation or exhausted retries it is kept for the next call.
//
// Concurrent calls for the same destPath are serialised, within a process
// and, through an advisory lock on LockPath(destPath), across processes:
// the later one waits, then finds the finished file.
func Download(ctx context.Context, url, destPath, sha256Hex string, opts Options) (Result, error) {
	want, err := normalizeSHA256(sha256Hex)
	if err != nil {
		return Result{}, fmt.Errorf("download %s: %w", url, err)
	}
	if want == "" && !opts.AllowUnverified {
		return Result{}, fmt.Errorf("download %s: no sha256 given (set one, or allow unverified downloads explicitly)", url)
	}
	if u, err := neturl.Parse(url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Result{}, fmt.Errorf("download %q: not an http(s) URL", url)
	}
	unlock := lockPath(destPath)
	defer unlock()
	if err := os.MkdirAll(filepath.Dir(destPath), 0o755); err != nil {
		return Result{}, fmt.Errorf("download %s: %w", url, err)
	}
	unlockFile, err := lockFile(ctx, LockPath(destPath), opts.OnWait)
	if err != nil {
		return Result{}, fmt.Errorf("download %s: %w", url, err)
	}
	defer unlockFile()

	if st, err := os.Stat(destPath); err == nil && st.Mode().IsRegular() {
		if want == "" {
			return Result{Path: destPath, Size: st.Size(), AlreadyPresent: true}, nil
		}
		if VerifyFile(destPath, want) == nil {
			return Result{Path: destPath, Size: st.Size(), SHA256: want, AlreadyPresent: true}, nil
		}
		// Wrong content at dest: download and atomically replace it.
	}
	d := &download{url: url, dest: destPath, partial: PartialPath(destPath), want: want, opts: opts.withDefaults(), h: sha256.New(), total: -1}
	return d.run(ctx)
}

type download struct {
	url, dest, partial, want string
	opts                     Options
	f                        *os.File
	h                        hash.Hash
	done, total              int64
	resumed                  int64
	validator                string // ETag or Last-Modified, for If-Range
	meter                    *meter
}

func (d *download) run(ctx context.Context) (Result, error) {
	f, err := os.OpenFile(d.partial, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return Result{}, fmt.Errorf("download %s: %w", d.url, err)
	}
	d.f = f
	defer f.Close() // after an explicit Close on success; harmless double close
	// Resuming: the digest must cover the bytes already on disk.
	if d.done, err = io.Copy(d.h, f); err != nil {
		return Result{}, fmt.Errorf("download %s: read partial: %w", d.url, err)
	}
	d.resumed = d.done
	d.meter = newMeter(d.opts.Progress, d.opts.ProgressInterval, d.done)

	attempts, failures := 0, 0
	for {
		attempts++
		before := d.done
		complete, err := d.attempt(ctx)
		if complete {
			break
		}
		if ctx.Err() != nil {
			return Result{}, d.keep(fmt.Errorf("download %s: %w", d.url, ctx.Err()))
		}
		var perm *permanentError
		if errors.As(err, &perm) {
			d.discardIfEmpty()
			return Result{}, fmt.Errorf("download %s: %w", d.url, perm.err)
		}
		if d.done > before {
			failures = 0 // progress: the server is flaky, not dead
		} else {
			failures++
		}
		if failures >= d.opts.MaxAttempts {
			return Result{}, d.keep(fmt.Errorf("download %s: giving up after %d attempts without progress: %w", d.url, failures, err))
		}
		if err := sleepCtx(ctx, d.backoff(max(failures, 1))); err != nil {
			return Result{}, d.keep(fmt.Errorf("download %s: %w", d.url, err))
		}
	}
	d.meter.report(d.done, d.total, true)
	res, err := d.finish()
	res.Attempts = attempts
	return res, err
}

// finish verifies and publishes the completed partial.
func (d *download) finish() (Result, error) {
	got := hex.EncodeToString(d.h.Sum(nil))
	if d.want != "" && got != d.want {
		d.f.Close()
		os.Remove(d.partial)
		return Result{}, &ChecksumError{URL: d.url, Path: d.dest, Expected: d.want, Actual: got}
	}
	// fsync before rename: otherwise a crash could leave a renamed but
	// empty/short file that looks complete.
	if err := d.f.Sync(); err != nil {
		return Result{}, fmt.Errorf("download %s: sync: %w", d.url, err)
	}
	if err := d.f.Close(); err != nil {
		return Result{}, fmt.Errorf("download %s: close: %w", d.url, err)
	}
	if err := os.Rename(d.partial, d.dest); err != nil {
		return Result{}, fmt.Errorf("download %s: %w", d.url, err)
	}
	syncDir(filepath.Dir(d.dest))
	return Result{Path: d.dest, Size: d.done, SHA256: got, Resumed: d.resumed}, nil
}

// keep syncs the partial so a later call can resume it, and says so in the
// error; an empty partial is removed instead.
func (d *download) keep(err error) error {
	if d.done == 0 {
		d.discardIfEmpty()
		return err
	}
	_ = d.f.Sync()
	return fmt.Errorf("%w (partial of %d bytes kept at %s for resume)", err, d.done, d.partial)
}

// discardIfEmpty removes a partial that holds nothing worth resuming, so a
// 404 does not leave an empty file behind.
func (d *download) discardIfEmpty() {
	if d.done == 0 {
		d.f.Close()
		os.Remove(d.partial)
	}
}

// reset truncates the partial and digest to zero bytes.
func (d *download) reset() error {
	if err := d.f.Truncate(0); err != nil {
		return err
	}
	if _, err := d.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	d.h.Reset()
	d.done, d.total, d.validator, d.resumed = 0, -1, "", 0
	d.meter.restart(0)
	return nil
}

func (d *download) backoff(failures int) time.Duration {
	b := d.opts.MinBackoff << min(failures-1, 16)
	return min(b, d.opts.MaxBackoff)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func syncDir(dir string) {
	// Makes the rename durable; best effort, not every OS/filesystem allows
	// fsync on a directory.
	if df, err := os.Open(dir); err == nil {
		_ = df.Sync()
		df.Close()
	}
}

// permanentError marks failures that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

var locks sync.Map // dest path -> *sync.Mutex

func lockPath(p string) func() {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	m, _ := locks.LoadOrStore(p, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
