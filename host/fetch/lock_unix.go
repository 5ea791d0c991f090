//go:build unix

package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockFile takes an exclusive advisory lock on path (created if missing),
// waiting while another process holds it, until ctx ends. It keeps two
// fabnode processes from downloading into the same partial file at once;
// the second waits, then finds the first one's finished file. The lock
// file stays: removing it would let a third process lock a new file while
// the second still holds the old one.
// onWait, when not nil, is called once if the lock is held elsewhere.
func lockFile(ctx context.Context, path string, onWait func()) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for waited := false; ; waited = true {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !waited && onWait != nil {
			onWait()
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another download's lock on %s: %w", path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
