package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/api"
	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/p2p"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
	"github.com/fabnode/fabnode/host/service"
)

// Version is set at build time (-ldflags "-X .../host/node.Version=...").
var Version = "dev"

// Node is a configured, not yet serving, fabnode.
type Node struct {
	Config    *config.Config
	Log       hclog.Logger
	Models    *models.Manager
	Plugins   *plugin.Registry
	Inference *inference.Service // the request path every transport runs
	API       *api.Server        // the public HTTP transport
	Admin     *api.Admin         // operator endpoints, on their own listener
	P2P       *p2p.Service       // the libp2p host (p2p.enabled; host/node/p2p.go); nil when off
	// Key is the node's identity: its Ethereum account, whose address
	// verifies the commitments it signs.
	Key *identity.Key
	// Reconfigure re-reads the configuration for plugin reloads; nil keeps
	// the configuration the node started with.
	Reconfigure func() (*config.Config, error)
	// HandleSIGHUP makes Serve re-read the configuration and apply its
	// plugin set on SIGHUP.
	HandleSIGHUP bool

	runtime  *plugin.Runtime
	services service.Group
	registry *registryPeers // the NodeRegistry for libp2p discovery; nil without p2p
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
	key, err := LoadIdentity(cfg, log)
	if err != nil {
		return nil, err
	}
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: filepath.Join(cfg.Node.DataDir, "wasm-cache"), Logger: log.Named("plugin")})
	if err != nil {
		return nil, err
	}
	currencies, err := acceptedCurrencies(cfg)
	if err != nil {
		return nil, err
	}
	reg := plugin.NewRegistry(rt, plugin.RegistryConfig{Signer: key, Currencies: currencies})
	var store *cache.Store
	if b := int64(cfg.API.ResponseCacheBytes); b > 0 {
		store = cache.New(b, nil)
	}
	n := &Node{Config: cfg, Log: log, Models: mgr, Plugins: reg, runtime: rt, Key: key}
	n.Inference = &inference.Service{
		Models: mgr, Plugins: reg, Store: store, Log: log.Named("request"),
		CheckpointTokens: cfg.Node.ProofCheckpointTokens, LogPrompts: cfg.Log.LogPrompts,
	}
	n.API = api.New(api.Config{
		MaxBodyBytes:     int64(cfg.API.MaxBodyBytes),
		BodyTimeout:      cfg.API.BodyTimeout,
		RequestTimeout:   cfg.API.RequestTimeout,
		Version:          Version,
		NodeKey:          key.Address().Hex(),
		TrustUserField:   cfg.API.TrustUserField,
		MetricsElsewhere: cfg.API.MetricsListen != "",
	}, n.Inference, log)
	n.Admin = &api.Admin{ReloadPlugin: n.ReloadPlugin}
	if n.P2P, err = newP2P(n); err != nil {
		return nil, err
	}
	if n.P2P != nil {
		n.Admin.Routes = append(n.Admin.Routes, n.P2P.Routes)
	}
	return n, nil
}

// ModelSpecs turns the config's model blocks into manager specs, per-model
// values overriding the engine section, in name order.
func ModelSpecs(cfg *config.Config) []models.Spec {
	e := cfg.Engine
	queue := cfg.API.MaxQueue
	if queue == 0 {
		queue = -1 // the engine's "none"; its 0 is the default
	}
	var specs []models.Spec
	for _, n := range slices.Sorted(maps.Keys(cfg.Models)) {
		m := cfg.Models[n]
		opts := engine.Options{
			GPULayers: e.GPULayers, MainGPU: e.MainGPU, Threads: e.Threads, BatchSize: e.BatchSize,
			ContextSize: e.ContextSize, Parallel: e.Parallel, FlashAttention: e.FlashAttention,
			KVCacheType: e.KVCacheType, MaxQueue: queue,
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
// w, which may be nil), loads the plugins and the default model, so a bad
// model, a missing GPU or a hash mismatch stops the node before it listens.
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
	n.Log.Info("node identity", "address", n.Key.Address().Hex())
	return nil
}

// Serve runs the node's services until ctx ends: the models and plugins,
// the plugin watcher, the idle unloader, the SIGHUP reloader, the admin
// listener, and the API on ln. It then stops them in the reverse order,
// within grace: the API first, draining the requests in flight, and the
// models and plugins last.
func (n *Node) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	cfg := n.Config
	pub := &http.Server{
		Handler:           n.API.Handler(),
		ReadHeaderTimeout: cfg.API.ReadHeaderTimeout,
		IdleTimeout:       cfg.API.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	failed := make(chan error, 3) // one per listener: API, admin, metrics
	svcs := []service.Service{
		&service.Func{ServiceName: "models", OnStop: func(context.Context) error { n.Models.Close(); return nil }},
		&service.Func{ServiceName: "plugins", OnStop: func(ctx context.Context) error {
			n.Plugins.Close()
			return n.runtime.Close(ctx)
		}},
	}
	if d := cfg.Node.PluginWatch; d > 0 {
		svcs = append(svcs, service.Every("plugin watcher", d, func(ctx context.Context) {
			if err := n.Plugins.Refresh(ctx); err != nil {
				n.Log.Error("plugin hot swap failed; the previous version keeps serving", "error", err)
			}
		}))
	}
	if d := cfg.Engine.IdleUnload; d > 0 {
		svcs = append(svcs, service.Every("idle unloader", min(d, time.Minute), func(context.Context) { n.Models.UnloadIdle(d) }))
	}
	if n.HandleSIGHUP {
		svcs = append(svcs, n.sighupReloader())
	}
	// The chain client and the payment step come before the listeners: a
	// paid request is checked against the node's view of the chain.
	c, err := OpenChain(ctx, cfg, n.Key, n.Log)
	if err != nil {
		return err
	}
	closeChain := func() {
		if c != nil {
			c.Close()
		}
	}
	if c != nil {
		svcs = append(svcs, c.Services()...)
		if n.registry != nil && c.Config.NodeRegistry != (common.Address{}) {
			n.registry.follow(chain.NewHostDirectory(c.Client, c.Config.NodeRegistry, c.Config.StartBlock, c.Config.MaxLogRange))
		}
	}
	pay, paySvcs, err := n.openPayments(c)
	if err != nil {
		closeChain()
		return err
	}
	if pay != nil {
		n.Inference.Payments = pay
		n.API.SetReceipts(pay)
		svcs = append(svcs, paySvcs...)
	}
	// Metrics on a listener of their own, when configured: a scraper on a
	// private address, and nothing about the node's load on the public one.
	var metricsSvc service.Service
	if addr := cfg.API.MetricsListen; addr != "" {
		mln, err := net.Listen("tcp", addr)
		if err != nil {
			closeChain()
			return fmt.Errorf("metrics listener %s: %w", addr, err)
		}
		defer mln.Close() // a listener the service never took; after Stop, a no-op
		n.Log.Info("metrics endpoint", "listen", mln.Addr().String())
		metricsSvc = httpService("metrics", &http.Server{Handler: n.API.MetricsHandler(), ReadHeaderTimeout: cfg.API.ReadHeaderTimeout}, mln, failed)
	}
	admin, err := n.adminServer(failed)
	if err != nil {
		closeChain()
		return err
	}
	if n.P2P != nil {
		svcs = append(svcs, n.P2P)
	}
	svcs = append(svcs, admin)
	if metricsSvc != nil {
		svcs = append(svcs, metricsSvc)
	}
	svcs = append(svcs, httpService("api", pub, api.LimitPerClient(ln, cfg.API.MaxConnsPerClient), failed))
	if err := n.services.Start(ctx, svcs...); err != nil {
		return err
	}
	n.Log.Info("serving", "addr", ln.Addr().String(), "models", n.Models.Names(), "default", n.Models.Default())
	var served error
	select {
	case served = <-failed:
	case <-ctx.Done():
		n.Log.Info("shutting down", "grace", grace)
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := n.services.Stop(sctx); err != nil {
		served = errors.Join(served, err)
	}
	if errors.Is(served, context.DeadlineExceeded) {
		return fmt.Errorf("requests still running after %s: %w", grace, served)
	}
	return served
}

// httpService serves srv on ln; Stop drains the requests in flight.
func httpService(name string, srv *http.Server, ln net.Listener, failed chan<- error) service.Service {
	return &service.Func{ServiceName: name,
		OnStart: func(context.Context) error {
			go func() {
				if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
					failed <- fmt.Errorf("%s listener: %w", name, err)
				}
			}()
			return nil
		},
		OnStop: srv.Shutdown,
	}
}

// adminServer listens for the operator endpoints: by default on a unix
// socket in data_dir that only the node's user can open, or on an
// address with a bearer token read from a file.
func (n *Node) adminServer(failed chan<- error) (service.Service, error) {
	addr := n.Config.Admin.Listen
	if addr == "" {
		addr = "unix:" + filepath.Join(n.Config.Node.DataDir, "admin.sock")
	}
	var ln net.Listener
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(path) // a stale socket from a previous run
		}
		l, err := net.Listen("unix", path)
		if err != nil {
			return nil, fmt.Errorf("admin socket %s: %w", path, err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			l.Close()
			return nil, err
		}
		ln = l
	} else {
		if n.Config.Admin.TokenFile == "" {
			return nil, fmt.Errorf("admin.listen = %q is an address: set admin.token_file, the bearer token every admin request must carry", addr)
		}
		b, err := os.ReadFile(n.Config.Admin.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("admin token: %w", err)
		}
		if n.Admin.Token = strings.TrimSpace(string(b)); len(n.Admin.Token) < 16 {
			return nil, fmt.Errorf("admin token in %s is shorter than 16 characters", n.Config.Admin.TokenFile)
		}
		if ln, err = net.Listen("tcp", addr); err != nil {
			return nil, fmt.Errorf("admin listener %s: %w", addr, err)
		}
	}
	n.Log.Info("admin endpoint", "listen", addr)
	return httpService("admin", &http.Server{Handler: n.Admin.Handler(), ReadHeaderTimeout: 10 * time.Second}, ln, failed), nil
}

// sighupReloader re-reads the configuration on SIGHUP and applies its
// plugin set: changed plugins are swapped in, or none if any fails.
func (n *Node) sighupReloader() service.Service {
	return &service.Loop{ServiceName: "SIGHUP reloader", Run: func(ctx context.Context) {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			cfg, err := n.Config, error(nil)
			if n.Reconfigure != nil {
				cfg, err = n.Reconfigure()
			}
			if err == nil {
				err = n.ApplyPlugins(ctx, cfg)
			}
			if err != nil {
				n.Log.Error("SIGHUP reload failed; the running plugins are unchanged", "error", err)
			} else {
				n.Log.Info("SIGHUP: plugins reloaded")
			}
		}
	}}
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
