package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// FileSHA256 returns the lowercase hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// VerifyFile checks that the file at path has the given SHA-256 (hex, any
// case). Call it before loading a model declared with a sha256 so a
// truncated or corrupted file is never loaded.
func VerifyFile(path, sha256Hex string) error {
	want, err := normalizeSHA256(sha256Hex)
	if err != nil {
		return err
	}
	if want == "" {
		return fmt.Errorf("verify %s: no sha256 given", path)
	}
	got, err := FileSHA256(path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if got != want {
		return &ChecksumError{Path: path, Expected: want, Actual: got}
	}
	return nil
}

// ChecksumError reports a SHA-256 mismatch.
type ChecksumError struct {
	Path, URL        string
	Expected, Actual string
}

func (e *ChecksumError) Error() string {
	what := e.Path
	if e.URL != "" {
		what = e.URL
	}
	return fmt.Sprintf("sha256 mismatch for %s: expected %s, got %s", what, e.Expected, e.Actual)
}

// normalizeSHA256 lowercases a hex digest and rejects anything that is not
// 64 hex digits; "" stays "" (meaning "not given").
func normalizeSHA256(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("invalid sha256 %q: want 64 hex digits", s)
	}
	return s, nil
}
