package engine

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextStreamNeverSplitsCharacters(t *testing.T) {
	// "日本€👋" fed one byte at a time, as byte-fallback tokens arrive.
	want := "a日本€👋b"
	ts := newTextStream(nil)
	var got strings.Builder
	for i := 0; i < len(want); i++ {
		out, stopped := ts.push(want[i : i+1])
		if stopped {
			t.Fatal("stopped without stop sequences")
		}
		if !utf8.ValidString(out) {
			t.Fatalf("chunk %q after byte %d is not valid UTF-8", out, i)
		}
		got.WriteString(out)
	}
	got.WriteString(ts.flush())
	if got.String() != want {
		t.Fatalf("got %q, want %q", got.String(), want)
	}
}

func TestTextStreamReplacesInvalidBytes(t *testing.T) {
	ts := newTextStream(nil)
	out1, _ := ts.push("\xe6\x97") // start of 日, then abandoned
	out2, _ := ts.push("x")
	if out1 != "" {
		t.Fatalf("incomplete character was emitted: %q", out1)
	}
	if out2 != "\uFFFDx" {
		t.Fatalf("got %q, want replacement then x", out2)
	}
	ts.push("\xf0\x9f")
	if rest := ts.flush(); rest != "\uFFFD" {
		t.Fatalf("flush of an unfinished character: got %q", rest)
	}
}

func TestTextStreamStopSequences(t *testing.T) {
	cases := []struct {
		name   string
		stops  []string
		pieces []string
		want   string
		stop   bool
	}{
		{"split across pieces", []string{"END"}, []string{"hello E", "N", "D more"}, "hello ", true},
		{"false start is released", []string{"END"}, []string{"hello E", "NX"}, "hello ENX", false},
		{"earliest of several", []string{"zz", "b"}, []string{"a", "bzz"}, "a", true},
		{"multibyte stop split by bytes", []string{"日本"}, []string{"x\xe6", "\x97\xa5\xe6", "\x9c\xac"}, "x", true},
		{"held prefix flushed at end", []string{"STOP"}, []string{"go ST"}, "go ST", false},
		{"empty stop ignored", []string{""}, []string{"abc"}, "abc", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTextStream(c.stops)
			var got strings.Builder
			stopped := false
			for _, p := range c.pieces {
				out, s := ts.push(p)
				got.WriteString(out)
				if s {
					stopped = true
					break
				}
			}
			if !stopped {
				got.WriteString(ts.flush())
			}
			if got.String() != c.want || stopped != c.stop {
				t.Fatalf("got %q stopped=%v, want %q stopped=%v", got.String(), stopped, c.want, c.stop)
			}
		})
	}
}
