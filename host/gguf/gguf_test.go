package gguf

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
)

func TestWriteThenRead(t *testing.T) {
	w := NewWriter()
	w.Set("general.architecture", "llama")
	w.Set("general.file_type", uint32(7))
	w.Set("llama.context_length", uint32(4096))
	w.Set("tokenizer.ggml.tokens", []string{"a", "b"})
	w.Set("tokenizer.ggml.scores", []float32{0, -1})
	vals := make([]float32, 64)
	for i := range vals {
		vals[i] = float32(i) / 7
	}
	for _, typ := range []TensorType{F32, F16, Q8_0, Q4_0} {
		if err := w.AddTensor("t."+typ.String(), []uint64{32, 2}, typ, func(out io.Writer) error { return EncodeTensor(out, typ, vals) }); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if g.String("general.architecture") != "llama" || g.Quantization() != "Q8_0" || len(g.Tensors) != 4 || g.ParamCount() != 256 {
		t.Fatalf("read back %+v", g)
	}
	if n, _ := g.ArchUint("context_length"); n != 4096 {
		t.Fatalf("context_length %d", n)
	}
	size, err := g.TensorDataSize()
	if err != nil {
		t.Fatal(err)
	}
	if g.DataOffset+size > uint64(buf.Len()) || g.DataOffset%DefaultAlignment != 0 {
		t.Fatalf("data offset %d + %d beyond file of %d", g.DataOffset, size, buf.Len())
	}
}

func TestReadRejectsBadHeaders(t *testing.T) {
	cases := map[string][]byte{
		"not gguf":  []byte("GGML\x03\x00\x00\x00"),
		"truncated": []byte("GGUF\x03\x00\x00\x00\x01"),
		"version":   append([]byte("GGUF\x09\x00\x00\x00"), make([]byte, 16)...),
		"huge kv":   append([]byte("GGUF\x03\x00\x00\x00"), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0),
	}
	for name, data := range cases {
		if _, err := Read(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	_, err := Read(strings.NewReader("GGUF"))
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("want truncated header error, got %v", err)
	}
}

func TestFloat16(t *testing.T) {
	cases := map[float32]uint16{0: 0, 1: 0x3c00, -2: 0xc000, 65504: 0x7bff, 1e9: 0x7c00, 0.000061035156: 0x0400, 5.9604645e-08: 0x0001}
	for f, want := range cases {
		if got := Float16(f); got != want {
			t.Errorf("Float16(%g) = %#04x, want %#04x", f, got, want)
		}
	}
	if got := Float16(float32(math.NaN())); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
		t.Errorf("NaN -> %#04x", got)
	}
}
