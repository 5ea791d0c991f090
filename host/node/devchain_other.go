//go:build !unix

package node

import "os/exec"

func ownProcessGroup(*exec.Cmd) {}

func terminate(c *exec.Cmd) { _ = c.Process.Kill() }
