package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/gguf"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
)

func modelCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "model", Short: "Generate, fetch and inspect models"}
	cmd.AddCommand(modelGenCmd(), modelPullCmd(), modelListCmd(), modelInfoCmd())
	return cmd
}

func modelGenCmd() *cobra.Command {
	var (
		preset, out, typ                             string
		seed                                         uint64
		vocab, embd, layers, ff, heads, kvHeads, ctx int
	)
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Write a small deterministic GGUF model (llama architecture, seeded weights)",
		Long: "Generated models are real llama-architecture networks with random weights: llama.cpp\n" +
			"loads and runs them like any checkpoint, so tests and benchmarks need no download.\n" +
			"Presets: " + strings.Join(modelgen.PresetNames(), ", ") + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, ok := modelgen.Presets[preset]
			if !ok {
				return fmt.Errorf("unknown preset %q (known: %s)", preset, strings.Join(modelgen.PresetNames(), ", "))
			}
			fl := cmd.Flags()
			override := func(name string, dst *int, v int) {
				if fl.Changed(name) {
					*dst = v
				}
			}
			override("vocab", &spec.VocabSize, vocab)
			override("embedding", &spec.Embedding, embd)
			override("layers", &spec.Layers, layers)
			override("feed-forward", &spec.FeedForward, ff)
			override("heads", &spec.Heads, heads)
			override("kv-heads", &spec.KVHeads, kvHeads)
			override("context", &spec.ContextLength, ctx)
			if fl.Changed("seed") {
				spec.Seed = seed
			}
			if fl.Changed("type") {
				t, err := gguf.ParseTensorType(typ)
				if err != nil {
					return err
				}
				spec.WeightType = t
				spec.Name += "-" + strings.ToLower(t.String())
			}
			if out == "" {
				out = filepath.Join("models", spec.Name+".gguf")
			}
			sum, err := modelgen.Generate(spec, out)
			if err != nil {
				return err
			}
			fi, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\t%.1f MB\tsha256 %s\n", out, float64(fi.Size())/1e6, sum)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", "small", "size preset")
	f.StringVarP(&out, "out", "o", "", "output path (default models/<name>.gguf)")
	f.StringVar(&typ, "type", "f32", "weight type: f32, f16, q8_0, q4_0")
	f.Uint64Var(&seed, "seed", 0, "weight seed (default: the preset's)")
	f.IntVar(&vocab, "vocab", 0, "vocabulary size")
	f.IntVar(&embd, "embedding", 0, "hidden size")
	f.IntVar(&layers, "layers", 0, "transformer blocks")
	f.IntVar(&ff, "feed-forward", 0, "feed-forward size")
	f.IntVar(&heads, "heads", 0, "attention heads")
	f.IntVar(&kvHeads, "kv-heads", 0, "key/value heads")
	f.IntVar(&ctx, "context", 0, "trained context length recorded in the file")
	return cmd
}

func modelPullCmd() *cobra.Command {
	var sha, out string
	var unverified bool
	cmd := &cobra.Command{
		Use:   "pull URL",
		Short: "Download a model with resume, progress and SHA-256 verification",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			url := args[0]
			if out == "" {
				out = filepath.Join("models", filepath.Base(strings.SplitN(url, "?", 2)[0]))
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			bar := fetch.NewBar(cmd.ErrOrStderr(), filepath.Base(out))
			res, err := fetch.Download(ctx, url, out, sha, fetch.Options{Progress: bar.Update, AllowUnverified: unverified,
				OnWait: func() { fmt.Fprintf(cmd.ErrOrStderr(), "another process is downloading %s; waiting for it\n", out) }})
			bar.Finish(err)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\t%d bytes\tsha256 %s\n", out, res.Size, res.SHA256)
			return nil
		},
	}
	cmd.Flags().StringVar(&sha, "sha256", "", "expected SHA-256 of the file (required unless --unverified)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "destination path (default models/<file name>)")
	cmd.Flags().BoolVar(&unverified, "unverified", false, "accept the file without a pinned hash")
	return cmd
}

func modelListCmd() *cobra.Command {
	var cfgPath string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the models declared in the config and the state of their files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cfgPath, nil)
			if err != nil {
				return err
			}
			def, _ := cfg.DefaultModel()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDEFAULT\tFILE\tSTATE\tARCH\tPARAMS\tQUANT")
			for _, s := range node.ModelSpecs(cfg) {
				state, arch, params, quant := "present", "-", "-", "-"
				if g, err := gguf.ReadFile(s.Path); err != nil {
					state = "missing"
					if !os.IsNotExist(unwrapPath(err)) {
						state = "unreadable"
					}
				} else {
					arch, params, quant = g.String("general.architecture"), humanCount(g.ParamCount()), g.Quantization()
				}
				mark := ""
				if s.Name == def {
					mark = "*"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, mark, s.Path, state, arch, params, quant)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "config.hcl", "configuration file")
	return cmd
}

func modelInfoCmd() *cobra.Command {
	var noHash bool
	cmd := &cobra.Command{
		Use:   "info FILE",
		Short: "Describe a GGUF file: architecture, size, quantization, template, hash",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			g, err := gguf.ReadFile(path)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			arch := g.String("general.architecture")
			ctxLen, _ := g.ArchUint("context_length")
			layers, _ := g.ArchUint("block_count")
			embd, _ := g.ArchUint("embedding_length")
			tmpl, detected := chat.Detect(g.String("tokenizer.chat_template"))
			tmplName := tmpl.Name
			if !detected {
				tmplName += " (fallback)"
			}
			fmt.Fprintf(w, "file\t%s\n", path)
			fmt.Fprintf(w, "name\t%s\n", g.String("general.name"))
			fmt.Fprintf(w, "architecture\t%s\n", arch)
			fmt.Fprintf(w, "parameters\t%s (%d)\n", humanCount(g.ParamCount()), g.ParamCount())
			fmt.Fprintf(w, "quantization\t%s\n", g.Quantization())
			fmt.Fprintf(w, "context length\t%d\n", ctxLen)
			fmt.Fprintf(w, "layers / embedding\t%d / %d\n", layers, embd)
			fmt.Fprintf(w, "tensors\t%d\n", len(g.Tensors))
			fmt.Fprintf(w, "chat template\t%s\n", tmplName)
			fmt.Fprintf(w, "gguf version\t%d\n", g.Version)
			if !noHash {
				sum, err := fetch.FileSHA256(path)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "sha256\t%s\n", sum)
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&noHash, "no-hash", false, "skip hashing the file")
	return cmd
}

func unwrapPath(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func humanCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
