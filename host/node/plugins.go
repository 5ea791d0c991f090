package node

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/plugin"
)

// PluginManifests turns the config's plugin blocks into runtime manifests,
// in name order. A block without sha256 loads unpinned (logged as such):
// built-in plugins are rebuilt by `make`, so their hash is not known when
// config.hcl is written; production configs should pin.
func PluginManifests(cfg *config.Config) []plugin.Manifest {
	var out []plugin.Manifest
	for _, n := range slices.Sorted(maps.Keys(cfg.Plugins)) {
		p := cfg.Plugins[n]
		conf := map[string]string{}
		for k, v := range p.Config {
			conf[k] = configString(v)
		}
		out = append(out, plugin.Manifest{
			Name: n, Kind: p.Kind, Path: p.Path, SHA256: p.SHA256, Config: conf,
			AllowUnpinned: p.SHA256 == "",
			Limits: plugin.Limits{
				MemoryMiB:      saturate(int64(p.MemoryLimit) >> 20),
				Timeout:        p.Timeout,
				MaxOutputBytes: saturate(int64(p.MaxOutputBytes)),
				PoolSize:       p.PoolSize,
			},
		})
	}
	return out
}

// saturate converts a size for plugin.Limits. The config's check tags
// keep loaded values in range; one out of range (a config built in code)
// becomes the largest uint32, which Manifest.Validate refuses, rather
// than wrapping to a small number or to 0, the default.
func saturate(v int64) uint32 {
	return uint32(min(max(v, 0), math.MaxUint32))
}

// configString renders an HCL value for a plugin, whose configuration is
// a flat string map: lists join with "|", the separator the built-in
// plugins split on.
func configString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = configString(e)
		}
		return strings.Join(parts, "|")
	}
	return fmt.Sprint(v)
}

// ApplyPlugins loads the configured plugin set, swapping changed ones in and
// removing dropped ones, all or nothing: if any plugin of the set fails to
// load, the previous set keeps serving unchanged (plugin.Registry.Apply).
func (n *Node) ApplyPlugins(ctx context.Context, cfg *config.Config) error {
	ms := PluginManifests(cfg)
	for _, m := range ms {
		if m.AllowUnpinned {
			n.Log.Warn("plugin is not pinned by sha256; pin it in production", "plugin", m.Name, "path", m.Path)
		}
	}
	err := n.Plugins.Apply(ctx, ms)
	return err
}

// ReloadPlugin re-reads the configuration (when the node was started from a
// file) and reloads the named plugin from it.
func (n *Node) ReloadPlugin(ctx context.Context, name string) error {
	cfg := n.Config
	if n.Reconfigure != nil {
		c, err := n.Reconfigure()
		if err != nil {
			return fmt.Errorf("reading the configuration: %w", err)
		}
		cfg = c
	}
	for _, m := range PluginManifests(cfg) {
		if m.Name == name {
			start := time.Now()
			if err := n.Plugins.Reload(ctx, m); err != nil {
				return err
			}
			n.Log.Info("plugin reloaded", "plugin", name, "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
	}
	return fmt.Errorf("no plugin %q in the configuration", name)
}
