package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
)

// Writer assembles a GGUF file: metadata first, then tensors whose data is
// produced on demand while writing, so large models stream to disk.
type Writer struct {
	keys    []string
	values  map[string]any
	tensors []pendingTensor
}

type pendingTensor struct {
	info TensorInfo
	size uint64
	fill func(io.Writer) error
}

// NewWriter returns an empty writer.
func NewWriter() *Writer { return &Writer{values: map[string]any{}} }

// Set records a metadata value. Supported Go types: string, bool, uint8,
// int8, uint16, int16, uint32, int32, float32, uint64, int64, float64, and
// slices of string, float32, int32 and uint32. Setting a key twice keeps
// the first position and the last value.
func (w *Writer) Set(key string, v any) {
	if _, ok := w.values[key]; !ok {
		w.keys = append(w.keys, key)
	}
	w.values[key] = v
}

// AddTensor appends a tensor. fill must write exactly the tensor's byte
// size (Type.ByteSize of its element count) when called.
func (w *Writer) AddTensor(name string, dims []uint64, typ TensorType, fill func(io.Writer) error) error {
	info := TensorInfo{Name: name, Dims: dims, Type: typ}
	n, err := info.Elements()
	if err != nil {
		return err
	}
	size, err := typ.ByteSize(n)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", name, err)
	}
	w.tensors = append(w.tensors, pendingTensor{info: info, size: size, fill: fill})
	return nil
}

// WriteTo writes the whole file to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(out, 1<<20)
	e := &encoder{w: bw}
	e.raw([]byte(Magic))
	e.u32(Version)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.keys)))
	for _, k := range w.keys {
		e.str(k)
		e.value(k, w.values[k])
	}
	var offset uint64
	for i := range w.tensors {
		t := &w.tensors[i]
		t.info.Offset = offset
		e.str(t.info.Name)
		e.u32(uint32(len(t.info.Dims)))
		for _, d := range t.info.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.info.Type))
		e.u64(offset)
		sum, carry := bits.Add64(offset, t.size, 0)
		end, ok := alignUp(sum, DefaultAlignment)
		if carry != 0 || !ok {
			return e.n, fmt.Errorf("tensor %q: data offsets overflow", t.info.Name)
		}
		offset = end
	}
	e.pad(DefaultAlignment)
	for _, t := range w.tensors {
		if e.err != nil {
			break
		}
		start := e.n
		if err := t.fill(e); err != nil {
			return e.n, fmt.Errorf("tensor %q: %w", t.info.Name, err)
		}
		if got := e.n - start; e.err == nil && uint64(got) != t.size {
			return e.n, fmt.Errorf("tensor %q: wrote %d bytes, want %d", t.info.Name, got, t.size)
		}
		e.pad(DefaultAlignment)
	}
	if e.err != nil {
		return e.n, e.err
	}
	return e.n, bw.Flush()
}

// encoder writes little-endian values, counting bytes and keeping the
// first error. It is also the io.Writer tensor fill functions receive.
type encoder struct {
	w   io.Writer
	n   int64
	err error
	buf [8]byte
}

func (e *encoder) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
	return n, err
}

func (e *encoder) raw(p []byte) { _, _ = e.Write(p) }
func (e *encoder) u8(v uint8)   { e.raw([]byte{v}) }
func (e *encoder) u16(v uint16) { binary.LittleEndian.PutUint16(e.buf[:2], v); e.raw(e.buf[:2]) }
func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:4], v); e.raw(e.buf[:4]) }
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:8], v); e.raw(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.raw([]byte(s)) }

func (e *encoder) pad(a uint64) {
	if r := uint64(e.n) % a; r != 0 {
		e.raw(make([]byte, a-r))
	}
}

func (e *encoder) value(key string, v any) {
	switch x := v.(type) {
	case string:
		e.u32(uint32(TypeString))
		e.str(x)
	case bool:
		e.u32(uint32(TypeBool))
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case uint8:
		e.u32(uint32(TypeUint8))
		e.u8(x)
	case int8:
		e.u32(uint32(TypeInt8))
		e.u8(uint8(x))
	case uint16:
		e.u32(uint32(TypeUint16))
		e.u16(x)
	case int16:
		e.u32(uint32(TypeInt16))
		e.u16(uint16(x))
	case uint32:
		e.u32(uint32(TypeUint32))
		e.u32(x)
	case int32:
		e.u32(uint32(TypeInt32))
		e.u32(uint32(x))
	case float32:
		e.u32(uint32(TypeFloat32))
		e.u32(math.Float32bits(x))
	case uint64:
		e.u32(uint32(TypeUint64))
		e.u64(x)
	case int64:
		e.u32(uint32(TypeInt64))
		e.u64(uint64(x))
	case float64:
		e.u32(uint32(TypeFloat64))
		e.u64(math.Float64bits(x))
	case []string:
		e.array(TypeString, len(x), func(i int) { e.str(x[i]) })
	case []float32:
		e.array(TypeFloat32, len(x), func(i int) { e.u32(math.Float32bits(x[i])) })
	case []int32:
		e.array(TypeInt32, len(x), func(i int) { e.u32(uint32(x[i])) })
	case []uint32:
		e.array(TypeUint32, len(x), func(i int) { e.u32(x[i]) })
	default:
		if e.err == nil {
			e.err = fmt.Errorf("metadata %q: unsupported value type %T", key, v)
		}
	}
}

func (e *encoder) array(t ValueType, n int, elem func(int)) {
	e.u32(uint32(TypeArray))
	e.u32(uint32(t))
	e.u64(uint64(n))
	for i := 0; i < n; i++ {
		elem(i)
	}
}
