package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
)

// Announcement is a host's signed statement of what it serves, published
// on AnnounceTopic inside a libp2p signed envelope (domain
// AnnounceDomain), so any receiver can check that the peer it names
// signed it, whoever relayed it.
type Announcement struct {
	Peer   string           `json:"peer"`              // the signer's peer id
	Models []AnnouncedModel `json:"models"`            //
	APIURL string           `json:"api_url,omitempty"` // the host's public HTTP API, if it has one
	Addrs  []string         `json:"addrs,omitempty"`   // multiaddrs it is reachable at
	// UnixMillis is when it was signed: receivers drop announcements older
	// than their TTL or from the future.
	UnixMillis int64 `json:"ts"`
}

// AnnouncedModel is one model a host serves, with its quote and load.
type AnnouncedModel struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`          // hex: the DHT key and the chain's model id
	Price  *Price `json:"price,omitempty"` // the pricing plugin's quote; nil: free
	Slots  int    `json:"slots"`
	Free   int    `json:"free"` // slots not generating now
}

// AnnounceDomain separates announcement signatures from any other use of
// the peer key.
const AnnounceDomain = "fabnode-announce"

var announceCodec = []byte("/fabnode/announce-record/1")

// Bounds on an announcement, besides its size.
const (
	MaxAnnouncedModels = 64
	maxAnnounceString  = 512
	maxAnnounceAddrs   = 32
)

func (a *Announcement) Domain() string                 { return AnnounceDomain }
func (a *Announcement) Codec() []byte                  { return announceCodec }
func (a *Announcement) MarshalRecord() ([]byte, error) { return json.Marshal(a) }
func (a *Announcement) UnmarshalRecord(b []byte) error { return json.Unmarshal(b, a) }

func init() { record.RegisterType(&Announcement{}) }

// Seal signs a with the peer's key and returns the envelope's bytes.
func (a *Announcement) Seal(key lcrypto.PrivKey) ([]byte, error) {
	env, err := record.Seal(a, key)
	if err != nil {
		return nil, err
	}
	return env.Marshal()
}

// Reasons an announcement is dropped.
var (
	ErrAnnounceTooLarge = errors.New("oversized")
	ErrAnnounceBadSig   = errors.New("bad signature")
	ErrAnnounceForged   = errors.New("forged")
	ErrAnnounceStale    = errors.New("stale")
	ErrAnnounceFuture   = errors.New("from the future")
	ErrAnnounceInvalid  = errors.New("invalid")
)

// AnnounceRules are what a receiver accepts.
type AnnounceRules struct {
	MaxBytes int           // an envelope's size
	TTL      time.Duration // how old an announcement may be
	Skew     time.Duration // how far in the future its clock may be
}

// OpenAnnouncement verifies an announcement envelope from (the peer that
// published it; "" when it came some other way): its size, its signature,
// that the signer is the peer it names and the publisher, its age and its
// contents' bounds. The error wraps one of the ErrAnnounce reasons.
func OpenAnnouncement(data []byte, from peer.ID, now time.Time, rules AnnounceRules) (*Announcement, error) {
	if len(data) > rules.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrAnnounceTooLarge, len(data), rules.MaxBytes)
	}
	var a Announcement
	env, err := record.ConsumeTypedEnvelope(data, &a)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAnnounceBadSig, err)
	}
	signer, err := peer.IDFromPublicKey(env.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAnnounceBadSig, err)
	}
	switch {
	case a.Peer != signer.String():
		return nil, fmt.Errorf("%w: it names peer %.20s but %s signed it", ErrAnnounceForged, a.Peer, signer)
	case from != "" && from != signer:
		return nil, fmt.Errorf("%w: %s published an announcement signed by %s", ErrAnnounceForged, from, signer)
	}
	at := time.UnixMilli(a.UnixMillis)
	switch {
	case now.Sub(at) > rules.TTL:
		return nil, fmt.Errorf("%w: signed %s ago", ErrAnnounceStale, now.Sub(at).Round(time.Millisecond))
	case at.Sub(now) > rules.Skew:
		return nil, fmt.Errorf("%w: signed %s ahead of this clock", ErrAnnounceFuture, at.Sub(now).Round(time.Millisecond))
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAnnounceInvalid, err)
	}
	return &a, nil
}

func (a *Announcement) check() error {
	switch {
	case len(a.Models) > MaxAnnouncedModels:
		return fmt.Errorf("%d models, at most %d", len(a.Models), MaxAnnouncedModels)
	case len(a.Addrs) > maxAnnounceAddrs:
		return fmt.Errorf("%d addresses, at most %d", len(a.Addrs), maxAnnounceAddrs)
	case len(a.APIURL) > maxAnnounceString:
		return errors.New("api_url too long")
	}
	for _, m := range a.Models {
		if len(m.Name) > maxAnnounceString {
			return errors.New("a model name too long")
		}
		if _, err := ParseSHA256(m.SHA256); err != nil {
			return fmt.Errorf("model %.40q: %v", m.Name, err)
		}
		if m.Slots < 0 || m.Free < 0 || m.Free > m.Slots {
			return fmt.Errorf("model %.40q: %d free of %d slots", m.Name, m.Free, m.Slots)
		}
		if p := m.Price; p != nil && (p.InputNanosPerToken < 0 || p.OutputNanosPerToken < 0 || len(p.Currency) > 16) {
			return fmt.Errorf("model %.40q: a negative price or a currency name too long", m.Name)
		}
	}
	for _, s := range a.Addrs {
		if len(s) > maxAnnounceString {
			return errors.New("an address too long")
		}
	}
	return nil
}

// Model returns the announced model with the given SHA-256 or name.
func (a *Announcement) Model(sha string, name string) (AnnouncedModel, bool) {
	for _, m := range a.Models {
		if (sha != "" && m.SHA256 == sha) || (sha == "" && name != "" && m.Name == name) {
			return m, true
		}
	}
	return AnnouncedModel{}, false
}
