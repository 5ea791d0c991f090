package inference

import (
	"strings"

	"github.com/fabnode/fabnode/host/chat"
)

// realign maps a safety plugin's rewrite of a rendered prompt back onto
// the prompt's segments. Only the template's own markers may become
// control tokens, so the rewritten text can keep a marker only where the
// original rendering had one: the k-th marker of the original is the
// occurrence of its text that follows as many occurrences of that text
// as the original's preceding text held (text a user typed, which stays
// text). If the rewrite changed how often any marker text occurs, that
// mapping is unreliable, and markers are kept only in the unchanged
// prefix and suffix of the prompt; everything else is text. Either way a
// rewrite can never turn text into a marker.
func realign(orig chat.Prompt, rewritten string) chat.Prompt {
	if rewritten == orig.String() {
		return orig
	}
	if p, ok := realignByCount(orig, rewritten); ok {
		return p
	}
	return realignEnds(orig, rewritten)
}

func realignByCount(orig chat.Prompt, s string) (chat.Prompt, bool) {
	whole := orig.String()
	checked := map[string]bool{} // a template has a handful of distinct markers
	for _, seg := range orig {
		if seg.Special && !checked[seg.Text] {
			checked[seg.Text] = true
			if strings.Count(whole, seg.Text) != strings.Count(s, seg.Text) {
				return nil, false
			}
		}
	}
	var p chat.Prompt
	pos := 0
	for i, seg := range orig {
		if !seg.Special {
			continue
		}
		skip := 0
		if i > 0 && !orig[i-1].Special {
			skip = strings.Count(orig[i-1].Text, seg.Text)
		}
		at := nthIndex(s[pos:], seg.Text, skip)
		if at < 0 {
			return nil, false
		}
		p = p.Append(chat.Segment{Text: s[pos : pos+at]})
		p = p.Append(seg)
		pos += at + len(seg.Text)
	}
	p = p.Append(chat.Segment{Text: s[pos:]})
	return p, true
}

// nthIndex is the index of the (n+1)-th occurrence of sub in s, or -1.
func nthIndex(s, sub string, n int) int {
	off := 0
	for {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return -1
		}
		if n == 0 {
			return off + i
		}
		n--
		off += i + len(sub)
	}
}

// realignEnds keeps the markers that lie wholly in the longest common
// prefix and suffix of the two texts.
func realignEnds(orig chat.Prompt, s string) chat.Prompt {
	whole := orig.String()
	pre := 0
	for pre < len(whole) && pre < len(s) && whole[pre] == s[pre] {
		pre++
	}
	suf := 0
	for suf < len(whole)-pre && suf < len(s)-pre && whole[len(whole)-1-suf] == s[len(s)-1-suf] {
		suf++
	}
	var p chat.Prompt
	// The prefix: segments of orig that end within it.
	pos := 0
	for _, seg := range orig {
		if pos+len(seg.Text) > pre {
			break
		}
		p = p.Append(seg)
		pos += len(seg.Text)
	}
	// The changed middle, and any partial segments around it, is text.
	tailStart := len(whole) - suf
	var tail chat.Prompt
	end := len(whole)
	for i := len(orig) - 1; i >= 0; i-- {
		seg := orig[i]
		start := end - len(seg.Text)
		if start < tailStart || start < pos {
			break
		}
		tail = append(chat.Prompt{seg}, tail...)
		end = start
	}
	p = p.Append(chat.Segment{Text: s[pos : len(s)-(len(whole)-end)]})
	for _, seg := range tail {
		p = p.Append(seg)
	}
	return p
}
