package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// attempt makes one request and streams its body into the partial. It
// returns complete=true when the partial holds the whole file.
func (d *download) attempt(ctx context.Context) (complete bool, err error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, d.url, nil)
	if err != nil {
		return false, &permanentError{err}
	}
	for k, vs := range d.opts.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	// Byte offsets must refer to the stored file, not a gzip stream.
	req.Header.Set("Accept-Encoding", "identity")
	if d.done > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", d.done))
		if d.validator != "" {
			// If the file changed since our first response, get it whole.
			req.Header.Set("If-Range", d.validator)
		}
	}
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != d.done {
			if err := d.reset(); err != nil {
				return false, &permanentError{err}
			}
			return false, fmt.Errorf("server sent range %q for offset %d; restarting from zero", resp.Header.Get("Content-Range"), start)
		}
		d.total = total
	case http.StatusOK:
		// Server ignored Range (or the file changed): take the full body.
		if d.done > 0 {
			if err := d.reset(); err != nil {
				return false, &permanentError{err}
			}
		}
		d.total = resp.ContentLength
	case http.StatusRequestedRangeNotSatisfiable:
		_, total, _ := parseContentRange(resp.Header.Get("Content-Range"))
		if total >= 0 && d.done == total {
			d.total = total
			return true, nil // an earlier run already fetched every byte
		}
		if err := d.reset(); err != nil {
			return false, &permanentError{err}
		}
		return false, fmt.Errorf("range not satisfiable at offset %d (size %d); restarting from zero", d.done, total)
	default:
		herr := &HTTPError{URL: d.url, StatusCode: resp.StatusCode, Status: resp.Status}
		if herr.retryable() {
			return false, herr
		}
		return false, &permanentError{herr}
	}
	d.rememberValidator(resp.Header)
	if err := d.copyBody(actx, cancel, resp.Body); err != nil {
		if ctx.Err() == nil && errors.Is(err, context.Canceled) {
			return false, fmt.Errorf("stalled: no data for %s", d.opts.StallTimeout)
		}
		return false, err
	}
	switch {
	case d.total < 0:
		return true, nil // no length given: clean EOF is the end
	case d.done == d.total:
		return true, nil
	case d.done < d.total:
		return false, fmt.Errorf("connection closed at %d of %d bytes", d.done, d.total)
	default:
		if err := d.reset(); err != nil {
			return false, &permanentError{err}
		}
		return false, fmt.Errorf("server sent more bytes than its declared size %d; restarting", d.total)
	}
}

// copyBody streams body into the partial and the digest, cancelling the
// attempt if no bytes arrive for StallTimeout.
func (d *download) copyBody(ctx context.Context, cancel context.CancelFunc, body io.Reader) error {
	stall := time.AfterFunc(d.opts.StallTimeout, cancel)
	defer stall.Stop()
	buf := make([]byte, 256<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			stall.Reset(d.opts.StallTimeout)
			if _, err := d.f.Write(buf[:n]); err != nil {
				// Disk errors (full, read-only) will not fix themselves.
				return &permanentError{fmt.Errorf("write %s: %w", d.partial, err)}
			}
			d.h.Write(buf[:n])
			d.done += int64(n)
			d.meter.report(d.done, d.total, false)
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return rerr
		}
	}
}

func (d *download) rememberValidator(h http.Header) {
	if d.validator != "" {
		return
	}
	// Weak ETags are not allowed in If-Range.
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		d.validator = et
	} else if lm := h.Get("Last-Modified"); lm != "" {
		d.validator = lm
	}
}

// parseContentRange parses "bytes START-END/TOTAL" or "bytes */TOTAL".
// total is -1 when given as "*".
func parseContentRange(s string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, -1, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, -1, false
	}
	total = -1
	if tot != "*" {
		n, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || n < 0 {
			return 0, -1, false
		}
		total = n
	}
	if rng == "*" {
		return 0, total, true
	}
	first, _, found := strings.Cut(rng, "-")
	start, err := strconv.ParseInt(first, 10, 64)
	if !found || err != nil || start < 0 {
		return 0, total, false
	}
	return start, total, true
}
