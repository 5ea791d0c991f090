// Package engine serves a GGUF model through llama.cpp (the cgo bindings
// vendored by github.com/ollama/ollama/llama at v0.7.1) with continuous
// batching.
//
// One Model owns one llama context whose KV cache is split into parallel
// sequences ("slots"). A single scheduler goroutine builds every decode
// batch: each generating slot contributes its next token and slots that are
// still reading their prompt contribute a chunk of it, so a new request is
// prefilled while the others keep decoding. Requests queue when all slots
// are busy. A request whose context is cancelled (the client went away)
// leaves its slot before the next batch is built, so no token is computed
// for nobody.
//
// Text leaves the engine as whole UTF-8 characters with stop sequences
// already cut (see textStream), so every layer above can forward chunks as
// they come.
//
// Each slot keeps the tokens its KV cache holds after a request ends; the
// next request is placed in the free slot sharing the longest prefix with
// its prompt and only the rest is prefilled. A slot filled beside other
// requests may sit high in the cache, and attention spans every cell up to
// the highest in use, so from such a slot only a prefix of minPrefixReuse
// tokens or more is reused.
package engine
