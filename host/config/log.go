package config

import (
	"io"

	"github.com/hashicorp/go-hclog"
)

// NewLogger builds the node's root logger from the log section: text (human,
// one line per event) or JSON (for log shippers). Level names are those
// accepted by the config (trace|debug|info|warn|error); anything else falls
// back to info rather than silencing logs.
func NewLogger(cfg LogConfig, w io.Writer) hclog.Logger {
	level := hclog.LevelFromString(cfg.Level)
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       "fabnode",
		Level:      level,
		Output:     w,
		JSONFormat: cfg.Format == "json",
		// Color and caller info would make the text format noisy in files.
		Color: hclog.ColorOff,
	})
}
