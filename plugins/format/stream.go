package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/fabnode/fabnode/sdk"
)

// The streaming formatter. Plain, markdown and html are shaped line by line
// with a little state carried between chunks; format() runs the same code
// over a whole answer as one final chunk, so a streamed answer comes out
// byte for byte as the answer formatted whole, however it was chunked.
// Inside a line, text is sent as soon as nothing later in the line can
// change it: trailing blanks wait (lines are right-trimmed), and in plain,
// text from the first character that may open markup (emphasis, code,
// links) waits for the end of its line.
//
// JSON is compacted on the fly (whitespace outside strings dropped) and
// checked structurally: one object, brackets balanced, strings closed.
// A whole answer gets a full parse instead (jsonObject).

type lineKind uint8

const (
	lineUndecided lineKind = iota // not enough of the line seen yet
	lineText
	lineHeading
	lineBullet
	lineFence
	lineBlank
)

type block uint8

const (
	blockNone block = iota
	blockPara       // html <p>
	blockList       // html <ul>
	blockCode       // inside a ``` fence
)

// JSON phases.
const (
	jsonBefore  uint8 = iota // text before the object (kept, in case none comes)
	jsonInside               // inside the object
	jsonAfter                // the object closed; the rest is dropped
	jsonNotJSON              // strict mode and the output does not start with '{'
)

// state is what a stream carries from one chunk to the next. It travels
// through the host as bytes (marshal/unmarshalState), since the next chunk
// may be served by another instance.
type state struct {
	Started   bool     // something was emitted: leading blank lines are dropped before that
	PendingNL uint32   // newlines owed before the next output: trailing ones are dropped
	Kind      lineKind // the current line's kind, once decided
	Level     uint8    // heading level
	LineBody  bool     // some of the current line's content was consumed
	Block     block
	CodeLines uint32 // html: lines written into the open <pre>
	Fences    uint32 // markdown: fence lines seen
	Emitted   uint64 // bytes emitted, for max_bytes
	Phase     uint8  // JSON
	Depth     uint32 // JSON
	InString  bool   // JSON
	Escaped   bool   // JSON
	Junk      bool   // JSON: non-blank text after the object
	Held      []byte // input not consumed yet

	out []byte // output of the current call
}

const stateHeader = 1 + 4 + 1 + 1 + 1 + 1 + 4 + 4 + 8 + 1 + 4 + 1 + 1 + 1

func (s *state) marshal() []byte {
	b := make([]byte, 0, stateHeader+len(s.Held))
	b = append(b, boolByte(s.Started))
	b = binary.LittleEndian.AppendUint32(b, s.PendingNL)
	b = append(b, byte(s.Kind), s.Level, boolByte(s.LineBody), byte(s.Block))
	b = binary.LittleEndian.AppendUint32(b, s.CodeLines)
	b = binary.LittleEndian.AppendUint32(b, s.Fences)
	b = binary.LittleEndian.AppendUint64(b, s.Emitted)
	b = append(b, s.Phase)
	b = binary.LittleEndian.AppendUint32(b, s.Depth)
	b = append(b, boolByte(s.InString), boolByte(s.Escaped), boolByte(s.Junk))
	return append(b, s.Held...)
}

func unmarshalState(b []byte) (state, error) {
	var s state
	if len(b) == 0 {
		return s, nil
	}
	if len(b) < stateHeader {
		return s, errors.New("format stream state is truncated")
	}
	le := binary.LittleEndian
	s.Started, s.PendingNL = b[0] != 0, le.Uint32(b[1:])
	s.Kind, s.Level, s.LineBody, s.Block = lineKind(b[5]), b[6], b[7] != 0, block(b[8])
	s.CodeLines, s.Fences, s.Emitted = le.Uint32(b[9:]), le.Uint32(b[13:]), le.Uint64(b[17:])
	s.Phase, s.Depth = b[25], le.Uint32(b[26:])
	s.InString, s.Escaped, s.Junk = b[30] != 0, b[31] != 0, b[32] != 0
	s.Held = append([]byte(nil), b[stateHeader:]...)
	return s, nil
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func formatStream(req sdk.FormatChunk) (sdk.FormatChunkResult, error) {
	s, err := unmarshalState(req.State)
	if err != nil {
		return sdk.FormatChunkResult{}, err
	}
	var res sdk.FormatChunkResult
	switch req.Format {
	case sdk.FormatPlain, sdk.FormatMarkdown, sdk.FormatHTML:
		s.feed(req.Format, req.Chunk, req.Final)
		res.Valid = true
	case sdk.FormatJSON:
		res.Valid, res.Problem = s.feedJSON(req.Chunk, req.Final)
	default:
		return res, fmt.Errorf("unknown format %v", req.Format)
	}
	res.Emit = s.out
	if !req.Final {
		res.State, res.Held = s.marshal(), uint32(len(s.Held))
	}
	return res, nil
}

// emit writes text to the output, preceded by the newlines owed.
func (s *state) emit(b []byte) {
	if !s.Started {
		b = bytes.TrimLeft(b, " \t\r")
		if len(b) == 0 {
			return
		}
		s.PendingNL = 0
	}
	for ; s.PendingNL > 0; s.PendingNL-- {
		s.write([]byte{'\n'})
	}
	s.Started = true
	s.write(b)
}

func (s *state) write(b []byte) {
	if maxBytes > 0 {
		room := max(maxBytes-int64(s.Emitted), 0)
		b = b[:min(int64(len(b)), room)]
	}
	s.out = append(s.out, b...)
	s.Emitted += uint64(len(b))
}

func (s *state) emitString(t string) { s.emit([]byte(t)) }

func (s *state) newline() { s.PendingNL++ }

func (s *state) feed(f sdk.Format, chunk []byte, final bool) {
	buf := append(s.Held, chunk...)
	s.Held = nil
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		s.line(f, bytes.TrimSuffix(buf[:i], []byte{'\r'}), true)
		buf = buf[i+1:]
	}
	if final {
		if len(buf) > 0 || s.Kind != lineUndecided {
			s.line(f, buf, true)
		}
		s.end(f)
		return
	}
	// A trailing \r may be the first half of a line break.
	cr := bytes.HasSuffix(buf, []byte{'\r'})
	if cr {
		buf = buf[:len(buf)-1]
	}
	rest := s.line(f, buf, false)
	s.Held = append([]byte(nil), rest...)
	if cr {
		s.Held = append(s.Held, '\r')
	}
}

// line shapes one line, or the part of it seen so far (complete false),
// and returns what it could not consume yet.
func (s *state) line(f sdk.Format, text []byte, complete bool) []byte {
	if complete && !(f == sdk.FormatHTML && s.Block == blockCode) {
		text = bytes.TrimRight(text, " \t\r")
	}
	if s.Kind == lineUndecided {
		kind, level, marker, ok := classify(f, s.Block == blockCode, text, complete)
		if !ok {
			return text
		}
		s.Kind, s.Level = kind, level
		s.begin(f)
		text = text[marker:]
	}
	n := s.content(f, text, complete)
	if !complete {
		return text[n:]
	}
	s.finishLine(f)
	s.Kind, s.Level, s.LineBody = lineUndecided, 0, false
	return nil
}

// classify decides what a line is from its start; ok is false when the
// part seen so far could still be several things. marker is how many bytes
// of markup the kind consumes (a heading's #s, a bullet's dash).
func classify(f sdk.Format, inCode bool, text []byte, complete bool) (kind lineKind, level uint8, marker int, ok bool) {
	t := bytes.TrimLeft(text, " \t\r")
	switch {
	case bytes.HasPrefix(t, []byte("```")):
		return lineFence, 0, 0, true
	case !complete && bytes.HasPrefix([]byte("```"), t):
		return 0, 0, 0, false // blank so far, or the start of a fence
	case inCode:
		return lineText, 0, 0, true
	case len(t) == 0:
		return lineBlank, 0, 0, true
	case f == sdk.FormatMarkdown:
		return lineText, 0, 0, true
	}
	// A heading or bullet marker counts once text follows it: "- " alone
	// is a dash, as it is when the line ends there.
	markerThen := func(n int) (int, bool, bool) {
		if n >= len(text) || text[n] != ' ' && text[n] != '\t' {
			return 0, true, false
		}
		rest := bytes.TrimLeft(text[n:], " \t\r")
		if len(rest) == 0 {
			return 0, complete, false
		}
		return len(text) - len(rest), true, true
	}
	if text[0] == '#' {
		n := len(text) - len(bytes.TrimLeft(text, "#"))
		if n == len(text) && !complete {
			return 0, 0, 0, false
		}
		if n <= 6 {
			m, decided, is := markerThen(n)
			if !decided {
				return 0, 0, 0, false
			}
			if is {
				return lineHeading, uint8(n), m, true
			}
		}
		return lineText, 0, 0, true
	}
	if bytes.IndexByte([]byte("-*+"), t[0]) >= 0 {
		lead := len(text) - len(t)
		if len(t) == 1 && !complete {
			return 0, 0, 0, false
		}
		m, decided, is := markerThen(lead + 1)
		if !decided {
			return 0, 0, 0, false
		}
		if is {
			return lineBullet, 0, m, true
		}
	}
	return lineText, 0, 0, true
}

// begin writes what opens a line of the kind just decided.
func (s *state) begin(f sdk.Format) {
	switch f {
	case sdk.FormatMarkdown:
		if s.Kind == lineFence {
			s.Fences++
		}
	case sdk.FormatPlain:
		switch s.Kind {
		case lineFence:
			s.Block = toggle(s.Block)
		case lineBullet: // decided only once text follows the dash
			s.emitString("- ")
		}
	case sdk.FormatHTML:
		switch {
		case s.Kind == lineFence && s.Block == blockCode:
			s.emitString("</code></pre>")
			s.newline()
			s.Block = blockNone
		case s.Kind == lineFence:
			s.closeBlocks()
			s.emitString("<pre><code>")
			s.Block, s.CodeLines = blockCode, 0
		case s.Block == blockCode:
			if s.CodeLines > 0 {
				s.emitString("\n")
			}
			s.CodeLines++
		case s.Kind == lineHeading:
			s.closeBlocks()
			s.emitString(fmt.Sprintf("<h%d>", s.Level))
		case s.Kind == lineBullet:
			s.closePara()
			if s.Block != blockList {
				s.emitString("<ul>")
				s.newline()
				s.Block = blockList
			}
			s.emitString("<li>")
		case s.Kind == lineBlank:
			s.closeBlocks()
		default:
			s.closeList()
			if s.Block == blockPara {
				s.emitString("<br>")
			} else {
				s.emitString("<p>")
				s.Block = blockPara
			}
		}
	}
}

func toggle(b block) block {
	if b == blockCode {
		return blockNone
	}
	return blockCode
}

// content shapes (part of) a line's text after its marker and returns how
// many bytes it consumed.
func (s *state) content(f sdk.Format, text []byte, complete bool) int {
	inCode := s.Block == blockCode && s.Kind != lineFence
	if s.Kind == lineBlank || s.Kind == lineFence && f != sdk.FormatMarkdown {
		return len(text) // nothing of these lines is shown
	}
	skipped := 0
	if !s.LineBody && !inCode && (s.Kind == lineHeading || s.Kind == lineBullet || f == sdk.FormatHTML) {
		trimmed := bytes.TrimLeft(text, " \t\r")
		skipped, text = len(text)-len(trimmed), trimmed
	}
	keepBlanks := f == sdk.FormatHTML && inCode // html code keeps its lines as they are
	safe := len(text)
	if !keepBlanks {
		safe = len(bytes.TrimRight(text, " \t\r"))
	}
	inline := f == sdk.FormatPlain && !inCode
	if !complete && inline {
		if i := bytes.IndexAny(text[:safe], "*_~`[!"); i >= 0 {
			safe = i
		}
	}
	if safe == 0 {
		if complete {
			return skipped + len(text)
		}
		return skipped
	}
	body := text[:safe]
	s.LineBody = true
	switch {
	case f == sdk.FormatHTML:
		s.emitString(html.EscapeString(string(body)))
	case inline && complete:
		s.emitString(plainInline(string(body)))
	default:
		s.emit(body)
	}
	if complete {
		return skipped + len(text)
	}
	return skipped + safe
}

// finishLine writes what closes a line.
func (s *state) finishLine(f sdk.Format) {
	switch f {
	case sdk.FormatHTML:
		switch {
		case s.Kind == lineHeading:
			s.emitString(fmt.Sprintf("</h%d>", s.Level))
			s.newline()
		case s.Kind == lineBullet:
			s.emitString("</li>")
			s.newline()
		}
	case sdk.FormatPlain:
		if s.Kind != lineFence {
			s.newline()
		}
	default:
		s.newline()
	}
}

// end closes whatever is open when the output ends.
func (s *state) end(f sdk.Format) {
	switch f {
	case sdk.FormatHTML:
		s.closeBlocks()
	case sdk.FormatMarkdown:
		if s.Fences%2 == 1 { // close an unclosed code fence
			s.PendingNL = 1
			s.emitString("```")
		}
	}
	s.PendingNL = 0
}

func (s *state) closeBlocks() {
	s.closePara()
	s.closeList()
	if s.Block == blockCode {
		s.emitString("</code></pre>")
		s.newline()
		s.Block = blockNone
	}
}

func (s *state) closePara() {
	if s.Block == blockPara {
		s.emitString("</p>")
		s.newline()
		s.Block = blockNone
	}
}

func (s *state) closeList() {
	if s.Block == blockList {
		s.emitString("</ul>")
		s.newline()
		s.Block = blockNone
	}
}

// plainInline removes inline markdown from one line: links become
// "text (url)", emphasis and code markers go. Underscores inside a word
// (snake_case) are not emphasis, as in CommonMark.
func plainInline(s string) string {
	s = reLink.ReplaceAllString(s, "$1 ($2)")
	for range 3 { // nested emphasis
		var b strings.Builder
		last := 0
		for _, m := range reEmph.FindAllStringSubmatchIndex(s, -1) {
			opener, closer := s[m[2]:m[3]], s[m[6]:m[7]]
			if opener != closer || opener[0] == '_' && (wordByteBefore(s, m[0]) || wordByteAt(s, m[1])) {
				continue
			}
			b.WriteString(s[last:m[0]])
			b.WriteString(s[m[4]:m[5]])
			last = m[1]
		}
		if last == 0 {
			break
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

func wordByteBefore(s string, i int) bool { return i > 0 && isWordByte(s[i-1]) }
func wordByteAt(s string, i int) bool     { return i < len(s) && isWordByte(s[i]) }

func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z' || c >= 0x80
}

// feedJSON compacts the object as it streams and reports, on the final
// chunk, whether one complete object came.
func (s *state) feedJSON(chunk []byte, final bool) (valid bool, problem string) {
	buf := append(s.Held, chunk...)
	s.Held = nil
	start := 0
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch s.Phase {
		case jsonBefore:
			switch {
			case c == '{':
				s.Phase, start = jsonInside, i
				i-- // process the brace as part of the object
			case !jsonExtract && !isBlank(c):
				s.Phase = jsonNotJSON
				s.emit(buf[:i])
				start = i
			}
		case jsonInside:
			s.jsonByte(c)
		case jsonAfter:
			s.Junk = s.Junk || !isBlank(c)
		case jsonNotJSON:
			s.write([]byte{c})
		}
	}
	if s.Phase == jsonBefore {
		s.Held = append(s.Held, buf[start:]...) // prose so far, shown if no object comes
	}
	if maxBytes > 0 && int64(s.Emitted) >= maxBytes && s.Phase == jsonInside {
		return false, fmt.Sprintf("JSON object longer than max_bytes %d", maxBytes)
	}
	if !final {
		return false, ""
	}
	switch {
	case s.Phase == jsonBefore:
		s.write(s.Held)
		return false, "no JSON object in output"
	case s.Phase == jsonNotJSON:
		return false, "output is not a JSON object"
	case s.Phase == jsonInside:
		return false, "the JSON object is incomplete"
	case s.Junk && !jsonExtract:
		return false, "text follows the JSON object"
	}
	return true, ""
}

func (s *state) jsonByte(c byte) {
	switch {
	case s.InString:
		s.InString = s.Escaped || c != '"'
		s.Escaped = !s.Escaped && c == '\\'
	case isBlank(c):
		return // compaction
	case c == '"':
		s.InString = true
	case c == '{' || c == '[':
		s.Depth++
	case c == '}' || c == ']':
		s.Depth--
		if s.Depth == 0 {
			s.Phase = jsonAfter
		}
	}
	s.write([]byte{c})
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
