// Package gguf reads and writes GGUF files, the model container llama.cpp
// loads.
//
// The reader decodes the header, the metadata key/values and the tensor
// table without touching tensor data, so the node can describe a model
// (architecture, parameter count, quantization, context length) before it
// spends memory loading it. The writer streams tensor data, so a generated
// 100 MB model never sits in memory whole.
//
// The format is specified at
// https://github.com/ggml-org/ggml/blob/master/docs/gguf.md; this package
// implements version 3 (and reads version 2, which differs only in nothing
// this package uses).
package gguf
