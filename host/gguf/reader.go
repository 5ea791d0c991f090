package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Limits that keep a hostile or corrupt header from making the reader
// allocate without bound. Real models stay far below them (a 256k-token
// vocabulary is the largest array seen in practice).
const (
	maxStringLen  = 1 << 24
	maxArrayLen   = 1 << 24
	maxKVCount    = 1 << 16
	maxTensors    = 1 << 20
	maxDimensions = 4
)

// TensorInfo describes one tensor in the file's tensor table.
type TensorInfo struct {
	Name   string
	Dims   []uint64 // innermost first, as ggml orders them
	Type   TensorType
	Offset uint64 // from the start of the data section
}

// Elements is the number of elements in the tensor.
func (t TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// File is the decoded header of a GGUF file: everything but tensor data.
type File struct {
	Version    uint32
	KV         map[string]any
	Keys       []string // in file order
	Tensors    []TensorInfo
	Alignment  uint64
	DataOffset uint64 // where tensor data starts in the file
}

// ReadFile decodes the header of the GGUF file at path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// Read decodes a GGUF header from r.
func Read(r io.Reader) (*File, error) {
	cr := &countingReader{r: bufio.NewReaderSize(r, 1<<16)}
	d := decoder{r: cr}

	var magic [4]byte
	if _, err := io.ReadFull(cr, magic[:]); err != nil {
		return nil, fmt.Errorf("not a GGUF file: %w", err)
	}
	if string(magic[:]) != Magic {
		return nil, fmt.Errorf("not a GGUF file: magic %q, want %q", magic[:], Magic)
	}
	g := &File{KV: map[string]any{}, Alignment: DefaultAlignment}
	g.Version = d.u32()
	if d.err == nil && (g.Version < 2 || g.Version > 3) {
		return nil, fmt.Errorf("unsupported GGUF version %d (supported: 2, 3)", g.Version)
	}
	nTensors, nKV := d.u64(), d.u64()
	if d.err != nil {
		return nil, fmt.Errorf("truncated header: %w", d.err)
	}
	if nTensors > maxTensors || nKV > maxKVCount {
		return nil, fmt.Errorf("implausible header: %d tensors, %d metadata keys", nTensors, nKV)
	}
	for i := uint64(0); i < nKV && d.err == nil; i++ {
		key := d.str()
		v := d.value(ValueType(d.u32()), 0)
		if d.err != nil {
			return nil, fmt.Errorf("metadata key %d (%q): %w", i, key, d.err)
		}
		if _, dup := g.KV[key]; dup {
			return nil, fmt.Errorf("metadata key %q appears twice", key)
		}
		g.KV[key] = v
		g.Keys = append(g.Keys, key)
	}
	if a, ok := g.KV["general.alignment"]; ok {
		al, ok := asUint(a)
		if !ok || al == 0 || al&(al-1) != 0 {
			return nil, fmt.Errorf("general.alignment %v is not a power of two", a)
		}
		g.Alignment = al
	}
	for i := uint64(0); i < nTensors && d.err == nil; i++ {
		var t TensorInfo
		t.Name = d.str()
		nd := d.u32()
		if nd == 0 || nd > maxDimensions {
			return nil, fmt.Errorf("tensor %q has %d dimensions", t.Name, nd)
		}
		for j := uint32(0); j < nd; j++ {
			t.Dims = append(t.Dims, d.u64())
		}
		t.Type = TensorType(d.u32())
		t.Offset = d.u64()
		g.Tensors = append(g.Tensors, t)
	}
	if d.err != nil {
		return nil, fmt.Errorf("truncated tensor table: %w", d.err)
	}
	g.DataOffset = alignUp(cr.n, g.Alignment)
	return g, nil
}

// String returns a string metadata value, or "" when absent or not a string.
func (g *File) String(key string) string {
	s, _ := g.KV[key].(string)
	return s
}

// Uint returns an unsigned integer metadata value of any width.
func (g *File) Uint(key string) (uint64, bool) {
	return asUint(g.KV[key])
}

// ArchUint returns "<architecture>.<suffix>", e.g. ArchUint("context_length").
func (g *File) ArchUint(suffix string) (uint64, bool) {
	return g.Uint(g.String("general.architecture") + "." + suffix)
}

// ParamCount is the total number of tensor elements.
func (g *File) ParamCount() uint64 {
	var n uint64
	for _, t := range g.Tensors {
		n += t.Elements()
	}
	return n
}

// Quantization names the model's dominant weight type: general.file_type
// when present, otherwise the type holding the most elements.
func (g *File) Quantization() string {
	if ft, ok := g.Uint("general.file_type"); ok {
		return FileType(ft).String()
	}
	byType := map[TensorType]uint64{}
	var best TensorType
	for _, t := range g.Tensors {
		byType[t.Type] += t.Elements()
		if byType[t.Type] > byType[best] {
			best = t.Type
		}
	}
	return best.String()
}

// TensorDataSize is the number of bytes of tensor data the header
// promises, which a complete file must hold after DataOffset.
func (g *File) TensorDataSize() (uint64, error) {
	var end uint64
	for _, t := range g.Tensors {
		size, err := t.Type.ByteSize(t.Elements())
		if err != nil {
			return 0, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if t.Offset+size > end {
			end = t.Offset + size
		}
	}
	return end, nil
}

func alignUp(n, a uint64) uint64 { return (n + a - 1) / a * a }

func asUint(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8:
		return uint64(x), x >= 0
	case int16:
		return uint64(x), x >= 0
	case int32:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	}
	return 0, false
}

type countingReader struct {
	r io.Reader
	n uint64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += uint64(n)
	return n, err
}

// decoder reads little-endian values and remembers the first error, so
// the header walk reads as straight-line code.
type decoder struct {
	r   io.Reader
	err error
	buf [8]byte
}

func (d *decoder) read(n int) []byte {
	if d.err != nil {
		return d.buf[:n]
	}
	if _, err := io.ReadFull(d.r, d.buf[:n]); err != nil {
		d.err = err
	}
	return d.buf[:n]
}

func (d *decoder) u8() uint8   { return d.read(1)[0] }
func (d *decoder) u16() uint16 { return binary.LittleEndian.Uint16(d.read(2)) }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.read(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.read(8)) }

func (d *decoder) str() string {
	n := d.u64()
	if d.err != nil {
		return ""
	}
	if n > maxStringLen {
		d.err = fmt.Errorf("string of %d bytes exceeds limit", n)
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = err
	}
	return string(b)
}

var errNesting = errors.New("arrays nested too deep")

func (d *decoder) value(t ValueType, depth int) any {
	switch t {
	case TypeUint8:
		return d.u8()
	case TypeInt8:
		return int8(d.u8())
	case TypeUint16:
		return d.u16()
	case TypeInt16:
		return int16(d.u16())
	case TypeUint32:
		return d.u32()
	case TypeInt32:
		return int32(d.u32())
	case TypeFloat32:
		return math.Float32frombits(d.u32())
	case TypeBool:
		return d.u8() != 0
	case TypeString:
		return d.str()
	case TypeUint64:
		return d.u64()
	case TypeInt64:
		return int64(d.u64())
	case TypeFloat64:
		return math.Float64frombits(d.u64())
	case TypeArray:
		if depth > 2 {
			d.err = errNesting
			return nil
		}
		et := ValueType(d.u32())
		n := d.u64()
		if d.err != nil {
			return nil
		}
		if n > maxArrayLen {
			d.err = fmt.Errorf("array of %d elements exceeds limit", n)
			return nil
		}
		out := make([]any, 0, min(n, 1<<12))
		for i := uint64(0); i < n && d.err == nil; i++ {
			out = append(out, d.value(et, depth+1))
		}
		return out
	}
	if d.err == nil {
		d.err = fmt.Errorf("unknown value type %d", t)
	}
	return nil
}
