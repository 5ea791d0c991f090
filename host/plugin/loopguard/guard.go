package loopguard

import (
	"bytes"
	"errors"
	"fmt"
)

// Export is the name the stop flag is exported under.
const Export = "fabnode.loopguard.stop"

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Section ids, and the order the binary format requires of them (custom
// sections, id 0, may appear anywhere).
const (
	secCustom = 0
	secImport = 2
	secMemory = 5
	secGlobal = 6
	secExport = 7
	secStart  = 8
	secCode   = 10
)

var sectionRank = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// Instrument returns the module with a stop check at the top of every
// loop and the flag it reads, a mutable i32 global exported as Export.
// When the module holds anything it does not understand, it returns the
// module unchanged with ok false and why.
func Instrument(wasm []byte) (out []byte, ok bool, why error) {
	out, err := instrument(wasm)
	if err != nil {
		return wasm, false, err
	}
	return out, true, nil
}

type section struct {
	id   byte
	body []byte
}

func instrument(wasm []byte) ([]byte, error) {
	if !bytes.HasPrefix(wasm, magic) {
		return nil, errors.New("not a WebAssembly 1.0 binary")
	}
	var secs []section
	for r := (reader{b: wasm[len(magic):]}); !r.done(); {
		id := r.byte()
		body := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, r.err
		}
		secs = append(secs, section{id, body})
	}

	importedGlobals, definedGlobals, hasMemory := 0, 0, false
	for _, s := range secs {
		var err error
		switch s.id {
		case secImport:
			var memories int
			importedGlobals, memories, err = countImports(s.body)
			hasMemory = hasMemory || memories > 0
		case secMemory:
			r := reader{b: s.body}
			hasMemory = hasMemory || r.u32() > 0
		case secGlobal:
			r := reader{b: s.body}
			definedGlobals = int(r.u32())
			err = r.err
		case secExport:
			err = checkExportFree(s.body)
		}
		if err != nil {
			return nil, err
		}
	}
	if !hasMemory {
		return nil, errors.New("the module has no memory")
	}
	flag, budget := uint32(importedGlobals+definedGlobals), uint32(importedGlobals+definedGlobals+1)
	check := loopCheck(flag, budget)
	newGlobals := []byte{
		0x7F, 0x01, 0x41, 0x00, 0x0B, // flag: mutable i32 = 0
	}
	newGlobals = append(append(append(newGlobals, 0x7F, 0x01, 0x41), sleb(slice)...), 0x0B) // budget: mutable i32 = slice
	newExport := append(append(appendName(nil, Export), 0x03), uleb(flag)...)

	out := append([]byte(nil), magic...)
	addedGlobal, addedExport, sawCode := false, false, false
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = append(out, uleb(uint32(len(body)))...)
		out = append(out, body...)
	}
	// Sections that must exist but do not are placed before the first
	// section that comes after them.
	placeMissing := func(next byte) {
		if !addedGlobal && sectionRank[next] > sectionRank[secGlobal] {
			emit(secGlobal, appendVec(nil, 0, nil, 2, newGlobals))
			addedGlobal = true
		}
		if !addedExport && sectionRank[next] > sectionRank[secExport] {
			emit(secExport, appendVec(nil, 0, nil, 1, newExport))
			addedExport = true
		}
	}
	for _, s := range secs {
		if s.id == secCustom {
			if isDebugSection(s.body) {
				continue // code offsets change; stale DWARF would mislead
			}
			emit(s.id, s.body)
			continue
		}
		if _, known := sectionRank[s.id]; !known {
			return nil, fmt.Errorf("unknown section id %d", s.id)
		}
		if s.id == secStart {
			// It runs inside instantiation, before the host can reach
			// the flag to stop it.
			return nil, errors.New("the module has a start function")
		}
		placeMissing(s.id)
		switch s.id {
		case secGlobal:
			body, err := appendToVec(s.body, 2, newGlobals)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
			addedGlobal = true
		case secExport:
			body, err := appendToVec(s.body, 1, newExport)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
			addedExport = true
		case secCode:
			body, err := instrumentCode(s.body, check)
			if err != nil {
				return nil, err
			}
			emit(s.id, body)
			sawCode = true
		default:
			emit(s.id, s.body)
		}
	}
	if !sawCode { // (with one, placeMissing has added the global and export)
		return nil, errors.New("no code section")
	}
	return out, nil
}

func isDebugSection(body []byte) bool {
	r := reader{b: body}
	name := r.bytes(int(r.u32()))
	return r.err == nil && bytes.HasPrefix(name, []byte(".debug_"))
}

func countImports(body []byte) (globals, memories int, err error) {
	r := reader{b: body}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(int(r.u32())) // module
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00: // func: type index
			r.u32()
		case 0x01: // table: reftype, limits
			r.byte()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
			memories++
		case 0x03: // global: valtype, mutability
			r.byte()
			r.byte()
			globals++
		default:
			return 0, 0, fmt.Errorf("unsupported import kind %#x", kind)
		}
	}
	return globals, memories, r.err
}

func checkExportFree(body []byte) error {
	r := reader{b: body}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if string(r.bytes(int(r.u32()))) == Export {
			return fmt.Errorf("the module already exports %q", Export)
		}
		r.byte()
		r.u32()
	}
	return r.err
}

// appendToVec adds k encoded elements to a section that is a vector.
func appendToVec(body []byte, k uint32, elems []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	return appendVec(nil, n, r.b[r.i:], k, elems), nil
}

func appendVec(b []byte, n uint32, elems []byte, k uint32, extra []byte) []byte {
	b = append(b, uleb(n+k)...)
	b = append(b, elems...)
	return append(b, extra...)
}

// slice is how many loop iterations run between two visits to the host.
const slice = 4096

// loopCheck is the code put at the top of every loop:
//
//	budget--
//	if budget == 0 {
//		budget = slice
//		drop(memory.grow(0)) // a call into the host: see below
//		if flag != 0 { unreachable }
//	}
//
// The flag is read only every slice iterations, because setting it needs
// the host's Go runtime: native guest code gives Go no safe point, so a
// guest that never left it would hold off the garbage collector's
// stop-the-world, and with it the timer that sets the flag, forever.
// memory.grow(0) changes nothing but is carried out by the host, which is
// such a safe point.
func loopCheck(flag, budget uint32) []byte {
	b := append([]byte{0x23}, uleb(budget)...) // global.get budget
	b = append(b, 0x41, 0x01, 0x6B)            // i32.const 1; i32.sub
	b = append(append(b, 0x24), uleb(budget)...)
	b = append(append(b, 0x23), uleb(budget)...)
	b = append(b, 0x45, 0x04, 0x40) // i32.eqz; if
	b = append(append(b, 0x41), sleb(slice)...)
	b = append(append(b, 0x24), uleb(budget)...)
	b = append(b, 0x41, 0x00, 0x40, 0x00, 0x1A) // i32.const 0; memory.grow 0; drop
	b = append(append(b, 0x23), uleb(flag)...)
	return append(b, 0x04, 0x40, 0x00, 0x0B, 0x0B) // if; unreachable; end; end
}

func appendName(b []byte, s string) []byte {
	return append(append(b, uleb(uint32(len(s)))...), s...)
}

func instrumentCode(body, check []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.u32()
	out := uleb(n)
	for i := uint32(0); i < n; i++ {
		fn := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, r.err
		}
		g, err := instrumentFunc(fn, check)
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", i, err)
		}
		out = append(out, uleb(uint32(len(g)))...)
		out = append(out, g...)
	}
	if !r.done() {
		return nil, errors.New("trailing bytes in the code section")
	}
	return out, r.err
}

// instrumentFunc copies one function body, inserting check after the
// block type of every loop.
func instrumentFunc(fn, check []byte) ([]byte, error) {
	r := reader{b: fn}
	for groups := r.u32(); groups > 0 && r.err == nil; groups-- {
		r.u32()
		if t := r.byte(); !isValType(t) {
			return nil, fmt.Errorf("unsupported local type %#x", t)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	out := make([]byte, 0, len(fn)+len(fn)/8)
	out = append(out, fn[:r.i]...)
	for !r.done() {
		start := r.i
		op := r.byte()
		loop := op == 0x03
		if err := r.skipImmediates(op); err != nil {
			return nil, err
		}
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, fn[start:r.i]...)
		if loop {
			out = append(out, check...)
		}
	}
	return out, nil
}

func isValType(t byte) bool {
	switch t {
	case 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F:
		return true
	}
	return false
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
			if t := r.byte(); !isValType(t) {
				return fmt.Errorf("unsupported select type %#x", t)
			}
		}
	case op >= 0x28 && op <= 0x3E: // loads and stores: memarg
		if align := r.u32(); align&0x40 != 0 {
			r.u32() // memory index (multi-memory)
		}
		r.leb()
	case op == 0x3F, op == 0x40: // memory.size, memory.grow
		r.u32()
	case op == 0x41, op == 0x42: // i32.const, i64.const
		r.leb()
	case op == 0x43:
		r.bytes(4)
	case op == 0x44:
		r.bytes(8)
	case op == 0xD0: // ref.null
		if t := r.byte(); t != 0x70 && t != 0x6F {
			return fmt.Errorf("unsupported heap type %#x", t)
		}
	case op == 0xFC:
		switch sub := r.u32(); {
		case sub <= 7: // saturating truncations
		case sub == 9, sub == 11, sub == 13, sub >= 15 && sub <= 17:
			r.u32()
		case sub == 8, sub == 10, sub == 12, sub == 14:
			r.u32()
			r.u32()
		default:
			return fmt.Errorf("unsupported instruction 0xFC %d", sub)
		}
	default:
		return fmt.Errorf("unsupported instruction %#x", op)
	}
	return nil
}

// reader decodes the binary format; the first error sticks.
type reader struct {
	b   []byte
	i   int
	err error
}

var errTruncated = errors.New("truncated module")

func (r *reader) done() bool { return r.err != nil || r.i >= len(r.b) }

func (r *reader) byte() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.err = errTruncated
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		r.err = errTruncated
		return nil
	}
	s := r.b[r.i : r.i+n]
	r.i += n
	return s
}

// leb skips one LEB128 number of up to 64 bits and returns its low 32.
func (r *reader) leb() uint32 {
	var v uint32
	for shift := 0; shift < 70; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if shift < 32 {
			v |= uint32(c&0x7F) << shift
		}
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("LEB128 number too long")
	return 0
}

func (r *reader) u32() uint32 { return r.leb() }

func (r *reader) limits() {
	flags := r.byte()
	r.leb() // min
	if flags&0x01 != 0 {
		r.leb() // max
	}
}

func (r *reader) blockType() {
	switch c := r.peek(); {
	case c == 0x40, isValType(c):
		r.byte()
	default: // a type index, as a signed LEB128
		r.leb()
	}
}

func (r *reader) peek() byte {
	if r.err != nil || r.i >= len(r.b) {
		r.err = errTruncated
		return 0
	}
	return r.b[r.i]
}

func sleb(v int32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func uleb(v uint32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}
