// Package policy runs the plugin policies around one generation, in the
// order the request path needs them: safety on the prompt, the cache
// policy and the host-owned cache store, the price quote, then per-chunk
// safety on the output, proof checkpoints as tokens accumulate, format on
// the finished text, and the final signed commitment.
//
// Each step fails in the direction its kind documents (see
// host/plugin/facade.go): safety and proof fail closed, format fails open
// to the unchanged text, the cache fails to "do not cache", pricing falls
// back to the configured quote or refuses the job.
package policy
