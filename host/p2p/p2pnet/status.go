package p2pnet

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Status is what `fabnode p2p status` shows.
type Status struct {
	PeerID        string   `json:"peer_id"`
	Address       string   `json:"address"`      // the Ethereum address the peer id speaks for
	Reachability  string   `json:"reachability"` // unknown, public, private (AutoNAT's verdict)
	ListenAddrs   []string `json:"listen_addrs"`
	Addrs         []string `json:"addrs"`          // advertised to peers (relay addresses when private)
	ObservedAddrs []string `json:"observed_addrs"` // how peers see us (identify)
	Peers         int      `json:"peers"`
	Protocols     []string `json:"protocols"`
	DHT           struct {
		Mode         string `json:"mode"`
		RoutingTable int    `json:"routing_table"`
	} `json:"dht"`
	RelayService bool `json:"relay_service"`
	HolePunching bool `json:"hole_punching"`
	MDNS         bool `json:"mdns"`
	Hosts        int  `json:"hosts"` // live host announcements
}

// Peer is one connected peer, for `fabnode p2p peers`.
type Peer struct {
	PeerID    string   `json:"peer_id"`
	Address   string   `json:"address,omitempty"`
	Addrs     []string `json:"addrs"`     // the remote ends of our connections
	Direction string   `json:"direction"` // inbound, outbound
	Transport string   `json:"transport"` // tcp, quic, relay
	Limited   bool     `json:"limited"`   // a relayed connection with its data and time limits
	LatencyMS float64  `json:"latency_ms,omitempty"`
	Agent     string   `json:"agent,omitempty"`
	Host      bool     `json:"host"` // announces itself as a fabnode host
}

// Status reports the host's state.
func (n *Net) Status() Status {
	h := n.Host
	var s Status
	s.PeerID = h.ID().String()
	if a, err := wire.PeerAddress(h.ID()); err == nil {
		s.Address = a.Hex()
	}
	s.Reachability = "unknown"
	if r, ok := h.(interface{ Reachability() network.Reachability }); ok {
		s.Reachability = strings.ToLower(r.Reachability().String())
	}
	s.ListenAddrs = strs(h.Network().ListenAddresses())
	s.Addrs = strs(h.Addrs())
	n.mu.Lock()
	for _, o := range n.observed {
		if !slices.Contains(s.ObservedAddrs, o.addr) {
			s.ObservedAddrs = append(s.ObservedAddrs, o.addr)
		}
	}
	n.mu.Unlock()
	s.Peers = len(h.Network().Peers())
	for _, p := range h.Mux().Protocols() {
		s.Protocols = append(s.Protocols, string(p))
	}
	slices.Sort(s.Protocols)
	s.DHT.Mode = n.opts.DHTMode
	if s.DHT.Mode == "" {
		s.DHT.Mode = "server"
	}
	s.DHT.RoutingTable = n.DHT.RoutingTable().Size()
	s.RelayService, s.HolePunching, s.MDNS = n.opts.RelayService, n.opts.HolePunching, n.opts.MDNS
	s.Hosts = len(n.Announcements.List())
	return s
}

// Peers lists the connected peers.
func (n *Net) Peers() []Peer {
	h := n.Host
	var out []Peer
	for _, id := range h.Network().Peers() {
		p := Peer{PeerID: id.String()}
		if a, err := wire.PeerAddress(id); err == nil {
			p.Address = a.Hex()
		}
		for _, c := range h.Network().ConnsToPeer(id) {
			p.Addrs = append(p.Addrs, c.RemoteMultiaddr().String())
			st := c.Stat()
			p.Direction = strings.ToLower(st.Direction.String())
			p.Limited = p.Limited || st.Limited
			p.Transport = transportOf(c)
		}
		if l := h.Peerstore().LatencyEWMA(id); l > 0 {
			p.LatencyMS = float64(l.Microseconds()) / 1000
		}
		if v, err := h.Peerstore().Get(id, "AgentVersion"); err == nil {
			p.Agent, _ = v.(string)
		}
		_, p.Host = n.Announcements.Get(id)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Peer) int { return strings.Compare(a.PeerID, b.PeerID) })
	return out
}

func transportOf(c network.Conn) string {
	a := c.RemoteMultiaddr().String()
	switch {
	case strings.Contains(a, "/p2p-circuit"):
		return "relay"
	case strings.Contains(a, "/quic"):
		return "quic"
	case strings.Contains(a, "/tcp/"):
		return "tcp"
	}
	return "other"
}

// DirectConn reports whether the host holds a connection to p that is
// not relayed.
func (n *Net) DirectConn(p peer.ID) bool {
	for _, c := range n.Host.Network().ConnsToPeer(p) {
		if !c.Stat().Limited && transportOf(c) != "relay" {
			return true
		}
	}
	return false
}

// Direct tries for a direct connection to p when the host has only
// relayed ones, within wait: it closes them and dials p again, through
// the relay if need be. A peer starts hole punching (DCUtR) when a relayed
// connection comes in, but only once per connection and only when it
// already knows a public address of its own, so a relayed connection made
// early (by the DHT, say) is never upgraded. It reports whether a direct
// connection exists at the end.
func (n *Net) Direct(ctx context.Context, p peer.ID, wait time.Duration) bool {
	if n.DirectConn(p) {
		return true
	}
	conns := n.Host.Network().ConnsToPeer(p)
	if !n.opts.HolePunching || len(conns) == 0 {
		return false
	}
	for _, c := range conns {
		_ = c.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := n.Host.Connect(network.WithAllowLimitedConn(ctx, "hole punching"), n.Host.Peerstore().PeerInfo(p)); err != nil {
		return false
	}
	for !n.DirectConn(p) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(25 * time.Millisecond):
		}
	}
	return true
}

func strs[T interface{ String() string }](l []T) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		out = append(out, v.String())
	}
	return out
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil || m.Counter == nil {
		return 0
	}
	return m.Counter.GetValue()
}
