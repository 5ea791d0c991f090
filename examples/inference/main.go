// Command inference runs one completion on the real llama.cpp engine,
// in-process, and prints the text and the measured speed.
//
//	go run ./examples/inference                       # generates a small model first
//	go run ./examples/inference -model my.gguf -prompt "Hello"
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/modelgen"
)

func main() {
	model := flag.String("model", "", "GGUF file (default: generate the small test model)")
	prompt := flag.String("prompt", "Tell me about the river and the mountain.", "user message")
	maxTokens := flag.Int("max-tokens", 64, "tokens to generate")
	flag.Parse()

	path := *model
	if path == "" {
		var err error
		if path, err = modelgen.EnsurePreset("small", filepath.Join(os.TempDir(), "fabnode-example-small.gguf")); err != nil {
			log.Fatal(err)
		}
	}
	m, err := engine.Load(path, engine.Options{ContextSize: 1024}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	info := m.Info()
	fmt.Printf("model: %s (%s, %d parameters, %s) on %s\n", info.Name, info.Architecture, info.Parameters, info.Quantization, info.Devices[0].Description)

	format, _ := chat.Detect(info.ChatTemplate)
	tokens, err := m.TokenizePrompt(context.Background(), format.Render([]chat.Message{{Role: "user", Content: *prompt}}))
	if err != nil {
		log.Fatal(err)
	}
	req := engine.Request{
		Tokens:    tokens,
		MaxTokens: *maxTokens,
		Stop:      format.Stops,
		Sampling:  engine.DefaultSampling(),
	}
	start := time.Now()
	st, err := m.Generate(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	text, end := st.Collect(context.Background())
	elapsed := time.Since(start)
	if end.Err != nil {
		log.Fatal(end.Err)
	}
	fmt.Printf("\n%s\n\n", text)
	fmt.Printf("prompt tokens: %d, completion tokens: %d, finish: %s\n", end.Usage.PromptTokens, end.Usage.CompletionTokens, end.Finish)
	fmt.Printf("%.1f tok/s (%d tokens in %s, prompt included)\n", float64(end.Usage.CompletionTokens)/elapsed.Seconds(), end.Usage.CompletionTokens, elapsed.Round(time.Millisecond))
}
