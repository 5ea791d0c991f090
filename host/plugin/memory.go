package plugin

// heapMemory is a linear memory in the Go heap, grown by reallocation like
// wazero's own: the fallback where a mapping is not available.
type heapMemory struct {
	buf []byte
	max uint64
}

func (h *heapMemory) Reallocate(size uint64) []byte {
	if size > h.max {
		return nil
	}
	if size <= uint64(cap(h.buf)) {
		h.buf = h.buf[:size]
	} else {
		h.buf = append(h.buf, make([]byte, size-uint64(len(h.buf)))...)
	}
	return h.buf
}

func (h *heapMemory) Free() { h.buf = nil }
