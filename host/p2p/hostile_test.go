package p2p_test

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	lhost "github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// A peer that sends malformed, oversized and slow frames, and opens
// streams in a flood, is refused each time, and another peer's request
// runs alongside to the same answer as over HTTP.
func TestHostilePeer(t *testing.T) {
	const perPeer = 4
	h := startHost(t, "a", func(cfg *config.Config) {
		cfg.P2P.FrameTimeout, cfg.P2P.MaxFrameBytes, cfg.P2P.MaxRequestsPerPeer = 500*time.Millisecond, 64<<10, perPeer
	})
	target := h.n.P2P.Net().Host
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rogue, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	defer rogue.Close()
	if err := rogue.Connect(ctx, peer.AddrInfo{ID: target.ID(), Addrs: target.Addrs()}); err != nil {
		t.Fatal(err)
	}
	open := func() network.Stream {
		st, err := rogue.NewStream(ctx, target.ID(), wire.InferenceProtocol)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// answer is the host's last frame on a stream: it must be an error.
	answer := func(st network.Stream) *wire.Error {
		t.Helper()
		defer st.Reset()
		st.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			f, err := wire.ReadFrame(st, wire.DefaultMaxFrame)
			if err != nil {
				t.Fatalf("no error frame: %v", err)
			}
			if f.Type == wire.TError {
				var e wire.Error
				if err := f.Decode(&e); err != nil {
					t.Fatal(err)
				}
				return &e
			}
		}
	}
	raw := func(b []byte) network.Stream {
		st := open()
		if _, err := st.Write(b); err != nil {
			t.Fatal(err)
		}
		return st
	}
	frame := func(ty wire.Type, p []byte) []byte { return wire.AppendFrame(nil, ty, p) }
	request := func(hdr wire.RequestHeader, body []byte) []byte {
		p, _ := wire.EncodeRequest(hdr, body)
		return frame(wire.TRequest, p)
	}
	body := chatBody("Tell me a long story about the sea.", 60)
	want, _ := httpAnswer(t, h, body)

	cases := []struct {
		name, kind string
		send       []byte
	}{
		{"a frame of an unknown type", wire.KindInvalid, frame(0x7f, []byte("hi"))},
		{"a receipt first", wire.KindInvalid, frame(wire.TReceipt, []byte("{}"))},
		{"a frame of length 0", wire.KindInvalid, []byte{0, 0, 0, 0}},
		{"a header that is not JSON", wire.KindInvalid, frame(wire.TRequest, []byte{3, 'a', 'b', 'c'})},
		{"an unknown endpoint", wire.KindInvalid, request(wire.RequestHeader{Endpoint: "embeddings"}, body)},
		{"a body that is not JSON", "invalid", request(wire.RequestHeader{Endpoint: wire.EndpointChat}, []byte(`{"messages":`))},
		{"a bad payment", wire.KindInvalid, request(wire.RequestHeader{Endpoint: wire.EndpointChat, Payment: &wire.Payment{Session: "-1", Signature: "0x"}}, body)},
		{"a model it does not serve", wire.KindUnknown, request(wire.RequestHeader{Endpoint: wire.EndpointChat, ModelSHA256: sha(t, "b")}, body)},
		{"a frame over the limit", wire.KindTooLarge, binary.BigEndian.AppendUint32(nil, 10<<20)},
	}
	for _, c := range cases {
		if e := answer(raw(c.send)); e.Kind != c.kind {
			t.Errorf("%s: %+v, want kind %s", c.name, e, c.kind)
		}
	}
	// Slow frames: half a length prefix, or a frame trickled byte by
	// byte, time out after frame_timeout.
	for _, name := range []string{"half a prefix", "a trickled frame"} {
		start := time.Now()
		st := raw([]byte{0, 0})
		if name == "a trickled frame" {
			go func() {
				b := request(wire.RequestHeader{Endpoint: wire.EndpointChat}, body)[2:]
				for i := range b {
					if _, err := st.Write(b[i : i+1]); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}
		if e := answer(st); e.Kind != wire.KindTimeout || time.Since(start) < 400*time.Millisecond || time.Since(start) > 5*time.Second {
			t.Errorf("%s: %+v after %s", name, e, time.Since(start))
		}
	}
	// A frame the client may not send while the response streams ends it.
	st := raw(request(wire.RequestHeader{Endpoint: wire.EndpointChat}, chatBody("Count to a thousand.", 900)))
	if f, err := wire.ReadFrame(st, wire.DefaultMaxFrame); err != nil || f.Type != wire.THead {
		t.Fatalf("%v %v", f.Type, err)
	}
	wire.WriteFrame(st, wire.TQuoteRequest, []byte("{}"))
	if e := answer(st); e.Kind != wire.KindInvalid {
		t.Errorf("a frame mid-response: %+v", e)
	}
	waitFor(t, "the slot freed", 5*time.Second, func() bool { return busy(h) == 0 })

	// The flood: far more streams than one peer may hold, each sending
	// nothing. The resource manager resets those past the limit; the rest
	// time out. Another peer's request meanwhile gets its whole answer.
	c := newClient(t, h)
	cd := c.Candidate(ctx, target.ID(), "")
	refused, timedOut := flood(ctx, rogue, target.ID(), 40)
	var good client.Attempt
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(100 * time.Millisecond) // the flood's streams are open, and held for frame_timeout
		good = c.Stream(ctx, cd, client.Request{Body: body}, client.Handler{})
	}()
	r, to := <-refused, <-timedOut
	wg.Wait()
	if good.Err != nil || good.Text != want {
		t.Fatalf("the other peer's request during the flood: %v %q, want %q", good.Err, good.Text, want)
	}
	if to > perPeer || r < 40-perPeer {
		t.Errorf("flood of 40: %d refused, %d held until their frame timeout (limit %d per peer)", r, to, perPeer)
	}
	t.Logf("flood of 40 streams: %d refused by the resource manager, %d timed out", r, to)
	// The limit frees once the streams end: the same peer is served again.
	if e := answer(raw(frame(0x7f, nil))); e.Kind != wire.KindInvalid {
		t.Errorf("after the flood: %+v", e)
	}
}

// flood opens n inference streams from h to p at once and sends nothing;
// it reports how many were refused (reset or not opened) and how many got
// the host's timeout error.
func flood(ctx context.Context, h lhost.Host, p peer.ID, n int) (<-chan int, <-chan int) {
	refused, timedOut := make(chan int, 1), make(chan int, 1)
	go func() {
		var mu sync.Mutex
		var r, to int
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok := false
				if st, err := h.NewStream(ctx, p, wire.InferenceProtocol); err == nil {
					st.SetReadDeadline(time.Now().Add(10 * time.Second))
					f, err := wire.ReadFrame(st, wire.DefaultMaxFrame)
					ok = err == nil && f.Type == wire.TError
					var se *network.StreamError
					if err != nil && !errors.As(err, &se) && !errors.Is(err, network.ErrReset) {
						ok = false
					}
					st.Reset()
				}
				mu.Lock()
				if ok {
					to++
				} else {
					r++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		refused <- r
		timedOut <- to
	}()
	return refused, timedOut
}
