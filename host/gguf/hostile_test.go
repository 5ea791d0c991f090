package gguf

import (
	"bytes"
	"encoding/binary"
	"io"
	"runtime"
	"strings"
	"testing"
)

// raw builds GGUF bytes by hand, for headers the writer would never produce.
type raw struct{ bytes.Buffer }

func header(nTensors, nKV uint64) *raw {
	r := &raw{}
	r.WriteString(Magic)
	r.u32(Version)
	r.u64(nTensors)
	r.u64(nKV)
	return r
}

func (r *raw) u32(v uint32) *raw { _ = binary.Write(r, binary.LittleEndian, v); return r }
func (r *raw) u64(v uint64) *raw { _ = binary.Write(r, binary.LittleEndian, v); return r }
func (r *raw) str(s string) *raw { r.u64(uint64(len(s))); r.WriteString(s); return r }

// tensor appends one tensor table entry.
func (r *raw) tensor(name string, typ TensorType, offset uint64, dims ...uint64) *raw {
	r.str(name)
	r.u32(uint32(len(dims)))
	for _, d := range dims {
		r.u64(d)
	}
	r.u32(uint32(typ))
	r.u64(offset)
	return r
}

// The reproducers the fuzzer found; testdata/fuzz/FuzzRead holds them too.
var (
	// 33 bytes: 12,336 keys declared, the first claims 3 MiB, 1 byte follows.
	claim3MiB = append(header(0, 12336).u64(3<<20).Bytes(), 'x')
	// 32 bytes: one key claiming 16 MiB (the old limit exactly), nothing follows.
	claim16MiB = header(0, 1).u64(1 << 24).Bytes()
	// A tensor name claiming 16 MiB: the failed read left that length's
	// bytes in the decoder, which then read them as the dimension count.
	staleDims = header(1, 0).u64(1 << 24).Bytes()
)

// allocated runs f and returns the bytes the heap allocated meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// allocBound is what reading n bytes of input of known size may
// allocate: the reader's fixed costs (its read buffer, clamped to the
// input's size, the File and its map) fit in 64 KiB, and everything it
// builds is allocated for items the input holds bytes for. The worst
// ratio measured is about 8 bytes per input byte, for a map of many
// distinct short keys (a 14-byte entry costs a map slot and a Keys slot);
// 16 per byte leaves twice that as margin.
func allocBound(n int) uint64 { return 64<<10 + 16*uint64(n) }

// streamAllocBound is allocBound for input of unknown size: plus the
// 64 KiB read buffer, and twice the allowance per byte, since without
// the size the map and slices grow as their items arrive and the tables
// they outgrow count too (measured: up to 12 bytes per input byte, again
// for 65,536 short keys).
func streamAllocBound(n int) uint64 { return 128<<10 + 32*uint64(n) }

// stream hides the input's size from Read.
type stream struct{ io.Reader }

func TestHostileClaimsAllocateOnlyWhatArrives(t *testing.T) {
	for name, data := range map[string][]byte{"3 MiB key": claim3MiB, "16 MiB key": claim16MiB, "16 MiB tensor name": staleDims} {
		var err error
		n := allocated(func() { _, err = Read(bytes.NewReader(data)) })
		if err == nil {
			t.Fatalf("%s: read without error", name)
		}
		if n > allocBound(len(data)) {
			t.Errorf("%s: reading %d bytes allocated %d bytes (bound %d)", name, len(data), n, allocBound(len(data)))
		}
		n = allocated(func() { _, err = Read(stream{bytes.NewReader(data)}) })
		if err == nil {
			t.Fatalf("%s (stream): read without error", name)
		}
		if n > streamAllocBound(len(data)) {
			t.Errorf("%s (stream): reading %d bytes allocated %d bytes (bound %d)", name, len(data), n, streamAllocBound(len(data)))
		}
	}
}

func TestErrorsAreShort(t *testing.T) {
	long := strings.Repeat("\x00k", 1<<15)
	aligned := header(0, 1).str("general.alignment").u32(uint32(TypeArray)).u32(uint32(TypeUint32)).u64(1 << 14)
	aligned.Write(make([]byte, 4<<14))
	dup := header(0, 2).str(long).u32(uint32(TypeBool))
	dup.WriteByte(1)
	dup.str(long).u32(uint32(TypeBool))
	dup.WriteByte(0)
	cases := map[string][]byte{
		"3 MiB key":          claim3MiB,
		"16 MiB key":         claim16MiB,
		"16 MiB tensor name": staleDims,
		"duplicate long key": dup.Bytes(),
		"alignment array":    aligned.Bytes(),
		"bad long tensor":    header(1, 0).tensor(long, F32, 0).Bytes(),
	}
	for name, data := range cases {
		_, err := Read(bytes.NewReader(data))
		if err == nil {
			t.Fatalf("%s: read without error", name)
		}
		if len(err.Error()) >= 1<<10 {
			t.Errorf("%s: error of %d bytes: %.200s...", name, len(err.Error()), err)
		}
	}
}

func TestFirstErrorSticks(t *testing.T) {
	// Padded so that the tensor count fits the file and the name's read
	// itself is what fails, with its size known and unknown.
	padded := append(append([]byte(nil), staleDims...), make([]byte, 24)...)
	for _, r := range []io.Reader{bytes.NewReader(padded), stream{bytes.NewReader(padded)}, stream{bytes.NewReader(staleDims)}} {
		_, err := Read(r)
		if err == nil || strings.Contains(err.Error(), "dimensions") || !strings.Contains(err.Error(), "tensor 0") || !strings.Contains(err.Error(), "string of 16777216 bytes") {
			t.Errorf("%T: want the tensor name's truncation reported, got %v", r, err)
		}
	}
	for _, r := range []io.Reader{stream{bytes.NewReader(claim3MiB)}} {
		_, err := Read(r)
		if err == nil || !strings.Contains(err.Error(), "metadata key 0") || !strings.Contains(err.Error(), "string of 3145728 bytes") {
			t.Errorf("%T: want the key's truncation reported, got %v", r, err)
		}
	}
}

func TestCountsBoundedByFileSize(t *testing.T) {
	cases := map[string][]byte{
		// 65,536 keys fit the constant but not 40 bytes.
		"keys": header(0, 1<<16).u64(0).Bytes(),
		// 2^20 tensors fit the constant but not 40 bytes.
		"tensors": header(1<<20, 0).u64(0).Bytes(),
		// 2^24 strings need at least 8 bytes each.
		"array": header(0, 1).str("a").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(1 << 24).Bytes(),
	}
	for name, data := range cases {
		_, err := Read(bytes.NewReader(data))
		if err == nil || !strings.Contains(err.Error(), "bytes") {
			t.Errorf("%s: want an error naming the file's size, got %v", name, err)
		}
	}
}

func TestTensorSizeArithmeticIsChecked(t *testing.T) {
	cases := map[string][]byte{
		"elements overflow": header(1, 0).tensor("w", F32, 0, 1<<62, 1<<62).Bytes(),
		"bytes overflow":    header(1, 0).tensor("w", F32, 0, 1<<62).Bytes(),
		"offset overflow":   header(1, 0).tensor("w", F32, 1<<64-32, 64).Bytes(),
		"sum overflow":      header(2, 0).tensor("a", Q8_0, 0, 1<<63).tensor("b", Q8_0, 0, 1<<63).Bytes(),
	}
	for name, data := range cases {
		g, err := Read(bytes.NewReader(data))
		if err != nil {
			continue // refused while reading
		}
		if size, err := g.TensorDataSize(); err == nil {
			t.Errorf("%s: read, and TensorDataSize says %d bytes (params %d)", name, size, g.ParamCount())
		}
	}
}

func TestElementCountOverflowIsAnError(t *testing.T) {
	if _, err := (TensorInfo{Dims: []uint64{1 << 40, 1 << 40}}).Elements(); err == nil {
		t.Error("Elements of 2^80 did not fail")
	}
	if err := NewWriter().AddTensor("w", []uint64{1 << 62, 1 << 62}, F32, nil); err == nil {
		t.Error("AddTensor of 2^124 elements did not fail")
	}
}

// Large inputs that are all real bytes stay within the bound too: what
// the reader builds is proportionate to what it read.
func TestAllocationProportionateToInput(t *testing.T) {
	keys := header(0, 1<<16)
	for i := 0; i < 1<<16; i++ {
		keys.str(strings.Repeat("k", i%3+1) + string(rune('0'+i%10)) + string(rune(i/10+0x100))).u32(uint32(TypeBool))
		keys.WriteByte(1)
	}
	bytesArr := header(0, 1).str("a").u32(uint32(TypeArray)).u32(uint32(TypeUint8)).u64(1 << 20)
	bytesArr.Write(make([]byte, 1<<20))
	nested := header(0, 1).str("a").u32(uint32(TypeArray)).u32(uint32(TypeArray)).u64(1 << 16)
	for i := 0; i < 1<<16; i++ {
		nested.u32(uint32(TypeBool)).u64(0)
	}
	tensors := header(1<<16, 0)
	for i := 0; i < 1<<16; i++ {
		tensors.tensor("", F32, 0, 1)
	}
	for name, data := range map[string][]byte{"keys": keys.Bytes(), "byte array": bytesArr.Bytes(), "nested arrays": nested.Bytes(), "tensors": tensors.Bytes()} {
		var err error
		if n := allocated(func() { _, err = Read(bytes.NewReader(data)) }); err != nil || n > allocBound(len(data)) {
			t.Errorf("%s: reading %d bytes allocated %d (bound %d), error %v", name, len(data), n, allocBound(len(data)), err)
		}
		if n := allocated(func() { _, err = Read(stream{bytes.NewReader(data)}) }); err != nil || n > streamAllocBound(len(data)) {
			t.Errorf("%s (stream): reading %d bytes allocated %d (bound %d), error %v", name, len(data), n, streamAllocBound(len(data)), err)
		}
	}
}
