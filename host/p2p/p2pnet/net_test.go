package p2pnet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

var loopback = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}

func newKey(t testing.TB) lcrypto.PrivKey {
	t.Helper()
	k, err := ethcrypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pk, err := wire.PrivKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func newNet(t testing.TB, edit func(*Options)) *Net {
	t.Helper()
	o := Options{Listen: loopback, Registerer: prometheus.NewRegistry()}
	if edit != nil {
		edit(&o)
	}
	n, err := New(o, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func addrOf(n *Net) string {
	return n.Host.Addrs()[0].String() + "/p2p/" + n.Host.ID().String()
}

func waitFor(t testing.TB, what string, d time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
	}
}

// go-libp2p panics on the same QUIC address twice; the node drops the
// duplicate instead, and names bad entries by key and index.
func TestListenAddressesAreDeduplicated(t *testing.T) {
	n := newNet(t, func(o *Options) {
		o.Listen = []string{"/ip4/127.0.0.1/udp/0/quic-v1", "/ip4/127.0.0.1/udp/0/quic-v1", "/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0"}
	})
	var direct int
	for _, a := range n.Host.Network().ListenAddresses() {
		if !strings.Contains(a.String(), "p2p-circuit") {
			direct++
		}
	}
	if got := direct; got != 2 {
		t.Errorf("%d listen addresses: %v", got, n.Host.Network().ListenAddresses())
	}
	_, err := New(Options{Listen: []string{"/ip4/127.0.0.1/tcp/0", "/ip4/1.2.3/tcp/1"}, Bootstrap: []string{"/ip4/127.0.0.1/tcp/1"}, DHTMode: "full"}, newKey(t))
	for _, want := range []string{`p2p.listen[1] "/ip4/1.2.3/tcp/1" is not a multiaddr`, `p2p.bootstrap[0] "/ip4/127.0.0.1/tcp/1": it must end in /p2p/<peer id>`, `p2p.dht_mode "full"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

// A rogue peer publishes announcements that are forged (naming another
// peer, or replaying another's envelope), stale, from the future,
// oversized and unsigned: every receiver drops each one and keeps the
// honest host's, and the rogue's own valid one still gets through.
func TestAnnouncementsForgedAndStaleAreDropped(t *testing.T) {
	ttl := 10 * time.Second
	host := newNet(t, func(o *Options) { o.AnnounceTTL = ttl })
	recv := newNet(t, func(o *Options) { o.AnnounceTTL = ttl; o.Bootstrap = []string{addrOf(host)} })

	// The rogue speaks gossipsub without fabnode's validator.
	rogueKey := newKey(t)
	rh, err := libp2p.New(libp2p.Identity(rogueKey), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	defer rh.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// An attacker floods its messages to every topic peer, not only to its
	// mesh (gossipsub v0.19's default), which may not yet hold both peers
	// this soon after they connect.
	rps, err := pubsub.NewGossipSub(ctx, rh, pubsub.WithFloodPublish(true))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := rps.Join(wire.AnnounceTopic)
	if err != nil {
		t.Fatal(err)
	}
	rsub, _ := rt.Subscribe()
	for _, n := range []*Net{host, recv} {
		if err := rh.Connect(ctx, peer.AddrInfo{ID: n.Host.ID(), Addrs: n.Host.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "topic peers", 10*time.Second, func() bool {
		return len(rt.ListPeers()) == 2 && len(host.TopicPeers()) == 2 && len(recv.TopicPeers()) == 2
	})

	sum := sha256.Sum256([]byte("model"))
	model := wire.AnnouncedModel{Name: "tiny", SHA256: hex.EncodeToString(sum[:]), Slots: 2, Free: 2,
		Price: &wire.Price{InputNanosPerToken: 100, OutputNanosPerToken: 300, Currency: "USD"}}
	// The first messages on a new gossipsub link can be lost, as in the
	// field: hosts repeat theirs, and so does this test until it arrives.
	republish := func(what string, publish func() error, arrived func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !arrived(); time.Sleep(100 * time.Millisecond) {
			if err := publish(); err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never seen after 10s of publishing", what)
			}
		}
	}
	// The rogue captures the host's envelope from the topic. It may miss
	// the first publications on its new link, so the host repeats its
	// announcement until both the receiver and the rogue have one.
	capturedc := make(chan []byte, 1)
	go func() {
		for {
			m, err := rsub.Next(ctx)
			if err != nil {
				return
			}
			if m.GetFrom() == host.Host.ID() {
				capturedc <- m.Data
				return
			}
		}
	}()
	var captured []byte
	republish("the host's announcement", func() error {
		return host.Publish(ctx, wire.Announcement{Models: []wire.AnnouncedModel{model}})
	}, func() bool {
		if captured == nil {
			select {
			case captured = <-capturedc:
			default:
			}
		}
		_, ok := recv.Announcements.Get(host.Host.ID())
		return ok && captured != nil
	})

	rogue, _ := peer.IDFromPrivateKey(rogueKey)
	seal := func(a wire.Announcement) []byte {
		b, err := a.Seal(rogueKey)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cheap := model
	cheap.Price = &wire.Price{Currency: "USD"}
	// The rogue's link is up: its own valid announcement reaches both.
	republish("the rogue's announcement", func() error {
		return rt.Publish(ctx, seal(wire.Announcement{Peer: rogue.String(), UnixMillis: time.Now().UnixMilli(), Models: []wire.AnnouncedModel{cheap}}))
	}, func() bool {
		_, ok1 := recv.Announcements.Get(rogue)
		_, ok2 := host.Announcements.Get(rogue)
		return ok1 && ok2
	})
	// Each bad message is published until both nodes have dropped it for
	// its reason: a message may be lost on a link, and a fresh publication
	// (a new sequence number) is a new message to drop.
	now := time.Now()
	bad := []struct {
		what, reason string
		data         []byte
	}{
		{"an announcement naming the host", "forged", seal(wire.Announcement{Peer: host.Host.ID().String(), UnixMillis: now.UnixMilli(), Models: []wire.AnnouncedModel{cheap}})},
		{"the host's own envelope, replayed", "forged", captured}, // signed by the host, published by the rogue
		{"a stale announcement", "stale", seal(wire.Announcement{Peer: rogue.String(), UnixMillis: now.Add(-time.Minute).UnixMilli()})},
		{"an announcement from the future", "from the future", seal(wire.Announcement{Peer: rogue.String(), UnixMillis: now.Add(time.Hour).UnixMilli()})},
		{"an oversized announcement", "oversized", seal(wire.Announcement{Peer: rogue.String(), UnixMillis: now.UnixMilli(), APIURL: strings.Repeat("x", 100<<10)})},
		{"bytes that are no envelope", "bad signature", []byte("not an envelope")},
	}
	published := map[string]int{} // by reason
	for _, c := range bad {
		before := []int{host.Dropped(c.reason), recv.Dropped(c.reason)}
		republish(c.what, func() error { published[c.reason]++; return rt.Publish(ctx, c.data) }, func() bool {
			return host.Dropped(c.reason) > before[0] && recv.Dropped(c.reason) > before[1]
		})
	}
	// No message is counted twice, nor for another reason than its own.
	for _, n := range []*Net{host, recv} {
		for reason, sent := range published {
			got := int(testutil.ToFloat64(n.metrics.announcements.WithLabelValues(reason)))
			if got > sent {
				t.Errorf("fabnode_p2p_announcements_total{result=%q} = %d, for %d publications", reason, got, sent)
			}
		}
		if got := n.Dropped("other"); got != 0 {
			t.Errorf("%d announcements dropped for no named reason", got)
		}
	}
	e, _ := recv.Announcements.Get(host.Host.ID())
	if p := e.Announcement.Models[0].Price; p.OutputNanosPerToken != 300 {
		t.Errorf("the host's announcement was replaced: %+v", p)
	}
	if l := recv.Announcements.List(); len(l) != 2 {
		t.Errorf("entries %v", l)
	}
}
