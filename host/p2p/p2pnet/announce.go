package p2pnet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Table holds the freshest verified announcement of each host, until it
// is older than the TTL.
type Table struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[peer.ID]Entry
	changed chan struct{} // closed and replaced on every accepted announcement
}

// Entry is one host's announcement.
type Entry struct {
	Peer         peer.ID
	Announcement *wire.Announcement
	Received     time.Time
}

func newTable(ttl time.Duration) *Table {
	return &Table{ttl: ttl, entries: map[peer.ID]Entry{}, changed: make(chan struct{})}
}

// put keeps a if it is newer than what the table has for its peer.
func (t *Table) put(p peer.ID, a *wire.Announcement) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur, ok := t.entries[p]; ok && cur.Announcement.UnixMillis >= a.UnixMillis {
		return false // a replay, or an older one arriving late
	}
	t.entries[p] = Entry{Peer: p, Announcement: a, Received: time.Now()}
	close(t.changed)
	t.changed = make(chan struct{})
	return true
}

// List returns the live entries, newest announcement first.
func (t *Table) List() []Entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	var out []Entry
	for p, e := range t.entries {
		if now.Sub(time.UnixMilli(e.Announcement.UnixMillis)) > t.ttl {
			delete(t.entries, p)
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return int(b.Announcement.UnixMillis - a.Announcement.UnixMillis) })
	return out
}

// Get returns a host's live announcement.
func (t *Table) Get(p peer.ID) (Entry, bool) {
	for _, e := range t.List() {
		if e.Peer == p {
			return e, true
		}
	}
	return Entry{}, false
}

// Wait returns the live entries once ok accepts them, or what there is
// when ctx ends.
func (t *Table) Wait(ctx context.Context, ok func([]Entry) bool) []Entry {
	for {
		t.mu.Lock()
		ch := t.changed
		t.mu.Unlock()
		l := t.List()
		if ok(l) {
			return l
		}
		select {
		case <-ctx.Done():
			return l
		case <-ch:
		}
	}
}

// dropReason is the metric label of a dropped announcement.
func dropReason(err error) string {
	for _, r := range []error{wire.ErrAnnounceTooLarge, wire.ErrAnnounceBadSig, wire.ErrAnnounceForged,
		wire.ErrAnnounceStale, wire.ErrAnnounceFuture, wire.ErrAnnounceInvalid} {
		if errors.Is(err, r) {
			return r.Error()
		}
	}
	return "other"
}

// joinAnnouncements starts gossipsub and subscribes to the announcement
// topic, verifying every message before it is accepted or forwarded:
// forged ones are rejected (their sender is penalised), stale ones
// ignored.
func (n *Net) joinAnnouncements() error {
	ps, err := pubsub.NewGossipSub(n.ctx, n.Host,
		pubsub.WithMaxMessageSize(max(4*n.opts.MaxAnnounceBytes, 1<<20)),
		pubsub.WithDiscovery(n.routingDiscovery()))
	if err != nil {
		return fmt.Errorf("p2p gossipsub: %w", err)
	}
	n.PubSub = ps
	rules := wire.AnnounceRules{MaxBytes: n.opts.MaxAnnounceBytes, TTL: n.opts.AnnounceTTL, Skew: n.opts.AnnounceSkew}
	err = ps.RegisterTopicValidator(wire.AnnounceTopic, func(_ context.Context, _ peer.ID, m *pubsub.Message) pubsub.ValidationResult {
		a, err := wire.OpenAnnouncement(m.Data, m.GetFrom(), time.Now(), rules)
		if err != nil {
			n.metrics.announcement(dropReason(err))
			n.log.Debug("announcement dropped", "from", m.GetFrom(), "reason", err)
			if errors.Is(err, wire.ErrAnnounceStale) || errors.Is(err, wire.ErrAnnounceFuture) {
				return pubsub.ValidationIgnore
			}
			return pubsub.ValidationReject
		}
		m.ValidatorData = a
		return pubsub.ValidationAccept
	})
	if err != nil {
		return err
	}
	if n.topic, err = ps.Join(wire.AnnounceTopic); err != nil {
		return fmt.Errorf("p2p announcement topic: %w", err)
	}
	if n.sub, err = n.topic.Subscribe(); err != nil {
		return fmt.Errorf("p2p announcement topic: %w", err)
	}
	events, err := n.topic.EventHandler()
	if err != nil {
		return err
	}
	n.wg.Add(2)
	go func() {
		defer n.wg.Done()
		for {
			m, err := n.sub.Next(n.ctx)
			if err != nil {
				return
			}
			if a, ok := m.ValidatorData.(*wire.Announcement); ok {
				p := m.GetFrom()
				if n.Announcements.put(p, a) {
					n.metrics.announcement("accepted")
				}
			}
		}
	}()
	go func() {
		defer n.wg.Done()
		defer events.Cancel()
		for {
			ev, err := events.NextPeerEvent(n.ctx)
			if err != nil {
				return
			}
			n.mu.Lock()
			f := n.onJoin
			n.mu.Unlock()
			if ev.Type == pubsub.PeerJoin && f != nil {
				f()
			}
		}
	}()
	return nil
}

// OnTopicJoin sets what runs when a peer joins the announcement topic (a
// host announces itself to newcomers at once).
func (n *Net) OnTopicJoin(f func()) {
	n.mu.Lock()
	n.onJoin = f
	n.mu.Unlock()
}

// TopicPeers are the peers subscribed to the announcement topic.
func (n *Net) TopicPeers() []peer.ID { return n.topic.ListPeers() }

// Publish signs a as this host (its peer and the time are set here) and
// publishes it on the announcement topic.
func (n *Net) Publish(ctx context.Context, a wire.Announcement) error {
	a.Peer = n.Host.ID().String()
	a.UnixMillis = time.Now().UnixMilli()
	b, err := a.Seal(n.key)
	if err != nil {
		return err
	}
	return n.PublishRaw(ctx, b)
}

// PublishRaw publishes an envelope as it is: for tests of what receivers
// drop.
func (n *Net) PublishRaw(ctx context.Context, env []byte) error {
	return n.topic.Publish(ctx, env)
}

// netMetrics are the Net's own collectors, beside libp2p's.
type netMetrics struct {
	reg           prometheus.Registerer
	peers         prometheus.GaugeFunc
	announcements *prometheus.CounterVec
}

func newNetMetrics(n *Net, reg prometheus.Registerer) *netMetrics {
	m := &netMetrics{
		reg: reg,
		peers: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fabnode_p2p_peers", Help: "Connected libp2p peers."},
			func() float64 { return float64(len(n.Host.Network().Peers())) }),
		announcements: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fabnode_p2p_announcements_total",
			Help: "Host announcements received, by result: accepted, or the reason one was dropped."}, []string{"result"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.peers, m.announcements} {
			if err := reg.Register(c); err != nil {
				n.log.Warn("p2p metrics not registered", "error", err)
			}
		}
	}
	return m
}

func (m *netMetrics) announcement(result string) { m.announcements.WithLabelValues(result).Inc() }

// Dropped counts the announcements dropped for a reason (wire.ErrAnnounce*
// text: "forged", "stale", ...).
func (n *Net) Dropped(reason string) int {
	return int(counterValue(n.metrics.announcements.WithLabelValues(reason)))
}

func (m *netMetrics) unregister() {
	if m.reg != nil {
		m.reg.Unregister(m.peers)
		m.reg.Unregister(m.announcements)
	}
}
