//go:build unix

package identity

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockDir holds an exclusive advisory lock on the keystore while a key is
// created, so two processes starting at once (two `make run`s, a dev node and
// `fabnode key new`) cannot both create one. It blocks until the lock is free.
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
