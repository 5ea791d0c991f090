package gguf

import (
	"fmt"
	"math/bits"
)

// Magic is the four bytes every GGUF file starts with ("GGUF").
const Magic = "GGUF"

// Version is the GGUF version this package writes.
const Version = 3

// DefaultAlignment is the tensor data alignment when general.alignment is absent.
const DefaultAlignment = 32

// ValueType tags a metadata value on disk.
type ValueType uint32

// Metadata value types, numbered as on disk.
const (
	TypeUint8 ValueType = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
)

// String names the value type as the GGUF specification does.
func (t ValueType) String() string {
	names := [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type%d", uint32(t))
}

// TensorType is a ggml tensor element type, numbered as in ggml.h.
type TensorType uint32

// The tensor types this package can size. Others are read as "unknown"
// and make parameter counting fall back to zero for that tensor's bytes.
const (
	F32  TensorType = 0
	F16  TensorType = 1
	Q4_0 TensorType = 2
	Q4_1 TensorType = 3
	Q5_0 TensorType = 6
	Q5_1 TensorType = 7
	Q8_0 TensorType = 8
	Q8_1 TensorType = 9
	Q2_K TensorType = 10
	Q3_K TensorType = 11
	Q4_K TensorType = 12
	Q5_K TensorType = 13
	Q6_K TensorType = 14
	Q8_K TensorType = 15
	BF16 TensorType = 30
)

type typeTraits struct {
	name      string
	blockSize int // elements per block
	blockLen  int // bytes per block
}

var traits = map[TensorType]typeTraits{
	F32:  {"F32", 1, 4},
	F16:  {"F16", 1, 2},
	BF16: {"BF16", 1, 2},
	Q4_0: {"Q4_0", 32, 18},
	Q4_1: {"Q4_1", 32, 20},
	Q5_0: {"Q5_0", 32, 22},
	Q5_1: {"Q5_1", 32, 24},
	Q8_0: {"Q8_0", 32, 34},
	Q8_1: {"Q8_1", 32, 36},
	Q2_K: {"Q2_K", 256, 84},
	Q3_K: {"Q3_K", 256, 110},
	Q4_K: {"Q4_K", 256, 144},
	Q5_K: {"Q5_K", 256, 176},
	Q6_K: {"Q6_K", 256, 210},
	Q8_K: {"Q8_K", 256, 292},
}

func (t TensorType) String() string {
	if tr, ok := traits[t]; ok {
		return tr.name
	}
	return fmt.Sprintf("type%d", uint32(t))
}

// ParseTensorType maps a name such as "q8_0" or "F16" to its type.
func ParseTensorType(s string) (TensorType, error) {
	for t, tr := range traits {
		if equalFold(tr.name, s) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q (known: f32, f16, q8_0, q4_0, ...)", s)
}

// ByteSize is the number of bytes n elements of type t occupy, or an error
// when n is not a whole number of blocks, the type is unknown or the size
// does not fit in a uint64.
func (t TensorType) ByteSize(n uint64) (uint64, error) {
	tr, ok := traits[t]
	if !ok {
		return 0, fmt.Errorf("tensor type %s has no known size", t)
	}
	if n%uint64(tr.blockSize) != 0 {
		return 0, fmt.Errorf("%d elements of %s is not a whole number of %d-element blocks", n, t, tr.blockSize)
	}
	hi, size := bits.Mul64(n/uint64(tr.blockSize), uint64(tr.blockLen))
	if hi != 0 {
		return 0, fmt.Errorf("%d elements of %s do not fit in a uint64 of bytes", n, t)
	}
	return size, nil
}

// FileType is general.file_type: the dominant quantization of a model, as
// llama.cpp's enum llama_ftype numbers it.
type FileType uint32

var fileTypeNames = map[FileType]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
	10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
	16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16",
}

func (f FileType) String() string {
	if n, ok := fileTypeNames[f]; ok {
		return n
	}
	return fmt.Sprintf("ftype%d", uint32(f))
}

// FileTypeFor is the general.file_type llama.cpp records for a model whose
// large tensors are of type t.
func FileTypeFor(t TensorType) FileType {
	switch t {
	case F16:
		return 1
	case Q4_0:
		return 2
	case Q8_0:
		return 7
	case BF16:
		return 32
	default:
		return 0
	}
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
