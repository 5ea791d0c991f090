package loopguard

import (
	"errors"
	"fmt"
)

// reader decodes the binary format; the first error sticks.
type reader struct {
	b   []byte
	i   int
	err error
}

var errTruncated = errors.New("truncated module")

func (r *reader) done() bool { return r.err != nil || r.i >= len(r.b) }

// end returns the first error, or one if bytes are left over.
func (r *reader) end() error {
	if r.err == nil && r.i != len(r.b) {
		return invalid("%d unexpected bytes at the end of a section", len(r.b)-r.i)
	}
	return r.err
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) byte() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.fail(errTruncated)
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		r.fail(errTruncated)
		return nil
	}
	s := r.b[r.i : r.i+n]
	r.i += n
	return s
}

// u32 reads an unsigned LEB128 number of at most 32 bits, as the format
// requires: at most five bytes, the unused bits of the fifth zero. Every
// number the rewrite re-encodes is read with it, so that an invalid
// encoding can never come out valid.
func (r *reader) u32() uint32 {
	var v uint32
	for n := 0; n < 5; n++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if n == 4 && c&0xF0 != 0 {
			r.fail(invalid("integer too large"))
			return 0
		}
		v |= uint32(c&0x7F) << (7 * n)
		if c&0x80 == 0 {
			return v
		}
	}
	r.fail(invalid("integer representation too long"))
	return 0
}

// leb skips a signed or unsigned LEB128 number of up to maxBytes bytes.
// The rewrite copies such numbers unchanged; wazero checks them.
func (r *reader) leb(maxBytes int) {
	for n := 0; n < maxBytes; n++ {
		if c := r.byte(); r.err != nil || c&0x80 == 0 {
			return
		}
	}
	r.fail(invalid("integer representation too long"))
}

// s33 reads a block type's type index (a signed 33-bit LEB128).
func (r *reader) s33() int64 {
	var v int64
	shift := 0
	for n := 0; n < 5; n++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= int64(c&0x7F) << shift
		shift += 7
		if c&0x80 == 0 {
			if c&0x40 != 0 {
				v -= 1 << shift // sign-extend
			}
			return v
		}
	}
	r.fail(invalid("integer representation too long"))
	return 0
}

func (r *reader) limits() {
	flags := r.byte()
	r.u32() // min
	if flags&0x01 != 0 {
		r.u32() // max
	}
}

func (r *reader) peek() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.fail(errTruncated)
		return 0
	}
	return r.b[r.i]
}

// blockType reads a block type: empty, one value type, or a type index
// (returned, or -1).
func (r *reader) blockType() int64 {
	if c := r.peek(); c == 0x40 || isValType(c) {
		r.byte()
		return -1
	}
	t := r.s33()
	if t < 0 && r.err == nil {
		r.fail(invalid("block type %d", t))
	}
	return t
}

func (r *reader) memarg() {
	if align := r.u32(); align&0x40 != 0 {
		r.u32() // memory index (multi-memory)
	}
	r.leb(10) // offset
}

// skipImmediates moves past the immediates of op, or refuses an opcode it
// does not know.
func (r *reader) skipImmediates(op byte) error {
	switch {
	case op <= 0x01, op == 0x05, op == 0x0B, op == 0x0F, op == 0x1A, op == 0x1B, op == 0xD1,
		op >= 0x45 && op <= 0xC4: // no immediates
	case op >= 0x02 && op <= 0x04: // block, loop, if
		r.blockType()
	case op == 0x0C, op == 0x0D, op == 0x10, op == 0x12, op >= 0x20 && op <= 0x26, op == 0xD2:
		r.u32()
	case op == 0x11, op == 0x13: // call_indirect, return_call_indirect
		r.u32()
		r.u32()
	case op == 0x0E: // br_table
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			r.u32()
		}
		r.u32()
	case op == 0x1C: // select t*
		for n := r.u32(); n > 0 && r.err == nil; n-- {
			if t := r.byte(); !isValType(t) && r.err == nil {
				return fmt.Errorf("unsupported select type %#x", t)
			}
		}
	case op >= 0x28 && op <= 0x3E: // loads and stores
		r.memarg()
	case op == 0x3F, op == 0x40: // memory.size, memory.grow
		r.u32()
	case op == 0x41:
		r.leb(5)
	case op == 0x42:
		r.leb(10)
	case op == 0x43:
		r.bytes(4)
	case op == 0x44:
		r.bytes(8)
	case op == 0xD0: // ref.null
		if t := r.byte(); t != 0x70 && t != 0x6F && r.err == nil {
			return fmt.Errorf("unsupported heap type %#x", t)
		}
	case op == 0xFC:
		return r.skipFC(r.u32())
	case op == 0xFD:
		return r.skipSIMD(r.u32())
	default:
		return fmt.Errorf("unsupported instruction %#x", op)
	}
	return nil
}

// skipFC moves past the immediates of a 0xFC instruction: saturating
// conversions, bulk memory and table instructions.
func (r *reader) skipFC(sub uint32) error {
	switch {
	case sub <= 7: // saturating truncations
	case sub == 9, sub == 11, sub == 13, sub >= 15 && sub <= 17:
		r.u32()
	case sub == 8, sub == 10, sub == 12, sub == 14:
		r.u32()
		r.u32()
	default:
		return fmt.Errorf("unsupported instruction 0xFC %d", sub)
	}
	return nil
}

// skipSIMD moves past the immediates of a fixed-width SIMD instruction
// (0xFD, WebAssembly 2.0; relaxed SIMD is not part of it).
func (r *reader) skipSIMD(sub uint32) error {
	switch {
	case sub <= 11, sub == 92, sub == 93: // loads and stores
		r.memarg()
	case sub == 12, sub == 13: // v128.const, i8x16.shuffle
		r.bytes(16)
	case sub >= 21 && sub <= 34: // extract and replace lane
		r.byte()
	case sub >= 84 && sub <= 91: // load and store lane
		r.memarg()
		r.byte()
	case sub <= 255: // no immediates
	default:
		return fmt.Errorf("unsupported instruction 0xFD %d", sub)
	}
	return nil
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
