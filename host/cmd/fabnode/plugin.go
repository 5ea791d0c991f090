package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/host/plugin"
)

func pluginCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "plugin", Short: "List, inspect, test and hot-reload policy plugins"}
	cmd.AddCommand(pluginListCmd(), pluginInspectCmd(), pluginTestCmd(), pluginReloadCmd())
	return cmd
}

func pluginListCmd() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the plugins declared in the config and the state of their files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath, nil)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tKIND\tFILE\tSTATE\tSHA256")
			for _, m := range node.PluginManifests(cfg) {
				sum, err := fetch.FileSHA256(m.Path)
				state := "unpinned"
				switch {
				case err != nil:
					state, sum = "missing", "-"
				case m.SHA256 == "":
				case strings.EqualFold(m.SHA256, sum):
					state = "pinned"
				default:
					state = "PIN MISMATCH"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Name, m.Kind, m.Path, state, sum)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "config.hcl", "configuration file")
	return cmd
}

// loadFile loads a .wasm into a throwaway runtime. Without a kind it tries
// each kind the ABI knows and keeps the one the module implements.
func loadFile(ctx context.Context, path, kind string, conf map[string]string, log hclog.Logger) (*plugin.Registry, *plugin.Plugin, error) {
	cacheDir := ""
	if d, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(d, "fabnode", "wasm")
	}
	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: cacheDir, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	_, key, _ := ed25519.GenerateKey(nil)
	kinds := []string{kind}
	if kind == "" {
		kinds = []string{"safety", "format", "cache", "pricing", "proof"}
	}
	var errs []error
	for _, k := range kinds {
		reg := plugin.NewRegistry(rt, plugin.RegistryConfig{Signer: plugin.Ed25519Signer(key)})
		m := plugin.Manifest{Name: "inspected", Kind: k, Path: path, Config: conf, AllowUnpinned: true, Limits: plugin.Limits{PoolSize: 1}}
		if err := reg.Load(ctx, m); err != nil {
			reg.Close()
			errs = append(errs, err)
			continue
		}
		p, _ := reg.Plugin("inspected")
		return reg, p, nil
	}
	if kind == "" {
		return nil, nil, fmt.Errorf("%s loads as no plugin kind:\n%w", path, errors.Join(errs...))
	}
	return nil, nil, errors.Join(errs...)
}

func parseSets(sets []string) (map[string]string, error) {
	conf := map[string]string{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--set %q: want key=value", s)
		}
		conf[k] = v
	}
	return conf, nil
}

func pluginInspectCmd() *cobra.Command {
	var kind string
	var sets []string
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Load a .wasm in the sandbox and describe it: ABI version, kind, hooks, sha256",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conf, err := parseSets(sets)
			if err != nil {
				return err
			}
			reg, p, err := loadFile(cmd.Context(), args[0], kind, conf, hclog.NewNullLogger())
			if err != nil {
				return escaped(err)
			}
			defer reg.Close()
			d := p.Description()
			sum := p.SHA256()
			fi, _ := os.Stat(args[0])
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "file\t%s (%d bytes)\n", args[0], fi.Size())
			fmt.Fprintf(w, "sha256\t%x\n", sum)
			fmt.Fprintf(w, "name\t%s\n", plugin.Escape(d.Name)) // the plugin's own words
			fmt.Fprintf(w, "kind\t%s\n", d.Kind)
			fmt.Fprintf(w, "abi\tcompatible with host v%d.%d (major checked at load)\n", abi.Major, abi.Minor)
			fmt.Fprintf(w, "hooks\t%s\n", hookNames(d.Hooks))
			deadline := "loop guard (host/plugin/loopguard)"
			if !p.LoopGuarded() {
				deadline = "wazero's per-loop check (the module could not be instrumented)"
			}
			fmt.Fprintf(w, "deadlines\t%s\n", deadline)
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "expected kind (default: detect)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "plugin configuration key=value (repeatable)")
	return cmd
}

func hookNames(s abi.HookSet) string {
	var names []string
	for h := abi.Hook(0); h < 64; h++ {
		if s&(1<<h) != 0 {
			names = append(names, h.String())
		}
	}
	return strings.Join(names, ", ")
}

func pluginTestCmd() *cobra.Command {
	var kind string
	var sets []string
	cmd := &cobra.Command{
		Use:   "test FILE",
		Short: "Load a .wasm, run its self-test and one sample call of its kind, and time it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conf, err := parseSets(sets)
			if err != nil {
				return err
			}
			ctx := context.Background()
			start := time.Now()
			reg, p, err := loadFile(ctx, args[0], kind, conf, hclog.New(&hclog.LoggerOptions{Output: cmd.ErrOrStderr(), Level: hclog.Warn}))
			if err != nil {
				return escaped(err)
			}
			defer reg.Close()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "loaded %s plugin %s with self-test in %s\n", p.Kind(), strconv.QuoteToASCII(p.Description().Name), time.Since(start).Round(time.Millisecond))
			t0 := time.Now()
			var result any
			switch p.Kind() {
			case abi.KindSafety:
				result, err = reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Model: "m", Client: "c", Prompt: []byte("Hello, my e-mail is a@b.c")})
			case abi.KindFormat:
				result, err = reg.Format().Format(ctx, abi.FormatRequest{Format: abi.FormatJSON, Text: []byte("Sure: ```json\n{\"a\": 1}\n```")})
			case abi.KindCache:
				result, err = reg.Cache().Policy(ctx, abi.CacheRequest{Model: "m", Client: "c", Prompt: []byte("hi"), MaxTokens: 16, HasSeed: true})
			case abi.KindPricing:
				result, err = reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "m", PromptTokens: 100, MaxTokens: 200,
					Load: abi.LoadSnapshot{QueueDepth: 2, ActiveRequests: 4, Slots: 4}, UnixMillis: time.Now().UnixMilli()})
			case abi.KindProof:
				result, err = reg.Proof().Commit(ctx, abi.CommitRequest{Kind: abi.CommitFinal, JobID: "test", TokenEnd: 10})
			}
			if err != nil {
				return escaped(fmt.Errorf("sample %s call: %w", p.Kind(), err))
			}
			// The result holds what the plugin wrote (a currency, a reason,
			// text): escaped as a whole.
			fmt.Fprintf(out, "sample call in %s: %s\n", time.Since(t0).Round(time.Microsecond), plugin.Escape(fmt.Sprintf("%+v", result)))
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "expected kind (default: detect)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "plugin configuration key=value (repeatable)")
	return cmd
}

func pluginReloadCmd() *cobra.Command {
	var target adminTarget
	cmd := &cobra.Command{
		Use:   "reload NAME",
		Short: "Ask the running node to re-read its config and hot-swap plugin NAME",
		Long: "The node validates the new version (sha256 pin, ABI, self-test) and swaps it in for new\n" +
			"requests while in-flight ones finish on the old version; on failure the old version stays.\n" +
			"The request goes to the node's admin listener (admin.listen: by default the unix socket\n" +
			"<data_dir>/admin.sock), never its public API.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, _ := json.Marshal(map[string]string{"name": args[0]})
			resp, err := target.post("/admin/plugins/reload", body)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			if resp.StatusCode != http.StatusOK {
				var e struct {
					Error struct {
						Message string `json:"message"`
					} `json:"error"`
				}
				// The node's answer can quote the plugin (its errors, its
				// stderr): escaped.
				if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
					return fmt.Errorf("reload refused: %s", plugin.Escape(e.Error.Message))
				}
				return fmt.Errorf("reload refused: %s: %s", resp.Status, plugin.Escape(string(b)))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", plugin.Escape(string(bytes.TrimSpace(b))))
			return nil
		},
	}
	target.flags(cmd)
	return cmd
}

// escaped makes an error that quotes a plugin (its messages, its stderr,
// the names in a wasm stack trace) safe to print: the plugin package
// escapes what it puts in its own errors, and this escapes the rest.
func escaped(err error) error { return escapedError{err} }

type escapedError struct{ err error }

func (e escapedError) Error() string { return plugin.Escape(e.err.Error()) }
func (e escapedError) Unwrap() error { return e.err }
