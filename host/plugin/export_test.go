package plugin

// SetDeadlines switches the per-call deadline off (or back on) for plugins
// loaded afterwards, so benchmarks can measure what it costs.
func SetDeadlines(on bool) (restore func()) {
	old := deadlines
	deadlines = on
	return func() { deadlines = old }
}

// SetLoopGuard switches the loop guard off (or back on) for plugins loaded
// afterwards: off, deadlines use wazero's close-on-context-done.
func SetLoopGuard(on bool) (restore func()) {
	old := useLoopGuard
	useLoopGuard = on
	return func() { useLoopGuard = old }
}

// DefaultLimits are the limits of a manifest that sets none.
func DefaultLimits() Limits { return Limits{}.withDefaults() }
