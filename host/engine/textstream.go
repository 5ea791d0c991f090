package engine

import (
	"strings"
	"unicode/utf8"
)

// textStream turns token pieces into client-safe text. A piece can end in
// the middle of a multi-byte character (byte-fallback tokens carry one
// byte each), and text can end in the middle of a stop sequence; both are
// held back until the next piece decides them. Bytes that can never form
// a valid character are replaced by U+FFFD rather than forwarded.
type textStream struct {
	stops   []string
	partial []byte // trailing bytes of an unfinished UTF-8 character
	held    string // text that might be the start of a stop sequence
}

func newTextStream(stops []string) *textStream {
	var s []string
	for _, stop := range stops {
		if stop != "" {
			s = append(s, stop)
		}
	}
	return &textStream{stops: s}
}

// push adds a piece and returns the text that is now safe to emit, and
// whether a stop sequence was found (in which case text ends before it
// and the stream is over).
func (t *textStream) push(piece string) (text string, stopped bool) {
	b := append(t.partial, piece...)
	cut := incompleteTail(b)
	complete := b[:cut]
	t.partial = append([]byte(nil), b[cut:]...)

	s := t.held + strings.ToValidUTF8(string(complete), "\uFFFD")
	t.held = ""
	if i := t.firstStop(s); i >= 0 {
		t.partial = nil
		return s[:i], true
	}
	keep := t.stopPrefixLen(s)
	t.held = s[len(s)-keep:]
	return s[:len(s)-keep], false
}

// flush returns whatever is held back at the end of generation.
func (t *textStream) flush() string {
	s := t.held
	if len(t.partial) > 0 {
		s += strings.ToValidUTF8(string(t.partial), "\uFFFD")
	}
	t.held, t.partial = "", nil
	return s
}

func (t *textStream) firstStop(s string) int {
	first := -1
	for _, stop := range t.stops {
		if i := strings.Index(s, stop); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// stopPrefixLen is the length of the longest suffix of s that is a proper
// prefix of some stop sequence.
func (t *textStream) stopPrefixLen(s string) int {
	longest := 0
	for _, stop := range t.stops {
		for n := min(len(stop)-1, len(s)); n > longest; n-- {
			if strings.HasSuffix(s, stop[:n]) {
				longest = n
				break
			}
		}
	}
	return longest
}

// incompleteTail returns the index where an unfinished but still valid
// UTF-8 sequence starts at the end of b, or len(b) when there is none.
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}
