package fetch

import (
	"time"
)

// Progress is a snapshot passed to Options.Progress.
type Progress struct {
	Done  int64   // bytes on disk, including bytes resumed from an earlier partial
	Total int64   // full size, or -1 when the server did not say
	Rate  float64 // bytes per second over recent transfer (smoothed)
}

// ETA estimates the remaining time; 0 when unknown.
func (p Progress) ETA() time.Duration {
	if p.Total < 0 || p.Rate <= 0 || p.Done >= p.Total {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / p.Rate * float64(time.Second))
}

// meter throttles progress callbacks and keeps a smoothed rate.
type meter struct {
	fn       func(Progress)
	interval time.Duration
	last     time.Time
	lastDone int64
	rate     float64
}

func newMeter(fn func(Progress), interval time.Duration, done int64) *meter {
	return &meter{fn: fn, interval: interval, last: time.Now(), lastDone: done}
}

// restart forgets rate history when the byte count jumps backwards (the
// server forced a restart from zero).
func (m *meter) restart(done int64) {
	m.last, m.lastDone, m.rate = time.Now(), done, 0
}

func (m *meter) report(done, total int64, force bool) {
	if m.fn == nil {
		return
	}
	now := time.Now()
	elapsed := now.Sub(m.last)
	if !force && elapsed < m.interval {
		return
	}
	if elapsed > 0 && done >= m.lastDone {
		sample := float64(done-m.lastDone) / elapsed.Seconds()
		if m.rate == 0 {
			m.rate = sample
		} else {
			// Exponential smoothing: responsive, but not jumpy per sample.
			m.rate = 0.3*sample + 0.7*m.rate
		}
	}
	m.last, m.lastDone = now, done
	m.fn(Progress{Done: done, Total: total, Rate: m.rate})
}
