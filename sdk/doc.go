// Package sdk is the Go SDK for fabnode plugin authors.
//
// A plugin is a main package built as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o myplugin.wasm .
//
// It registers its hooks from init (main never runs in a reactor):
//
//	func init() {
//		sdk.Register(sdk.Plugin{
//			Kind: sdk.KindPricing,
//			Name: "my-pricing/1.0",
//			Init: func(cfg sdk.Config) error { ... },
//			Quote: func(req sdk.QuoteRequest) (sdk.Quote, error) { ... },
//		})
//	}
//
//	func main() {}
//
// The SDK provides the ABI exports (fab_abi_version, fab_alloc, fab_init,
// fab_call), decodes requests and encodes results, so plugin code only sees
// Go values. Everything a plugin needs is re-exported here: a plugin imports
// this package and nothing else from fabnode.
//
// Rules of the sandbox (see abi/ABI.md): no filesystem, network or
// environment; stdout and stderr go to the node log, truncated per call; the
// clock and random source are the host's; a call that panics, runs past its
// deadline or exceeds its memory aborts and the host discards the instance.
// An instance serves one call at a time but many calls over its life, and
// the host may run several instances: keep per-request state in the request
// (see ChunkFilter.State and FormatChunk.State), not in globals.
//
// sdk/plugintest builds a plugin and loads it into the real host runtime
// inside an ordinary go test.
package sdk
