// Package models is the node's model manager: it knows the models the
// operator declared, verifies their files, loads them on demand into the
// engine within a memory budget, and unloads idle ones to make room.
//
// A model file declared with a SHA-256 is hashed before its first load
// (and again whenever its size or modification time changes), so a
// truncated or corrupt download is never handed to llama.cpp.
package models
