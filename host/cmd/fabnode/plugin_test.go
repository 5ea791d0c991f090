package main

import (
	"strings"
	"testing"

	"github.com/fabnode/fabnode/sdk/plugintest"
)

// assertNoForgery checks CLI output that shows what a forging plugin says:
// no terminal control byte survives, and no line is one the plugin made
// up (a second sha256 or kind line).
func assertNoForgery(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\r\x07") {
		t.Errorf("%s: raw control bytes in the output:\n%q", what, out)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if k, _, ok := strings.Cut(line, " "); ok {
			counts[k]++
		}
		if strings.HasPrefix(line, "sha256\t") || strings.HasPrefix(line, "kind\t") || strings.HasPrefix(line, "sha256  0000") {
			t.Errorf("%s: a forged line: %q", what, line)
		}
	}
	if counts["sha256"] > 1 || counts["kind"] > 1 {
		t.Errorf("%s: lines forged by the plugin:\n%s", what, out)
	}
}

// TestPluginStringsAreEscaped: `plugin inspect` and `plugin test` of a
// plugin whose name, currency and messages carry newlines, tabs, ESC and
// CR sequences print them escaped: the plugin cannot forge a sha256 or
// kind line nor drive the terminal.
func TestPluginStringsAreEscaped(t *testing.T) {
	wasm := plugintest.Build(t, "../../plugin/testdata/guests/forger")
	out, err := run(t, "plugin", "inspect", wasm)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	assertNoForgery(t, "inspect", out)
	fields := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	if fields["kind"] != "pricing" || !strings.HasPrefix(fields["name"], `"forger\nsha256\t0000`) || !strings.Contains(fields["name"], `\x1b[2J`) {
		t.Errorf("inspect does not show the kind and the escaped name:\n%s", out)
	}

	out, err = run(t, "plugin", "test", wasm)
	if err != nil {
		out += "\nerror: " + err.Error()
	}
	assertNoForgery(t, "test", out)
	if !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("test does not show the plugin's currency, escaped:\n%s", out)
	}
}
