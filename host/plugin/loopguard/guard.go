package loopguard

import (
	"bytes"
	"errors"
	"fmt"
)

// ImportModule and ImportName name the host function the rewritten module
// imports and calls whenever its budget runs out: () -> i32, non-zero to
// stop the running call. Instantiate provides it.
const (
	ImportModule = "fabnode.loopguard"
	ImportName   = "tick"
)

// Budget is what the rewritten module's counter holds after each visit to
// the host. Every check takes its weight off it: one unit for every
// instructionsPerUnit instructions the check guards, at least one. With
// weights that bound the work a check guards, a guest runs at most about
// Budget×instructionsPerUnit instructions (a few milliseconds) between two
// visits, whatever the shape of its code.
const Budget = 1 << 16

// instructionsPerUnit is how many instructions one unit of weight stands
// for. Bulk memory and table instructions are weighed by their operand:
// bytesPerUnit bytes, elementsPerUnit table elements.
const (
	instructionsPerUnit = 64
	bytesShift          = 11 // 2 KiB per unit
	elementsShift       = 8  // 256 table elements (2 KiB in wazero) per unit
)

// DefaultMaxTableElements is the cap on the sum of a module's table sizes
// when Options.MaxTableElements is zero.
const DefaultMaxTableElements = 1 << 20

// Options tune what Instrument enforces besides deadlines.
type Options struct {
	// MaxTableElements caps the sum of the maximum sizes of the module's
	// tables (default DefaultMaxTableElements). A module whose tables'
	// declared minimums add up to more is refused; a table declared
	// without a maximum keeps its minimum size; declared maximums are
	// lowered, in order, until they fit, so that table.grow fails (returns
	// -1, as at any table's maximum) beyond the cap.
	MaxTableElements uint32
}

// Info describes the rewritten module.
type Info struct {
	// TableElements is the sum of the maximum sizes of the module's tables
	// after the rewrite: the most table elements an instance can hold.
	TableElements uint64
}

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// Section ids, and the order the binary format requires of them (custom
// sections, id 0, may appear anywhere).
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
)

var sectionRank = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// errInvalid marks what makes the module invalid WebAssembly (as opposed
// to valid but outside what the rewrite supports).
var errInvalid = errors.New("invalid module")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errInvalid}, args...)...)
}

// IsInvalid reports whether Instrument refused the module because it is
// not valid WebAssembly.
func IsInvalid(err error) bool { return errors.Is(err, errInvalid) }

// Instrument returns the module rewritten so that the host can stop any
// call, and the tables capped (Options). It refuses a module it does not
// fully understand, and one whose code refers to an index the rewrite
// adds (a global, type, function or local the module does not declare):
// such a module is invalid, and the rewrite must never make an invalid
// module valid. Validating the rewritten module (wazero does, when it
// compiles it) therefore validates the original as well.
func Instrument(wasm []byte, o Options) ([]byte, Info, error) {
	if o.MaxTableElements == 0 {
		o.MaxTableElements = DefaultMaxTableElements
	}
	m := &module{opts: o}
	if err := m.parse(wasm); err != nil {
		return nil, Info{}, err
	}
	out, err := m.emit()
	if err != nil {
		return nil, Info{}, err
	}
	return out, m.info, nil
}

type section struct {
	id   byte
	body []byte
}

type limits struct {
	min, max uint32
	hasMax   bool
}

// module holds what the rewrite needs to know about the whole module
// before it rewrites any section.
type module struct {
	opts Options
	info Info
	secs []section

	params      []uint32 // per type: its number of parameters
	funcTypes   []uint32 // per function, imports first: its type
	funcImports uint32
	globals     uint32 // imported and defined
	tables      []limits
	codeFuncs   uint32   // bodies in the code section
	light       []uint32 // per defined function: its length if light (see lightBytes), else 0

	// the indices the rewrite adds
	tickType, tick, budget uint32
}

func (m *module) parse(wasm []byte) error {
	if !bytes.HasPrefix(wasm, magic) {
		return errors.New("not a WebAssembly 1.0 binary")
	}
	last := 0
	for r := (reader{b: wasm[len(magic):]}); !r.done(); {
		id := r.byte()
		body := r.bytes(int(r.u32()))
		if r.err != nil {
			return r.err
		}
		if id != secCustom {
			rank, known := sectionRank[id]
			switch {
			case !known:
				return fmt.Errorf("unknown section id %d", id)
			case rank <= last:
				return invalid("section %d out of order or repeated", id)
			}
			last = rank
		}
		m.secs = append(m.secs, section{id, body})
	}
	var err error
	for _, s := range m.secs {
		switch s.id {
		case secType:
			err = m.parseTypes(s.body)
		case secImport:
			err = m.parseImports(s.body)
		case secFunction:
			err = m.parseFunctions(s.body)
		case secTable:
			err = m.parseTables(s.body)
		case secGlobal:
			r := reader{b: s.body}
			m.globals += r.u32()
			err = r.err
		}
		if err != nil {
			return err
		}
	}
	m.tickType, m.tick, m.budget = uint32(len(m.params)), m.funcImports, m.globals
	return m.capTables()
}

func (m *module) parseTypes(body []byte) error {
	r := reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		if form := r.byte(); form != 0x60 && r.err == nil {
			return fmt.Errorf("unsupported type form %#x", form)
		}
		np := r.u32()
		for i := uint32(0); i < np && r.err == nil; i++ {
			if t := r.byte(); !isValType(t) && r.err == nil {
				return fmt.Errorf("unsupported value type %#x", t)
			}
		}
		for nr := r.u32(); nr > 0 && r.err == nil; nr-- {
			if t := r.byte(); !isValType(t) && r.err == nil {
				return fmt.Errorf("unsupported value type %#x", t)
			}
		}
		m.params = append(m.params, np)
	}
	return r.end()
}

func (m *module) parseImports(body []byte) error {
	r := reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		if mod := r.bytes(int(r.u32())); string(mod) == ImportModule {
			return fmt.Errorf("the module imports from %q, which the host reserves", ImportModule)
		}
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00: // func: type index
			t := r.u32()
			if r.err == nil && t >= uint32(len(m.params)) {
				return invalid("import of a function of type %d, the module has %d types", t, len(m.params))
			}
			m.funcTypes = append(m.funcTypes, t)
			m.funcImports++
		case 0x01: // table
			return errors.New("the module imports a table; the host provides none")
		case 0x02: // memory: limits
			r.limits()
		case 0x03: // global: valtype, mutability
			r.byte()
			r.byte()
			m.globals++
		default:
			if r.err == nil {
				return fmt.Errorf("unsupported import kind %#x", kind)
			}
		}
	}
	return r.end()
}

func (m *module) parseFunctions(body []byte) error {
	r := reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		t := r.u32()
		if r.err == nil && t >= uint32(len(m.params)) {
			return invalid("a function of type %d, the module has %d types", t, len(m.params))
		}
		m.funcTypes = append(m.funcTypes, t)
	}
	return r.end()
}

func (m *module) parseTables(body []byte) error {
	r := reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		if t := r.byte(); t != 0x70 && t != 0x6F && r.err == nil {
			return fmt.Errorf("unsupported table type %#x", t)
		}
		var l limits
		switch flags := r.byte(); flags {
		case 0x00:
			l.min = r.u32()
		case 0x01:
			l.min, l.max, l.hasMax = r.u32(), r.u32(), true
			if r.err == nil && l.min > l.max {
				return invalid("a table with minimum %d above its maximum %d", l.min, l.max)
			}
		default:
			if r.err == nil {
				return fmt.Errorf("unsupported table limits %#x", flags)
			}
		}
		m.tables = append(m.tables, l)
	}
	return r.end()
}

// capTables fixes every table's maximum so that they add up to at most the
// cap: a table declared without one keeps its minimum size, and declared
// maximums are lowered, in order, to what the cap leaves.
func (m *module) capTables() error {
	var sum uint64
	for _, t := range m.tables {
		sum += uint64(t.min)
	}
	limit := uint64(m.opts.MaxTableElements)
	if sum > limit {
		return fmt.Errorf("the module's tables declare %d elements, more than the %d allowed", sum, limit)
	}
	room := limit - sum
	m.info.TableElements = sum
	for i := range m.tables {
		t := &m.tables[i]
		grow := uint64(0)
		if t.hasMax {
			grow = min(uint64(t.max-t.min), room)
		}
		t.max, t.hasMax = t.min+uint32(grow), true
		room -= grow
		m.info.TableElements += grow
	}
	return nil
}

func (m *module) emit() ([]byte, error) {
	out := append(make([]byte, 0, len(magic)+m.size()), magic...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	added := map[byte]bool{}
	// Sections the rewrite needs that the module lacks are placed before
	// the first section that comes after them.
	placeMissing := func(rank int) {
		for _, id := range []byte{secType, secImport, secGlobal} {
			if !added[id] && rank > sectionRank[id] {
				body, _ := m.rewrite(id, nil)
				emit(id, body)
				added[id] = true
			}
		}
	}
	// What is still missing after the last section that is not a custom
	// one goes right after it, so that custom sections stay last.
	const everything = 100
	last := -1
	for i, s := range m.secs {
		if s.id != secCustom {
			last = i
		}
	}
	if last < 0 {
		placeMissing(everything)
	}
	for i, s := range m.secs {
		if i > last && last >= 0 {
			placeMissing(everything)
		}
		if s.id == secCustom {
			switch name := customName(s.body); {
			case bytes.HasPrefix(name, []byte(".debug_")):
				// code offsets change; stale DWARF would mislead
			case string(name) == "name":
				if body, ok := m.renameFunctions(s.body); ok {
					emit(s.id, body)
				}
			default:
				emit(s.id, s.body)
			}
			continue
		}
		placeMissing(sectionRank[s.id])
		if s.id == secCode {
			m.codeFuncs = 0
		}
		body, err := m.rewrite(s.id, s.body)
		if err != nil {
			return nil, err
		}
		emit(s.id, body)
		added[s.id] = true
	}
	placeMissing(everything)
	if defined := uint32(len(m.funcTypes)) - m.funcImports; m.codeFuncs != defined {
		return nil, invalid("%d function bodies for %d functions", m.codeFuncs, defined)
	}
	return out, nil
}

func (m *module) size() int {
	n := 0
	for _, s := range m.secs {
		n += len(s.body) + len(s.body)/8 + 8
	}
	return n
}

// rewrite returns the new body of a section (body nil: the section the
// module lacks).
func (m *module) rewrite(id byte, body []byte) ([]byte, error) {
	switch id {
	case secType:
		return appendToVec(body, 1, []byte{0x60, 0x00, 0x01, 0x7F}) // () -> i32
	case secImport:
		imp := appendName(appendName(nil, ImportModule), ImportName)
		return appendToVec(body, 1, appendU32(append(imp, 0x00), m.tickType))
	case secTable:
		return m.rewriteTables(body), nil
	case secGlobal:
		return m.rewriteGlobals(body)
	case secExport:
		return m.rewriteExports(body)
	case secStart:
		r := reader{b: body}
		f, err := m.funcRef(r.u32(), "the start function")
		if err != nil {
			return nil, err
		}
		return appendU32(nil, f), r.end()
	case secElement:
		return m.rewriteElements(body)
	case secCode:
		return m.rewriteCode(body)
	case secData:
		return body, m.checkData(body)
	}
	return body, nil
}

// funcRef maps a function index of the original to the rewritten module
// (the tick import comes after the module's own imports).
func (m *module) funcRef(f uint32, what string) (uint32, error) {
	switch {
	case f >= uint32(len(m.funcTypes)):
		return 0, invalid("%s refers to function %d, the module has %d", what, f, len(m.funcTypes))
	case f >= m.funcImports:
		return f + 1, nil
	}
	return f, nil
}

func (m *module) globalRef(g uint32, what string) error {
	if g >= m.globals {
		return invalid("%s refers to global %d, the module has %d", what, g, m.globals)
	}
	return nil
}

func (m *module) rewriteTables(body []byte) []byte {
	out := appendU32(nil, uint32(len(m.tables)))
	r := reader{b: body}
	r.u32()
	for _, t := range m.tables {
		out = append(out, r.byte())
		r.limits()
		out = append(out, 0x01)
		out = appendU32(appendU32(out, t.min), t.max)
	}
	return out
}

func (m *module) rewriteGlobals(body []byte) ([]byte, error) {
	var out []byte
	n := uint32(0)
	if body != nil {
		r := reader{b: body}
		n = r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			out = append(out, r.byte(), r.byte()) // value type, mutability
			var err error
			if out, err = m.rewriteConstExpr(&r, out, "a global's initializer"); err != nil {
				return nil, err
			}
		}
		if err := r.end(); err != nil {
			return nil, err
		}
	}
	out = append(out, 0x7F, 0x01, 0x41) // budget: mutable i32 = Budget
	out = append(appendS32(out, Budget), 0x0B)
	return append(appendU32(nil, n+1), out...), nil
}

// rewriteConstExpr copies a constant expression up to its end, mapping
// function references and checking global ones.
func (m *module) rewriteConstExpr(r *reader, out []byte, what string) ([]byte, error) {
	for r.err == nil {
		start := r.i
		op := r.byte()
		switch op {
		case 0x0B:
			return append(out, op), nil
		case 0xD2: // ref.func
			f, err := m.funcRef(r.u32(), what)
			if err != nil {
				return nil, err
			}
			if f < m.funcImports {
				return nil, fmt.Errorf("%s takes a reference to an imported function; the host does not allow one", what)
			}
			out = appendU32(append(out, op), f)
			continue
		case 0x23: // global.get
			if err := m.globalRef(r.u32(), what); err != nil && r.err == nil {
				return nil, err
			}
		default:
			if err := r.skipImmediates(op); err != nil {
				return nil, err
			}
		}
		out = append(out, r.b[start:r.i]...)
	}
	return nil, r.err
}

func (m *module) rewriteExports(body []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.i
		r.bytes(int(r.u32()))
		kind := r.byte()
		out = append(out, r.b[start:r.i]...)
		idx := r.u32()
		switch kind {
		case 0x00:
			f, err := m.funcRef(idx, "an export")
			if err != nil {
				return nil, err
			}
			idx = f
		case 0x03:
			if err := m.globalRef(idx, "an export"); err != nil {
				return nil, err
			}
		case 0x01, 0x02:
		default:
			if r.err == nil {
				return nil, fmt.Errorf("unsupported export kind %#x", kind)
			}
		}
		out = appendU32(out, idx)
	}
	return out, r.end()
}

// rewriteElements maps the function references of every element segment.
func (m *module) rewriteElements(body []byte) ([]byte, error) {
	r := reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	var err error
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		out = appendU32(out, flags)
		if flags > 7 {
			return nil, fmt.Errorf("unsupported element segment flags %d", flags)
		}
		if flags&0x02 != 0 && flags&0x01 == 0 { // explicit table index
			out = appendU32(out, r.u32())
		}
		if flags&0x01 == 0 { // active: offset
			if out, err = m.rewriteConstExpr(&r, out, "an element segment's offset"); err != nil {
				return nil, err
			}
		}
		if flags&0x03 != 0 { // elemkind or reftype
			out = append(out, r.byte())
		}
		k := r.u32()
		out = appendU32(out, k)
		for j := uint32(0); j < k && r.err == nil; j++ {
			if flags&0x04 != 0 {
				if out, err = m.rewriteConstExpr(&r, out, "an element"); err != nil {
					return nil, err
				}
				continue
			}
			f, err := m.funcRef(r.u32(), "an element segment")
			if err != nil {
				return nil, err
			}
			if f < m.funcImports {
				return nil, errors.New("an element segment puts an imported function in a table; the host does not allow one")
			}
			out = appendU32(out, f)
		}
	}
	return out, r.end()
}

func (m *module) checkData(body []byte) error {
	r := reader{b: body}
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		flags := r.u32()
		if flags == 2 {
			r.u32() // memory index
		}
		if flags == 0 || flags == 2 {
			if _, err := m.rewriteConstExpr(&r, nil, "a data segment's offset"); err != nil {
				return err
			}
		} else if flags != 1 && r.err == nil {
			return fmt.Errorf("unsupported data segment flags %d", flags)
		}
		r.bytes(int(r.u32()))
	}
	return r.end()
}

// renameFunctions maps the function indices of the name section
// (function, local and label names). A section it cannot read is dropped:
// names are for debugging only.
func (m *module) renameFunctions(body []byte) ([]byte, bool) {
	r := reader{b: body}
	r.bytes(int(r.u32()))
	out := append([]byte(nil), body[:r.i]...)
	for !r.done() {
		id := r.byte()
		sub := r.bytes(int(r.u32()))
		if r.err != nil {
			return nil, false
		}
		if id >= 1 && id <= 3 { // name map or indirect name map keyed by function
			s := reader{b: sub}
			n := s.u32()
			b := appendU32(nil, n)
			for i := uint32(0); i < n && s.err == nil; i++ {
				f := s.u32()
				if f >= m.funcImports {
					f++
				}
				b = appendU32(b, f)
				start := s.i
				if id == 1 {
					s.bytes(int(s.u32()))
				} else {
					for k := s.u32(); k > 0 && s.err == nil; k-- {
						s.u32()
						s.bytes(int(s.u32()))
					}
				}
				b = append(b, sub[start:s.i]...)
			}
			if s.end() != nil {
				return nil, false
			}
			sub = b
		}
		out = appendU32(append(out, id), uint32(len(sub)))
		out = append(out, sub...)
	}
	return out, r.err == nil
}

func customName(body []byte) []byte {
	r := reader{b: body}
	name := r.bytes(int(r.u32()))
	if r.err != nil {
		return nil
	}
	return name
}

// appendToVec adds k encoded elements to a section that is a vector (body
// nil: an empty one).
func appendToVec(body []byte, k uint32, elems []byte) ([]byte, error) {
	if body == nil {
		return append(appendU32(nil, k), elems...), nil
	}
	r := reader{b: body}
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	out := appendU32(nil, n+k)
	out = append(out, r.b[r.i:]...)
	return append(out, elems...), nil
}

func appendName(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}

func isValType(t byte) bool {
	switch t {
	case 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F:
		return true
	}
	return false
}
