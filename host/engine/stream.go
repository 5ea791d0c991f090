package engine

import "sync"

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
// false.
func (s *Stream) Next() (Event, bool) {
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
		<-ready
	}
}

// Collect reads the stream to its end and returns the whole text and the
// final event.
func (s *Stream) Collect() (string, Event) {
	var text []byte
	var last Event
	for {
		e, ok := s.Next()
		if !ok {
			return string(text), last
		}
		text = append(text, e.Text...)
		if e.Done {
			last = e
		}
	}
}
