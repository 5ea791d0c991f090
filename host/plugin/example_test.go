package plugin_test

import (
	"context"
	"crypto/ed25519"
	"log"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
)

// Example shows the calls the node makes: at start, on a config reload, and
// on the request path.
func Example() {
	ctx := context.Background()
	_, nodeKey, _ := ed25519.GenerateKey(nil)

	rt, err := plugin.NewRuntime(plugin.RuntimeConfig{CacheDir: "/var/cache/fabnode/wasm", Logger: hclog.Default()})
	if err != nil {
		log.Fatal(err)
	}
	reg := plugin.NewRegistry(rt, plugin.RegistryConfig{
		FallbackQuote: &abi.Quote{InputNanosPerToken: 100, OutputNanosPerToken: 300, Currency: "USD"},
		Signer:        plugin.Ed25519Signer(nodeKey),
	})
	defer reg.Close()
	// At start and after every config reload: the whole set of manifests.
	if err := reg.Apply(ctx, []plugin.Manifest{ /* from config.hcl */ }); err != nil {
		log.Print(err) // failed plugins are named; the others (and old versions) serve
	}
	store := cache.New(256<<20, nil)

	// Request path.
	if v, err := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Model: "m", Client: "c", Prompt: []byte("hi")}); v.Action == abi.ActionDeny {
		log.Print("refused: ", v.Reason, err)
		return
	}
	policy, _ := reg.Cache().Policy(ctx, abi.CacheRequest{Model: "m", Client: "c", Prompt: []byte("hi")})
	if answer, _, ok := store.Lookup(policy, nil /* engine embedding when policy.SimilarityThreshold > 0 */); ok {
		_ = answer
		return
	}
	quote, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: "m", PromptTokens: 12, MaxTokens: 256})
	if err != nil {
		log.Print("cannot price, refusing the job: ", err)
		return
	}
	_ = quote
	stream := reg.Safety().NewStream()
	defer stream.Close()
	for _, chunk := range [][]byte{[]byte("Hel"), []byte("lo")} {
		r, _ := stream.Filter(ctx, chunk)
		if r.Blocked {
			break // cut the response; r.Reason says why
		}
		_ = r.Emit // send to the client
	}
	final, _ := stream.Finish(ctx)
	_ = final.Emit
	out, _ := reg.Format().Format(ctx, abi.FormatRequest{Format: abi.FormatJSON, Text: []byte(`{"a":1}`)})
	store.Put(policy, out.Text, nil)
	commitment, _ := reg.Proof().Commit(ctx, abi.CommitRequest{Kind: abi.CommitFinal, JobID: "job-1", TokenEnd: 256})
	_ = commitment.Signature
}
