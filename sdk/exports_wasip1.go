//go:build wasip1

package sdk

import (
	"unsafe"

	"github.com/fabnode/fabnode/abi"
)

// in is the input buffer the host writes requests into. It stays referenced
// from a global, and Go's heap never moves, so its address is stable until
// the next fab_alloc grows it.
var in = make([]byte, 4096)

//go:wasmexport fab_abi_version
func fabABIVersion() uint32 { return abi.PackVersion(abi.Major, abi.Minor) }

//go:wasmexport fab_alloc
func fabAlloc(size uint32) uint32 {
	if int(size) > cap(in) {
		in = make([]byte, size)
	}
	in = in[:cap(in)]
	return uint32(uintptr(unsafe.Pointer(&in[0])))
}

//go:wasmexport fab_init
func fabInit(ptr, size uint32) uint64 { return packed(handleInit(input(ptr, size))) }

//go:wasmexport fab_call
func fabCall(hook, ptr, size uint32) uint64 {
	return packed(handleCall(abi.Hook(hook), input(ptr, size)))
}

// input returns the request the host wrote. Only the buffer handed out by
// fab_alloc is accepted.
func input(ptr, size uint32) []byte {
	if size == 0 {
		return nil
	}
	if uintptr(ptr) != uintptr(unsafe.Pointer(&in[0])) || int(size) > len(in) {
		panic("fab_call: input not in the buffer returned by fab_alloc")
	}
	return in[:size]
}

func packed(b []byte) uint64 {
	return abi.PackResult(uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), uint32(len(b)))
}
