package p2pnet

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

// BenchmarkDelivery is what carrying one piece of text costs each
// transport, with no engine behind it: a libp2p stream of wire frames on
// loopback (over TCP and over QUIC) against server-sent events shaped as
// the HTTP API's chunks, each piece written and flushed on its own and
// read by the client as it would. ns/op is per piece.
//
//	go test ./host/p2p/p2pnet -run '^$' -bench Delivery
func BenchmarkDelivery(b *testing.B) {
	const piece = " word"
	for _, tr := range []string{"tcp", "quic"} {
		b.Run("libp2p-"+tr, func(b *testing.B) {
			listen := []string{"/ip4/127.0.0.1/tcp/0"}
			if tr == "quic" {
				listen = []string{"/ip4/127.0.0.1/udp/0/quic-v1"}
			}
			srv := newNet(b, func(o *Options) { o.Listen = listen })
			cli := newNet(b, func(o *Options) { o.Listen = listen })
			proto := protocol.ID("/fabnode-bench/delivery/1")
			srv.Host.SetStreamHandler(proto, func(s network.Stream) {
				defer s.Close()
				var n uint32
				if err := json.NewDecoder(io.LimitReader(s, 64)).Decode(&n); err != nil {
					return
				}
				buf := []byte(nil)
				for range n {
					buf = wire.AppendFrame(buf[:0], wire.TText, []byte(piece))
					if _, err := s.Write(buf); err != nil {
						return
					}
				}
			})
			ctx := context.Background()
			if err := cli.Host.Connect(ctx, peer.AddrInfo{ID: srv.Host.ID(), Addrs: srv.Host.Addrs()}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			s, err := cli.Host.NewStream(ctx, srv.Host.ID(), proto)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(s, "%d\n", b.N)
			rd := bufio.NewReaderSize(s, 16<<10)
			var text strings.Builder
			for range b.N {
				f, err := wire.ReadFrame(rd, wire.DefaultMaxFrame)
				if err != nil {
					b.Fatal(err)
				}
				text.Write(f.Payload)
			}
			s.Close()
		})
	}
	b.Run("http-sse", func(b *testing.B) {
		type delta struct {
			Content *string `json:"content,omitempty"`
		}
		type choice struct {
			Index        int     `json:"index"`
			Delta        delta   `json:"delta"`
			FinishReason *string `json:"finish_reason"`
		}
		type chunk struct {
			ID      string   `json:"id"`
			Object  string   `json:"object"`
			Created int64    `json:"created"`
			Model   string   `json:"model"`
			Choices []choice `json:"choices"`
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscan(r.URL.Query().Get("n"), &n)
			w.Header().Set("Content-Type", "text/event-stream")
			rc := http.NewResponseController(w)
			p := piece
			for range n {
				b, _ := json.Marshal(chunk{ID: "chatcmpl-0123456789abcdef01234567", Object: "chat.completion.chunk", Created: 1, Model: "bench",
					Choices: []choice{{Delta: delta{Content: &p}}}})
				fmt.Fprintf(w, "data: %s\n\n", b)
				if rc.Flush() != nil {
					return
				}
			}
		}))
		defer srv.Close()
		b.ResetTimer()
		resp, err := http.Get(fmt.Sprintf("%s/?n=%d", srv.URL, b.N))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var text strings.Builder
		got := 0
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ch chunk
			if err := json.Unmarshal([]byte(line), &ch); err != nil {
				b.Fatal(err)
			}
			text.WriteString(*ch.Choices[0].Delta.Content)
			got++
		}
		if got != b.N {
			b.Fatalf("%d of %d chunks", got, b.N)
		}
	})
}
