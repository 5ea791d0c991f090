package plugin

import (
	"bytes"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// guestLog is the stdout or stderr of one instance. It forwards complete
// lines to the node log, at most budget bytes per call; the rest is counted
// and dropped so that a guest printing in a loop cannot flood the log or the
// host's memory. It also keeps the first bytes written during the current
// call, which is where a Go panic or fatal error states its cause, for
// FaultError.
type guestLog struct {
	mu      sync.Mutex
	log     hclog.Logger
	stream  string // "stdout" or "stderr"
	budget  int    // bytes allowed per call
	used    int
	dropped int
	line    []byte // partial line, bounded by budget
	head    []byte // first headSize bytes written in this call
}

const headSize = 512

func newGuestLog(log hclog.Logger, stream string, budget uint32) *guestLog {
	return &guestLog{log: log, stream: stream, budget: int(budget)}
}

func (g *guestLog) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := len(p)
	if room := headSize - len(g.head); room > 0 {
		g.head = append(g.head, p[:min(room, len(p))]...)
	}
	if room := g.budget - g.used; len(p) > room {
		g.dropped += len(p) - max(room, 0)
		p = p[:max(room, 0)]
	}
	g.used += len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			g.line = append(g.line, p...)
			break
		}
		g.line = append(g.line, p[:i]...)
		g.emit()
		p = p[i+1:]
	}
	return n, nil // never fail the guest's write: it would just retry
}

// emit writes the pending line to the node log, escaped (Escape): what a
// guest prints must not pass for log records of its own or reach an
// operator's terminal as escape sequences.
func (g *guestLog) emit() {
	if len(g.line) > 0 {
		line := Escape(string(g.line))
		if g.stream == "stderr" {
			g.log.Warn("guest output", "stream", g.stream, "line", line)
		} else {
			g.log.Info("guest output", "stream", g.stream, "line", line)
		}
	}
	g.line = g.line[:0]
}

// endCall flushes a partial line, reports dropped bytes and resets the
// per-call budget and head.
func (g *guestLog) endCall() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.emit()
	if g.dropped > 0 {
		g.log.Warn("guest output over budget, dropped", "stream", g.stream, "bytes", g.dropped, "budget", g.budget)
	}
	g.used, g.dropped, g.head = 0, 0, g.head[:0]
}

// firstBytes returns what the guest wrote first during the current call,
// escaped (Escape): it goes into error messages.
func (g *guestLog) firstBytes() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(bytes.TrimSpace(g.head)) == 0 {
		return ""
	}
	return Escape(string(bytes.TrimSpace(g.head)))
}
