// Package loadgen measures an OpenAI-compatible streaming endpoint: it
// runs N concurrent streams of chat completions and records, from the
// client's side, time to first token, per-stream decode rate and
// aggregate throughput. It measures fabnode and any peer (Ollama,
// llama.cpp's server) with the same code, so their figures compare.
package loadgen
