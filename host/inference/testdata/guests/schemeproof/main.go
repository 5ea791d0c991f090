// Command schemeproof is a proof plugin for the request path's tests: the
// canonical digest, under the scheme name its configuration gives, so a
// test can tell which version of the plugin made a commitment.
package main

import "github.com/fabnode/fabnode/sdk"

var scheme string

func configure(c sdk.Config) error { scheme = c.String("scheme", "v1"); return nil }

func commit(req sdk.CommitRequest) (sdk.Commitment, error) {
	d, err := sdk.CommitDigest(&req)
	return sdk.Commitment{Digest: d, Scheme: scheme}, err
}

func init() {
	sdk.Register(sdk.Plugin{Kind: sdk.KindProof, Name: "schemeproof", Init: configure, Commit: commit})
}

func main() {}
