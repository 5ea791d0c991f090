package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/loadgen"
)

func benchCmd() *cobra.Command {
	var (
		url, model, bare, streams, label string
		responseFormat                   string
		requests, tokens, words, first   int
		ctxSize, threads, batch          int
		viaEngine                        bool
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure decode speed and time to first token of an endpoint or of the bare engine",
		Long: `bench measures, from the client's side, any OpenAI-compatible streaming
endpoint (--url, e.g. this node or Ollama) with 1..N concurrent streams,
or the bare in-process llama.cpp loop on a model file (--bare FILE).
Each line printed is tab-separated:
  label streams requests tokens aggregate_tok_s stream_decode_tok_s ttft_p50_ms ttft_p90_ms errors`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			out := cmd.OutOrStdout()
			if bare != "" {
				s, err := runInProcess(bare, viaEngine, requests, tokens, words, engine.Options{Parallel: 1, ContextSize: ctxSize, Threads: threads, BatchSize: batch})
				if err != nil {
					return err
				}
				printSummary(out, label, s)
				return nil
			}
			if url == "" {
				return fmt.Errorf("give --url of an endpoint or --bare MODEL_FILE")
			}
			for _, f := range strings.Split(streams, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || n < 1 {
					return fmt.Errorf("--streams: %q is not a positive number", f)
				}
				res := loadgen.Run(ctx, loadgen.Options{URL: url, Model: model, Streams: n, Requests: requests, MaxTokens: tokens, PromptWords: words, FirstRequest: first, ResponseFormat: responseFormat})
				for _, e := range res.Errors {
					fmt.Fprintln(cmd.ErrOrStderr(), "error:", e)
				}
				printSummary(out, label, res.Summarize())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "", "base URL of an OpenAI-compatible server")
	f.StringVar(&model, "model", "", "model name to request")
	f.StringVar(&bare, "bare", "", "run the bare engine loop on this GGUF file instead")
	f.StringVar(&streams, "streams", "1", "comma-separated concurrency levels")
	f.StringVar(&label, "label", "run", "label printed in the first column")
	f.StringVar(&responseFormat, "response-format", "", `ask for this response_format type ("markdown", "html", "plain", "json_object")`)
	f.IntVar(&requests, "requests", 4, "requests per stream")
	f.IntVar(&tokens, "tokens", 128, "max_tokens per request")
	f.IntVar(&words, "prompt-words", 48, "prompt length in words")
	f.IntVar(&first, "first-request", 0, "number the prompts from here, so that repeated runs against one server never repeat a prompt")
	f.BoolVar(&viaEngine, "engine", false, "with --bare: go through the engine's scheduler (in-process, no HTTP)")
	f.IntVar(&ctxSize, "ctx-size", 2048, "bare: context size")
	f.IntVar(&threads, "threads", 0, "bare: CPU threads (0 = all)")
	f.IntVar(&batch, "batch-size", 512, "bare: batch size")
	return cmd
}

// runInProcess loads path and runs the bare loop (or, with viaEngine, the
// engine's scheduler) over the same chat-templated prompts the endpoint
// runs get.
func runInProcess(path string, viaEngine bool, requests, tokens, words int, opts engine.Options) (loadgen.Summary, error) {
	if os.Getenv("GOMAXPROCS") == "" { // as serve does, so the figures compare
		runtime.GOMAXPROCS(engine.GoProcs(opts.Threads, opts.GPULayers > 0, runtime.NumCPU()))
	}
	m, err := engine.Load(path, opts, nil)
	if err != nil {
		return loadgen.Summary{}, err
	}
	defer m.Close()
	format, _ := chat.Detect(m.Info().ChatTemplate)
	var res loadgen.Result
	res.Options.Streams = 1
	start := time.Now()
	for i := 0; i < requests; i++ {
		p := format.Render([]chat.Message{{Role: "user", Content: loadgen.Prompt(words, i)}}).String()
		var sample loadgen.Sample
		if viaEngine {
			sample, err = engineSample(m, p, tokens)
		} else {
			var r engine.BareResult
			r, err = m.BareGenerate(p, tokens)
			sample = loadgen.Sample{TTFT: r.TTFT, Tokens: r.Tokens, DecodeTime: r.DecodeTime}
		}
		if err != nil {
			return loadgen.Summary{}, err
		}
		res.Samples = append(res.Samples, sample)
	}
	res.Wall = time.Since(start)
	return res.Summarize(), nil
}

func engineSample(m *engine.Model, prompt string, tokens int) (loadgen.Sample, error) {
	sp := engine.DefaultSampling()
	sp.Temperature = 0
	start := time.Now()
	st, err := m.Generate(context.Background(), engine.Request{Prompt: prompt, MaxTokens: tokens, Sampling: sp})
	if err != nil {
		return loadgen.Sample{}, err
	}
	var s loadgen.Sample
	var first time.Time
	for {
		e, ok := st.Next(context.Background())
		if !ok {
			return s, nil
		}
		if e.Err != nil {
			return s, e.Err
		}
		if e.Tokens > 0 {
			if s.Tokens == 0 {
				first = e.At
				s.TTFT = e.At.Sub(start)
			}
			s.Tokens++
			s.DecodeTime = e.At.Sub(first)
		}
	}
}

func printSummary(w interface{ Write([]byte) (int, error) }, label string, s loadgen.Summary) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", label, s.Streams, s.Requests, s.Tokens,
		s.AggregateTokS, s.StreamDecodeTokS, float64(s.TTFTMedian.Microseconds())/1000, float64(s.TTFTP90.Microseconds())/1000, s.Errors)
}
