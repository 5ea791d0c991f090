package node

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/go-hclog"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/p2p"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// P2PConfig turns the config's p2p block into the libp2p service's
// config. Requests over libp2p share api.request_timeout with HTTP, and
// the announcement names chain.api_url as the node's public API.
func P2PConfig(cfg *config.Config) p2p.Config {
	c := cfg.P2P
	return p2p.Config{
		Net: p2pnet.Options{
			Listen: c.Listen, Bootstrap: c.Bootstrap, Relays: c.Relays,
			MDNS: c.MDNS, RelayService: c.RelayService, HolePunching: c.HolePunching, NATPortMap: c.NATPortMap,
			Reachability: c.Reachability, DHTMode: c.DHTMode,
			MaxConns: c.MaxConns, MaxConnsPerPeer: c.MaxConnsPerPeer, MaxStreamsPerPeer: c.MaxStreamsPerPeer,
			MaxMemory: int64(c.MaxMemory), AnnounceTTL: c.AnnounceTTL,
		},
		AnnounceInterval: c.AnnounceInterval, ReprovideInterval: c.ReprovideInterval,
		FrameTimeout: c.FrameTimeout, WriteTimeout: c.WriteTimeout, RequestTimeout: cfg.API.RequestTimeout,
		MaxFrameBytes: int(c.MaxFrameBytes), MaxRequestsPerPeer: c.MaxRequestsPerPeer,
		APIURL: cfg.Chain.APIURL,
	}
}

// newP2P prepares the node's libp2p host (started with the node's other
// services) when p2p.enabled is set; nil when it is not. Its identity is
// the node key, its metrics go to the node's registry, and it serves the
// node's inference service.
func newP2P(n *Node) (*p2p.Service, error) {
	if !n.Config.P2P.Enabled {
		return nil, nil
	}
	cfg := P2PConfig(n.Config)
	n.registry = &registryPeers{self: n.Key.Address(), log: n.Log.Named("p2p.registry")}
	cfg.Net.Registry = n.registry
	s, err := p2p.New(cfg, n.Key.PrivateKey(), n.Inference, n.API.Metrics().Registry, n.Log)
	if err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	return s, nil
}

// registryPeers is the chain's NodeRegistry as libp2p discovery reads it
// (p2pnet.Registry): each registered host's peer id and multiaddrs. Serve
// sets the directory once the chain is open, before the libp2p host
// starts; without a chain or chain.node_registry it lists nobody. A
// host's entry counts only when its peer id is its own key's: anyone can
// write any peer id into their entry, and a host found here is dialled as
// the address that registered it.
type registryPeers struct {
	self common.Address
	log  hclog.Logger

	mu  sync.Mutex
	dir *chain.HostDirectory
}

func (r *registryPeers) follow(dir *chain.HostDirectory) {
	r.mu.Lock()
	r.dir = dir
	r.mu.Unlock()
}

func (r *registryPeers) Peers(ctx context.Context) ([]peer.AddrInfo, error) {
	r.mu.Lock()
	dir := r.dir
	r.mu.Unlock()
	if dir == nil {
		return nil, nil
	}
	hosts, err := dir.Hosts(ctx)
	var out []peer.AddrInfo
	for _, h := range hosts {
		if h.Address == r.self || len(h.Info.PeerId) == 0 {
			continue
		}
		id, perr := peer.IDFromBytes(h.Info.PeerId)
		if perr == nil {
			var a common.Address
			if a, perr = wire.PeerAddress(id); perr == nil && a != h.Address {
				perr = fmt.Errorf("the peer id speaks for %s", a.Hex())
			}
		}
		if perr != nil {
			r.log.Debug("registry entry skipped: its peer id is not the host's key", "host", h.Address.Hex(), "error", perr)
			continue
		}
		ai := peer.AddrInfo{ID: id}
		for _, s := range h.Info.Multiaddrs {
			if m, err := multiaddr.NewMultiaddr(s); err == nil {
				ai.Addrs = append(ai.Addrs, m)
			}
		}
		out = append(out, ai)
	}
	return out, err
}

// P2PRegistration is what a NodeRegistry entry says of the node's libp2p
// host: its peer id (the node key's) and the listen addresses others can
// dial (unspecified ones, 0.0.0.0 and ::, say nothing and are left out),
// at most the registry's 8. Nothing when p2p is off.
func P2PRegistration(cfg *config.Config, key *ecdsa.PrivateKey) (peerID []byte, addrs []string, err error) {
	if !cfg.P2P.Enabled {
		return nil, nil, nil
	}
	id, err := wire.PeerID(key)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range cfg.P2P.Listen {
		m, err := multiaddr.NewMultiaddr(s)
		if err != nil {
			return nil, nil, fmt.Errorf("p2p.listen %q: %w", s, err)
		}
		tcp, _ := m.ValueForProtocol(multiaddr.P_TCP)
		udp, _ := m.ValueForProtocol(multiaddr.P_UDP)
		if manet.IsIPUnspecified(m) || tcp == "0" || udp == "0" || len(addrs) == 8 {
			continue // nobody can dial these (or there is no room)
		}
		addrs = append(addrs, m.String())
	}
	return []byte(id), addrs, nil
}
