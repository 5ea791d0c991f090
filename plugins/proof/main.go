// Command proof is the built-in proof plugin. It commits to a checkpoint or
// the final settlement of a job with the canonical digest of abi.CommitDigest
// (SHA-256 over a domain tag and the binary encoding of job id, model file
// hash, token range, output hash and previous commitment). The host signs
// the digest; this plugin never sees a key.
//
// Configuration (all optional):
//
//	require_chain  "true" (default): a commitment that does not start at token
//	               0 (a later checkpoint, or the final one after checkpoints)
//	               must name the previous commitment, so the commitments of a
//	               job form a chain; a job short enough to need no checkpoint
//	               has a single final commitment over tokens [0, n)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o proof.wasm .
package main

import (
	"errors"

	"github.com/fabnode/fabnode/sdk"
)

var requireChain = true

func configure(c sdk.Config) (err error) {
	requireChain, err = c.Bool("require_chain", true)
	return err
}

func commit(req sdk.CommitRequest) (sdk.Commitment, error) {
	if requireChain && req.Prev == ([32]byte{}) && req.TokenStart > 0 {
		return sdk.Commitment{}, errors.New("commitment does not chain to a previous one (require_chain)")
	}
	d, err := sdk.CommitDigest(&req)
	if err != nil {
		return sdk.Commitment{}, err
	}
	return sdk.Commitment{Digest: d, Scheme: sdk.CommitScheme}, nil
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindProof, Name: "fabnode-proof/1", Init: configure, Commit: commit})
}

func main() {}
