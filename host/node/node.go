package node

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/api"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
	"github.com/fabnode/fabnode/host/policy"
)

// Version is set at build time (-ldflags "-X .../host/node.Version=...").
var Version = "dev"

// Node is a configured, not yet serving, fabnode.
type Node struct {
	Config  *config.Config
	Log     hclog.Logger
	Models  *models.Manager
	Plugins *plugin.Registry
	API     *api.Server
	// PublicKey verifies the commitments this node signs.
	PublicKey ed25519.PublicKey
	// Reconfigure re-reads the configuration for plugin reloads; nil keeps
	// the configuration the node started with.
	Reconfigure func() (*config.Config, error)

	runtime   *plugin.Runtime
	pluginCfg *config.Config
}

// New builds the node described by cfg.
func New(cfg *config.Config, log hclog.Logger) (*Node, error) {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	specs := ModelSpecs(cfg)
	if len(specs) == 0 {
		return nil, errors.New("no model declared: add a model \"NAME\" { path = ... } block to the config")
	}
	def, _ := cfg.DefaultModel()
	mgr, err := models.New(specs, def, int64(cfg.Engine.MemoryBudget), log)
	if err != nil {
		return nil, err
	}
	keyFile := cfg.Node.KeyFile
	if keyFile == "" {
		keyFile = filepath.Join(cfg.Node.DataDir, "node.key")
	}
	key, err := loadOrCreateKey(keyFile)
	if err != nil {
		return nil, err
	}
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: filepath.Join(cfg.Node.DataDir, "wasm-cache"), Logger: log.Named("plugin")})
	if err != nil {
		return nil, err
	}
	reg := plugin.NewRegistry(rt, plugin.RegistryConfig{Signer: plugin.Ed25519Signer(key)})
	var store *cache.Store
	if b := int64(cfg.API.ResponseCacheBytes); b > 0 {
		store = cache.New(b, nil)
	}
	pipe := &policy.Pipeline{Plugins: reg, Store: store, CheckpointTokens: cfg.Node.ProofCheckpointTokens, Log: log.Named("policy")}
	n := &Node{Config: cfg, Log: log, Models: mgr, Plugins: reg, runtime: rt, PublicKey: key.Public().(ed25519.PublicKey)}
	n.API = api.New(api.Config{
		MaxBodyBytes:   int64(cfg.API.MaxBodyBytes),
		RequestTimeout: cfg.API.RequestTimeout,
		LogPrompts:     cfg.Log.LogPrompts,
		Version:        Version,
		NodeKey:        hex.EncodeToString(n.PublicKey),
		ReloadPlugin:   n.ReloadPlugin,
	}, mgr, pipe, log)
	return n, nil
}

// ModelSpecs turns the config's model blocks into manager specs, per-model
// values overriding the engine section, in name order.
func ModelSpecs(cfg *config.Config) []models.Spec {
	e := cfg.Engine
	var specs []models.Spec
	for _, n := range slices.Sorted(maps.Keys(cfg.Models)) {
		m := cfg.Models[n]
		opts := engine.Options{
			GPULayers: e.GPULayers, MainGPU: e.MainGPU, Threads: e.Threads, BatchSize: e.BatchSize,
			ContextSize: e.ContextSize, Parallel: e.Parallel, FlashAttention: e.FlashAttention,
			KVCacheType: e.KVCacheType, MaxQueue: cfg.API.MaxQueue,
		}
		if m.ContextSize > 0 {
			opts.ContextSize = m.ContextSize
		}
		if m.Parallel > 0 {
			opts.Parallel = m.Parallel
		}
		if m.GPULayers >= 0 {
			opts.GPULayers = m.GPULayers
		}
		specs = append(specs, models.Spec{Name: n, Path: m.Path, URL: m.URL, SHA256: m.SHA256, ChatTemplate: m.ChatTemplate, Engine: opts})
	}
	return specs
}

// Prepare downloads declared models whose file is missing (progress to
// w, which may be nil) and loads the default model, so a bad model, a
// missing GPU or a hash mismatch stops the node before it listens.
func (n *Node) Prepare(ctx context.Context, w io.Writer) error {
	for _, name := range n.Models.Names() {
		spec, _ := n.Models.Spec(name)
		if _, err := os.Stat(spec.Path); err == nil || spec.URL == "" {
			continue
		}
		n.Log.Info("downloading model", "model", name, "url", spec.URL, "to", spec.Path)
		opts := fetch.Options{OnWait: func() {
			n.Log.Info("another process is downloading this model; waiting for it", "model", name, "to", spec.Path)
		}}
		if w != nil {
			bar := fetch.NewBar(w, name)
			opts.Progress = bar.Update
			defer bar.Finish(nil)
		}
		if _, err := fetch.Download(ctx, spec.URL, spec.Path, spec.SHA256, opts); err != nil {
			return fmt.Errorf("model %q: %w", name, err)
		}
	}
	if err := n.ApplyPlugins(ctx, n.Config); err != nil {
		return fmt.Errorf("plugins: %w", err)
	}
	_, release, err := n.Models.Get(ctx, n.Models.Default())
	if err != nil {
		return err
	}
	release()
	n.Log.Info("node identity", "public_key", hex.EncodeToString(n.PublicKey))
	return nil
}

// Serve answers API requests on ln until ctx ends, then drains in-flight
// requests for up to grace and unloads the models.
func (n *Node) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           n.API.Handler(),
		ReadHeaderTimeout: n.Config.API.ReadHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if d := n.Config.Node.PluginWatch; d > 0 {
		go every(ctx, d, func() {
			if err := n.Plugins.Refresh(ctx); err != nil {
				n.Log.Error("plugin hot swap failed; the previous version keeps serving", "error", err)
			}
		})
	}
	if d := n.Config.Engine.IdleUnload; d > 0 {
		go every(ctx, min(d, time.Minute), func() { n.Models.UnloadIdle(d) })
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	n.Log.Info("serving", "addr", ln.Addr().String(), "models", n.Models.Names(), "default", n.Models.Default())
	select {
	case err := <-errc:
		n.close()
		return err
	case <-ctx.Done():
	}
	n.Log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	n.close()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("requests still running after %s: %w", grace, err)
	}
	return nil
}

func (n *Node) close() {
	n.Models.Close()
	n.Plugins.Close()
	n.runtime.Close(context.Background())
}

// every calls fn each period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// GoProcs is engine.GoProcs for a node's configuration: GPU offload by the
// engine default or by any model counts.
func GoProcs(cfg *config.Config, cpus int) int {
	gpu := cfg.Engine.GPULayers > 0
	for _, m := range cfg.Models {
		gpu = gpu || m.GPULayers > 0
	}
	return engine.GoProcs(cfg.Engine.Threads, gpu, cpus)
}
