//go:build unix

package node

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup keeps the terminal's Ctrl-C from reaching the child:
// the node stops first (draining, settling) and then stops the child.
func ownProcessGroup(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func terminate(c *exec.Cmd) { _ = c.Process.Signal(syscall.SIGTERM) }
