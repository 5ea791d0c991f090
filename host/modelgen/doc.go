// Package modelgen writes small, deterministic GGUF models for tests,
// examples, benchmarks and `make run`.
//
// Nothing can be downloaded where fabnode is built and tested, yet every
// layer above the engine wants a real model that the real llama.cpp loads.
// A generated model is a genuine llama-architecture network with a
// byte-fallback SentencePiece vocabulary and seeded random weights: its
// output is gibberish, but it exercises exactly the code paths (and, at
// ~100 MB, the memory-bandwidth profile) of a real checkpoint of that size.
// The same spec and seed always produce the same bytes, so the file's
// SHA-256 is stable across machines.
package modelgen
