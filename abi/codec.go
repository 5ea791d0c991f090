package abi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The encoding is deliberately trivial so that a guest can implement it in a
// few lines in any language:
//
//	u8, bool          1 byte (bool: 0 or 1)
//	u32, f32          4 bytes little-endian (f32 as IEEE-754 bits)
//	u64, i64          8 bytes little-endian (i64 two's complement)
//	bytes, string     u32 length, then that many bytes
//	[32]byte          32 bytes, no length
//
// Fields are written in declaration order with no tags. Minor ABI versions may
// append fields at the end of a message; a decoder ignores trailing bytes it
// does not know, and a missing trailing field decodes as its zero value only
// where ABI.md says so (QuoteRequest.Cached, added in v1.2).

// ErrShort is returned when a message ends before all its fields were read.
var ErrShort = errors.New("abi: message truncated")

func appendU8(b []byte, v uint8) []byte   { return append(b, v) }
func appendU32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func appendU64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
func appendF32(b []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}
func appendBytes(b, v []byte) []byte {
	b = appendU32(b, uint32(len(v)))
	return append(b, v...)
}
func appendString(b []byte, v string) []byte {
	b = appendU32(b, uint32(len(v)))
	return append(b, v...)
}

// decoder reads fields in order; the first failure sticks, so message
// decoders read everything and check err once.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.err = ErrShort
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u8() uint8 {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *decoder) bool() bool {
	switch v := d.u8(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		if d.err == nil {
			d.err = fmt.Errorf("abi: invalid bool byte %d", v)
		}
		return false
	}
}

func (d *decoder) u32() uint32 {
	if v := d.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if v := d.take(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

func (d *decoder) f32() float32 { return math.Float32frombits(d.u32()) }

// bytes returns a sub-slice of the input: decoded byte fields alias the
// buffer they were decoded from. Callers that keep them must copy.
func (d *decoder) bytes() []byte {
	n := d.u32()
	if d.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(d.b)) {
		d.err = ErrShort
		return nil
	}
	v := d.take(int(n))
	if len(v) == 0 {
		return nil
	}
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) hash(h *[32]byte) {
	if v := d.take(32); v != nil {
		copy(h[:], v)
	}
}

// optBool reads a bool appended by a later minor version: a message from
// an older peer ends before it, and it reads as false.
func (d *decoder) optBool() bool {
	if d.err == nil && len(d.b) == 0 {
		return false
	}
	return d.bool()
}

func (d *decoder) done(what string) error {
	if d.err != nil {
		return fmt.Errorf("decoding %s: %w", what, d.err)
	}
	return nil
}
