package abi

import (
	"crypto/sha256"
	"errors"
)

// CommitScheme names the canonical commitment below.
const CommitScheme = "sha256-v1"

// commitDomain separates commitment digests from every other SHA-256 use.
const commitDomain = "fabnode/commit/v1\x00"

// CommitDigest is the canonical commitment of a CommitRequest:
// SHA-256(domain || AppendBinary(req)). The built-in proof plugin and the
// host's fallback both use it, so a verifier can recompute any digest from
// the public fields alone.
func CommitDigest(req *CommitRequest) ([32]byte, error) {
	if req.TokenEnd < req.TokenStart {
		return [32]byte{}, errors.New("commit: token range end before start")
	}
	if req.JobID == "" {
		return [32]byte{}, errors.New("commit: empty job id")
	}
	b := append(make([]byte, 0, 160), commitDomain...)
	b, _ = req.AppendBinary(b)
	return sha256.Sum256(b), nil
}
