//go:build !unix

package fetch

import "context"

// lockFile is a no-op where flock is unavailable: downloads are then only
// serialised within one process.
func lockFile(context.Context, string, func()) (func(), error) { return func() {}, nil }
