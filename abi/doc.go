// Package abi defines version 1 of the fabnode plugin ABI: the hook numbers,
// the request and result types every hook exchanges, and the compact binary
// encoding both sides use. The same code is compiled into the host (natively)
// and into every plugin (GOOS=wasip1 GOARCH=wasm), so the two can never
// disagree on the wire format.
//
// The normative description lives in ABI.md beside this file; RATIONALE.md
// records why the encoding is binary rather than JSON, with measurements.
//
// The package has no dependencies outside the standard library and no cgo.
package abi
