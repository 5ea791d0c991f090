// Command initpanic panics in a Go init function, that is inside the
// reactor's _initialize, before the host can even ask for its ABI version.
package main

import "github.com/fabnode/fabnode/sdk"

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Quote: func(sdk.QuoteRequest) (sdk.Quote, error) { return sdk.Quote{}, nil }})
	panic("initpanic: panic in Go init")
}

func main() {}
