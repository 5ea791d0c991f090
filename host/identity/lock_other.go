//go:build !unix

package identity

// lockDir is a no-op where flock is unavailable: key creation is then only
// checked, not serialised, across processes.
func lockDir(string) (func(), error) { return func() {}, nil }
