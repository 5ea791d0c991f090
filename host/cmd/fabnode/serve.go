package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
)

func serveCmd() *cobra.Command {
	var (
		cfgPath     string
		printConfig bool
		grace       time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the configured models over the OpenAI-compatible API",
		Long: `Serve loads config.hcl (or --config), applies FABNODE_<SECTION>_<KEY>
environment overrides and then flags, downloads declared models that are
missing, loads the default model and listens.`,
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringVarP(&cfgPath, "config", "c", "config.hcl", "configuration file (HCL)")
	f.BoolVar(&printConfig, "print-config", false, "print the effective configuration and exit")
	f.DurationVar(&grace, "shutdown-grace", 30*time.Second, "how long in-flight requests may finish on shutdown")
	// Flags that override config keys; they win only when given.
	bound := map[string]*pflag.Flag{}
	bind := func(key, name, usage string, def any) {
		switch d := def.(type) {
		case string:
			f.String(name, d, usage)
		case int:
			f.Int(name, d, usage)
		case bool:
			f.Bool(name, d, usage)
		}
		bound[key] = f.Lookup(name)
	}
	bind("api.listen", "listen", "address to listen on (api.listen)", "")
	bind("engine.parallel", "parallel", "slots per model (engine.parallel)", 0)
	bind("engine.context_size", "ctx-size", "tokens per slot (engine.context_size)", 0)
	bind("engine.threads", "threads", "CPU threads, 0 = all (engine.threads)", 0)
	bind("engine.gpu_layers", "gpu-layers", "layers offloaded to the GPU (engine.gpu_layers)", 0)
	bind("log.level", "log-level", "trace|debug|info|warn|error (log.level)", "")
	bind("log.format", "log-format", "text|json (log.format)", "")

	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		path := cfgPath
		if !cmd.Flags().Changed("config") {
			if _, err := os.Stat(path); os.IsNotExist(err) {
				path = "" // no file: defaults, env and flags only
			}
		}
		cfg, err := config.Load(path, bound)
		if err != nil {
			return err
		}
		if printConfig {
			out, err := config.Render(cfg)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		}
		log := config.NewLogger(cfg.Log, os.Stderr)
		if os.Getenv("GOMAXPROCS") == "" { // an explicit setting wins
			procs := node.GoProcs(cfg, runtime.NumCPU())
			runtime.GOMAXPROCS(procs)
			log.Info("go runtime threads", "gomaxprocs", procs, "cpus", runtime.NumCPU())
		}
		n, err := node.New(cfg, log)
		if err != nil {
			return err
		}
		n.Reconfigure = func() (*config.Config, error) { return config.Load(path, bound) }
		// SIGHUP re-reads the configuration and applies its plugin set.
		n.HandleSIGHUP = true
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := n.Prepare(ctx, os.Stderr); err != nil {
			return err
		}
		// chain.dev (make run): a development chain as a child process, the
		// node registered on it; it stops after the node (host/node/devchain.go).
		dev, err := n.StartDevChain(ctx, os.Stderr)
		if err != nil {
			return err
		}
		defer dev.Close()
		ln, err := net.Listen("tcp", cfg.API.Listen)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.API.Listen, err)
		}
		err = n.Serve(dev.Context(ctx), ln, grace)
		return errors.Join(err, dev.Close())
	}
	return cmd
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "fabnode %s (llama.cpp via ollama v0.7.1)\n", node.Version)
		},
	}
}
