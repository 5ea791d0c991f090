// Command streaming starts a fabnode in-process on a free port and streams
// a chat completion from it through the OpenAI Go client, printing tokens
// as they arrive, then time to first token and decode speed.
//
//	go run ./examples/streaming
//	go run ./examples/streaming -url http://127.0.0.1:8080 -model fabnode-small   # an already running node
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
)

func main() {
	url := flag.String("url", "", "base URL of a running node (default: start one in-process)")
	model := flag.String("model", "example", "model name")
	prompt := flag.String("prompt", "Write a short story about a green city.", "user message")
	maxTokens := flag.Int64("max-tokens", 96, "tokens to generate")
	flag.Parse()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if *url == "" {
		*url = startNode(ctx, *model)
	}
	client := openai.NewClient(option.WithBaseURL(*url+"/v1"), option.WithAPIKey("none"))
	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:         *model,
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(*prompt)},
		MaxTokens:     openai.Int(*maxTokens),
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	start := time.Now()
	var first, last time.Time
	chunks := 0
	var usage openai.CompletionUsage
	for stream.Next() {
		c := stream.Current()
		if len(c.Choices) > 0 && c.Choices[0].Delta.Content != "" {
			if chunks == 0 {
				first = time.Now()
			}
			last = time.Now()
			chunks++
			fmt.Print(c.Choices[0].Delta.Content)
		}
		if c.Usage.TotalTokens > 0 {
			usage = c.Usage
		}
	}
	if err := stream.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\n\n%d chunks, %d completion tokens\n", chunks, usage.CompletionTokens)
	if chunks > 1 {
		fmt.Printf("time to first token: %s, decode: %.1f tok/s\n", first.Sub(start).Round(time.Millisecond),
			float64(chunks-1)/last.Sub(first).Seconds())
	}
}

// startNode serves a generated model on a free loopback port.
func startNode(ctx context.Context, name string) string {
	path, err := modelgen.EnsurePreset("small", filepath.Join(os.TempDir(), "fabnode-example-small.gguf"))
	if err != nil {
		log.Fatal(err)
	}
	cfg := config.Default()
	cfg.Log.Level = "warn"
	data, err := os.MkdirTemp("", "fabnode-example-")
	if err != nil {
		log.Fatal(err)
	}
	cfg.Node.DataDir, cfg.Node.DevKey = data, true // a throwaway development key
	cfg.Models[name] = config.ModelConfig{Path: path, GPULayers: -1}
	n, err := node.New(cfg, config.NewLogger(cfg.Log, os.Stderr))
	if err != nil {
		log.Fatal(err)
	}
	if err := n.Prepare(ctx, nil); err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go n.Serve(ctx, ln, time.Second)
	return "http://" + ln.Addr().String()
}
