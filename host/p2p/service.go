package p2p

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/hashicorp/go-hclog"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Config is the node's libp2p side. Zero durations and sizes mean the
// defaults named beside them.
type Config struct {
	Net p2pnet.Options
	// AnnounceInterval is how often the node publishes its announcement
	// (also whenever a peer joins the topic); 0 = 30s.
	AnnounceInterval time.Duration
	// ReprovideInterval is how often each model's provider record is put
	// in the DHT again (records expire after 48 h); 0 = 12h.
	ReprovideInterval time.Duration
	// FrameTimeout bounds the arrival of a request frame once its stream
	// is open; 0 = 10s.
	FrameTimeout time.Duration
	// WriteTimeout bounds each frame the node writes (a client that stops
	// reading is gone); 0 = 30s.
	WriteTimeout time.Duration
	// RequestTimeout bounds one request; 0 = 10m.
	RequestTimeout time.Duration
	// MaxFrameBytes bounds every frame read; 0 = wire.DefaultMaxFrame.
	MaxFrameBytes int
	// MaxRequestsPerPeer bounds one peer's concurrent inference streams
	// (quote streams: the same); the resource manager resets the rest.
	// 0 = 8.
	MaxRequestsPerPeer int
	// APIURL is the public HTTP API the announcement names; "" = none.
	APIURL string
}

func (c Config) withDefaults() Config {
	if c.AnnounceInterval <= 0 {
		c.AnnounceInterval = 30 * time.Second
	}
	if c.ReprovideInterval <= 0 {
		c.ReprovideInterval = 12 * time.Hour
	}
	if c.FrameTimeout <= 0 {
		c.FrameTimeout = 10 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 10 * time.Minute
	}
	if c.MaxFrameBytes <= 0 {
		c.MaxFrameBytes = wire.DefaultMaxFrame
	}
	if c.MaxRequestsPerPeer <= 0 {
		c.MaxRequestsPerPeer = 8
	}
	return c
}

// ReceiptTaker takes clients' receipts (host/payments.Service).
type ReceiptTaker interface {
	Receive(r chain.Receipt, sig []byte) error
}

// Service is the node's libp2p host, a node service: it serves the quote
// and inference protocols over the request path every transport shares
// (inference.Service), provides its models in the DHT and announces them
// on the gossip topic.
type Service struct {
	cfg     Config
	key     lcrypto.PrivKey
	id      peer.ID
	addr    common.Address
	svc     *inference.Service
	models  *models.Manager
	log     hclog.Logger
	reg     prometheus.Registerer
	metrics *serviceMetrics
	// Receipts takes the receipts clients send on inference streams; nil:
	// the inference service's payment step when it takes receipts.
	Receipts ReceiptTaker

	net    atomic.Pointer[p2pnet.Net]
	hashes modelHashes

	reqCtx    context.Context // requests' base: ends when Stop gives up draining
	reqCancel context.CancelFunc
	loopCtx   context.Context
	loopStop  context.CancelFunc
	inflight  sync.WaitGroup
	loops     sync.WaitGroup
	announce  chan struct{} // asks the announcer for an announcement now
}

// New checks cfg and prepares the service; Start starts the libp2p host.
// key is the node's secp256k1 key (identity.Key.PrivateKey): its peer id
// speaks for the node's Ethereum address.
func New(cfg Config, key *ecdsa.PrivateKey, svc *inference.Service, reg prometheus.Registerer, log hclog.Logger) (*Service, error) {
	if err := cfg.Net.Check(); err != nil {
		return nil, err
	}
	pk, err := wire.PrivKey(key)
	if err != nil {
		return nil, err
	}
	id, err := peer.IDFromPrivateKey(pk)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	cfg = cfg.withDefaults()
	cfg.Net.Registerer = reg
	cfg.Net.Log = log.Named("p2p")
	limits := map[protocol.ID]int{wire.InferenceProtocol: cfg.MaxRequestsPerPeer, wire.QuoteProtocol: cfg.MaxRequestsPerPeer}
	for k, v := range cfg.Net.ProtocolStreams {
		limits[k] = v
	}
	cfg.Net.ProtocolStreams = limits
	cfg.Net.ProtocolMemory = max(cfg.Net.ProtocolMemory, int64(cfg.MaxFrameBytes)+1<<20)
	s := &Service{cfg: cfg, key: pk, id: id, addr: ethcrypto.PubkeyToAddress(key.PublicKey), svc: svc, models: svc.Models,
		log: log.Named("p2p"), reg: reg, announce: make(chan struct{}, 1)}
	s.metrics = newServiceMetrics(reg, s.log)
	return s, nil
}

func (s *Service) Name() string { return "p2p" }

// ID is the node's peer id.
func (s *Service) ID() peer.ID { return s.id }

// Address is the Ethereum address the peer id speaks for.
func (s *Service) Address() common.Address { return s.addr }

// Net is the running libp2p host; nil before Start and after Stop.
func (s *Service) Net() *p2pnet.Net { return s.net.Load() }

// Start starts the libp2p host, serves the protocols, and starts
// providing and announcing the node's models.
func (s *Service) Start(context.Context) error {
	n, err := p2pnet.New(s.cfg.Net, s.key)
	if err != nil {
		return err
	}
	s.reqCtx, s.reqCancel = context.WithCancel(context.Background())
	s.loopCtx, s.loopStop = context.WithCancel(context.Background())
	n.Host.SetStreamHandler(wire.QuoteProtocol, s.handleQuote)
	n.Host.SetStreamHandler(wire.InferenceProtocol, s.handleInference)
	// A newcomer on the topic gets an announcement at once; the first
	// messages on a fresh gossipsub link are sometimes lost, so a second
	// follows.
	n.OnTopicJoin(func() {
		s.announceSoon()
		time.AfterFunc(500*time.Millisecond, s.announceSoon)
	})
	s.net.Store(n)
	s.loops.Add(1)
	go s.advertise(n)
	s.log.Info("libp2p host", "peer_id", s.id, "address", s.addr.Hex(), "listen", n.Host.Network().ListenAddresses())
	return nil
}

// Stop stops taking streams, waits for the requests in flight until ctx
// ends (then stops them at their next decode step), and closes the host.
func (s *Service) Stop(ctx context.Context) error {
	n := s.net.Load()
	if n == nil {
		return nil
	}
	n.Host.RemoveStreamHandler(wire.QuoteProtocol)
	n.Host.RemoveStreamHandler(wire.InferenceProtocol)
	s.loopStop()
	s.loops.Wait()
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("p2p requests still running: %w", ctx.Err())
		s.reqCancel()
		<-done
	}
	s.reqCancel()
	s.net.Store(nil)
	return errors.Join(err, n.Close())
}

func (s *Service) announceSoon() {
	select {
	case s.announce <- struct{}{}:
	default:
	}
}

// receipts is where receipts go: Receipts, else the payment step.
func (s *Service) receipts() ReceiptTaker {
	if s.Receipts != nil {
		return s.Receipts
	}
	if r, ok := s.svc.Payments.(ReceiptTaker); ok {
		return r
	}
	return nil
}

// serviceMetrics count the requests the protocols served.
type serviceMetrics struct {
	requests *prometheus.CounterVec
}

func newServiceMetrics(reg prometheus.Registerer, log hclog.Logger) *serviceMetrics {
	m := &serviceMetrics{requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fabnode_p2p_requests_total",
		Help: "libp2p protocol requests, by protocol and outcome (ok, or the error kind sent)."}, []string{"protocol", "outcome"})}
	if reg != nil {
		if err := reg.Register(m.requests); err != nil {
			log.Warn("p2p request metrics not registered", "error", err)
		}
	}
	return m
}

func (m *serviceMetrics) request(p protocol.ID, outcome string) {
	m.requests.WithLabelValues(string(p), outcome).Inc()
}
