// Package client is the peer-to-peer side of a fabnode client: it finds
// the hosts that serve a model (DHT provider records and signed
// announcements), prices them with a quote round trip, which also
// measures their latency, picks one by price and latency, and streams a
// chat or completion from it over /fabnode/inference/1, failing over to
// the next host if the chosen one dies mid-request.
//
// Paying is pluggable (Payer): the paid-session client signs the request
// and countersigns the receipts the host asks for on the same stream.
// Without a Payer requests are unpaid, which a host in payments mode
// "off" or "optional" serves.
package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/go-hclog"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Client talks to hosts over a Net of its own.
type Client struct {
	Net *p2pnet.Net
	// Payer pays for requests; nil: unpaid.
	Payer Payer
	// QuoteTimeout bounds connecting to a host and its quote; 0 = 5s.
	QuoteTimeout time.Duration
	// DirectWait is how long a request waits for a relayed connection to
	// become direct (hole punching) before it runs over the relay; 0 = 5s.
	DirectWait time.Duration
	// MaxFrame bounds the frames read; 0 = wire.DefaultMaxFrame.
	MaxFrame int
	Log      hclog.Logger
}

// Payer pays for requests: it is where a paid-session client plugs in.
type Payer interface {
	// Pay returns the credentials of body (the exact bytes sent) to host,
	// nil for an unpaid request, and the Payment that follows its stream.
	Pay(ctx context.Context, host Candidate, body []byte) (*wire.Payment, Payment, error)
}

// Payment follows one paid request's stream.
type Payment interface {
	// Received is each piece of text as it arrived, in order: a receipt's
	// output chain is over them.
	Received(piece string)
	// Receipt countersigns what the host asks a receipt for (a notice
	// mid-stream, or the end's final request), or returns nil to send
	// none.
	Receipt(ctx context.Context, r wire.ReceiptRequest) (*wire.Receipt, error)
	// Acked is the host's answer to a receipt.
	Acked(a wire.ReceiptAck)
}

// Candidate is a host for a model, as discovery found and priced it.
type Candidate struct {
	Peer    peer.ID
	Address common.Address // the Ethereum address its peer id speaks for
	Model   string         // the model's name on that host
	SHA256  string
	Price   *wire.Price // nil: free
	Slots   int
	Busy    int
	Latency time.Duration // the quote's round trip
	APIURL  string
	Sources []string // "dht", "announcement", "peer"
	Err     error    // the quote failed: not usable
}

// Free is how many of its slots are not generating.
func (c Candidate) Free() int { return max(0, c.Slots-c.Busy) }

func (c *Client) quoteTimeout() time.Duration {
	if c.QuoteTimeout > 0 {
		return c.QuoteTimeout
	}
	return 5 * time.Second
}

func (c *Client) maxFrame() int {
	if c.MaxFrame > 0 {
		return c.MaxFrame
	}
	return wire.DefaultMaxFrame
}

func (c *Client) log() hclog.Logger {
	if c.Log == nil {
		return hclog.NewNullLogger()
	}
	return c.Log
}

// DiscoverOptions bound a discovery.
type DiscoverOptions struct {
	// Wait bounds the whole discovery (DHT lookup and announcements);
	// 0 = 5s.
	Wait time.Duration
	// Want is how many announced hosts to wait for once the DHT lookup
	// is over (it returns at once when it has them); 0 = 1.
	Want int
	// Max bounds the providers asked of the DHT; 0 = 20.
	Max int
}

// Discover finds the hosts of a model — its SHA-256 (hex), its CID, or a
// name as hosts announce it — in the DHT's provider records and the
// announcements, then quotes each (in parallel) for price, load and
// latency. Hosts whose quote failed come back with Err set.
func (c *Client) Discover(ctx context.Context, model string, o DiscoverOptions) ([]Candidate, error) {
	if o.Wait <= 0 {
		o.Wait = 5 * time.Second
	}
	if o.Want <= 0 {
		o.Want = 1
	}
	if o.Max <= 0 {
		o.Max = 20
	}
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	sha, byID := wire.ParseModelID(model)
	hexSHA := ""
	if byID {
		hexSHA = fmt.Sprintf("%x", sha)
	}
	found := map[peer.ID]*Candidate{}
	add := func(p peer.ID, source string) *Candidate {
		cd := found[p]
		if cd == nil {
			cd = &Candidate{Peer: p, SHA256: hexSHA}
			if a, err := wire.PeerAddress(p); err == nil {
				cd.Address = a
			}
			found[p] = cd
		}
		if !slices.Contains(cd.Sources, source) {
			cd.Sources = append(cd.Sources, source)
		}
		return cd
	}
	if byID {
		for _, ai := range c.Net.FindProviders(ctx, sha, o.Max) {
			c.Net.Host.Peerstore().AddAddrs(ai.ID, ai.Addrs, time.Hour)
			add(ai.ID, "dht")
		}
	}
	matches := func(e p2pnet.Entry) (wire.AnnouncedModel, bool) {
		if e.Peer == c.Net.Host.ID() {
			return wire.AnnouncedModel{}, false
		}
		if byID {
			return e.Announcement.Model(hexSHA, "")
		}
		return e.Announcement.Model("", model)
	}
	entries := c.Net.Announcements.Wait(ctx, func(l []p2pnet.Entry) bool {
		n := 0
		for _, e := range l {
			if _, ok := matches(e); ok {
				n++
			}
		}
		return n >= o.Want
	})
	for _, e := range entries {
		m, ok := matches(e)
		if !ok {
			continue
		}
		cd := add(e.Peer, "announcement")
		cd.Model, cd.SHA256, cd.APIURL = m.Name, m.SHA256, e.Announcement.APIURL
		cd.Price, cd.Slots, cd.Busy = m.Price, m.Slots, m.Slots-m.Free
		c.learnAddrs(e.Peer, e.Announcement.Addrs)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no host found for model %q (DHT providers and announcements)", model)
	}
	var wg sync.WaitGroup
	for _, cd := range found {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.quoteInto(context.WithoutCancel(ctx), cd, model, byID)
		}()
	}
	wg.Wait()
	out := make([]Candidate, 0, len(found))
	for _, cd := range found {
		out = append(out, *cd)
	}
	Rank(out)
	return out, nil
}

func (c *Client) learnAddrs(p peer.ID, addrs []string) {
	for _, s := range addrs {
		if ai, err := peer.AddrInfoFromString(s + "/p2p/" + p.String()); err == nil {
			c.Net.Host.Peerstore().AddAddrs(p, ai.Addrs, time.Hour)
		}
	}
}

// quoteInto quotes cd for the model and fills in its price, load and
// latency (or Err).
func (c *Client) quoteInto(ctx context.Context, cd *Candidate, model string, byID bool) {
	q := wire.QuoteRequest{}
	switch {
	case cd.SHA256 != "":
		q.ModelSHA256 = cd.SHA256
	case byID:
		q.ModelSHA256 = model
	default:
		q.Model = model
	}
	quote, rtt, err := c.Quote(ctx, cd.Peer, q)
	if err != nil {
		cd.Err = err
		return
	}
	cd.Model, cd.Price, cd.Slots, cd.Busy, cd.Latency = quote.Model, quote.Price, quote.Slots, quote.Busy, rtt
	if quote.ModelSHA256 != "" {
		cd.SHA256 = quote.ModelSHA256
	}
}

// Candidate makes a host known by its peer id alone into a candidate,
// quoting it for the model ("" = its default model).
func (c *Client) Candidate(ctx context.Context, p peer.ID, model string) Candidate {
	cd := Candidate{Peer: p, Sources: []string{"peer"}}
	if a, err := wire.PeerAddress(p); err == nil {
		cd.Address = a
	}
	_, byID := wire.ParseModelID(model)
	c.quoteInto(ctx, &cd, model, byID)
	return cd
}

// Quote asks a host for its quote over /fabnode/quote/1 and returns it
// with the round trip (the connection already made: the host's latency).
func (c *Client) Quote(ctx context.Context, p peer.ID, q wire.QuoteRequest) (wire.Quote, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.quoteTimeout())
	defer cancel()
	if err := c.connect(ctx, p); err != nil {
		return wire.Quote{}, 0, err
	}
	start := time.Now()
	st, err := c.Net.Host.NewStream(network.WithAllowLimitedConn(ctx, "quote"), p, wire.QuoteProtocol)
	if err != nil {
		return wire.Quote{}, 0, fmt.Errorf("quote from %s: %w", p, err)
	}
	defer st.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = st.SetDeadline(dl)
	}
	b, _ := json.Marshal(q)
	if err := wire.WriteFrame(st, wire.TQuoteRequest, b); err != nil {
		return wire.Quote{}, 0, fmt.Errorf("quote from %s: %w", p, err)
	}
	_ = st.CloseWrite()
	f, err := wire.ReadFrame(st, c.maxFrame())
	rtt := time.Since(start)
	if err != nil {
		return wire.Quote{}, 0, fmt.Errorf("quote from %s: %w", p, err)
	}
	switch f.Type {
	case wire.TQuote:
		var out wire.Quote
		return out, rtt, f.Decode(&out)
	case wire.TError:
		var e wire.Error
		if err := f.Decode(&e); err != nil {
			return wire.Quote{}, 0, err
		}
		return wire.Quote{}, rtt, &e
	}
	return wire.Quote{}, 0, fmt.Errorf("quote from %s: an unexpected %s frame", p, f.Type)
}

func (c *Client) connect(ctx context.Context, p peer.ID) error {
	if c.Net.Host.Network().Connectedness(p) == network.Connected {
		return nil
	}
	if err := c.Net.Host.Connect(ctx, c.Net.Host.Peerstore().PeerInfo(p)); err != nil {
		return fmt.Errorf("connecting to %s: %w", p, err)
	}
	return nil
}

// Rank orders candidates best first: usable ones (quoted), then those
// with a free slot, then the cheapest (input plus output price per
// token, free ones first; currencies by name), then the lowest latency.
func Rank(cs []Candidate) {
	cost := func(c Candidate) (string, int64) {
		if c.Price == nil {
			return "", 0
		}
		return c.Price.Currency, c.Price.InputNanosPerToken + c.Price.OutputNanosPerToken
	}
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(cs, func(a, b Candidate) int {
		if d := b2i(a.Err != nil) - b2i(b.Err != nil); d != 0 {
			return d
		}
		if d := b2i(a.Free() == 0) - b2i(b.Free() == 0); d != 0 {
			return d
		}
		ca, pa := cost(a)
		cb, pb := cost(b)
		if d := strings.Compare(ca, cb); d != 0 {
			return d
		}
		if pa != pb {
			if pa < pb {
				return -1
			}
			return 1
		}
		return int(a.Latency - b.Latency)
	})
}

// Request is one chat or completion request.
type Request struct {
	Endpoint string // wire.EndpointChat (default) or wire.EndpointCompletion
	// Body is the OpenAI request body; its "model" is set to each host's
	// name for the model.
	Body []byte
}

// Handler follows a request as it streams; every field may be nil.
type Handler struct {
	OnHead func(host peer.ID, h wire.Head)
	OnText func(host peer.ID, text string)
	// OnFailover reports that a host failed after delivering received,
	// and that the request goes on from the start on the next one.
	OnFailover func(from peer.ID, err error, received string, to peer.ID)
}

// Attempt is what one host delivered.
type Attempt struct {
	Host   peer.ID
	Head   *wire.Head
	Text   string
	Pieces int
	End    *wire.End // nil: the host did not finish
	Acks   []wire.ReceiptAck
	Err    error
}

// Result is a request's outcome: the answer of the host that finished it,
// and every attempt, the failed ones first.
type Result struct {
	Host     peer.ID
	Text     string
	End      wire.End
	Attempts []Attempt
}

// Retryable reports whether a failed attempt may go on on another host:
// the host broke, is overloaded or cannot serve the model, but the
// request itself was not refused.
func Retryable(err error) bool {
	var we *wire.Error
	if !errors.As(err, &we) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch we.Kind {
	case "overloaded", "model_unavailable", "internal", "timeout", "pricing_unavailable", "unknown_model", "cancelled":
		return true
	}
	return false
}

// Chat sends req to the first usable candidate and, when a host fails
// (it dies, resets the stream, or answers an error that is not the
// request's fault), starts it again on the next, until one finishes. The
// client's ctx ending stops it, resetting the stream, which stops the
// host's generation.
func (c *Client) Chat(ctx context.Context, cands []Candidate, req Request, h Handler) (*Result, error) {
	res := &Result{}
	var usable []Candidate
	for _, cd := range cands {
		if cd.Err == nil {
			usable = append(usable, cd)
		}
	}
	if len(usable) == 0 {
		return res, errors.New("no usable host")
	}
	for i, cd := range usable {
		a := c.Stream(ctx, cd, req, h)
		res.Attempts = append(res.Attempts, a)
		if a.Err == nil {
			res.Host, res.Text, res.End = a.Host, a.Text, *a.End
			return res, nil
		}
		if ctx.Err() != nil || !Retryable(a.Err) || i == len(usable)-1 {
			return res, a.Err
		}
		if h.OnFailover != nil {
			h.OnFailover(cd.Peer, a.Err, a.Text, usable[i+1].Peer)
		}
		c.log().Warn("host failed; failing over", "host", cd.Peer, "received_bytes", len(a.Text), "error", a.Err, "next", usable[i+1].Peer)
	}
	return res, errors.New("unreachable")
}

// Stream runs req on one host and returns what it delivered.
func (c *Client) Stream(ctx context.Context, cd Candidate, req Request, h Handler) (a Attempt) {
	a.Host = cd.Peer
	body, err := withModel(req.Body, cd.Model)
	if err != nil {
		a.Err = err
		return a
	}
	hdr := wire.RequestHeader{Endpoint: req.Endpoint}
	if hdr.Endpoint == "" {
		hdr.Endpoint = wire.EndpointChat
	}
	var pay Payment
	if c.Payer != nil {
		if hdr.Payment, pay, err = c.Payer.Pay(ctx, cd, body); err != nil {
			a.Err = fmt.Errorf("paying %s: %w", cd.Peer, err)
			return a
		}
	}
	frame, err := wire.EncodeRequest(hdr, body)
	if err != nil {
		a.Err = err
		return a
	}
	st, err := c.open(ctx, cd.Peer, wire.InferenceProtocol)
	if err != nil {
		a.Err = err
		return a
	}
	// The client's context ending resets the stream: the host stops at its
	// next decode step.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			_ = st.Reset()
		case <-done:
		}
	}()
	if err := wire.WriteFrame(st, wire.TRequest, frame); err != nil {
		_ = st.Reset()
		a.Err = fmt.Errorf("sending the request to %s: %w", cd.Peer, err)
		return a
	}
	var text strings.Builder
	defer func() { a.Text = text.String() }()
	receipt := func(raw []byte) {
		if pay == nil || len(raw) == 0 {
			return
		}
		var rr wire.ReceiptRequest
		if err := json.Unmarshal(raw, &rr); err != nil {
			return
		}
		r, err := pay.Receipt(ctx, rr)
		if err != nil || r == nil {
			if err != nil {
				c.log().Warn("not countersigning", "host", cd.Peer, "error", err)
			}
			return
		}
		b, _ := json.Marshal(r)
		_ = wire.WriteFrame(st, wire.TReceipt, b)
	}
	rd := bufio.NewReaderSize(st, 16<<10) // several small frames per read
	for {
		f, err := wire.ReadFrame(rd, c.maxFrame())
		if err != nil {
			_ = st.Reset()
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			a.Err = fmt.Errorf("host %s: the stream broke after %d pieces: %w", cd.Peer, a.Pieces, err)
			return a
		}
		switch f.Type {
		case wire.THead:
			var hd wire.Head
			if f.Decode(&hd) == nil {
				a.Head = &hd
				if h.OnHead != nil {
					h.OnHead(cd.Peer, hd)
				}
			}
		case wire.TText:
			piece := string(f.Payload)
			text.WriteString(piece)
			a.Pieces++
			if pay != nil {
				pay.Received(piece)
			}
			if h.OnText != nil {
				h.OnText(cd.Peer, piece)
			}
		case wire.TNotice:
			receipt(f.Payload)
		case wire.TReceiptAck:
			var ack wire.ReceiptAck
			if f.Decode(&ack) == nil {
				a.Acks = append(a.Acks, ack)
				if pay != nil {
					pay.Acked(ack)
				}
			}
			if a.End != nil {
				_ = st.Close() // the final receipt is in
				return a
			}
		case wire.TEnd:
			var e wire.End
			if err := f.Decode(&e); err != nil {
				_ = st.Reset()
				a.Err = err
				return a
			}
			a.End = &e
			if pay == nil || len(e.ReceiptRequest) == 0 {
				_ = st.Close()
				return a
			}
			receipt(e.ReceiptRequest) // then wait for its ack, or the host's close
			_ = st.SetReadDeadline(time.Now().Add(10 * time.Second))
		case wire.TError:
			var e wire.Error
			if err := f.Decode(&e); err != nil {
				a.Err = err
			} else {
				a.Err = &e
			}
			_ = st.Close()
			return a
		default:
			_ = st.Reset()
			a.Err = fmt.Errorf("host %s sent an unexpected %s frame", cd.Peer, f.Type)
			return a
		}
	}
}

// open opens a stream to p, waiting a little for a relayed connection to
// become direct first.
func (c *Client) open(ctx context.Context, p peer.ID, proto protocol.ID) (network.Stream, error) {
	cctx, cancel := context.WithTimeout(ctx, c.quoteTimeout())
	err := c.connect(cctx, p)
	cancel()
	if err != nil {
		return nil, err
	}
	wait := c.DirectWait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	// A relayed connection carries little (the relay's limits): hole
	// punching may upgrade it; if not, the request runs over the relay.
	for deadline := time.Now().Add(wait / 2); !c.Net.DirectConn(p) && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	if !c.Net.DirectConn(p) {
		c.Net.Direct(ctx, p, wait/2)
	}
	st, err := c.Net.Host.NewStream(network.WithAllowLimitedConn(ctx, "inference"), p, proto)
	if err != nil {
		return nil, fmt.Errorf("opening a stream to %s: %w", p, err)
	}
	return st, nil
}

// withModel sets the body's "model" to name (when name is set), keeping
// every other field.
func withModel(body []byte, name string) ([]byte, error) {
	if name == "" {
		return body, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the request body is not a JSON object: %w", err)
	}
	m["model"], _ = json.Marshal(name)
	return json.Marshal(m)
}
