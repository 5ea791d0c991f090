package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// hclWriter emits HCL native syntax. It is hand-rolled because hclwrite
// pulls in go-cmp, and the subset needed here (attributes, blocks, literal
// values) is small.
type hclWriter struct {
	b     strings.Builder
	depth int
}

func (w *hclWriter) indent() { w.b.WriteString(strings.Repeat("  ", w.depth)) }

// attr writes `name = value`, padding name to width so '=' lines up.
func (w *hclWriter) attr(name string, width int, v any) error {
	lit, err := hclLiteral(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	w.indent()
	fmt.Fprintf(&w.b, "%-*s = %s\n", width, name, lit)
	return nil
}

func (w *hclWriter) open(typ string, labels ...string) {
	w.indent()
	w.b.WriteString(typ)
	for _, l := range labels {
		w.b.WriteString(" " + hclQuote(l))
	}
	w.b.WriteString(" {\n")
	w.depth++
}

func (w *hclWriter) close() {
	w.depth--
	w.indent()
	w.b.WriteString("}\n")
}

func (w *hclWriter) bytes() []byte { return []byte(w.b.String()) }

func hclLiteral(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return hclQuote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("cannot encode %v", x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case time.Duration:
		return hclQuote(x.String()), nil
	case ByteSize:
		return hclQuote(x.String()), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := hclLiteral(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	case map[string]any:
		if len(x) == 0 {
			return "{}", nil
		}
		parts := make([]string, 0, len(x))
		for _, k := range sortedKeys(x) {
			s, err := hclLiteral(x[k])
			if err != nil {
				return "", err
			}
			key := k
			if !hclsyntax.ValidIdentifier(k) {
				key = hclQuote(k)
			}
			parts = append(parts, key+" = "+s)
		}
		return "{ " + strings.Join(parts, ", ") + " }", nil
	}
	return "", fmt.Errorf("unsupported value type %T", v)
}

// hclQuote quotes s as an HCL string literal. Unlike Go quoting it must
// also escape template sequences, or "${x}" would be read back as an
// interpolation.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
