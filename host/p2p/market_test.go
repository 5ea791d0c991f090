package p2p_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Three nodes on loopback, two serving model a and one model b, and a
// client bootstrapped to the first: the market end to end.
func TestMarket(t *testing.T) {
	h1 := startHost(t, "a", nil)
	h2 := startHost(t, "a", bootstrapTo(h1))
	h3 := startHost(t, "b", bootstrapTo(h1))
	hosts := []*host{h1, h2, h3}
	id := func(h *host) peer.ID { return h.n.P2P.ID() }
	c := newClient(t, h1)
	shaA, shaB := sha(t, "a"), sha(t, "b")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("discovery by model through the DHT", func(t *testing.T) {
		find := func(s string) []peer.ID {
			d, _ := wire.ParseSHA256(s)
			var out []peer.ID
			for _, ai := range c.Net.FindProviders(ctx, d, 10) {
				out = append(out, ai.ID)
			}
			slices.Sort(out)
			return out
		}
		wantA := []peer.ID{id(h1), id(h2)}
		slices.Sort(wantA)
		waitFor(t, "the providers of model a", 15*time.Second, func() bool { return slices.Equal(find(shaA), wantA) })
		waitFor(t, "the provider of model b", 15*time.Second, func() bool { return slices.Equal(find(shaB), []peer.ID{id(h3)}) })
	})

	t.Run("announcements", func(t *testing.T) {
		waitFor(t, "three announcements", 10*time.Second, func() bool { return len(c.Net.Announcements.List()) == 3 })
		for _, h := range hosts {
			e, ok := c.Net.Announcements.Get(id(h))
			if !ok {
				t.Fatalf("no announcement from %s", id(h))
			}
			a := e.Announcement
			if len(a.Models) != 1 || a.Models[0].Name != "tiny" || a.Models[0].Slots != 2 || a.Models[0].Free > 2 {
				t.Fatalf("announcement %+v", a)
			}
			_, q, ie := h.n.Inference.Quote(ctx, inference.QuoteQuery{Model: "tiny"})
			if ie != nil {
				t.Fatal(ie)
			}
			if p := a.Models[0].Price; p == nil || p.InputNanosPerToken != q.InputNanosPerToken || p.OutputNanosPerToken != q.OutputNanosPerToken || p.Currency != "USD" {
				t.Errorf("announced price %+v, the pricing plugin quotes %+v", p, q)
			}
			if len(a.Addrs) == 0 {
				t.Error("no addresses announced")
			}
		}
		if e, _ := c.Net.Announcements.Get(id(h3)); e.Announcement.Models[0].SHA256 != shaB {
			t.Errorf("h3 announces %s", e.Announcement.Models[0].SHA256)
		}
	})

	t.Run("libp2p metrics in the node's registry", func(t *testing.T) {
		resp, err := http.Get(h1.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"libp2p_swarm_", "libp2p_rcmgr_", "fabnode_p2p_peers ", `fabnode_p2p_announcements_total{result="accepted"}`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("/metrics has no %s", want)
			}
		}
	})

	t.Run("quotes", func(t *testing.T) {
		q, rtt, err := c.Quote(ctx, id(h2), wire.QuoteRequest{ModelSHA256: shaA, PromptTokens: 100, MaxTokens: 200})
		if err != nil {
			t.Fatal(err)
		}
		_, want, _ := h2.n.Inference.Quote(ctx, inference.QuoteQuery{Model: "tiny", PromptTokens: 100, MaxTokens: 200})
		if q.Model != "tiny" || q.ModelSHA256 != shaA || q.Price == nil || q.Price.InputNanosPerToken != want.InputNanosPerToken ||
			q.Price.OutputNanosPerToken != want.OutputNanosPerToken || q.Slots != 2 || rtt <= 0 {
			t.Fatalf("quote %+v (%s), the plugin's %+v", q, rtt, want)
		}
		if _, _, err := c.Quote(ctx, id(h3), wire.QuoteRequest{ModelSHA256: shaA}); err == nil || !strings.Contains(err.Error(), "unknown_model") {
			t.Fatalf("a model h3 does not serve: %v", err)
		}
		cands, err := c.Discover(ctx, shaA, client.DiscoverOptions{Want: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != 2 {
			t.Fatalf("candidates %+v", cands)
		}
		for _, cd := range cands {
			if cd.Err != nil || cd.Latency <= 0 || cd.Price == nil || cd.Model != "tiny" || cd.Slots != 2 || !slices.Contains(cd.Sources, "dht") || !slices.Contains(cd.Sources, "announcement") {
				t.Errorf("candidate %+v", cd)
			}
			if h := cd.Address; h != h1.n.Key.Address() && h != h2.n.Key.Address() {
				t.Errorf("candidate %s speaks for %s, neither host's address", cd.Peer, h)
			}
		}
		byName, err := c.Discover(ctx, "tiny", client.DiscoverOptions{Want: 3})
		if err != nil || len(byName) != 3 {
			t.Fatalf("by name: %d %v", len(byName), err)
		}
	})

	body := chatBody("Tell me a long story about the sea.", 120)
	want, usage := httpAnswer(t, h1, body)
	if want == "" {
		t.Fatal("empty HTTP answer")
	}

	t.Run("a streamed answer equals the HTTP answer", func(t *testing.T) {
		cd := c.Candidate(ctx, id(h1), shaA)
		var pieces int
		a := c.Stream(ctx, cd, client.Request{Body: body}, client.Handler{OnText: func(peer.ID, string) { pieces++ }})
		if a.Err != nil {
			t.Fatal(a.Err)
		}
		if a.Text != want {
			t.Fatalf("p2p %q\nHTTP %q", a.Text, want)
		}
		e := a.End
		if e.Usage.CompletionTokens != int(usage["completion_tokens"].(float64)) || e.Usage.PromptTokens != int(usage["prompt_tokens"].(float64)) {
			t.Errorf("usage %+v, HTTP %v", e.Usage, usage)
		}
		if pieces < 2 || a.Head == nil || a.Head.Model != "tiny" || e.Finish == "" || e.Quote == nil || e.CostNanos == nil || *e.CostNanos <= 0 {
			t.Errorf("%d pieces, head %+v, end %+v", pieces, a.Head, e)
		}
		var commits []inference.Commitment
		if err := json.Unmarshal(e.Commitments, &commits); err != nil || len(commits) == 0 || commits[len(commits)-1].Kind != "final" {
			t.Errorf("commitments %s: %v", e.Commitments, err)
		}
		if e.NodeAddress != h1.n.Key.Address().Hex() {
			t.Errorf("node address %s", e.NodeAddress)
		}
		if got := testutil.ToFloat64(h1.n.API.Metrics().TokensOut.WithLabelValues("tiny")); got < float64(2*e.Usage.CompletionTokens) {
			t.Errorf("the node's metrics counted %v tokens out, both answers have %d each", got, e.Usage.CompletionTokens)
		}
	})

	t.Run("cancellation frees the slot", func(t *testing.T) {
		cd := c.Candidate(ctx, id(h2), shaA)
		cancelled := func() float64 { return testutil.ToFloat64(h2.n.API.Metrics().Cancelled.WithLabelValues("tiny")) }
		out := func() float64 { return testutil.ToFloat64(h2.n.API.Metrics().TokensOut.WithLabelValues("tiny")) }
		before, outBefore := cancelled(), out()
		// The client's context ends after three pieces: the stream is reset.
		rctx, stop := context.WithCancel(ctx)
		var n atomic.Int32
		a := c.Stream(rctx, cd, client.Request{Body: chatBody("Count to a thousand.", 900)}, client.Handler{OnText: func(peer.ID, string) {
			if n.Add(1) == 3 {
				if busy(h2) != 1 {
					t.Errorf("busy %d while streaming", busy(h2))
				}
				stop()
			}
		}})
		if !errors.Is(a.Err, context.Canceled) {
			t.Fatalf("attempt: %v", a.Err)
		}
		waitFor(t, "the slot freed", 5*time.Second, func() bool { return busy(h2) == 0 && cancelled() == before+1 })
		if gen := out() - outBefore; gen >= 900 {
			t.Errorf("generated %v tokens after a cancel at the third piece", gen)
		}
		// A cancel frame, then closing the stream, stop it the same way.
		for _, how := range []string{"cancel frame", "close"} {
			st, err := c.Net.Host.NewStream(ctx, id(h2), wire.InferenceProtocol)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := wire.EncodeRequest(wire.RequestHeader{Endpoint: wire.EndpointChat}, chatBody("Count to a thousand.", 900))
			wire.WriteFrame(st, wire.TRequest, p)
			for i := 0; i < 3; i++ {
				if _, err := wire.ReadFrame(st, wire.DefaultMaxFrame); err != nil {
					t.Fatal(err)
				}
			}
			before := cancelled()
			if how == "close" {
				st.Close()
			} else {
				wire.WriteFrame(st, wire.TCancel, nil)
			}
			waitFor(t, how+": the slot freed", 5*time.Second, func() bool { return busy(h2) == 0 && cancelled() == before+1 })
			st.Reset()
		}
		// The slot serves the next request.
		if a := c.Stream(ctx, cd, client.Request{Body: body}, client.Handler{}); a.Err != nil || a.Text != want {
			t.Fatalf("after the cancels: %v %q", a.Err, a.Text)
		}
	})

	t.Run("failover when a host dies mid-stream", func(t *testing.T) {
		cands, err := c.Discover(ctx, shaA, client.DiscoverOptions{Want: 2})
		if err != nil || len(cands) != 2 {
			t.Fatalf("%v %v", cands, err)
		}
		// h2 first: it dies after four pieces.
		if cands[0].Peer != id(h2) {
			cands[0], cands[1] = cands[1], cands[0]
		}
		var pieces atomic.Int32
		var failed []string
		res, err := c.Chat(ctx, cands, client.Request{Body: body}, client.Handler{
			OnText: func(from peer.ID, _ string) {
				if from == id(h2) && pieces.Add(1) == 4 {
					h2.n.P2P.Net().Host.Close() // the host is gone: every connection drops
				}
			},
			OnFailover: func(from peer.ID, err error, received string, to peer.ID) {
				failed = append(failed, from.String()+" -> "+to.String())
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Host != id(h1) || res.Text != want || len(res.Attempts) != 2 || len(failed) != 1 {
			t.Fatalf("host %s, %d attempts, failovers %v, text %q", res.Host, len(res.Attempts), failed, res.Text)
		}
		dead := res.Attempts[0]
		if dead.Host != id(h2) || dead.Err == nil || dead.End != nil || dead.Pieces < 4 || !strings.HasPrefix(want, dead.Text) {
			t.Fatalf("the dead host's attempt: %+v", dead)
		}
		t.Logf("h2 died after %d pieces (%q); h1 answered all %d tokens", dead.Pieces, dead.Text, res.End.Usage.CompletionTokens)
	})
}

// A shutdown lets a libp2p stream in flight finish before the node stops.
func TestShutdownDrainsStreams(t *testing.T) {
	h := startHost(t, "a", nil)
	c := newClient(t, h)
	cd := c.Candidate(context.Background(), h.n.P2P.ID(), "")
	stopped := make(chan struct{})
	var once atomic.Bool
	a := c.Stream(context.Background(), cd, client.Request{Body: chatBody("A story, please.", 300)}, client.Handler{OnText: func(peer.ID, string) {
		if once.CompareAndSwap(false, true) {
			go func() { h.stop(); close(stopped) }() // SIGTERM, in effect
		}
	}})
	<-stopped
	if a.Err != nil || a.End == nil || a.End.Finish != "length" || a.End.Usage.CompletionTokens != 300 {
		t.Fatalf("the stream did not finish whole: %v %+v", a.Err, a.End)
	}
	if err := <-h.done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	h.done <- nil // for the cleanup
}
