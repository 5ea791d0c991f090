package loopguard

import (
	"errors"
	"fmt"
)

// The checks the rewrite inserts. budget and tick are the counter global
// and the host function the rewrite adds; every check is stack-neutral and
// self-contained, so it can go before any instruction.
//
//	check(w):   budget -= w; if budget <= 0 { visit }
//	visit:      budget = Budget; if tick() { unreachable }
//	dynamic(s): (n on the stack) budget -= n >> s; if budget <= 0 { visit }
//
// check goes at every function entry and loop header, weighed by the
// instructions it guards (see shape); visit before every call of an
// imported function and every memory.grow and table.grow, whose cost the
// guest does not control; dynamic before every bulk memory or table
// instruction, weighed by its length operand.
type checker struct {
	budget, tick, scratch []byte // encoded indices
}

func (c *checker) check(out []byte, w int32) []byte {
	out = append(out, 0x23)
	out = append(out, c.budget...)
	out = appendS32(append(out, 0x41), w)
	out = append(out, 0x6B, 0x24) // i32.sub; global.set
	out = append(out, c.budget...)
	return c.tail(out)
}

func (c *checker) dynamic(out []byte, shift byte) []byte {
	out = append(out, 0x22) // local.tee scratch
	out = append(out, c.scratch...)
	out = append(out, 0x23)
	out = append(out, c.budget...)
	out = append(out, 0x20)
	out = append(out, c.scratch...)
	out = append(out, 0x41, shift, 0x76, 0x6B, 0x24) // i32.const; i32.shr_u; i32.sub; global.set
	out = append(out, c.budget...)
	return c.tail(out)
}

// tail is: if budget <= 0 { visit }
func (c *checker) tail(out []byte) []byte {
	out = append(out, 0x23)
	out = append(out, c.budget...)
	out = append(out, 0x41, 0x00, 0x4C, 0x04, 0x40) // i32.const 0; i32.le_s; if
	return append(c.visit(out), 0x0B)
}

func (c *checker) visit(out []byte) []byte {
	out = appendS32(append(out, 0x41), Budget)
	out = append(out, 0x24)
	out = append(out, c.budget...)
	out = append(out, 0x10)
	out = append(out, c.tick...)
	return append(out, 0x04, 0x40, 0x00, 0x0B) // if; unreachable; end
}

func (m *module) rewriteCode(body []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.u32()
	var fns [][]byte
	for i := uint32(0); i < n && r.err == nil; i++ {
		fns = append(fns, r.bytes(int(r.u32())))
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	if uint32(len(fns)) != uint32(len(m.funcTypes))-m.funcImports {
		return nil, invalid("%d function bodies for %d functions", len(fns), uint32(len(m.funcTypes))-m.funcImports)
	}
	m.findLight(fns)
	out := appendU32(make([]byte, 0, len(body)+len(body)/4), n)
	var w worker
	for i, fn := range fns {
		f := m.funcImports + uint32(i)
		g, err := w.rewriteFunc(m, f, fn, m.params[m.funcTypes[f]])
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", f, err)
		}
		out = appendU32(out, uint32(len(g)))
		out = append(out, g...)
	}
	m.codeFuncs = n
	return out, nil
}

// A light function (no loop, no call, at most lightBytes long) runs at
// most lightBytes instructions and needs no check of its own: its callers
// pay for it, a direct call by its length, an indirect call (whose callee
// is not known) by lightBytes. Many small Go functions (runtime and
// library helpers without a resumption point) are light.
const lightBytes = 512

// findLight sets m.light: for each defined function, its length if it is
// light, else 0.
func (m *module) findLight(fns [][]byte) {
	m.light = make([]uint32, len(fns))
next:
	for i, fn := range fns {
		if len(fn) > lightBytes {
			continue
		}
		r := reader{b: fn}
		for g := r.u32(); g > 0 && r.err == nil; g-- {
			r.u32()
			r.byte()
		}
		for !r.done() {
			switch op := r.byte(); op {
			case 0x03, 0x10, 0x11, 0x12, 0x13: // loop and every call
				continue next
			default:
				if r.skipImmediates(op) != nil {
					continue next
				}
			}
		}
		if r.err == nil {
			m.light[i] = uint32(len(fn))
		}
	}
}

// The rewrite of one function: its shape, then the edits to make, found
// in one pass over its instructions.
//
// A check must pay for all the work done until the next one, so its
// weight is the number of instructions it guards. Within one activation
// only a branch to a loop goes backwards, to its header, where a check
// is; every other branch goes forward. So an instruction outside every
// loop runs at most once per activation (paid by the check at entry), and
// one directly inside a loop (not in a nested one) at most once per
// iteration of it (paid by the check at its header). A callee pays for
// itself at its own entry, unless it is light (see lightBytes).
type worker struct {
	entry int   // instructions outside every loop
	loops []int // per loop, in order: instructions directly inside it
	// first is the loop every activation enters before anything else can
	// happen (the body starts with straight-line code and blocks, then
	// that loop, as every Go function with a call in it does); its check
	// also pays for the entry, which then needs none. -1 if none.
	first int
	bulk  bool // a bulk memory or table instruction needs the scratch local
	edits []edit
	ctl   []int // per open block: the innermost loop it is in, or -1
}

// An edit of the function's code, in order of offset.
type edit struct {
	at, end int // code[at:end] is replaced (end == at: an insertion at at)
	kind    uint8
	arg     uint32 // the loop, the shift, or the new function index
}

const (
	editLoop    = iota // after a loop's block type: check(weight of loop arg)
	editVisit          // before an instruction: visit
	editDynamic        // before a bulk instruction: dynamic(arg)
	editFunc           // a function index: re-encoded as arg
)

func weight(instructions int) int32 {
	return int32(min(1+instructions/instructionsPerUnit, Budget))
}

func (w *worker) rewriteFunc(m *module, f uint32, fn []byte, params uint32) ([]byte, error) {
	r := reader{b: fn}
	groups := r.u32()
	afterCount := r.i
	locals := uint64(params)
	for g := groups; g > 0 && r.err == nil; g-- {
		locals += uint64(r.u32())
		if t := r.byte(); !isValType(t) && r.err == nil {
			return nil, fmt.Errorf("unsupported local type %#x", t)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if locals >= 1<<32-1 {
		return nil, invalid("too many locals")
	}
	code := fn[r.i:]
	if err := w.analyse(m, code, uint32(locals)); err != nil {
		return nil, err
	}

	out := make([]byte, 0, len(fn)+len(fn)/4+64)
	c := checker{budget: appendU32(nil, m.budget), tick: appendU32(nil, m.tick), scratch: appendU32(nil, uint32(locals))}
	if w.bulk { // one more local: the scratch i32, after all the others
		out = appendU32(out, groups+1)
		out = append(out, fn[afterCount:len(fn)-len(code)]...)
		out = append(out, 0x01, 0x7F)
	} else {
		out = append(out, fn[:len(fn)-len(code)]...)
	}
	switch {
	case m.light[f-m.funcImports] != 0: // its callers pay for it
	case w.first >= 0:
		w.loops[w.first] += w.entry
	default:
		out = c.check(out, weight(w.entry))
	}
	last := 0
	for _, e := range w.edits {
		out = append(out, code[last:e.at]...)
		last = e.end
		switch e.kind {
		case editLoop:
			out = c.check(out, weight(w.loops[e.arg]))
		case editVisit:
			out = c.visit(out)
		case editDynamic:
			out = c.dynamic(out, byte(e.arg))
		case editFunc:
			out = appendU32(out, e.arg)
		}
	}
	return append(out, code[last:]...), nil
}

// analyse walks a function's instructions once: it measures the shape,
// lists the edits, and refuses any reference to a local, global, type or
// function the module does not have (the rewrite adds some of each, and
// must not turn such a reference into a valid one).
func (w *worker) analyse(m *module, code []byte, locals uint32) error {
	w.entry, w.loops, w.first, w.bulk, w.edits = 0, w.loops[:0], -1, false, w.edits[:0]
	w.ctl = append(w.ctl[:0], -1)
	prefix := true // only straight-line code and blocks so far
	r := reader{b: code}
	charge := func(inner, n int) {
		if inner < 0 {
			w.entry += n
		} else {
			w.loops[inner] += n
		}
	}
	for !r.done() {
		inner := w.ctl[len(w.ctl)-1]
		charge(inner, 1)
		at := r.i
		op := r.byte()
		straight := false
		switch {
		case op == 0x02, op == 0x04: // block, if
			if err := m.blockType(&r); err != nil {
				return err
			}
			w.ctl = append(w.ctl, inner)
			straight = op == 0x02
		case op == 0x03: // loop
			if err := m.blockType(&r); err != nil {
				return err
			}
			w.ctl = append(w.ctl, len(w.loops))
			if prefix {
				w.first = len(w.loops)
			}
			w.edits = append(w.edits, edit{at: r.i, end: r.i, kind: editLoop, arg: uint32(len(w.loops))})
			w.loops = append(w.loops, 0)
		case op == 0x0B: // end
			w.ctl = w.ctl[:len(w.ctl)-1]
			if len(w.ctl) == 0 && !r.done() {
				return invalid("code after the end of the function")
			}
		case op >= 0x20 && op <= 0x22: // local.get, local.set, local.tee
			if l := r.u32(); l >= locals && r.err == nil {
				return invalid("%s %d, the function has %d locals", opName(op), l, locals)
			}
			straight = true
		case op == 0x23, op == 0x24: // global.get, global.set
			if err := m.globalRef(r.u32(), opName(op)); err != nil && r.err == nil {
				return err
			}
			straight = true
		case op == 0x10, op == 0x12, op == 0xD2: // call, return_call, ref.func
			start := r.i
			f := r.u32()
			nf, err := m.funcRef(f, "a call or ref.func")
			if err != nil && r.err == nil {
				return err
			}
			switch {
			case r.err != nil:
			case f < m.funcImports && op == 0xD2:
				return errors.New("ref.func of an imported function; the host does not allow one")
			case f < m.funcImports: // the host runs it: visit first
				w.edits = append(w.edits, edit{at: at, end: at, kind: editVisit})
			default:
				w.edits = append(w.edits, edit{at: start, end: r.i, kind: editFunc, arg: nf})
				if op != 0xD2 {
					charge(inner, int(m.light[f-m.funcImports]))
				}
			}
			straight = op == 0xD2
		case op == 0x11, op == 0x13: // call_indirect, return_call_indirect
			if t := r.u32(); t >= uint32(len(m.params)) && r.err == nil {
				return invalid("an indirect call of type %d, the module has %d types", t, len(m.params))
			}
			r.u32()
			charge(inner, lightBytes)
		case op == 0x40: // memory.grow
			r.u32()
			w.edits = append(w.edits, edit{at: at, end: at, kind: editVisit})
		case op == 0xFC:
			sub := r.u32()
			if err := r.skipFC(sub); err != nil {
				return err
			}
			switch sub {
			case 15: // table.grow
				w.edits = append(w.edits, edit{at: at, end: at, kind: editVisit})
			case 8, 10, 11: // memory.init, memory.copy, memory.fill
				w.edits = append(w.edits, edit{at: at, end: at, kind: editDynamic, arg: bytesShift})
				w.bulk = true
			case 12, 14, 17: // table.init, table.copy, table.fill
				w.edits = append(w.edits, edit{at: at, end: at, kind: editDynamic, arg: elementsShift})
				w.bulk = true
			}
			straight = sub <= 7
		default:
			if err := r.skipImmediates(op); err != nil {
				return err
			}
			straight = op == 0x01 || op == 0x1A || op == 0x1B || op == 0x1C || op >= 0x25 && op <= 0x3F ||
				op >= 0x41 && op <= 0xC4 || op == 0xD0 || op == 0xD1
		}
		if !straight || op == 0x03 {
			prefix = false
		}
	}
	if r.err != nil {
		return r.err
	}
	if len(w.ctl) != 0 {
		return invalid("a function body without its end")
	}
	return nil
}

func (m *module) blockType(r *reader) error {
	if t := r.blockType(); t >= int64(len(m.params)) && r.err == nil {
		return invalid("a block of type %d, the module has %d types", t, len(m.params))
	}
	return r.err
}

func opName(op byte) string {
	switch op {
	case 0x20:
		return "local.get"
	case 0x21:
		return "local.set"
	case 0x22:
		return "local.tee"
	case 0x23:
		return "global.get"
	case 0x24:
		return "global.set"
	}
	return fmt.Sprintf("instruction %#x", op)
}
