package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCodecDecode(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[string]any
	}{
		{"scalars", `
s = "hi \"there\"\n"
i = 42
neg = -7
f = 1.5
big = 1e20
b = true
n = false`, map[string]any{
			"s": "hi \"there\"\n", "i": int64(42), "neg": int64(-7), "f": 1.5,
			"big": 1e20, "b": true, "n": false,
		}},
		{"nested blocks", `
outer {
  a = 1
  inner {
    b = "x"
  }
}`, map[string]any{"outer": map[string]any{"a": int64(1), "inner": map[string]any{"b": "x"}}}},
		{"labeled blocks", `
model "a" { path = "a.gguf" }
model "b.2" { path = "b.gguf" }`, map[string]any{"model": map[string]any{
			"a":   map[string]any{"path": "a.gguf"},
			"b.2": map[string]any{"path": "b.gguf"},
		}}},
		{"two labels", `svc "x" "y" { on = true }`, map[string]any{
			"svc": map[string]any{"x": map[string]any{"y": map[string]any{"on": true}}},
		}},
		{"lists and maps", `
l = [1, "two", [3]]
m = { Key = "v", "with space" = 2, nested = { deep = [] } }`, map[string]any{
			"l": []any{int64(1), "two", []any{int64(3)}},
			"m": map[string]any{"Key": "v", "with space": int64(2), "nested": map[string]any{"deep": []any{}}},
		}},
		{"empty", ``, map[string]any{}},
		{"arithmetic is evaluated", `x = 2 * 3`, map[string]any{"x": int64(6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]any{}
			if err := (Codec{}).Decode([]byte(tt.src), got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tt.want)
			}
			// Encode must produce something Decode reads back identically.
			enc, err := (Codec{}).Encode(got)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			back := map[string]any{}
			if err := (Codec{}).Decode(enc, back); err != nil {
				t.Fatalf("Decode(Encode): %v\n%s", err, enc)
			}
			if !reflect.DeepEqual(back, tt.want) {
				t.Fatalf("round trip changed value:\n%s\ngot %#v", enc, back)
			}
		})
	}
}

func TestCodecErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings
	}{
		{"syntax error has line and column", "a = 1\nb = \n", []string{"x.hcl:2:5:"}},
		{"unclosed block", "api {\n  listen = \"x\"\n", []string{"x.hcl:1:"}},
		{"variables are refused", "a = 1\nb = var.x\n", []string{"x.hcl:2:5:", "Variables not allowed"}},
		{"duplicate label names both lines", "model \"m\" {}\n\nmodel \"m\" {}\n",
			[]string{`x.hcl:3: duplicate model "m"; first defined at x.hcl:1`}},
		{"duplicate block", "api {}\napi {}\n", []string{"x.hcl:2: duplicate block api; first defined at x.hcl:1"}},
		{"attribute and block", "api = 1\napi {}\n", []string{`x.hcl:2: "api" is defined both as an attribute (line 1) and a block`}},
		{"label count mismatch", "model \"a\" {}\nmodel {}\n", []string{"x.hcl:2: block model conflicts"}},
		{"duplicate attribute", "a = 1\na = 2\n", []string{"x.hcl:2:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (Codec{Filename: "x.hcl"}).Decode([]byte(tt.src), map[string]any{})
			if err == nil {
				t.Fatal("want error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T does not unwrap to *Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"0", 0, true}, {"4096", 4096, true}, {"512MiB", 512 << 20, true}, {"8GiB", 8 << 30, true},
		{"8gib", 8 << 30, true}, {"1.5GB", 1500000000, true}, {"2 KiB", 2048, true}, {"10B", 10, true},
		{"1KB", 1000, true}, {"", 0, false}, {"GiB", 0, false}, {"-1", 0, false}, {"8XB", 0, false},
		{"99999999999TiB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err == nil {
			if back, err := ParseByteSize(got.String()); err != nil || back != got {
				t.Errorf("String round trip of %d: %q -> %v %v", got, got.String(), back, err)
			}
		}
	}
}
