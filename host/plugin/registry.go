package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/fetch"
)

// Registry holds the active version of every configured plugin, at most one
// per kind, and swaps versions atomically: a call acquires the version that
// is current when it starts and finishes on it even if a reload happens
// meanwhile; a replaced version is closed once its last call has returned.
type Registry struct {
	rt  *Runtime
	cfg RegistryConfig

	reloadMu sync.Mutex // serialises Load/Reload/Remove/Apply
	mu       sync.RWMutex
	byName   map[string]*version
	byKind   map[abi.Kind]string
}

// RegistryConfig holds the host-side policy that is not a plugin's business.
type RegistryConfig struct {
	// FallbackQuote, when set, is the price used while no pricing plugin
	// is configured or the configured one fails. Without it pricing fails
	// closed: Quote returns an error and the job must be refused.
	FallbackQuote *abi.Quote
	// Signer signs commitment digests. Without it commitments are returned
	// unsigned.
	Signer Signer
	// Currencies, when set, are the only currencies a quote may name;
	// a quote in another is refused like a failed one.
	Currencies []string
}

// version is one loaded Plugin plus the count of its users: the registry
// holds one reference while the version is current, each call holds one
// while it runs.
type version struct {
	p    *Plugin
	refs atomic.Int64
}

func newVersion(p *Plugin) *version {
	v := &version{p: p}
	v.refs.Store(1)
	return v
}

func (v *version) release() {
	if v.refs.Add(-1) == 0 {
		v.p.Close(context.Background())
	}
}

// NewRegistry returns an empty registry that loads plugins through rt.
func NewRegistry(rt *Runtime, cfg RegistryConfig) *Registry {
	return &Registry{rt: rt, cfg: cfg, byName: map[string]*version{}, byKind: map[abi.Kind]string{}}
}

// Load loads a plugin that is not yet in the registry.
func (r *Registry) Load(ctx context.Context, m Manifest) error {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	return r.load(ctx, m)
}

func (r *Registry) load(ctx context.Context, m Manifest) error {
	if err := m.Validate(); err != nil {
		return err
	}
	r.mu.RLock()
	_, dup := r.byName[m.Name]
	other, taken := r.byKind[m.kind()]
	r.mu.RUnlock()
	if dup {
		return fmt.Errorf("plugin %q is already loaded (use Reload)", m.Name)
	}
	if taken {
		return fmt.Errorf("plugin %q: a %s plugin (%q) is already configured; only one per kind", m.Name, m.Kind, other)
	}
	p, err := r.rt.Load(ctx, m)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.byName[m.Name] = newVersion(p)
	r.byKind[p.kind] = m.Name
	r.mu.Unlock()
	return nil
}

// Reload replaces plugin m.Name with a version built from m. The new version
// is fully validated (manifest, SHA-256 pin, ABI version, exports, init with
// its configuration, self-test) before it is swapped in; on any failure the
// old version keeps serving and the error says why. Reloading an unchanged
// manifest whose file still has the same hash is a no-op. A plugin not yet
// loaded is loaded.
func (r *Registry) Reload(ctx context.Context, m Manifest) error {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	return r.reload(ctx, m)
}

func (r *Registry) reload(ctx context.Context, m Manifest) error {
	r.mu.RLock()
	old := r.byName[m.Name]
	r.mu.RUnlock()
	if old == nil {
		return r.load(ctx, m)
	}
	if m.Kind != old.p.manifest.Kind {
		return fmt.Errorf("plugin %q: cannot change kind from %s to %s on reload; remove it and load a new one", m.Name, old.p.manifest.Kind, m.Kind)
	}
	if r.unchanged(old.p, m) {
		return nil
	}
	p, err := r.rt.Load(ctx, m)
	if err != nil {
		return fmt.Errorf("reload rejected, keeping the running version (sha256 %x): %w", old.p.sum[:6], err)
	}
	r.mu.Lock()
	r.byName[m.Name] = newVersion(p)
	r.mu.Unlock()
	r.rt.cfg.Logger.Info("plugin swapped", "plugin", m.Name, "old_sha256", fmt.Sprintf("%x", old.p.sum), "new_sha256", fmt.Sprintf("%x", p.sum))
	old.release() // closes it once in-flight calls drain
	return nil
}

// Remove unloads a plugin; in-flight calls finish first.
func (r *Registry) Remove(name string) error {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	return r.remove(name)
}

func (r *Registry) remove(name string) error {
	r.mu.Lock()
	v := r.byName[name]
	if v == nil {
		r.mu.Unlock()
		return fmt.Errorf("plugin %q is not loaded", name)
	}
	delete(r.byName, name)
	delete(r.byKind, v.p.kind)
	r.mu.Unlock()
	v.release()
	return nil
}

// Apply makes the registry match a full set of manifests, as after a config
// reload, all or nothing: every new or changed plugin of the set is loaded
// and self-tested first, while the current set keeps serving. Only if all
// of them succeed is the whole set swapped in at once (plugins not listed
// are removed in the same step, replaced versions close once their calls
// have drained); otherwise nothing changes and Apply returns every error.
// Renaming a plugin, or replacing it by another of its kind, therefore
// never leaves the node without one.
func (r *Registry) Apply(ctx context.Context, ms []Manifest) error {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	var errs []error
	names := map[string]bool{}
	kinds := map[abi.Kind]string{}
	for i := range ms {
		m := &ms[i]
		if err := m.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if names[m.Name] {
			errs = append(errs, fmt.Errorf("plugin %q is configured twice", m.Name))
		}
		if other, ok := kinds[m.kind()]; ok {
			errs = append(errs, fmt.Errorf("plugin %q: a %s plugin (%q) is already configured; only one per kind", m.Name, m.Kind, other))
		}
		names[m.Name], kinds[m.kind()] = true, m.Name
	}
	if len(errs) > 0 {
		return fmt.Errorf("configuration refused, keeping the running plugins: %w", errors.Join(errs...))
	}

	// Load what is new or changed; keep what is not.
	next := make(map[string]*version, len(ms))
	var loaded []*version
	for _, m := range ms {
		r.mu.RLock()
		old := r.byName[m.Name]
		r.mu.RUnlock()
		if old != nil && r.unchanged(old.p, m) {
			next[m.Name] = old
			continue
		}
		p, err := r.rt.Load(ctx, m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		v := newVersion(p)
		next[m.Name], loaded = v, append(loaded, v)
	}
	if len(errs) > 0 {
		for _, v := range loaded {
			v.release()
		}
		return fmt.Errorf("configuration refused, keeping the running plugins: %w", errors.Join(errs...))
	}

	// Swap the whole set in one step.
	byKind := make(map[abi.Kind]string, len(next))
	for name, v := range next {
		byKind[v.p.kind] = name
	}
	r.mu.Lock()
	old := r.byName
	r.byName, r.byKind = next, byKind
	r.mu.Unlock()
	for name, v := range old {
		if next[name] != v {
			if nv := next[name]; nv != nil {
				r.rt.cfg.Logger.Info("plugin swapped", "plugin", name, "old_sha256", fmt.Sprintf("%x", v.p.sum), "new_sha256", fmt.Sprintf("%x", nv.p.sum))
			} else {
				r.rt.cfg.Logger.Info("plugin removed", "plugin", name)
			}
			v.release() // closes it once in-flight calls drain
		}
	}
	return nil
}

// unchanged reports whether m describes the loaded version p exactly, file
// included, so that reloading it would change nothing.
func (r *Registry) unchanged(p *Plugin, m Manifest) bool {
	if !m.Equal(&p.manifest) {
		return false
	}
	stamp, err := fileStamp(m.Path)
	if err == nil && stamp == p.stamp {
		return true // same file, untouched: nothing to hash
	}
	if sum, err := fetch.FileSHA256(m.Path); err == nil && sum == fmt.Sprintf("%x", p.sum) {
		p.stamp = stamp // touched, same bytes (reloads are serialized)
		return true
	}
	return false
}

// Refresh re-reads every loaded plugin's file and reloads those whose
// content changed, with their current manifests: what a file watcher or a
// SIGHUP handler calls. A pinned plugin whose file changed is refused (the
// pin no longer matches) and keeps running; change the pin in the config
// and Apply instead.
func (r *Registry) Refresh(ctx context.Context) error {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	var errs []error
	for _, name := range r.Names() {
		if p, ok := r.Plugin(name); ok {
			errs = append(errs, r.reload(ctx, p.manifest))
		}
	}
	return errors.Join(errs...)
}

// Names lists the loaded plugins.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	return names
}

// Plugin returns the current version of a plugin, for inspection (Stats,
// SHA256). Calls should go through the kind facades, which pin the version
// for the duration of the call.
func (r *Registry) Plugin(name string) (*Plugin, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.byName[name]
	if v == nil {
		return nil, false
	}
	return v.p, true
}

// acquire pins the current version of kind's plugin; nil if none.
func (r *Registry) acquire(kind abi.Kind) *version {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v := r.byName[r.byKind[kind]]
	if v != nil {
		v.refs.Add(1) // under the read lock, so a concurrent swap cannot drop it to 0 first
	}
	return v
}

// Close removes every plugin, waiting for nothing: calls still running on
// a version keep it alive until they return.
func (r *Registry) Close() {
	r.reloadMu.Lock()
	defer r.reloadMu.Unlock()
	for _, name := range r.Names() {
		r.remove(name)
	}
}
