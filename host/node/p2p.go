package node

import (
	"fmt"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/p2p"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
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
	s, err := p2p.New(P2PConfig(n.Config), n.Key.PrivateKey(), n.Inference, n.API.Metrics().Registry, n.Log)
	if err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	return s, nil
}
