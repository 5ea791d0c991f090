// Command faultysafety is a safety plugin for the request path's tests:
// it allows every prompt, then faults (panics) on the first output chunk,
// the way a broken third-party filter would.
package main

import "github.com/fabnode/fabnode/sdk"

func check(sdk.PromptCheck) (sdk.Verdict, error) { return sdk.Verdict{Action: sdk.Allow}, nil }

func filter(sdk.ChunkFilter) (sdk.ChunkResult, error) { panic("faultysafety: broken filter") }

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindSafety, Name: "faultysafety", CheckPrompt: check, FilterChunk: filter})
}

func main() {}
