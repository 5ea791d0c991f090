//go:build !linux

package plugin

import "github.com/tetratelabs/wazero/experimental"

// Elsewhere than Linux, linear memories live in the Go heap, as wazero
// allocates them by default (heapMemory), and grow by reallocation.
type mappedAllocator struct{}

func newMemoryAllocator() *mappedAllocator { return &mappedAllocator{} }

func (a *mappedAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	return &heapMemory{max: max}
}

func (a *mappedAllocator) release() {}
