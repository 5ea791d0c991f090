package main

import (
	"context"
	"strings"
	"testing"

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
