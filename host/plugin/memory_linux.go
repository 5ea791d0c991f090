package plugin

import (
	"sync"
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// mappedAllocator backs the linear memories of one instantiation with
// anonymous mappings of their maximum size (the memory limit at most),
// reserved but not committed. Growing a memory then costs nothing: no
// copy of what the guest holds (wazero's default reallocates and copies
// the whole memory on growth, which took ~100 ms for one memory.grow at
// 64 MiB on a 2-vCPU VM, all of it out of the loop guard's reach), and
// pages are faulted in when the guest first touches them, in its own
// code, between two visits. Closing the instance unmaps its memory, so a
// discarded instance or version gives its memory back to the system at
// once instead of waiting for the Go heap to scavenge it.
type mappedAllocator struct {
	mu   sync.Mutex
	mems []*mappedMemory
}

func newMemoryAllocator() *mappedAllocator { return &mappedAllocator{} }

func (a *mappedAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	if max > 0 && max <= 1<<32 {
		b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
		if err == nil {
			m := &mappedMemory{buf: b}
			a.mu.Lock()
			a.mems = append(a.mems, m)
			a.mu.Unlock()
			return m
		}
	}
	return &heapMemory{max: max}
}

// release frees what an instantiation that failed allocated: wazero does
// not always close a module whose instantiation failed part way.
func (a *mappedAllocator) release() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range a.mems {
		m.Free()
	}
	a.mems = nil
}

type mappedMemory struct {
	mu  sync.Mutex
	buf []byte
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	return m.buf[:size]
}

// Free unmaps the memory. The plugin only closes an instance that no call
// is using (Plugin.Close waits for those), so nothing reads it after.
func (m *mappedMemory) Free() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.buf != nil {
		syscall.Munmap(m.buf[:cap(m.buf)])
		m.buf = nil
	}
}
