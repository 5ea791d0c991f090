// Package gguf reads and writes GGUF files, the model container llama.cpp
// loads.
//
// The reader decodes the header, the metadata key/values and the tensor
// table without touching tensor data, so the node can describe a model
// (architecture, parameter count, quantization, context length) before it
// spends memory loading it. The writer streams tensor data, so a generated
// 100 MB model never sits in memory whole.
//
// Model files come from URLs, so the reader treats its input as hostile:
// every count and length in a header is bounded by a constant and, when
// the input's size is known (ReadFile, or a reader with a Len method), by
// the bytes left to hold it; strings and arrays are allocated as their
// bytes arrive; size and offset arithmetic is checked for overflow; the
// first error ends the read, and errors quote at most a few dozen bytes
// of the input. FuzzRead (`make fuzz-short`) keeps it that way.
//
// The format is specified at
// https://github.com/ggml-org/ggml/blob/master/docs/gguf.md; this package
// implements version 3 (and reads version 2, which differs only in nothing
// this package uses).
package gguf
