package p2p

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
	"github.com/fabnode/fabnode/host/plugin"
)

// model is a declared model and the SHA-256 it is provided under.
type model struct {
	name string
	sha  [32]byte
	hex  string
}

// modelHashes knows each declared model's SHA-256: the pinned one, or the
// file's own, hashed once per size and modification time.
type modelHashes struct {
	mu    sync.Mutex
	files map[string]fileHash // by path
}

type fileHash struct {
	size  int64
	mtime time.Time
	sum   [32]byte
}

func (h *modelHashes) file(path string) ([32]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return [32]byte{}, err
	}
	h.mu.Lock()
	c, ok := h.files[path]
	h.mu.Unlock()
	if ok && c.size == fi.Size() && c.mtime.Equal(fi.ModTime()) {
		return c.sum, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return [32]byte{}, err
	}
	var sum [32]byte
	copy(sum[:], d.Sum(nil))
	h.mu.Lock()
	if h.files == nil {
		h.files = map[string]fileHash{}
	}
	h.files[path] = fileHash{size: fi.Size(), mtime: fi.ModTime(), sum: sum}
	h.mu.Unlock()
	return sum, nil
}

// declared lists the models the node can serve with their SHA-256s; a
// model whose file is missing and has no pinned hash is left out.
func (s *Service) declared() []model {
	var out []model
	for _, name := range s.models.Names() {
		spec, _ := s.models.Spec(name)
		var sum [32]byte
		if d, err := wire.ParseSHA256(spec.SHA256); spec.SHA256 != "" && err == nil {
			sum = d
		} else if sum, err = s.hashes.file(spec.Path); err != nil {
			s.log.Debug("model not announced: its file cannot be hashed", "model", name, "error", err)
			continue
		}
		out = append(out, model{name: name, sha: sum, hex: hex.EncodeToString(sum[:])})
	}
	return out
}

// byHash resolves a model's SHA-256 (hex) to its name here.
func (s *Service) byHash(h string) (string, bool) {
	want, err := wire.ParseSHA256(h)
	if err != nil {
		return "", false
	}
	for _, m := range s.declared() {
		if m.sha == want {
			return m.name, true
		}
	}
	return "", false
}

// load is a model's slots and how many are generating now.
func (s *Service) load(name string) (slots, busy, queued int) {
	for _, st := range s.models.List() {
		if st.Name == name && st.Loaded {
			return st.Stats.Slots, st.Stats.Busy, st.Stats.Queued
		}
	}
	spec, _ := s.models.Spec(name)
	return max(1, spec.Engine.Parallel), 0, 0
}

// price is the pricing plugin's quote for a model, nil for a node that
// serves for free; ok is false when the model cannot be priced now.
func (s *Service) price(ctx context.Context, name, client string, in, out uint32) (*wire.Price, bool, *inference.Error) {
	_, q, ie := s.svc.Quote(ctx, inference.QuoteQuery{Model: name, Client: client, PromptTokens: in, MaxTokens: out})
	switch {
	case ie != nil && errors.Is(ie, plugin.ErrNotConfigured):
		return nil, true, nil
	case ie != nil:
		return nil, false, ie
	}
	return &wire.Price{InputNanosPerToken: q.InputNanosPerToken, OutputNanosPerToken: q.OutputNanosPerToken,
		Currency: q.Currency, ValidUntilUnixMilli: q.ValidUntilUnixMilli}, true, nil
}

// announcement is what the node announces now.
func (s *Service) announcement(ctx context.Context, n *p2pnet.Net, ms []model) wire.Announcement {
	a := wire.Announcement{APIURL: s.cfg.APIURL}
	for _, m := range ms {
		p, ok, _ := s.price(ctx, m.name, "", 0, 0)
		if !ok {
			continue // cannot be priced now: not offered
		}
		slots, busy, _ := s.load(m.name)
		a.Models = append(a.Models, wire.AnnouncedModel{Name: m.name, SHA256: m.hex, Price: p, Slots: slots, Free: max(0, slots-busy)})
		if len(a.Models) == wire.MaxAnnouncedModels {
			break
		}
	}
	for _, addr := range n.Host.Addrs() {
		if len(a.Addrs) < 16 {
			a.Addrs = append(a.Addrs, addr.String())
		}
	}
	return a
}

// advertise announces the node on the topic every AnnounceInterval (and
// when a peer joins), and puts a provider record for each model in the
// DHT, again every ReprovideInterval, and soon after a failure (an empty
// routing table, say).
func (s *Service) advertise(n *p2pnet.Net) {
	defer s.loops.Done()
	ctx := s.loopCtx
	provided := map[[32]byte]time.Time{}
	tick := time.NewTicker(s.cfg.AnnounceInterval)
	defer tick.Stop()
	var last time.Time
	for {
		ms := s.declared()
		if n.DHT.RoutingTable().Size() > 0 {
			for _, m := range ms {
				if t, ok := provided[m.sha]; ok && time.Since(t) < s.cfg.ReprovideInterval {
					continue
				}
				pctx, cancel := context.WithTimeout(ctx, time.Minute)
				err := n.Provide(pctx, m.sha)
				cancel()
				if err != nil {
					s.log.Debug("provide failed; retrying at the next announcement", "model", m.name, "error", err)
					continue
				}
				provided[m.sha] = time.Now()
				s.log.Debug("provided", "model", m.name, "cid", wire.ModelCID(m.sha))
			}
		}
		if d := 100*time.Millisecond - time.Since(last); d > 0 {
			select { // at most ten announcements a second, however many peers join
			case <-ctx.Done():
				return
			case <-time.After(d):
			}
		}
		last = time.Now()
		if err := n.Publish(ctx, s.announcement(ctx, n, ms)); err != nil && ctx.Err() == nil {
			s.log.Debug("announcement not published", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.announce:
		}
	}
}

func modelCID(m model) string { return wire.ModelCID(m.sha).String() }
