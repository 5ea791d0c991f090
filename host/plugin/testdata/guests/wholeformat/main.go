// Command wholeformat is a format plugin as ABI v1.0 defined one: it
// shapes whole answers only (no format_stream).
package main

import (
	"bytes"

	"github.com/fabnode/fabnode/sdk"
)

func init() {
	sdk.Register(sdk.Plugin{
		Kind: sdk.KindFormat, Name: "wholeformat",
		Format: func(req sdk.FormatRequest) (sdk.FormatResult, error) {
			return sdk.FormatResult{Text: bytes.ToUpper(req.Text), Valid: true}, nil
		},
	})
}

func main() {}
