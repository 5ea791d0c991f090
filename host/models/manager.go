package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/gguf"
)

// Spec declares one model.
type Spec struct {
	Name         string
	Path         string
	URL          string // where `fabnode model pull` and serve fetch it when Path is missing
	SHA256       string // pins the file; required with URL
	ChatTemplate string // "" = detect from the file's metadata
	Engine       engine.Options
}

// ErrUnknownModel is returned for a name nobody declared.
var ErrUnknownModel = errors.New("model not found")

// ErrOverBudget is returned when a model cannot fit the memory budget even
// after every idle model is unloaded.
var ErrOverBudget = errors.New("model does not fit the memory budget")

// Loaded is a model ready to serve.
type Loaded struct {
	Name   string
	Model  *engine.Model
	Chat   *chat.Format
	SHA256 string // of the file, as hashed before loading
	Bytes  int64  // estimated memory: weights plus KV cache
}

type entry struct {
	spec     Spec
	loaded   *Loaded
	loading  chan struct{} // closed when a load in progress ends
	refs     int
	lastUsed time.Time

	// Only the one load in progress (the holder of loading) touches these.
	verified string // fileStamp of the last file hashed (and matching its pin)
	sha256   string // that file's hash
	failed   string // fileStamp of a file that failed to load
	failErr  error  // its error, answered without reading the file until it changes
}

// Manager loads declared models on demand.
type Manager struct {
	log    hclog.Logger
	budget int64 // 0: unlimited
	order  []string

	mu      sync.Mutex
	entries map[string]*entry
	def     string
	// reserved is the memory of loads in progress and of models being
	// closed, counted against the budget with the loaded models.
	reserved int64
}

// closeModel frees a model. It is called without m.mu held, as freeing
// takes a while; tests replace it to watch a close in progress.
var closeModel = (*engine.Model).Close

// New returns a manager for specs. def names the model requests without a
// model field get ("" = the first declared). budget is in bytes, 0 for none.
func New(specs []Spec, def string, budget int64, log hclog.Logger) (*Manager, error) {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	m := &Manager{log: log.Named("models"), budget: budget, entries: map[string]*entry{}}
	for _, s := range specs {
		if s.Name == "" {
			return nil, errors.New("a model needs a name")
		}
		if _, dup := m.entries[s.Name]; dup {
			return nil, fmt.Errorf("model %q declared twice", s.Name)
		}
		if s.Path == "" {
			return nil, fmt.Errorf("model %q: path is required (the file is downloaded there when url is set)", s.Name)
		}
		if s.URL != "" && s.SHA256 == "" {
			return nil, fmt.Errorf("model %q: url without sha256; pin the file's hash so a corrupt download is never loaded", s.Name)
		}
		if s.ChatTemplate != "" {
			if _, err := chat.Lookup(s.ChatTemplate); err != nil {
				return nil, fmt.Errorf("model %q: %w", s.Name, err)
			}
		}
		m.entries[s.Name] = &entry{spec: s}
		m.order = append(m.order, s.Name)
	}
	if def == "" && len(m.order) > 0 {
		def = m.order[0]
	}
	if _, ok := m.entries[def]; def != "" && !ok {
		return nil, fmt.Errorf("default model %q is not declared", def)
	}
	m.def = def
	return m, nil
}

// Default is the model used when a request names none.
func (m *Manager) Default() string { return m.def }

// Names lists declared models in declaration order.
func (m *Manager) Names() []string { return append([]string(nil), m.order...) }

// Spec returns a declared model's spec.
func (m *Manager) Spec(name string) (Spec, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[name]
	if !ok {
		return Spec{}, false
	}
	return e.spec, true
}

// Status describes a declared model for listings.
type Status struct {
	Name     string
	Path     string
	Loaded   bool
	Info     engine.Info
	Stats    engine.Stats
	Bytes    int64
	LastUsed time.Time
	SHA256   string // the loaded file's hash, or the pinned one; "" when neither is known
}

// List describes every declared model.
func (m *Manager) List() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.order))
	for _, n := range m.order {
		e := m.entries[n]
		s := Status{Name: n, Path: e.spec.Path, LastUsed: e.lastUsed, SHA256: strings.ToLower(e.spec.SHA256)}
		if e.loaded != nil {
			s.Loaded, s.Info, s.Stats, s.Bytes = true, e.loaded.Model.Info(), e.loaded.Model.Stats(), e.loaded.Bytes
			s.SHA256 = e.loaded.SHA256
		}
		out = append(out, s)
	}
	return out
}

// Get returns the named model, loading it if needed, and a release
// function the caller must call when its request is over.
func (m *Manager) Get(ctx context.Context, name string) (*Loaded, func(), error) {
	if name == "" {
		name = m.def
	}
	for {
		m.mu.Lock()
		e, ok := m.entries[name]
		if !ok {
			m.mu.Unlock()
			return nil, nil, fmt.Errorf("%w: %q (declared: %v)", ErrUnknownModel, name, m.order)
		}
		if e.loaded != nil {
			e.refs++
			e.lastUsed = time.Now()
			l := e.loaded
			m.mu.Unlock()
			return l, m.releaser(e), nil
		}
		if e.loading != nil {
			wait := e.loading
			m.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
		}
		e.loading = make(chan struct{})
		m.mu.Unlock()

		l, err := m.load(e)

		m.mu.Lock()
		close(e.loading)
		e.loading = nil
		if err != nil {
			m.mu.Unlock()
			return nil, nil, err
		}
		e.loaded = l
		m.reserved -= l.Bytes // the load's reservation is now the loaded model's
		m.mu.Unlock()
	}
}

func (m *Manager) releaser(e *entry) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			m.mu.Lock()
			e.refs--
			e.lastUsed = time.Now()
			m.mu.Unlock()
		})
	}
}

// load verifies, makes room for and loads e. It runs without m.mu held.
// On success the model's Bytes stay reserved; the caller moves them to
// the loaded entry. A failure of the file itself (its hash, its header,
// llama.cpp refusing it) is remembered with the file's stamp and answered
// again, without reading the file, until its size or modification time
// changes.
func (m *Manager) load(e *entry) (*Loaded, error) {
	s := e.spec
	fi, err := os.Stat(s.Path)
	if err != nil {
		if os.IsNotExist(err) && s.URL != "" {
			return nil, fmt.Errorf("model %q: %s is missing; fetch it with `fabnode model pull %s --sha256 %s --out %s`", s.Name, s.Path, s.URL, s.SHA256, s.Path)
		}
		return nil, fmt.Errorf("model %q: %w", s.Name, err)
	}
	stamp := fileStamp(fi)
	if e.failed == stamp {
		return nil, e.failErr
	}
	fail := func(err error) (*Loaded, error) {
		e.failed, e.failErr = stamp, err
		return nil, err
	}
	// Proofs commit to the model file's hash, so every served file is
	// hashed once (again only when its size or time changes): checked
	// against the pin when there is one, recorded when there is not.
	if e.verified != stamp {
		start := time.Now()
		sum, err := fetch.FileSHA256(s.Path)
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", s.Name, err)
		}
		if s.SHA256 != "" && !strings.EqualFold(sum, s.SHA256) {
			return fail(fmt.Errorf("model %q refused: %w", s.Name, &fetch.ChecksumError{Path: s.Path, Expected: strings.ToLower(s.SHA256), Actual: sum}))
		}
		m.log.Info("model file hashed", "model", s.Name, "sha256", sum, "pinned", s.SHA256 != "", "took", time.Since(start).Round(time.Millisecond))
		e.verified, e.sha256 = stamp, sum
	}
	meta, err := gguf.ReadFile(s.Path)
	if err != nil {
		return fail(fmt.Errorf("model %q: %w", s.Name, err))
	}
	need := estimateBytes(fi.Size(), meta, s.Engine)
	if err := m.reserve(s.Name, need); err != nil {
		return nil, err
	}
	model, err := engine.Load(s.Path, s.Engine, m.log.Named(s.Name))
	if err != nil {
		m.mu.Lock()
		m.reserved -= need
		m.mu.Unlock()
		return fail(fmt.Errorf("model %q: %w", s.Name, err))
	}
	format := chatFormat(s, model.Info(), m.log)
	return &Loaded{Name: s.Name, Model: model, Chat: format, SHA256: e.sha256, Bytes: need}, nil
}

func chatFormat(s Spec, info engine.Info, log hclog.Logger) *chat.Format {
	if s.ChatTemplate != "" {
		f, _ := chat.Lookup(s.ChatTemplate) // validated in New
		return f
	}
	f, ok := chat.Detect(info.ChatTemplate)
	if !ok {
		log.Warn("chat template not recognised; using chatml (set chat_template in the model block to choose)", "model", s.Name)
	}
	return f
}

// fileStamp identifies a version of a model file: its size and
// modification time.
func fileStamp(fi os.FileInfo) string {
	return fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano())
}

// reserve sets need bytes of the budget aside for a load of name, first
// unloading idle models, least recently used first, when that makes it
// fit. Models in use, loads in progress and models still being closed
// hold their memory: when need does not fit beside them, reserve unloads
// nothing and fails with ErrOverBudget at once rather than waiting. The
// caller gives the reservation back (m.reserved -= need) if its load
// fails. Unloaded models are closed after m.mu is released, and before
// reserve returns, so the caller's load starts once their memory is free.
func (m *Manager) reserve(name string, need int64) error {
	if m.budget > 0 && need > m.budget {
		return fmt.Errorf("%w: %q needs about %d MiB, the budget is %d MiB", ErrOverBudget, name, need>>20, m.budget>>20)
	}
	m.mu.Lock()
	if m.budget <= 0 {
		m.reserved += need
		m.mu.Unlock()
		return nil
	}
	used := m.reserved
	var idle []*entry
	for _, e := range m.entries {
		if e.loaded == nil {
			continue
		}
		used += e.loaded.Bytes
		if e.refs == 0 && e.loaded.Model.Idle() {
			idle = append(idle, e)
		}
	}
	sort.Slice(idle, func(i, j int) bool { return idle[i].lastUsed.Before(idle[j].lastUsed) })
	evict, freed := 0, int64(0)
	for ; evict < len(idle) && used-freed+need > m.budget; evict++ {
		freed += idle[evict].loaded.Bytes
	}
	if used-freed+need > m.budget {
		m.mu.Unlock()
		return fmt.Errorf("%w: %q needs about %d MiB; %d MiB of %d MiB is held by models in use, loading or closing", ErrOverBudget, name, need>>20, (used-freed)>>20, m.budget>>20)
	}
	var victims []*Loaded
	for _, e := range idle[:evict] {
		m.log.Info("unloading idle model to make room", "model", e.spec.Name, "for", name)
		victims = append(victims, m.detach(e))
	}
	m.reserved += need
	m.mu.Unlock()
	m.closeDetached(victims)
	return nil
}

// detach takes e's model out of service for closing. Its memory stays
// counted in m.reserved until closeDetached has freed it. m.mu is held.
func (m *Manager) detach(e *entry) *Loaded {
	l := e.loaded
	e.loaded = nil
	m.reserved += l.Bytes
	return l
}

// closeDetached frees detached models. It runs without m.mu held, so
// List (and with it /health and /metrics) answers meanwhile.
func (m *Manager) closeDetached(ls []*Loaded) {
	for _, l := range ls {
		closeModel(l.Model)
		m.mu.Lock()
		m.reserved -= l.Bytes
		m.mu.Unlock()
	}
}

// UnloadIdle unloads models unused for longer than after.
func (m *Manager) UnloadIdle(after time.Duration) {
	m.mu.Lock()
	var victims []*Loaded
	for _, e := range m.entries {
		if e.loaded != nil && e.refs == 0 && e.loaded.Model.Idle() && time.Since(e.lastUsed) > after {
			m.log.Info("unloading idle model", "model", e.spec.Name, "idle", time.Since(e.lastUsed).Round(time.Second))
			victims = append(victims, m.detach(e))
		}
	}
	m.mu.Unlock()
	m.closeDetached(victims)
}

// Close unloads every model.
func (m *Manager) Close() {
	m.mu.Lock()
	var victims []*Loaded
	for _, e := range m.entries {
		if e.loaded != nil {
			victims = append(victims, m.detach(e))
		}
	}
	m.mu.Unlock()
	m.closeDetached(victims)
}

// estimateBytes is weights (the file) plus the KV cache the options ask for.
func estimateBytes(fileBytes int64, g *gguf.File, o engine.Options) int64 {
	layers, _ := g.ArchUint("block_count")
	embd, _ := g.ArchUint("embedding_length")
	heads, _ := g.ArchUint("attention.head_count")
	kvHeads, ok := g.ArchUint("attention.head_count_kv")
	if !ok {
		kvHeads = heads
	}
	if heads == 0 {
		return fileBytes
	}
	ctx, par := int64(o.ContextSize), int64(o.Parallel)
	if ctx <= 0 {
		ctx = 2048
	}
	if par <= 0 {
		par = 1
	}
	perElem := 2.0 // f16
	switch o.KVCacheType {
	case "q8_0":
		perElem = 34.0 / 32
	case "q4_0":
		perElem = 18.0 / 32
	}
	kvDim := float64(embd / heads * kvHeads)
	kv := float64(layers) * float64(ctx*par) * kvDim * 2 * perElem
	return fileBytes + int64(kv)
}
