// Package api serves the node's OpenAI-compatible HTTP API:
// POST /v1/chat/completions and /v1/completions (streamed as server-sent
// events when asked), GET /v1/models, GET /health and GET /metrics.
//
// Shapes follow the OpenAI API reference, so any OpenAI client works
// unchanged; errors use OpenAI's error object with the matching status
// (400 naming the offending field, 404 for an unknown model, 413 for an
// oversized body, 503 when every slot and the queue are full).
//
// A client that disconnects cancels its request's context; the engine
// then frees the slot before its next decode step, so nobody is billed
// for, and no GPU time is spent on, tokens nobody receives.
package api
