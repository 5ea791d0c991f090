package abi

// DefaultMaxOutputBytes is the largest hook result (status byte included)
// the host accepts from a plugin unless its configuration says otherwise
// (limits max_output_bytes, ABI.md "Sandbox and limits"): 1 MiB, enough
// for a format plugin to return a long answer whole. The node's
// configuration, `fabnode plugin test` and a manifest without the limit
// all use it.
const DefaultMaxOutputBytes = 1 << 20
