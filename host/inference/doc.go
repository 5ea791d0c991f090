// Package inference runs one inference request the same way for every
// transport: the OpenAI-compatible HTTP API (host/api) and, later,
// libp2p streams bind to it thinly.
//
// run.go is the request path, top to bottom in one function: the model,
// a place in its queue, the plugins pinned for the request, the prompt
// (rendered, checked by the safety plugin, tokenized), the cache policy
// and lookup, the quote, the payment step, then the engine (or the cached
// answer), the output policies (safety filter, format, proof) on the way
// to the transport's Sink, and at the end billing, the cache store and
// the record of the request. Streams and whole answers take the same
// path: a whole answer is a Collector sink.
//
// A transport decodes the request body with DecodeChat or
// DecodeCompletion (the OpenAI request shapes, with every field checked),
// says who the client is (Caller), and maps a returned *Error to its own
// frames; its Sink's errors cancel the request. What the client is billed
// for is what reached the sink.
package inference
