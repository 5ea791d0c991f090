// Command flakyformat is a format plugin that holds everything it is
// streamed and panics on a chunk containing "PANIC", to check that a
// format stream fails open without losing what the plugin held.
package main

import (
	"bytes"

	"github.com/fabnode/fabnode/sdk"
)

func formatStream(req sdk.FormatChunk) (sdk.FormatChunkResult, error) {
	if bytes.Contains(req.Chunk, []byte("PANIC")) {
		panic("flakyformat: asked to fail")
	}
	held := append(req.State, req.Chunk...)
	if req.Final {
		return sdk.FormatChunkResult{Emit: bytes.ToUpper(held), Valid: true}, nil
	}
	return sdk.FormatChunkResult{State: held, Held: uint32(len(held))}, nil
}

func init() {
	sdk.Register(sdk.Plugin{
		Kind: sdk.KindFormat, Name: "flakyformat",
		Format: func(req sdk.FormatRequest) (sdk.FormatResult, error) {
			return sdk.FormatResult{Text: bytes.ToUpper(req.Text), Valid: true}, nil
		},
		FormatStream: formatStream,
	})
}

func main() {}
