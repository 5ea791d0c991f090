package p2pnet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Net is a running libp2p host with fabnode's discovery: the DHT under
// its own protocol prefix, the announcement topic, mDNS, bootstrap and
// registry peers, and the reachability services.
type Net struct {
	Host   host.Host
	DHT    *dht.IpfsDHT
	PubSub *pubsub.PubSub
	// Announcements holds the verified host announcements received.
	Announcements *Table

	opts      Options
	key       lcrypto.PrivKey
	log       hclog.Logger
	topic     *pubsub.Topic
	sub       *pubsub.Subscription
	bootstrap []peer.AddrInfo
	mdns      mdns.Service
	metrics   *netMetrics

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ready chan struct{} // closed once Host is set

	mu       sync.Mutex
	observed []observation // our addresses as peers saw them, newest last
	onJoin   func()        // a peer joined the announcement topic
}

type observation struct {
	addr string
	by   peer.ID
	at   time.Time
}

// New starts a libp2p host with key as its identity (the node's secp256k1
// key: wire.PrivKey) and fabnode's discovery around it. Close stops it.
func New(opts Options, key lcrypto.PrivKey) (*Net, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	listen, _ := ListenAddrs(o.Listen)
	bootstrap, _ := PeerAddrs("p2p.bootstrap", o.Bootstrap)
	relays, _ := PeerAddrs("p2p.relays", o.Relays)

	rm, err := resourceManager(o)
	if err != nil {
		return nil, fmt.Errorf("p2p resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(max(1, o.MaxConns/2), max(2, o.MaxConns*3/4), connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		rm.Close()
		return nil, fmt.Errorf("p2p connection manager: %w", err)
	}
	lo := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.ResourceManager(rm),
		libp2p.ConnectionManager(cm),
		libp2p.UserAgent("fabnode"),
		libp2p.EnableRelay(),
		libp2p.EnableAutoNATv2(),
	}
	if len(listen) > 0 {
		lo = append(lo, libp2p.ListenAddrs(listen...))
	} else {
		lo = append(lo, libp2p.NoListenAddrs)
	}
	if o.Registerer != nil {
		lo = append(lo, libp2p.PrometheusRegisterer(o.Registerer))
	} else {
		lo = append(lo, libp2p.DisableMetrics())
	}
	if o.RelayService {
		// A relay is a public service: it also tells peers how they are
		// reachable (AutoNAT).
		lo = append(lo, libp2p.EnableRelayService(), libp2p.EnableNATService())
	}
	if o.HolePunching {
		lo = append(lo, libp2p.EnableHolePunching())
	}
	if o.NATPortMap {
		lo = append(lo, libp2p.NATPortMap())
	}
	switch o.Reachability {
	case "public":
		lo = append(lo, libp2p.ForceReachabilityPublic())
	case "private":
		lo = append(lo, libp2p.ForceReachabilityPrivate())
	}
	n := &Net{opts: o, key: key, log: o.Log, bootstrap: bootstrap, ready: make(chan struct{})}
	if len(relays) > 0 {
		lo = append(lo, libp2p.EnableAutoRelayWithStaticRelays(relays))
	} else {
		lo = append(lo, libp2p.EnableAutoRelayWithPeerSource(n.relayCandidates))
	}
	h, err := libp2p.New(lo...)
	if err != nil {
		return nil, fmt.Errorf("p2p host: %w", err)
	}
	n.Host = h
	close(n.ready)
	n.ctx, n.cancel = context.WithCancel(context.Background())
	fail := func(err error) (*Net, error) {
		n.Close()
		return nil, err
	}
	if err := n.watch(); err != nil {
		return fail(err)
	}

	mode := dht.ModeServer
	switch o.DHTMode {
	case "client":
		mode = dht.ModeClient
	case "auto":
		mode = dht.ModeAuto
	}
	dopts := []dht.Option{dht.Mode(mode), dht.ProtocolPrefix(wire.ProtocolPrefix)}
	if len(bootstrap) > 0 {
		dopts = append(dopts, dht.BootstrapPeers(bootstrap...))
	}
	if n.DHT, err = dht.New(h, dopts...); err != nil {
		return fail(fmt.Errorf("p2p DHT: %w", err))
	}
	n.Announcements = newTable(o.AnnounceTTL)
	n.metrics = newNetMetrics(n, o.Registerer)
	if err := n.joinAnnouncements(); err != nil {
		return fail(err)
	}
	if o.MDNS {
		n.mdns = mdns.NewMdnsService(h, o.MDNSName, mdnsNotifee{n})
		if err := n.mdns.Start(); err != nil {
			return fail(fmt.Errorf("p2p mDNS: %w", err))
		}
	}
	n.loop("bootstrap", time.Minute, true, func(ctx context.Context) { n.Bootstrap(ctx) })
	if o.Registry != nil {
		n.loop("registry", o.RegistryInterval, true, n.dialRegistry)
	}
	return n, nil
}

// resourceManager sets libp2p's scaled defaults, then the configured
// bounds over them.
func resourceManager(o Options) (network.ResourceManager, error) {
	scaling := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&scaling)
	for id, streams := range o.ProtocolStreams {
		mem := int64(streams) * o.ProtocolMemory
		scaling.AddProtocolPeerLimit(id,
			rcmgr.BaseLimit{StreamsInbound: streams, StreamsOutbound: streams, Streams: 2 * streams, Memory: mem},
			rcmgr.BaseLimitIncrease{})
	}
	sys := rcmgr.ResourceLimits{Conns: rcmgr.LimitVal(o.MaxConns), ConnsInbound: rcmgr.LimitVal(o.MaxConns), ConnsOutbound: rcmgr.LimitVal(o.MaxConns)}
	if o.MaxMemory > 0 {
		sys.Memory = rcmgr.LimitVal64(o.MaxMemory)
	}
	peerLimit := rcmgr.ResourceLimits{
		Conns: rcmgr.LimitVal(o.MaxConnsPerPeer), ConnsInbound: rcmgr.LimitVal(o.MaxConnsPerPeer), ConnsOutbound: rcmgr.LimitVal(o.MaxConnsPerPeer),
		Streams: rcmgr.LimitVal(o.MaxStreamsPerPeer), StreamsInbound: rcmgr.LimitVal(o.MaxStreamsPerPeer), StreamsOutbound: rcmgr.LimitVal(o.MaxStreamsPerPeer),
	}
	partial := rcmgr.PartialLimitConfig{System: sys, PeerDefault: peerLimit}
	limits := partial.Build(scaling.AutoScale())
	var ropts []rcmgr.Option
	if o.Registerer == nil {
		ropts = append(ropts, rcmgr.WithMetricsDisabled())
	}
	return rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits), ropts...)
}

// watch follows what identify tells us: the address each peer sees us at.
func (n *Net) watch() error {
	sub, err := n.Host.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted))
	if err != nil {
		return err
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		defer sub.Close()
		for {
			select {
			case <-n.ctx.Done():
				return
			case e, ok := <-sub.Out():
				if !ok {
					return
				}
				ev := e.(event.EvtPeerIdentificationCompleted)
				if ev.ObservedAddr != nil {
					n.observe(ev.ObservedAddr, ev.Peer)
				}
			}
		}
	}()
	return nil
}

func (n *Net) observe(a ma.Multiaddr, by peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.observed = slices.DeleteFunc(n.observed, func(o observation) bool { return o.by == by })
	n.observed = append(n.observed, observation{addr: a.String(), by: by, at: time.Now()})
	if len(n.observed) > 32 {
		n.observed = n.observed[len(n.observed)-32:]
	}
}

// loop runs f now (when first) and every d until Close.
func (n *Net) loop(name string, d time.Duration, first bool, f func(ctx context.Context)) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if first {
			f(n.ctx)
		}
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-n.ctx.Done():
				return
			case <-t.C:
				f(n.ctx)
			}
		}
	}()
}

// Bootstrap connects to the bootstrap peers it is not connected to, all
// at once, and refreshes the DHT's routing table once any is connected.
// It returns the number connected and the errors of the others.
func (n *Net) Bootstrap(ctx context.Context) (int, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	ok := 0
	for _, ai := range n.bootstrap {
		if ai.ID == n.Host.ID() {
			continue
		}
		if n.Host.Network().Connectedness(ai.ID) == network.Connected {
			ok++
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			err := n.Host.Connect(cctx, ai)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("bootstrap peer %s: %w", ai.ID, err))
				return
			}
			ok++
		}()
	}
	wg.Wait()
	if len(errs) > 0 && ctx.Err() == nil {
		n.log.Warn("bootstrap peers unreachable", "error", errors.Join(errs...))
	}
	if ok > 0 && n.DHT != nil {
		_ = n.DHT.Bootstrap(ctx)
	}
	return ok, errors.Join(errs...)
}

func (n *Net) dialRegistry(ctx context.Context) {
	peers, err := n.opts.Registry.Peers(ctx)
	if err != nil {
		n.log.Warn("reading the node registry", "error", err)
		return
	}
	for _, ai := range peers {
		if ai.ID == n.Host.ID() || len(ai.Addrs) == 0 {
			continue
		}
		n.Host.Peerstore().AddAddrs(ai.ID, ai.Addrs, 10*time.Minute)
		if n.Host.Network().Connectedness(ai.ID) != network.Connected {
			go func() {
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := n.Host.Connect(cctx, ai); err != nil {
					n.log.Debug("registry host unreachable", "peer", ai.ID, "error", err)
				}
			}()
		}
	}
}

// relayCandidates offers autorelay the connected peers that run the relay
// service.
func (n *Net) relayCandidates(ctx context.Context, num int) <-chan peer.AddrInfo {
	out := make(chan peer.AddrInfo, num)
	defer close(out)
	select {
	case <-n.ready:
	default:
		return out // still starting
	}
	for _, p := range n.Host.Network().Peers() {
		if len(out) == num {
			break
		}
		if ok, _ := n.Host.Peerstore().SupportsProtocols(p, relayHop); len(ok) > 0 {
			out <- n.Host.Peerstore().PeerInfo(p)
		}
	}
	return out
}

var relayHop protocol.ID = "/libp2p/circuit/relay/0.2.0/hop"

type mdnsNotifee struct{ n *Net }

func (m mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) {
	n := m.n
	if ai.ID == n.Host.ID() || n.ctx.Err() != nil {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
		defer cancel()
		if err := n.Host.Connect(ctx, ai); err != nil {
			n.log.Debug("mDNS peer unreachable", "peer", ai.ID, "error", err)
			return
		}
		n.log.Debug("mDNS peer connected", "peer", ai.ID)
	}()
}

// FindProviders returns up to max providers of a model from the DHT,
// within ctx.
func (n *Net) FindProviders(ctx context.Context, sha [32]byte, max int) []peer.AddrInfo {
	var out []peer.AddrInfo
	for ai := range n.DHT.FindProvidersAsync(ctx, wire.ModelCID(sha), max) {
		if ai.ID != n.Host.ID() {
			out = append(out, ai)
		}
	}
	return out
}

// Provide announces in the DHT that this node serves the model.
func (n *Net) Provide(ctx context.Context, sha [32]byte) error {
	return n.DHT.Provide(ctx, wire.ModelCID(sha), true)
}

// Close stops discovery and closes the host.
func (n *Net) Close() error {
	if n.cancel != nil {
		n.cancel()
	}
	var errs []error
	if n.mdns != nil {
		errs = append(errs, n.mdns.Close())
	}
	if n.sub != nil {
		n.sub.Cancel()
	}
	if n.topic != nil {
		_ = n.topic.Close() // fails while the subscription is still winding down; the host's close ends it all
	}
	if n.DHT != nil {
		errs = append(errs, n.DHT.Close())
	}
	if n.Host != nil {
		errs = append(errs, n.Host.Close())
	}
	n.wg.Wait()
	if n.metrics != nil {
		n.metrics.unregister()
	}
	return errors.Join(errs...)
}

// Context ends when the Net closes.
func (n *Net) Context() context.Context { return n.ctx }

// routingDiscovery is the DHT as a rendezvous for pubsub topics.
func (n *Net) routingDiscovery() *drouting.RoutingDiscovery {
	return drouting.NewRoutingDiscovery(n.DHT)
}
