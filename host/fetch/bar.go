package fetch

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar renders download progress for the CLI. On a terminal it redraws one
// line in place with '\r'; otherwise (logs, pipes, CI) it prints a plain
// line every 10% (or every 10s when the size is unknown) so logs stay short.
//
//	bar := fetch.NewBar(os.Stderr, "tiny.gguf")
//	_, err := fetch.Download(ctx, url, dest, sum, fetch.Options{Progress: bar.Update})
//	bar.Finish(err)
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	tty      bool
	last     Progress
	lastStep int64 // last plain-mode 10% step printed
	lastLine time.Time
	drawn    bool
}

// NewBar returns a Bar writing to w; the in-place mode is used only when w
// is a terminal.
func NewBar(w io.Writer, label string) *Bar {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &Bar{w: w, label: label, tty: tty, lastStep: -1}
}

// SetTTY forces terminal (true) or plain (false) rendering.
func (b *Bar) SetTTY(tty bool) { b.mu.Lock(); b.tty = tty; b.mu.Unlock() }

// Update is an Options.Progress callback.
func (b *Bar) Update(p Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = p
	if b.tty {
		fmt.Fprintf(b.w, "\r%s\x1b[K", b.line(p, true))
		b.drawn = true
		return
	}
	if p.Total > 0 {
		step := p.Done * 10 / p.Total
		if step == b.lastStep {
			return
		}
		b.lastStep = step
	} else if time.Since(b.lastLine) < 10*time.Second {
		return
	}
	b.lastLine = time.Now()
	fmt.Fprintln(b.w, b.line(p, false))
}

// Finish ends the display: the final state on its own line, plus the error
// if the download failed.
func (b *Bar) Finish(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty && b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
	switch {
	case err != nil:
		fmt.Fprintf(b.w, "%s: failed at %s: %v\n", b.label, humanBytes(b.last.Done), err)
	case b.tty || b.lastStep != 10:
		fmt.Fprintln(b.w, b.line(b.last, false))
	}
}

func (b *Bar) line(p Progress, graphic bool) string {
	var s strings.Builder
	s.WriteString(b.label)
	if p.Total > 0 {
		frac := min(float64(p.Done)/float64(p.Total), 1)
		if graphic {
			const width = 24
			full := int(frac * width)
			s.WriteString(" [" + strings.Repeat("=", full) + strings.Repeat(" ", width-full) + "]")
		}
		fmt.Fprintf(&s, " %5.1f%% %s/%s", frac*100, humanBytes(p.Done), humanBytes(p.Total))
	} else {
		fmt.Fprintf(&s, " %s", humanBytes(p.Done))
	}
	if p.Rate > 0 {
		fmt.Fprintf(&s, " %s/s", humanBytes(int64(p.Rate)))
	}
	if eta := p.ETA(); eta > 0 {
		fmt.Fprintf(&s, " ETA %s", eta.Round(time.Second))
	}
	return s.String()
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
