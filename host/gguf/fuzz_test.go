package gguf

import (
	"bytes"
	"io"
	"testing"
)

// FuzzRead feeds the reader arbitrary bytes, with the input's size known
// and hidden. It must not panic, must allocate within allocBound of the
// input, and must keep its errors short. `make fuzz-short` runs it.
func FuzzRead(f *testing.F) {
	// testdata/fuzz/FuzzRead holds the reproducers and a valid file from
	// the writer; these seeds keep the target useful if it is lost.
	f.Add(claim3MiB)
	f.Add(claim16MiB)
	f.Add(staleDims)
	f.Add(smallValidFile(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []string{"sized", "stream"} {
			var r io.Reader = bytes.NewReader(data)
			bound := allocBound(len(data))
			if mode == "stream" {
				r, bound = stream{r}, streamAllocBound(len(data))
			}
			var g *File
			var err error
			if n := allocated(func() { g, err = Read(r) }); n > bound {
				t.Fatalf("%s: reading %d bytes allocated %d (bound %d)", mode, len(data), n, bound)
			}
			if err != nil {
				if len(err.Error()) >= 1<<10 {
					t.Fatalf("%s: error of %d bytes: %.200s...", mode, len(err.Error()), err)
				}
				continue
			}
			// What callers derive from a header must not panic either.
			_ = g.ParamCount()
			_ = g.Quantization()
			_, _ = g.ArchUint("context_length")
			if size, err := g.TensorDataSize(); err == nil && g.DataOffset+size < g.DataOffset {
				t.Fatalf("%s: data offset %d + size %d overflows", mode, g.DataOffset, size)
			}
		}
	})
}

// smallValidFile is a complete little model header from the package's own writer.
func smallValidFile(tb testing.TB) []byte {
	w := NewWriter()
	w.Set("general.architecture", "llama")
	w.Set("general.name", "fuzz-seed")
	w.Set("general.file_type", uint32(7))
	w.Set("llama.context_length", uint32(256))
	w.Set("tokenizer.ggml.tokens", []string{"<s>", "a", "b"})
	w.Set("tokenizer.ggml.scores", []float32{0, -1, -2})
	w.Set("tokenizer.ggml.token_type", []int32{3, 1, 1})
	vals := make([]float32, 64)
	for _, typ := range []TensorType{F32, Q8_0} {
		typ := typ
		if err := w.AddTensor("t."+typ.String(), []uint64{32, 2}, typ, func(out io.Writer) error { return EncodeTensor(out, typ, vals) }); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
