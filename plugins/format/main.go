// Command format is the built-in format plugin. It shapes a complete model
// output into the format the client asked for:
//
//	plain     markdown markup removed (headings, emphasis, code fences, links)
//	markdown  line endings normalised, trailing spaces trimmed, an unclosed
//	          code fence closed
//	html      sanitized by construction: everything is escaped, then only
//	          <p>, <pre><code>, <h1>-<h6>, <ul>/<li> are generated
//	json      the JSON object in the output (response_format: json_object):
//	          code fences and prose around it removed, validated, compacted
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
	"html"
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
	text := strings.ReplaceAll(string(req.Text), "\r\n", "\n")
	var res sdk.FormatResult
	switch req.Format {
	case sdk.FormatPlain:
		res = sdk.FormatResult{Text: []byte(plain(text)), Valid: true}
	case sdk.FormatMarkdown:
		res = sdk.FormatResult{Text: []byte(markdown(text)), Valid: true}
	case sdk.FormatHTML:
		res = sdk.FormatResult{Text: []byte(toHTML(text)), Valid: true}
	case sdk.FormatJSON:
		res = jsonObject(text)
	default:
		return sdk.FormatResult{}, fmt.Errorf("unknown format %v", req.Format)
	}
	if maxBytes > 0 && int64(len(res.Text)) > maxBytes {
		if req.Format == sdk.FormatJSON {
			return sdk.FormatResult{Text: req.Text, Problem: fmt.Sprintf("JSON object longer than max_bytes %d", maxBytes)}, nil
		}
		res.Text = res.Text[:maxBytes]
	}
	return res, nil
}

var (
	reHeading   = regexp.MustCompile(`(?m)^#{1,6}\s+`)
	reEmph      = regexp.MustCompile(`(\*\*|__|\*|_|~~|` + "`" + `)(\S(?:.*?\S)?)(\*\*|__|\*|_|~~|` + "`" + `)`)
	reLink      = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]+)\)`)
	reFence     = regexp.MustCompile("(?m)^```[^\n]*\n?")
	reJSONFence = regexp.MustCompile("(?s)```(?:json)?\\s*(.*?)```")
	reBullet    = regexp.MustCompile(`(?m)^[ \t]*[-*+][ \t]+`)
)

func plain(s string) string {
	s = trimLines(s)
	s = reFence.ReplaceAllString(s, "")
	s = reHeading.ReplaceAllString(s, "")
	s = reLink.ReplaceAllString(s, "$1 ($2)")
	s = reBullet.ReplaceAllString(s, "- ")
	for range 3 { // nested emphasis
		s = reEmph.ReplaceAllStringFunc(s, func(m string) string {
			sub := reEmph.FindStringSubmatch(m)
			if sub[1] != sub[3] {
				return m
			}
			return sub[2]
		})
	}
	return strings.TrimSpace(s)
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func markdown(s string) string {
	out := trimLines(s)
	if len(reFence.FindAllStringIndex(out, -1))%2 == 1 {
		out += "\n```"
	}
	return out
}

// toHTML renders a small, safe subset of markdown. Every piece of model text
// goes through html.EscapeString, so no tag or attribute from the output can
// survive.
func toHTML(s string) string {
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + strings.Join(para, "<br>") + "</p>\n")
			para = para[:0]
		}
	}
	lines := strings.Split(s, "\n")
	inList := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "```"):
			flush()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				code = append(code, html.EscapeString(lines[i]))
			}
			b.WriteString("<pre><code>" + strings.Join(code, "\n") + "</code></pre>\n")
			continue
		case reHeading.MatchString(l):
			flush()
			level := len(t) - len(strings.TrimLeft(t, "#"))
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", level, html.EscapeString(strings.TrimSpace(t[level:])), level)
		case reBullet.MatchString(l):
			flush()
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + html.EscapeString(reBullet.ReplaceAllString(l, "")) + "</li>\n")
			continue
		case t == "":
			flush()
		default:
			para = append(para, html.EscapeString(t))
		}
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	flush()
	if inList {
		b.WriteString("</ul>\n")
	}
	return strings.TrimSpace(b.String())
}

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
	sdk.Register(sdk.Plugin{Kind: sdk.KindFormat, Name: "fabnode-format/1", Init: configure, Format: format})
}

func main() {}
