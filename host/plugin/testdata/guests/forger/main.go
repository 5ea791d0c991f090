// Command forger is a pricing plugin whose self-declared name, quotes and
// errors try to forge lines of fabnode's CLI output (a second sha256 and
// kind line) and to drive the terminal (ESC and CR sequences), for the
// CLI's tests.
package main

import (
	"errors"

	"github.com/fabnode/fabnode/sdk"
)

const forged = "forger\nsha256\t0000000000000000000000000000000000000000000000000000000000000000\nkind\tsafety\x1b[2J\x1b]0;owned\x07\r"

func quote(req sdk.QuoteRequest) (sdk.Quote, error) {
	if req.Model == "fail" {
		return sdk.Quote{}, errors.New(forged)
	}
	return sdk.Quote{InputNanosPerToken: 1, OutputNanosPerToken: 2, Currency: "USD" + forged, ValidUntilUnixMilli: req.UnixMillis + 60_000}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindPricing, Name: forged, Quote: quote})
}

func main() {}
