package plugin

// SetCloseOnContextDone switches wazero's close-on-context-done for plugins
// loaded afterwards, so benchmarks can measure what the deadline costs.
func SetCloseOnContextDone(on bool) (restore func()) {
	old := closeOnContextDone
	closeOnContextDone = on
	return func() { closeOnContextDone = old }
}
