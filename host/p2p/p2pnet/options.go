package p2pnet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Net. The zero value of each field means the default
// named beside it.
type Options struct {
	// Listen are the multiaddrs to listen on (duplicates are dropped:
	// go-libp2p panics on a repeated QUIC address). Empty: none, a
	// dial-only client.
	Listen []string
	// Bootstrap peers (multiaddrs ending in /p2p/<id>) are connected at
	// start and whenever the node has no peers; they seed the DHT.
	Bootstrap []string
	// Relays are static circuit relay v2 relays for the relay client;
	// empty: any connected peer that offers the relay service.
	Relays []string
	// MDNS finds peers on the LAN. It multicasts on every interface: never
	// in tests outside a network namespace.
	MDNS bool
	// MDNSName is the mDNS service name; "" = "fabnode".
	MDNSName string
	// RelayService relays for other peers (circuit relay v2), for peers
	// that are behind NAT. Off by default.
	RelayService bool
	// HolePunching upgrades relayed connections to direct ones (DCUtR).
	HolePunching bool
	// NATPortMap asks the LAN's router for a port mapping (UPnP, NAT-PMP).
	NATPortMap bool
	// Reachability: "" or "auto" (AutoNAT decides), "public" or "private".
	Reachability string
	// DHTMode: "" or "server" (answers DHT queries), "client", or "auto"
	// (server once AutoNAT finds the node reachable).
	DHTMode string

	// Resource limits. MaxConns bounds connections in all (the resource
	// manager refuses past it; the connection manager trims from 3/4 of
	// it down to 1/2); 0 = 256. MaxConnsPerPeer: 0 = 8.
	// MaxStreamsPerPeer bounds one peer's streams: 0 = 256. MaxMemory bounds
	// what the libp2p stack reserves: 0 = scaled to the machine.
	MaxConns, MaxConnsPerPeer, MaxStreamsPerPeer int
	MaxMemory                                    int64
	// ProtocolStreams bounds each peer's inbound streams of a protocol (the
	// resource manager resets those past it), with ProtocolMemory bytes for
	// each stream (0 = 2 MiB).
	ProtocolStreams map[protocol.ID]int
	ProtocolMemory  int64

	// Announcements: envelopes over MaxAnnounceBytes (0 = 64 KiB), older
	// than AnnounceTTL (0 = 2m) or more than AnnounceSkew (0 = 30s) ahead
	// of this clock are dropped.
	MaxAnnounceBytes int
	AnnounceTTL      time.Duration
	AnnounceSkew     time.Duration

	// Registry lists hosts from the chain's NodeRegistry; nil: none. It is
	// read at start and every RegistryInterval (0 = 5m).
	Registry         Registry
	RegistryInterval time.Duration

	// Registerer takes the libp2p metrics and the Net's own; nil: no
	// metrics. A node passes its own registry (never the global default).
	Registerer prometheus.Registerer
	Log        hclog.Logger
}

// Registry lists the hosts of the chain's NodeRegistry, whose entries
// carry each host's peer id and multiaddrs (host/node implements it over
// chain.HostDirectory); each is dialled like a bootstrap peer.
type Registry interface {
	Peers(ctx context.Context) ([]peer.AddrInfo, error)
}

func (o Options) withDefaults() Options {
	if o.MDNSName == "" {
		o.MDNSName = "fabnode"
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 256
	}
	if o.MaxConnsPerPeer <= 0 {
		o.MaxConnsPerPeer = 8
	}
	if o.MaxStreamsPerPeer <= 0 {
		o.MaxStreamsPerPeer = 256
	}
	if o.ProtocolMemory <= 0 {
		o.ProtocolMemory = 2 << 20
	}
	if o.MaxAnnounceBytes <= 0 {
		o.MaxAnnounceBytes = 64 << 10
	}
	if o.AnnounceTTL <= 0 {
		o.AnnounceTTL = 2 * time.Minute
	}
	if o.AnnounceSkew <= 0 {
		o.AnnounceSkew = 30 * time.Second
	}
	if o.RegistryInterval <= 0 {
		o.RegistryInterval = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = hclog.NewNullLogger()
	}
	return o
}

// ListenAddrs parses the listen addresses, dropping duplicates. Errors
// name the key and index as the config file has them (p2p.listen[i]).
func ListenAddrs(list []string) ([]ma.Multiaddr, error) {
	var out []ma.Multiaddr
	seen := map[string]bool{}
	var errs []error
	for i, s := range list {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("p2p.listen[%d] %q is not a multiaddr: %v", i, s, err))
			continue
		}
		if _, err := a.ValueForProtocol(ma.P_P2P); err == nil {
			errs = append(errs, fmt.Errorf("p2p.listen[%d] %q names a peer: listen on an address, not a peer", i, s))
			continue
		}
		if seen[a.String()] {
			continue
		}
		seen[a.String()] = true
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}

// PeerAddrs parses multiaddrs that each end in /p2p/<id> (bootstrap peers,
// relays) into one AddrInfo per peer. key names them in errors.
func PeerAddrs(key string, list []string) ([]peer.AddrInfo, error) {
	var addrs []ma.Multiaddr
	var errs []error
	for i, s := range list {
		a, err := ma.NewMultiaddr(s)
		if err == nil {
			_, err = a.ValueForProtocol(ma.P_P2P)
			if err != nil {
				err = errors.New("it must end in /p2p/<peer id>")
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d] %q: %v", key, i, s, err))
			continue
		}
		addrs = append(addrs, a)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(addrs...)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", key, err))
	}
	return infos, errors.Join(errs...)
}

// Check validates the options without starting anything.
func (o Options) Check() error {
	_, err1 := ListenAddrs(o.Listen)
	_, err2 := PeerAddrs("p2p.bootstrap", o.Bootstrap)
	_, err3 := PeerAddrs("p2p.relays", o.Relays)
	var err4, err5 error
	switch o.Reachability {
	case "", "auto", "public", "private":
	default:
		err4 = fmt.Errorf("p2p.reachability %q: want auto, public or private", o.Reachability)
	}
	switch o.DHTMode {
	case "", "server", "client", "auto":
	default:
		err5 = fmt.Errorf("p2p.dht_mode %q: want server, client or auto", o.DHTMode)
	}
	return errors.Join(err1, err2, err3, err4, err5)
}
