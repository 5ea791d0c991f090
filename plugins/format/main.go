// Command format is the built-in format plugin. It shapes a model output,
// whole or streamed chunk by chunk (ABI v1.1 format_stream), into the
// format the client asked for:
//
//	plain     markdown markup removed (headings, emphasis, code fences, links)
//	markdown  line endings normalised, trailing spaces trimmed, an unclosed
//	          code fence closed
//	html      sanitized by construction: everything is escaped, then only
//	          <p>, <br>, <pre><code>, <h1>-<h6>, <ul>/<li> are generated
//	json      the JSON object in the output (response_format: json_object):
//	          code fences and prose around it removed, compacted; a whole
//	          answer is parsed, a stream is checked structurally
//
// Streamed plain, markdown and html come out exactly as the whole answer
// would (stream.go).
//
// Configuration (all optional):
//
//	json_extract   "true": find the object inside surrounding prose (default);
//	               "false": the whole output must be the object
//	max_bytes      truncate the shaped output (default 0 = no limit)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o format.wasm .
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/fabnode/fabnode/sdk"
)

var (
	jsonExtract = true
	maxBytes    int64
)

func configure(c sdk.Config) (err error) {
	if jsonExtract, err = c.Bool("json_extract", true); err != nil {
		return err
	}
	maxBytes, err = c.Int("max_bytes", 0)
	return err
}

func format(req sdk.FormatRequest) (sdk.FormatResult, error) {
	switch req.Format {
	case sdk.FormatPlain, sdk.FormatMarkdown, sdk.FormatHTML:
		// The streaming formatter over the whole text: streamed and whole
		// answers are shaped by the same code.
		var s state
		s.feed(req.Format, req.Text, true)
		return sdk.FormatResult{Text: s.out, Valid: true}, nil
	case sdk.FormatJSON:
		res := jsonObject(strings.ReplaceAll(string(req.Text), "\r\n", "\n"))
		if maxBytes > 0 && int64(len(res.Text)) > maxBytes {
			return sdk.FormatResult{Text: req.Text, Problem: fmt.Sprintf("JSON object longer than max_bytes %d", maxBytes)}, nil
		}
		return res, nil
	}
	return sdk.FormatResult{}, fmt.Errorf("unknown format %v", req.Format)
}

var (
	reEmph      = regexp.MustCompile(`(\*\*|__|\*|_|~~|` + "`" + `)(\S(?:.*?\S)?)(\*\*|__|\*|_|~~|` + "`" + `)`)
	reLink      = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]+)\)`)
	reJSONFence = regexp.MustCompile("(?s)```(?:json)?\\s*(.*?)```")
)

func jsonObject(s string) sdk.FormatResult {
	candidate := strings.TrimSpace(s)
	if jsonExtract {
		if m := reJSONFence.FindStringSubmatch(candidate); m != nil {
			candidate = strings.TrimSpace(m[1])
		}
		start, end := strings.IndexByte(candidate, '{'), strings.LastIndexByte(candidate, '}')
		if start < 0 || end < start {
			return sdk.FormatResult{Text: []byte(s), Problem: "no JSON object in output"}
		}
		candidate = candidate[start : end+1]
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(candidate), &obj); err != nil {
		return sdk.FormatResult{Text: []byte(s), Problem: "output is not a JSON object: " + err.Error()}
	}
	var out bytes.Buffer
	if err := json.Compact(&out, []byte(candidate)); err != nil {
		return sdk.FormatResult{Text: []byte(s), Problem: err.Error()}
	}
	return sdk.FormatResult{Text: out.Bytes(), Valid: true}
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindFormat, Name: "fabnode-format/1", Init: configure, Format: format, FormatStream: formatStream})
}

func main() {}
