// Command quoter is a pricing plugin for the request path's tests: it
// quotes exactly what its configuration says, however absurd (prices
// that overflow, expired quotes, foreign currencies), so the host's
// checks can be shown to refuse them.
//
//	input, output   nano-units per token (int64)
//	currency        default "USD"
//	valid_until     absolute unix ms; default the request's time + 1 min
//	cached_output   output price for a cached answer (default: output)
package main

import (
	"strconv"

	"github.com/fabnode/fabnode/sdk"
)

var cfg sdk.Config

func configure(c sdk.Config) error { cfg = c; return nil }

func num(key string, def int64) int64 {
	v, err := strconv.ParseInt(cfg.String(key, strconv.FormatInt(def, 10)), 10, 64)
	if err != nil {
		return def
	}
	return v
}

func quote(req sdk.QuoteRequest) (sdk.Quote, error) {
	out := num("output", 2)
	if req.Cached {
		out = num("cached_output", out)
	}
	return sdk.Quote{
		InputNanosPerToken:  num("input", 1),
		OutputNanosPerToken: out,
		Currency:            cfg.String("currency", "USD"),
		ValidUntilUnixMilli: num("valid_until", req.UnixMillis+60_000),
	}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: "quoter", Init: configure, Quote: quote})
}

func main() {}
