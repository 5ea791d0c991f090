package config

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Encode implements viper.Encoder. It is structural, not schema-aware: a
// map whose values are all non-empty maps becomes labeled blocks
// (model "x" { ... }), any other map becomes a block, everything else an
// attribute. Decode(Encode(m)) == m for maps made of Decode's value types.
func (c Codec) Encode(m map[string]any) ([]byte, error) {
	var w hclWriter
	if err := encodeBody(&w, m); err != nil {
		return nil, err
	}
	return w.bytes(), nil
}

func encodeBody(w *hclWriter, m map[string]any) error {
	keys := sortedKeys(m)
	for _, k := range keys {
		if !hclsyntax.ValidIdentifier(k) {
			return fmt.Errorf("hcl encode: %q is not a valid attribute or block name", k)
		}
	}
	// Attributes first, then blocks: the conventional HCL layout. A map whose
	// keys are not all identifiers cannot be a block body, so it is written
	// as an object attribute, which decodes to the same map.
	for _, k := range keys {
		if sub, isMap := m[k].(map[string]any); isMap && (isBody(sub) || isLabeled(sub)) {
			continue
		}
		if err := w.attr(k, 0, m[k]); err != nil {
			return fmt.Errorf("hcl encode: %w", err)
		}
	}
	for _, k := range keys {
		sub, isMap := m[k].(map[string]any)
		switch {
		case !isMap:
		case isLabeled(sub):
			for _, label := range sortedKeys(sub) {
				w.open(k, label)
				if err := encodeBody(w, sub[label].(map[string]any)); err != nil {
					return err
				}
				w.close()
			}
		case isBody(sub):
			w.open(k)
			if err := encodeBody(w, sub); err != nil {
				return err
			}
			w.close()
		}
	}
	return nil
}

// isBody reports whether m can be written as a block body.
func isBody(m map[string]any) bool {
	for k := range m {
		if !hclsyntax.ValidIdentifier(k) {
			return false
		}
	}
	return true
}

// isLabeled reports whether m reads best as labeled blocks: every value is
// a non-empty map that can itself be a block body.
func isLabeled(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for _, v := range m {
		sub, ok := v.(map[string]any)
		if !ok || len(sub) == 0 || !isBody(sub) {
			return false
		}
	}
	return true
}

// Render writes cfg as an HCL config file in schema order, for
// `fabnode serve --print-config`. Fields tagged config:"secret" are printed
// as "(redacted)"; this is the only sanctioned way to log a Config.
func Render(cfg *Config) ([]byte, error) {
	return render(schema, reflect.ValueOf(cfg).Elem())
}

func render(schema []*section, root reflect.Value) ([]byte, error) {
	var w hclWriter
	first := true
	block := func(s *section, sv reflect.Value, labels ...string) error {
		if !first {
			w.b.WriteString("\n")
		}
		first = false
		w.open(s.name, labels...)
		width := 0
		for _, l := range s.leaves {
			width = max(width, len(l.name))
		}
		for _, l := range s.leaves {
			v := normalize(sv.Field(l.index).Interface())
			if l.secret {
				v = "(redacted)"
			}
			if err := w.attr(l.name, width, v); err != nil {
				return fmt.Errorf("render %s: %w", s.name, err)
			}
		}
		w.close()
		return nil
	}
	for _, s := range schema {
		sv := root.Field(s.index)
		if !s.labeled {
			if err := block(s, sv); err != nil {
				return nil, err
			}
			continue
		}
		for _, label := range sortedMapKeys(sv) {
			if err := block(s, sv.MapIndex(reflect.ValueOf(label)), label); err != nil {
				return nil, err
			}
		}
	}
	return w.bytes(), nil
}

// normalize maps named scalar types to base kinds so hclLiteral needs no
// case per type; Duration and ByteSize keep their string forms.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return map[string]any{}
		}
		return x
	case fmt.Stringer:
		return v
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	}
	return v
}

func sortedMapKeys(m reflect.Value) []string {
	keys := make([]string, 0, m.Len())
	for _, k := range m.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.Sort(keys)
	return keys
}
