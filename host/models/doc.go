// Package models is the node's model manager: it knows the models the
// operator declared, verifies their files, loads them on demand into the
// engine within a memory budget, and unloads idle ones to make room.
//
// A model file declared with a SHA-256 is hashed before its first load
// (and again whenever its size or modification time changes), so a
// truncated or corrupt download is never handed to llama.cpp.
//
// A model whose file fails to load (its hash, its header, llama.cpp)
// answers every later request with the same error, without reading the
// file again, until the file's size or modification time changes:
// replacing or touching the file retries it.
//
// The budget counts loaded models, loads in progress and models still
// being freed: a load reserves its estimated bytes before it starts, so
// concurrent loads never exceed the budget together. A load that does
// not fit beside models in use, loading or closing fails at once with
// ErrOverBudget; it does not wait. Models are freed outside the
// manager's lock, so listings (/health, /metrics) never wait for one.
package models
