package p2p_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// One streamed request as its client saw it.
type sample struct {
	ttft   time.Duration // to the first piece of text
	tokens int           // completion tokens
	last   time.Duration // to the last piece
}

// batch is `streams` concurrent requests and the wall time they took.
type batch struct {
	samples []sample
	wall    time.Duration
}

func (b batch) tokens() (n int) {
	for _, s := range b.samples {
		n += s.tokens
	}
	return n
}

// BenchmarkTransports streams the same greedy requests from one node over
// HTTP (SSE) and over libp2p (/fabnode/inference/1), 1 and 8 at a time,
// interleaved in every iteration, on the "bench" model with the pricing
// and proof plugins: time to first token, decode tokens per second (all
// streams together), and libp2p's figures over HTTP's.
//
//	go test ./host/p2p -run '^$' -bench Transports -benchtime 4x
func BenchmarkTransports(b *testing.B) {
	h := startHost(b, "bench", func(cfg *config.Config) {
		cfg.Engine.Parallel, cfg.Engine.ContextSize, cfg.API.MaxQueue = 8, 1024, 64
		cfg.P2P.AnnounceInterval = 10 * time.Second
	})
	// Go keeps off the cores llama.cpp computes on, as serve has it.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(node.GoProcs(h.n.Config, runtime.NumCPU())))
	c := newClient(b, h)
	ctx := context.Background()
	cd := c.Candidate(ctx, h.n.P2P.ID(), "")
	if cd.Err != nil {
		b.Fatal(cd.Err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	const tokens = 64
	prompt := 0
	body := func() []byte {
		prompt++ // a prompt of its own: no prefix reuse from the one before
		return chatBody(fmt.Sprintf("Story %d: tell me about the sea and the ships on it.", prompt), tokens)
	}
	run := func(streams int, one func([]byte) sample) batch {
		bodies := make([][]byte, streams)
		for i := range bodies {
			bodies[i] = body()
		}
		out := batch{samples: make([]sample, streams)}
		var wg sync.WaitGroup
		start := time.Now()
		for i := range streams {
			wg.Add(1)
			go func() { defer wg.Done(); out.samples[i] = one(bodies[i]) }()
		}
		wg.Wait()
		out.wall = time.Since(start)
		return out
	}
	viaHTTP := func(body []byte) sample { return httpStream(b, hc, h.url, body) }
	viaP2P := func(body []byte) sample {
		start := time.Now()
		var s sample
		a := c.Stream(ctx, cd, client.Request{Body: body}, client.Handler{OnText: func(peer.ID, string) {
			if s.ttft == 0 {
				s.ttft = time.Since(start)
			}
			s.last = time.Since(start)
		}})
		if a.Err != nil {
			b.Fatal(a.Err)
		}
		s.tokens = a.End.Usage.CompletionTokens
		return s
	}
	run(1, viaHTTP) // warm: the model's first use, the plugin instances
	run(1, viaP2P)
	for _, streams := range []int{1, 8} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			var hb, pb []batch
			for i := range b.N {
				if i%2 == 0 {
					hb, pb = append(hb, run(streams, viaHTTP)), append(pb, run(streams, viaP2P))
				} else {
					pb, hb = append(pb, run(streams, viaP2P)), append(hb, run(streams, viaHTTP))
				}
			}
			ht, pt := medianTTFT(hb), medianTTFT(pb)
			hr, pr := decodeRate(hb), decodeRate(pb)
			b.ReportMetric(float64(ht.Microseconds())/1000, "http_ttft_ms")
			b.ReportMetric(float64(pt.Microseconds())/1000, "p2p_ttft_ms")
			b.ReportMetric(hr, "http_tok/s")
			b.ReportMetric(pr, "p2p_tok/s")
			b.ReportMetric(pr/hr, "p2p/http_tok/s")
			b.ReportMetric(float64(ht)/float64(pt), "http/p2p_ttft")
			b.ReportMetric(endToEnd(pb)/endToEnd(hb), "p2p/http_e2e")
		})
	}
}

func medianTTFT(bs []batch) time.Duration {
	var all []time.Duration
	for _, b := range bs {
		for _, s := range b.samples {
			all = append(all, s.ttft)
		}
	}
	slices.Sort(all)
	return all[len(all)/2]
}

// decodeRate is the tokens after each stream's first, over the time from
// its first piece to its last, summed over the concurrent streams of a
// batch: the decode throughput; the median batch's.
func decodeRate(bs []batch) float64 {
	return medianBatch(bs, func(b batch) (r float64) {
		for _, s := range b.samples {
			if d := s.last - s.ttft; d > 0 {
				r += float64(s.tokens-1) / d.Seconds()
			}
		}
		return r
	})
}

// endToEnd is the median batch's tokens over its wall time: what a
// client gets, prompt processing and delivery included.
func endToEnd(bs []batch) float64 {
	return medianBatch(bs, func(b batch) float64 { return float64(b.tokens()) / b.wall.Seconds() })
}

// medianBatch is the median of rate over the batches.
func medianBatch(bs []batch, rate func(batch) float64) float64 {
	rates := make([]float64, 0, len(bs))
	for _, b := range bs {
		rates = append(rates, rate(b))
	}
	slices.Sort(rates)
	return rates[len(rates)/2]
}

// httpStream runs one streamed chat over the node's HTTP API.
func httpStream(tb testing.TB, hc *http.Client, url string, body []byte) sample {
	var m map[string]any
	json.Unmarshal(body, &m)
	m["stream"], m["stream_options"] = true, map[string]bool{"include_usage": true}
	body, _ = json.Marshal(m)
	start := time.Now()
	resp, err := hc.Post(url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var s sample
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || line == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
			Usage *struct {
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(line), &ch); err != nil {
			tb.Fatal(err)
		}
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
			if s.ttft == 0 {
				s.ttft = time.Since(start)
			}
			s.last = time.Since(start)
		}
		if ch.Usage != nil {
			s.tokens = ch.Usage.CompletionTokens
		}
	}
	if s.tokens == 0 {
		tb.Fatalf("HTTP %d: no usage", resp.StatusCode)
	}
	return s
}

// BenchmarkColdStartToFirstAnswer is a client's whole first contact: a
// new libp2p host, bootstrapping to one node, finding the model's hosts
// in the DHT and their announcements, quoting each, and streaming a
// one-token answer from the best: the time to that token.
//
//	go test ./host/p2p -run '^$' -bench ColdStart -benchtime 10x
func BenchmarkColdStartToFirstAnswer(b *testing.B) {
	h1 := startHost(b, "a", nil)
	h2 := startHost(b, "a", bootstrapTo(h1))
	id := sha(b, "a")
	c := newClient(b, h1) // both hosts have provided the model before timing starts
	waitFor(b, "both providers", 15*time.Second, func() bool {
		d, _ := wire.ParseSHA256(id)
		return len(c.Net.FindProviders(context.Background(), d, 5)) == 2
	})
	_ = h2
	body := chatBody("Hello there.", 1)
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		k, _ := ethcrypto.GenerateKey()
		pk, _ := wire.PrivKey(k)
		n, err := p2pnet.New(p2pnet.Options{Listen: loopback, Bootstrap: []string{h1.addr()}, DHTMode: "client", Registerer: prometheus.NewRegistry()}, pk)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := n.Bootstrap(ctx); err != nil {
			b.Fatal(err)
		}
		for n.DHT.RoutingTable().Size() == 0 {
			time.Sleep(time.Millisecond)
		}
		cl := &client.Client{Net: n}
		cands, err := cl.Discover(ctx, id, client.DiscoverOptions{Want: 1})
		if err != nil {
			b.Fatal(err)
		}
		var first time.Duration
		if _, err := cl.Chat(ctx, cands, client.Request{Body: body}, client.Handler{OnText: func(peer.ID, string) {
			if first == 0 {
				first = time.Since(start)
			}
		}}); err != nil || first == 0 {
			b.Fatal(err, first)
		}
		total += first
		cancel()
		n.Close()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms_to_first_token")
}
