// Command safety is the built-in safety plugin: phrase-based prompt checks
// (deny or mask), a streamed output filter that catches a blocked phrase even
// when it is split across chunks, and PII redaction (e-mail addresses, phone
// numbers, payment card numbers).
//
// Configuration (all optional; lists are separated by "|", matching is
// case-insensitive):
//
//	deny_prompt        phrases that make a prompt be refused
//	mask_prompt        phrases replaced by "[masked]" in the prompt (rewrite)
//	max_prompt_bytes   refuse longer prompts (default 0 = no limit)
//	deny_output        phrases that cut a streamed response
//	redact             which PII to redact: any of email, phone, card (default "email|phone|card")
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o safety.wasm .
package main

import (
	"bytes"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/fabnode/fabnode/sdk"
)

type config struct {
	denyPrompt, maskPrompt, denyOutput [][]byte // lower-cased
	maxPromptBytes                     int
	holdBack                           int // longest deny_output phrase - 1
	redactors                          []redactor
}

// redactor finds one kind of personal data. body and first describe its
// matches for streaming: the bytes a match consists of, and those it can
// start with. need is a byte every match contains: text without one is not
// searched (regexp is costly in a wasm guest, and most prose has no '@' or
// digit).
type redactor struct {
	re          *regexp.Regexp
	with        []byte
	body, first func(byte) bool
	need        func(byte) bool
}

func (r redactor) mayMatch(text []byte) bool {
	for _, c := range text {
		if r.need(c) {
			return true
		}
	}
	return false
}

func isAt(c byte) bool { return c == '@' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isEmailByte(c byte) bool {
	return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'z' || bytes.IndexByte([]byte("._%+-@"), c) >= 0
}

var cfg config

var knownRedactors = map[string]redactor{
	"email": {regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`), []byte("[email]"),
		isEmailByte, func(c byte) bool { return isEmailByte(c) && c != '@' }, isAt},
	"phone": {regexp.MustCompile(`\+?\d[\d ().\-]{7,}\d`), []byte("[phone]"),
		func(c byte) bool { return isDigit(c) || bytes.IndexByte([]byte(" ().-+"), c) >= 0 },
		func(c byte) bool { return isDigit(c) || c == '+' }, isDigit},
	"card": {regexp.MustCompile(`\b(?:\d[ \-]?){12,18}\d\b`), []byte("[card]"),
		func(c byte) bool { return isDigit(c) || c == ' ' || c == '-' }, isDigit, isDigit},
}

func lowerList(c sdk.Config, key string) [][]byte {
	var out [][]byte
	for _, s := range c.List(key, "|") {
		out = append(out, bytes.ToLower([]byte(s)))
	}
	return out
}

func configure(c sdk.Config) error {
	n := config{denyPrompt: lowerList(c, "deny_prompt"), maskPrompt: lowerList(c, "mask_prompt"), denyOutput: lowerList(c, "deny_output")}
	maxBytes, err := c.Int("max_prompt_bytes", 0)
	if err != nil {
		return err
	}
	n.maxPromptBytes = int(maxBytes)
	for _, p := range n.denyOutput {
		n.holdBack = max(n.holdBack, len(p)-1)
	}
	kinds := c.List("redact", "|")
	if _, set := c["redact"]; !set {
		kinds = []string{"card", "email", "phone"} // card before phone: a card number also looks like a phone number
	}
	for _, k := range kinds {
		r, ok := knownRedactors[k]
		if !ok {
			return fmt.Errorf(`config "redact": unknown kind %q (want email, phone or card)`, k)
		}
		n.redactors = append(n.redactors, r)
	}
	cfg = n
	return nil
}

func firstMatch(text []byte, phrases [][]byte) []byte {
	lower := bytes.ToLower(text)
	for _, p := range phrases {
		if bytes.Contains(lower, p) {
			return p
		}
	}
	return nil
}

func checkPrompt(req sdk.PromptCheck) (sdk.Verdict, error) {
	if cfg.maxPromptBytes > 0 && len(req.Prompt) > cfg.maxPromptBytes {
		return sdk.Verdict{Action: sdk.Deny, Reason: fmt.Sprintf("prompt longer than %d bytes", cfg.maxPromptBytes)}, nil
	}
	if p := firstMatch(req.Prompt, cfg.denyPrompt); p != nil {
		return sdk.Verdict{Action: sdk.Deny, Reason: fmt.Sprintf("prompt contains blocked phrase %q", p)}, nil
	}
	if firstMatch(req.Prompt, cfg.maskPrompt) == nil {
		return sdk.Verdict{Action: sdk.Allow}, nil
	}
	out := req.Prompt
	for _, p := range cfg.maskPrompt {
		out = replaceFold(out, p, []byte("[masked]"))
	}
	return sdk.Verdict{Action: sdk.Rewrite, Reason: "masked phrases", Rewritten: out}, nil
}

// replaceFold replaces every case-insensitive occurrence of the lower-case
// ASCII-or-UTF-8 phrase p in s. It compares rune by rune so that byte offsets
// stay those of the original text.
func replaceFold(s, p, with []byte) []byte {
	var out []byte
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], p) {
			out = append(out, with...)
			i += prefixLenFold(s[i:], p)
			continue
		}
		_, n := utf8.DecodeRune(s[i:])
		out = append(out, s[i:i+n]...)
		i += n
	}
	return out
}

func hasPrefixFold(s, p []byte) bool { return prefixLenFold(s, p) >= 0 }

// prefixLenFold returns how many bytes of s match p case-insensitively, or -1.
func prefixLenFold(s, p []byte) int {
	i := 0
	for len(p) > 0 {
		if i >= len(s) {
			return -1
		}
		r1, n1 := utf8.DecodeRune(s[i:])
		r2, n2 := utf8.DecodeRune(p)
		if !bytes.EqualFold(utf8.AppendRune(nil, r1), utf8.AppendRune(nil, r2)) {
			return -1
		}
		i, p = i+n1, p[n2:]
	}
	return i
}

// filterChunk scans held-back state plus the new chunk. It emits what can no
// longer change and keeps the rest as state: the last holdBack bytes, which
// may be the start of a blocked phrase, and a trailing run that may still
// grow into an e-mail address, phone or card number. What it emits is
// redacted, so a stream is scrubbed exactly as a whole answer is.
func filterChunk(req sdk.ChunkFilter) (sdk.ChunkResult, error) {
	buf := append(append(make([]byte, 0, len(req.State)+len(req.Chunk)), req.State...), req.Chunk...)
	if p := firstMatch(buf, cfg.denyOutput); p != nil {
		return sdk.ChunkResult{Action: sdk.Deny, Reason: fmt.Sprintf("output contains blocked phrase %q", p)}, nil
	}
	if req.Final {
		return sdk.ChunkResult{Action: sdk.Allow, Emit: redactWith(cfg.redactors, buf, nil)}, nil
	}
	cut := max(len(buf)-cfg.holdBack, 0)
	var live []redactor // those with something to find in buf
	var items [][]int
	for _, r := range cfg.redactors {
		cut = min(cut, r.openFrom(buf))
		if r.mayMatch(buf) {
			live = append(live, r)
			items = append(items, r.re.FindAllIndex(buf, -1)...)
		}
	}
	// A complete item that straddles the cut waits whole.
	for moved := true; moved; {
		moved = false
		for _, m := range items {
			if m[0] < cut && cut < m[1] {
				cut, moved = m[0], true
			}
		}
	}
	// Never hold more than maxHold bytes: a run of digits or word
	// characters that long is not one of the items redacted here (and
	// what of it matches is still redacted on its own).
	cut = max(cut, len(buf)-maxHold)
	for cut > 0 && cut < len(buf) && !utf8.RuneStart(buf[cut]) {
		cut--
	}
	return sdk.ChunkResult{Action: sdk.Allow, Emit: redactWith(live, buf[:cut], nil), State: buf[cut:]}, nil
}

// maxHold bounds the text a stream holds back for redaction.
const maxHold = 256

// openFrom returns where a match of r that the next chunk could still
// complete may begin: the start of the trailing run of characters r's
// items are made of, from the first one an item can start with; len(buf)
// when there is none.
func (r redactor) openFrom(buf []byte) int {
	i := len(buf)
	for i > 0 && r.body(buf[i-1]) {
		i--
	}
	for i < len(buf) && !r.first(buf[i]) {
		i++
	}
	return i
}

// redactWith replaces what each of rs finds in text, in order, counting
// the items into count when it is not nil.
func redactWith(rs []redactor, text []byte, count *int) []byte {
	for _, r := range rs {
		if !r.mayMatch(text) {
			continue
		}
		text = r.re.ReplaceAllFunc(text, func([]byte) []byte {
			if count != nil {
				*count++
			}
			return r.with
		})
	}
	return text
}

func redact(req sdk.RedactRequest) (sdk.RedactResult, error) {
	count := 0
	text := redactWith(cfg.redactors, req.Text, &count)
	return sdk.RedactResult{Text: text, Count: uint32(count)}, nil
}

func init() {
	sdk.Register(sdk.Plugin{
		Kind: sdk.KindSafety, Name: "fabnode-safety/1", Init: configure,
		CheckPrompt: checkPrompt, FilterChunk: filterChunk, Redact: redact,
	})
}

func main() {}
