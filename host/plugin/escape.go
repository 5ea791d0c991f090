package plugin

import (
	"strconv"
	"strings"
)

// Escape makes a string a plugin supplied (its self-declared name, a
// currency, an error message, a line of its output) safe to show on a
// terminal or write to a log: plain printable ASCII is returned as it is,
// anything else is quoted Go-style, with every control character, escape
// sequence and non-ASCII rune escaped (strconv.QuoteToASCII). A plugin can
// then neither forge a line of output (a second "sha256" line of `fabnode
// plugin inspect`, a log record) nor send the terminal escape sequences.
func Escape(s string) string {
	if isPlain(s) {
		return s
	}
	return strconv.QuoteToASCII(s)
}

// isPlain reports whether s is printable ASCII and cannot be mistaken for
// a quoted string.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E {
			return false
		}
	}
	return !strings.HasPrefix(s, `"`)
}
