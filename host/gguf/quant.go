package gguf

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// EncodeTensor writes vals as tensor data of type t. It supports the types
// a generated model needs: F32, F16, Q8_0 and Q4_0, quantized the way
// ggml's reference quantizers do, so llama.cpp decodes them exactly.
func EncodeTensor(w io.Writer, t TensorType, vals []float32) error {
	var out []byte
	switch t {
	case F32:
		out = make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
		}
	case F16:
		out = make([]byte, 2*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint16(out[2*i:], Float16(v))
		}
	case Q8_0:
		if len(vals)%32 != 0 {
			return fmt.Errorf("q8_0 needs a multiple of 32 values, got %d", len(vals))
		}
		out = make([]byte, 0, len(vals)/32*34)
		for b := 0; b < len(vals); b += 32 {
			out = appendQ8_0(out, vals[b:b+32])
		}
	case Q4_0:
		if len(vals)%32 != 0 {
			return fmt.Errorf("q4_0 needs a multiple of 32 values, got %d", len(vals))
		}
		out = make([]byte, 0, len(vals)/32*18)
		for b := 0; b < len(vals); b += 32 {
			out = appendQ4_0(out, vals[b:b+32])
		}
	default:
		return fmt.Errorf("cannot encode tensor type %s (supported: F32, F16, Q8_0, Q4_0)", t)
	}
	_, err := w.Write(out)
	return err
}

func appendQ8_0(out []byte, x []float32) []byte {
	var amax float32
	for _, v := range x {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	out = binary.LittleEndian.AppendUint16(out, Float16(d))
	for _, v := range x {
		out = append(out, byte(int8(math.Round(float64(v*id)))))
	}
	return out
}

func appendQ4_0(out []byte, x []float32) []byte {
	var amax, maxv float32
	for _, v := range x {
		if a := float32(math.Abs(float64(v))); a > amax {
			amax, maxv = a, v
		}
	}
	d := maxv / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	out = binary.LittleEndian.AppendUint16(out, Float16(d))
	for j := 0; j < 16; j++ {
		x0 := min(15, int8(x[j]*id+8.5))
		x1 := min(15, int8(x[16+j]*id+8.5))
		out = append(out, byte(x0)|byte(x1)<<4)
	}
	return out
}

// Float16 converts f to IEEE 754 half precision, rounding to nearest even.
func Float16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign
	case b>>23&0xff == 0xff: // inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - exp)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is still correct
	}
	return sign | uint16(half)
}
