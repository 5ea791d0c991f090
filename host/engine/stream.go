package engine

import (
	"context"
	"sync"
	"time"
)

// Stream delivers one request's events. The scheduler never blocks on a
// slow reader: events queue here without bound (one per token, so at most
// max_tokens of them) and Next hands them out in order.
type Stream struct {
	mu     sync.Mutex
	events []Event
	ready  chan struct{} // closed and replaced whenever events grow
	ended  bool
}

func newStream() *Stream { return &Stream{ready: make(chan struct{})} }

func (s *Stream) push(e Event) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.ended = s.ended || e.Done
	close(s.ready)
	s.ready = make(chan struct{})
	s.mu.Unlock()
}

// Next blocks until the next event. After the Done event it returns
// false. If ctx ends first, Next returns a Done event with
// FinishCancelled and Abandoned set, so a reader never waits on a request
// whose caller is gone; the request's own events (the scheduler ends it
// at its next step) can still be read with another context.
func (s *Stream) Next(ctx context.Context) (Event, bool) {
	for {
		s.mu.Lock()
		if len(s.events) > 0 {
			e := s.events[0]
			s.events[0] = Event{}
			s.events = s.events[1:]
			s.mu.Unlock()
			return e, true
		}
		if s.ended {
			s.mu.Unlock()
			return Event{}, false
		}
		ready := s.ready
		s.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			s.mu.Lock()
			arrived := len(s.events) > 0 || s.ended
			s.mu.Unlock()
			if !arrived {
				return Event{Done: true, Finish: FinishCancelled, Err: ctx.Err(), At: time.Now(), Abandoned: true}, true
			}
		}
	}
}

// Collect reads the stream to its end and returns the whole text and the
// final event.
func (s *Stream) Collect(ctx context.Context) (string, Event) {
	var text []byte
	var last Event
	for {
		e, ok := s.Next(ctx)
		if !ok {
			return string(text), last
		}
		text = append(text, e.Text...)
		if e.Done {
			last = e
		}
	}
}
