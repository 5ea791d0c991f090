package main

import (
	"context"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func TestFormats(t *testing.T) {
	f := plugintest.Load(t, ".", "format", nil).Format()
	md := "# Title\r\n\r\nSome **bold** and *it* text with a [link](https://x.org).  \n\n- one\n- two\n\n```go\nx := 1 < 2\n```\n<script>alert(1)</script>"
	cases := []struct {
		format sdk.Format
		in     string
		want   string
		valid  bool
	}{
		{sdk.FormatPlain, md, "Title\n\nSome bold and it text with a link (https://x.org).\n\n- one\n- two\n\nx := 1 < 2\n<script>alert(1)</script>", true},
		{sdk.FormatPlain, "snake_case_name, _emphasis_ and __strong__ text_", "snake_case_name, emphasis and strong text_", true},
		{sdk.FormatMarkdown, "a  \r\n```\ncode", "a\n```\ncode\n```", true},
		{sdk.FormatHTML, md, "<h1>Title</h1>\n<p>Some **bold** and *it* text with a [link](https://x.org).</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<pre><code>x := 1 &lt; 2</code></pre>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", true},
		{sdk.FormatJSON, "Here you go:\n```json\n{ \"a\": [1, 2],\n \"b\": \"x\" }\n```\nAnything else?", `{"a":[1,2],"b":"x"}`, true},
		{sdk.FormatJSON, "[1,2,3]", "[1,2,3]", false},
		{sdk.FormatJSON, "{\"a\": }", "{\"a\": }", false},
	}
	for _, c := range cases {
		res, err := f.Format(context.Background(), sdk.FormatRequest{Format: c.format, Text: []byte(c.in)})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Text) != c.want || res.Valid != c.valid {
			t.Errorf("%v %q:\n got %q valid=%v (%s)\nwant %q valid=%v", c.format, c.in, res.Text, res.Valid, res.Problem, c.want, c.valid)
		}
		if !c.valid && res.Problem == "" {
			t.Errorf("%v %q: invalid result without a problem", c.format, c.in)
		}
	}
}

func TestStrictJSON(t *testing.T) {
	f := plugintest.Load(t, ".", "format", map[string]string{"json_extract": "false"}).Format()
	res, err := f.Format(context.Background(), sdk.FormatRequest{Format: sdk.FormatJSON, Text: []byte(`Sure: {"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || !strings.Contains(res.Problem, "not a JSON object") {
		t.Errorf("strict mode accepted prose around JSON: %+v", res)
	}
}

// streamIn formats text through format_stream in chunks of size bytes.
func streamIn(t *testing.T, f plugin.Format, format sdk.Format, text string, size int) (string, sdk.FormatChunkResult) {
	t.Helper()
	ctx := context.Background()
	var state, out []byte
	for i := 0; ; i += size {
		end := min(i+size, len(text))
		final := end == len(text)
		res, err := f.Chunk(ctx, sdk.FormatChunk{Format: format, State: state, Chunk: []byte(text[i:end]), Final: final})
		if err != nil {
			t.Fatalf("%v, chunk size %d at %d: %v", format, size, i, err)
		}
		out, state = append(out, res.Emit...), res.State
		if final {
			return string(out), res
		}
	}
}

var streamSamples = []string{
	"# Title\r\n\r\nSome **bold** and *it* text with a [link](https://x.org).  \n\n- one\n- two\n\n```go\nx := 1 < 2\n```\n<script>alert(1)</script>",
	"  \n\nPlain words, then a list:\n* a\n+ b\n-c\n- \n#hashtag and ####### seven\n## Two  \nsnake_case_name and ~~gone~~ `code`\n```\n  indented code  \n\n```\ntail",
	"Unclosed fence:\n```python\nprint('<b>')\n# not a heading\n",
	"Ünïcode — ünder **straße** and ![img](http://i/x.png) done.\r\n\r\n\r\n",
	"",
}

// TestStreamedFormatEqualsWhole formats texts chunked every which way and
// checks the stream always comes out exactly as the whole answer.
func TestStreamedFormatEqualsWhole(t *testing.T) {
	f := plugintest.Load(t, ".", "format", nil).Format()
	ctx := context.Background()
	for _, format := range []sdk.Format{sdk.FormatPlain, sdk.FormatMarkdown, sdk.FormatHTML} {
		for _, text := range streamSamples {
			whole, err := f.Format(ctx, sdk.FormatRequest{Format: format, Text: []byte(text)})
			if err != nil {
				t.Fatal(err)
			}
			for _, size := range []int{1, 2, 3, 4, 7, 13, 64, len(text) + 1} {
				got, res := streamIn(t, f, format, text, size)
				if got != string(whole.Text) || !res.Valid {
					t.Errorf("%v, chunks of %d, %q:\n got %q\nwant %q", format, size, text, got, whole.Text)
				}
			}
		}
	}
}

// TestStreamedFormatDoesNotWaitForLineEnds checks that prose without
// markup is sent as it comes, not a line at a time.
func TestStreamedFormatDoesNotWaitForLineEnds(t *testing.T) {
	f := plugintest.Load(t, ".", "format", nil).Format()
	for format, want := range map[sdk.Format]string{
		sdk.FormatPlain:    "The quick brown",
		sdk.FormatMarkdown: "The quick brown",
		sdk.FormatHTML:     "<p>The quick brown",
	} {
		res, err := f.Chunk(context.Background(), sdk.FormatChunk{Format: format, Chunk: []byte("The quick brown ")})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Emit) != want {
			t.Errorf("%v: emitted %q, want %q", format, res.Emit, want)
		}
	}
}

func TestStreamedJSON(t *testing.T) {
	f := plugintest.Load(t, ".", "format", nil).Format()
	cases := []struct {
		in, want string
		valid    bool
	}{
		{"{ \"a\": [1, 2],\n \"b\": \"x y\\\" }\" }", `{"a":[1,2],"b":"x y\" }"}`, true},
		{"Sure:\n```json\n{\"a\": {\"b\": 1}}\n```\nMore?", `{"a":{"b":1}}`, true},
		{"{\"a\": [1, 2", `{"a":[1,2`, false},
		{"no object here", "no object here", false},
	}
	for _, c := range cases {
		for _, size := range []int{1, 5, len(c.in) + 1} {
			got, res := streamIn(t, f, sdk.FormatJSON, c.in, size)
			if got != c.want || res.Valid != c.valid || !c.valid && res.Problem == "" {
				t.Errorf("%q in chunks of %d: got %q valid=%v (%s), want %q valid=%v", c.in, size, got, res.Valid, res.Problem, c.want, c.valid)
			}
		}
	}
}
