package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"
)

// Limits that keep a hostile or corrupt header from making the reader
// allocate without bound. Real models stay far below them (a 256k-token
// vocabulary is the largest array seen in practice). When the reader
// knows the input's size, every count and length is also bounded by the
// bytes that are left to hold it.
const (
	maxStringLen  = 1 << 24
	maxArrayLen   = 1 << 24
	maxKVCount    = 1 << 16
	maxTensors    = 1 << 20
	maxDimensions = 4
)

// The fewest bytes a metadata key/value and a tensor table entry can
// take on disk, used to bound the header's counts by the input's size.
const (
	minKVBytes     = 8 + 4 + 1         // key length, value type, a one-byte value
	minTensorBytes = 8 + 4 + 8 + 4 + 8 // name length, dimension count, one dimension, type, offset
)

// TensorInfo describes one tensor in the file's tensor table.
type TensorInfo struct {
	Name   string
	Dims   []uint64 // innermost first, as ggml orders them
	Type   TensorType
	Offset uint64 // from the start of the data section
}

// Elements is the number of elements in the tensor, or an error when the
// product of its dimensions does not fit in a uint64. A tensor from Read
// never fails: the reader refuses such a table.
func (t TensorInfo) Elements() (uint64, error) {
	n := uint64(1)
	for _, d := range t.Dims {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return 0, fmt.Errorf("tensor %s: element count of dimensions %v overflows", quote(t.Name), t.Dims)
		}
		n = lo
	}
	return n, nil
}

// File is the decoded header of a GGUF file: everything but tensor data.
type File struct {
	Version uint32
	// KV holds each value as the Go type the writer takes for it: scalars
	// as uint8 ... float64, bool and string; arrays as []uint8, []int8,
	// []uint16, []int16, []uint32, []int32, []float32, []bool, []string,
	// []uint64, []int64, []float64, and arrays of arrays as []any.
	KV         map[string]any
	Keys       []string // in file order
	Tensors    []TensorInfo
	Alignment  uint64
	DataOffset uint64 // where tensor data starts in the file
}

// ReadFile decodes the header of the GGUF file at path. The file's size
// bounds every count and length in the header.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	g, err := read(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// Read decodes a GGUF header from r. When r reports how many bytes it
// has left (a Len method, as bytes.Reader and strings.Reader have), that
// bounds every count and length in the header; otherwise the constant
// limits do, and strings and arrays are allocated as their bytes arrive,
// so a claim larger than the input fails after reading what is there.
// Error messages quote at most a few dozen bytes of the input.
func Read(r io.Reader) (*File, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return read(r, size)
}

// read decodes a header from r, which holds size bytes (-1: unknown).
func read(r io.Reader, size int64) (*File, error) {
	bufSize := 1 << 16
	if size >= 0 && size < int64(bufSize) {
		bufSize = int(size) // bufio raises it to its 16-byte minimum
	}
	d := decoder{r: bufio.NewReaderSize(r, bufSize), size: size}

	var magic [4]byte
	copy(magic[:], d.read(4))
	if d.err != nil {
		return nil, fmt.Errorf("not a GGUF file: %w", d.err)
	}
	if string(magic[:]) != Magic {
		return nil, fmt.Errorf("not a GGUF file: magic %q, want %q", magic[:], Magic)
	}
	g := &File{Alignment: DefaultAlignment}
	g.Version = d.u32()
	if d.err == nil && (g.Version < 2 || g.Version > 3) {
		return nil, fmt.Errorf("unsupported GGUF version %d (supported: 2, 3)", g.Version)
	}
	nTensors, nKV := d.u64(), d.u64()
	if d.err != nil {
		return nil, fmt.Errorf("truncated header: %w", d.err)
	}
	if nTensors > maxTensors || nKV > maxKVCount {
		return nil, fmt.Errorf("implausible header: %d tensors, %d metadata keys (limits: %d, %d)", nTensors, nKV, maxTensors, maxKVCount)
	}
	// Both counts are at most 2^20, so the products cannot overflow.
	if need := nKV*minKVBytes + nTensors*minTensorBytes; !d.holds(need) {
		return nil, fmt.Errorf("implausible header: %d tensors and %d metadata keys need at least %d bytes, the file has %d left", nTensors, nKV, need, d.left())
	}
	g.KV = make(map[string]any, d.capacity(nKV))
	g.Keys = make([]string, 0, d.capacity(nKV))
	for i := uint64(0); i < nKV; i++ {
		key := d.str()
		v := d.value(ValueType(d.u32()), 0)
		if d.err != nil {
			if key == "" {
				return nil, fmt.Errorf("metadata key %d: %w", i, d.err)
			}
			return nil, fmt.Errorf("metadata key %d (%s): %w", i, quote(key), d.err)
		}
		if _, dup := g.KV[key]; dup {
			return nil, fmt.Errorf("metadata key %s appears twice", quote(key))
		}
		g.KV[key] = v
		g.Keys = append(grow(g.Keys), key)
	}
	if a, ok := g.KV["general.alignment"]; ok {
		al, ok := asUint(a)
		if !ok || al == 0 || al&(al-1) != 0 {
			return nil, fmt.Errorf("general.alignment %s is not a power of two", describeValue(a))
		}
		g.Alignment = al
	}
	g.Tensors = make([]TensorInfo, 0, d.capacity(nTensors))
	var params uint64
	for i := uint64(0); i < nTensors; i++ {
		var t TensorInfo
		t.Name = d.str()
		nd := d.u32()
		if d.err != nil {
			return nil, fmt.Errorf("truncated tensor table: tensor %d: %w", i, d.err)
		}
		if nd == 0 || nd > maxDimensions {
			return nil, fmt.Errorf("tensor %d (%s) has %d dimensions (1 to %d allowed)", i, quote(t.Name), nd, maxDimensions)
		}
		t.Dims = make([]uint64, nd)
		for j := range t.Dims {
			t.Dims[j] = d.u64()
		}
		t.Type = TensorType(d.u32())
		t.Offset = d.u64()
		if d.err != nil {
			return nil, fmt.Errorf("truncated tensor table: tensor %d (%s): %w", i, quote(t.Name), d.err)
		}
		n, err := t.Elements()
		if err != nil {
			return nil, err
		}
		var carry uint64
		if params, carry = bits.Add64(params, n, 0); carry != 0 {
			return nil, fmt.Errorf("tensor %d (%s): the table's total element count overflows", i, quote(t.Name))
		}
		g.Tensors = append(grow(g.Tensors), t)
	}
	off, ok := alignUp(d.off, g.Alignment)
	if !ok {
		return nil, fmt.Errorf("data offset %d aligned to %d overflows", d.off, g.Alignment)
	}
	g.DataOffset = off
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

// ParamCount is the total number of tensor elements. It cannot overflow
// for a File from Read, which refuses such a table; for one built by
// hand it stops at math.MaxUint64.
func (g *File) ParamCount() uint64 {
	var n uint64
	for _, t := range g.Tensors {
		n = addSat(n, elementsSat(t))
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
		byType[t.Type] = addSat(byType[t.Type], elementsSat(t))
		if byType[t.Type] > byType[best] {
			best = t.Type
		}
	}
	return best.String()
}

// TensorDataSize is the number of bytes of tensor data the header
// promises, which a complete file must hold after DataOffset. It is an
// error when that end, or DataOffset plus it, does not fit in a uint64,
// so DataOffset + size never wraps for a caller.
func (g *File) TensorDataSize() (uint64, error) {
	var end uint64
	for _, t := range g.Tensors {
		n, err := t.Elements()
		if err != nil {
			return 0, err
		}
		size, err := t.Type.ByteSize(n)
		if err != nil {
			return 0, fmt.Errorf("tensor %s: %w", quote(t.Name), err)
		}
		tEnd, carry := bits.Add64(t.Offset, size, 0)
		if carry != 0 {
			return 0, fmt.Errorf("tensor %s: offset %d + %d bytes overflows", quote(t.Name), t.Offset, size)
		}
		end = max(end, tEnd)
	}
	if _, carry := bits.Add64(g.DataOffset, end, 0); carry != 0 {
		return 0, fmt.Errorf("tensor data of %d bytes after offset %d overflows", end, g.DataOffset)
	}
	return end, nil
}

// alignUp rounds n up to a multiple of a (a power of two); false when the
// result does not fit in a uint64.
func alignUp(n, a uint64) (uint64, bool) {
	s, carry := bits.Add64(n, a-1, 0)
	return s &^ (a - 1), carry == 0
}

func addSat(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

func elementsSat(t TensorInfo) uint64 {
	n, err := t.Elements()
	if err != nil {
		return math.MaxUint64
	}
	return n
}

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

// quoteLen is how many bytes of a string from the file an error quotes.
const quoteLen = 40

// quote is s quoted for an error message, cut to its first quoteLen bytes.
func quote(s string) string {
	if len(s) <= quoteLen {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:quoteLen], len(s))
}

// describeValue is a metadata value for an error message: scalars in
// full, strings cut by quote, anything else (an array) by its Go type.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case bool, uint8, int8, uint16, int16, uint32, int32, float32, uint64, int64, float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("%T", v)
}

// decoder reads little-endian values and remembers the first error; once
// it has one, every read returns zero, so the header walk reads as
// straight-line code and a value after a failure is never stale bytes.
type decoder struct {
	r    *bufio.Reader
	size int64  // bytes in the input, -1 when unknown
	off  uint64 // bytes consumed
	err  error
	buf  [8]byte
}

// left is how many input bytes remain, -1 when the size is unknown.
func (d *decoder) left() int64 {
	if d.size < 0 {
		return -1
	}
	return max(0, d.size-int64(d.off))
}

// holds reports whether n more bytes can still follow.
func (d *decoder) holds(n uint64) bool {
	return d.size < 0 || n <= uint64(d.left())
}

// capacity is how many of n announced items to allocate room for up
// front: all of them when the input's size has bounded n already, a few
// otherwise (the rest as they arrive).
func (d *decoder) capacity(n uint64) int {
	if d.size < 0 {
		return int(min(n, 64))
	}
	return int(n)
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) read(n int) []byte {
	b := d.buf[:n]
	if d.err != nil {
		clear(b)
		return b
	}
	got, err := io.ReadFull(d.r, b)
	d.off += uint64(got)
	if err != nil {
		clear(b)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%d bytes at offset %d: the file ends after %d: %w", n, d.off-uint64(got), got, io.ErrUnexpectedEOF)
		}
		d.fail(err)
	}
	return b
}

func (d *decoder) u8() uint8   { return d.read(1)[0] }
func (d *decoder) u16() uint16 { return binary.LittleEndian.Uint16(d.read(2)) }
func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.read(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.read(8)) }

// str reads a length-prefixed string. Its bytes are copied out of the
// read buffer as they arrive, so a length the input does not hold costs
// only the bytes that are there.
func (d *decoder) str() string {
	n := d.u64()
	if d.err != nil {
		return ""
	}
	if n > maxStringLen {
		d.fail(fmt.Errorf("string of %d bytes exceeds the %d-byte limit", n, maxStringLen))
		return ""
	}
	if !d.holds(n) {
		d.fail(fmt.Errorf("string of %d bytes, the file has %d left", n, d.left()))
		return ""
	}
	var sb strings.Builder
	if d.size >= 0 {
		sb.Grow(int(n)) // bounded by the input's size above
	}
	start := d.off
	for left := n; left > 0; {
		p, err := d.r.Peek(int(min(left, uint64(d.r.Size()))))
		sb.Write(p)
		_, _ = d.r.Discard(len(p))
		d.off += uint64(len(p))
		left -= uint64(len(p))
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("the file ends after %d: %w", n-left, io.ErrUnexpectedEOF)
			}
			d.fail(fmt.Errorf("string of %d bytes at offset %d: %w", n, start, err))
			return ""
		}
	}
	return sb.String()
}

var errNesting = errors.New("arrays nested too deep")

// minSize is the fewest bytes one value of type t takes on disk (0 for
// a type the reader does not know).
func minSize(t ValueType) uint64 {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64, TypeString:
		return 8
	case TypeArray:
		return 4 + 8
	}
	return 0
}

func (d *decoder) value(t ValueType, depth int) any {
	if d.err != nil {
		return nil
	}
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
		return d.array(depth)
	}
	d.fail(fmt.Errorf("unknown value type %d", t))
	return nil
}

func (d *decoder) array(depth int) any {
	if depth > 2 {
		d.fail(errNesting)
		return nil
	}
	et := ValueType(d.u32())
	n := d.u64()
	if d.err != nil {
		return nil
	}
	each := minSize(et)
	if each == 0 {
		d.fail(fmt.Errorf("array of unknown value type %d", et))
		return nil
	}
	if n > maxArrayLen {
		d.fail(fmt.Errorf("array of %d elements exceeds the %d-element limit", n, maxArrayLen))
		return nil
	}
	if !d.holds(n * each) { // n <= 2^24 and each <= 12: no overflow
		d.fail(fmt.Errorf("array of %d %s values needs at least %d bytes, the file has %d left", n, et, n*each, d.left()))
		return nil
	}
	switch et {
	case TypeUint8:
		return elems(d, n, d.u8)
	case TypeInt8:
		return elems(d, n, func() int8 { return int8(d.u8()) })
	case TypeUint16:
		return elems(d, n, d.u16)
	case TypeInt16:
		return elems(d, n, func() int16 { return int16(d.u16()) })
	case TypeUint32:
		return elems(d, n, d.u32)
	case TypeInt32:
		return elems(d, n, func() int32 { return int32(d.u32()) })
	case TypeFloat32:
		return elems(d, n, func() float32 { return math.Float32frombits(d.u32()) })
	case TypeBool:
		return elems(d, n, func() bool { return d.u8() != 0 })
	case TypeString:
		return elems(d, n, d.str)
	case TypeUint64:
		return elems(d, n, d.u64)
	case TypeInt64:
		return elems(d, n, func() int64 { return int64(d.u64()) })
	case TypeFloat64:
		return elems(d, n, func() float64 { return math.Float64frombits(d.u64()) })
	default: // TypeArray
		return elems(d, n, func() any { return d.array(depth + 1) })
	}
}

// grow doubles a full slice's capacity, so that a slice growing as its
// items arrive allocates at most twice its final size in all (append
// grows large slices by a quarter, which allocates five times it).
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 8))
}

// elems reads n values with elem into a slice that grows as they arrive.
func elems[T any](d *decoder, n uint64, elem func() T) []T {
	out := make([]T, 0, d.capacity(n))
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(grow(out), elem())
	}
	if d.err != nil {
		return nil
	}
	return out
}
