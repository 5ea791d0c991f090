package plugin

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/fabnode/fabnode/abi"
)

// The kind facades are what the request path calls. Each applies its kind's
// failure direction (ABI.md, "Failure direction"): whatever happens to the
// plugin, the facade returns a value the caller can act on, plus an error
// describing the plugin failure for the log.
//
//	kind     no plugin configured          plugin fails (fault, unhealthy, error)
//	safety   allow / pass through          fail closed: deny, cut the stream
//	format   text unchanged                fail open: text unchanged, Valid=false
//	cache    not cacheable                 not cacheable
//	pricing  FallbackQuote or error        FallbackQuote or error (fail closed)
//	proof    host computes CommitDigest    error: never settle on a guess

type message interface {
	AppendBinary([]byte) ([]byte, error)
}

type result[T any] interface {
	*T
	UnmarshalBinary([]byte) error
}

// source hands out plugin versions: the Registry its current ones, a Set
// the ones it pinned. acquire adds a reference the caller releases.
type source interface {
	acquire(kind abi.Kind) *version
	config() *RegistryConfig
}

func (r *Registry) config() *RegistryConfig { return &r.cfg }

// Set is one version of every plugin kind, pinned for the length of one
// request: a reload in the middle of it cannot mix versions within one
// response (one commitment chain, one price). Release must be called.
type Set struct {
	r        *Registry
	versions [kindCount]*version
	once     sync.Once
}

const kindCount = int(abi.KindProof) + 1

// Pin pins the current version of every kind.
func (r *Registry) Pin() *Set {
	s := &Set{r: r}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for k := range s.versions {
		if v := r.byName[r.byKind[abi.Kind(k)]]; v != nil {
			v.refs.Add(1)
			s.versions[k] = v
		}
	}
	return s
}

// Release lets the pinned versions go. Safe to call more than once.
func (s *Set) Release() {
	s.once.Do(func() {
		for _, v := range s.versions {
			if v != nil {
				v.release()
			}
		}
	})
}

func (s *Set) acquire(kind abi.Kind) *version {
	if int(kind) >= kindCount {
		return nil
	}
	v := s.versions[kind]
	if v != nil {
		v.refs.Add(1) // the set's own reference keeps it above zero
	}
	return v
}

func (s *Set) config() *RegistryConfig { return &s.r.cfg }

// Safety, Format, Cache, Pricing and Proof are the facades over the
// pinned versions.
func (s *Set) Safety() Safety     { return Safety{s} }
func (s *Set) Format() Format     { return Format{s} }
func (s *Set) Cache() CachePolicy { return CachePolicy{s} }
func (s *Set) Pricing() Pricing   { return Pricing{s} }
func (s *Set) Proof() Proof       { return Proof{s} }
func (s *Set) Plugin(k abi.Kind) *Plugin {
	if v := s.versions[k]; v != nil {
		return v.p
	}
	return nil
}

// call pins kind's current version for one hook call and decodes its result.
// ok is false when no plugin of that kind is configured.
func call[T any, PT result[T]](ctx context.Context, r source, kind abi.Kind, hook abi.Hook, req message) (res T, ok bool, err error) {
	v := r.acquire(kind)
	if v == nil {
		return res, false, nil
	}
	defer v.release()
	return callVersion[T, PT](ctx, v, hook, req)
}

func callVersion[T any, PT result[T]](ctx context.Context, v *version, hook abi.Hook, req message) (res T, ok bool, err error) {
	in, err := req.AppendBinary(make([]byte, 0, 256))
	if err != nil {
		return res, true, err
	}
	out, err := v.p.Call(ctx, hook, in)
	if err != nil {
		return res, true, err
	}
	if err := PT(&res).UnmarshalBinary(out); err != nil {
		return res, true, &PluginError{Plugin: v.p.name, Hook: hook, Message: "malformed result: " + err.Error()}
	}
	return res, true, nil
}

// Safety returns the safety facade.
func (r *Registry) Safety() Safety { return Safety{r} }

// Safety checks prompts and filters output. It fails closed.
type Safety struct{ r source }

// CheckPrompt decides whether a prompt may be served. With no safety plugin
// every prompt is allowed; if the plugin fails the prompt is denied.
func (s Safety) CheckPrompt(ctx context.Context, req abi.PromptCheck) (abi.Verdict, error) {
	v, ok, err := call[abi.Verdict](ctx, s.r, abi.KindSafety, abi.HookCheckPrompt, &req)
	switch {
	case !ok:
		return abi.Verdict{Action: abi.ActionAllow}, nil
	case err != nil:
		return abi.Verdict{Action: abi.ActionDeny, Reason: "safety check unavailable"}, err
	case v.Action > abi.ActionRewrite:
		return abi.Verdict{Action: abi.ActionDeny, Reason: "safety check unavailable"}, fmt.Errorf("safety plugin returned unknown action %d", v.Action)
	}
	return v, nil
}

// Redact removes personal data from text. With no safety plugin the text is
// returned unchanged. If the plugin fails, the returned text is nil and the
// caller must not emit the original.
func (s Safety) Redact(ctx context.Context, text []byte) ([]byte, int, error) {
	res, ok, err := call[abi.RedactResult](ctx, s.r, abi.KindSafety, abi.HookRedact, &abi.RedactRequest{Text: text})
	switch {
	case !ok:
		return text, 0, nil
	case err != nil:
		return nil, 0, err
	case res.Text == nil:
		res.Text = []byte{} // an empty text, redacted: not a failure
	}
	return res.Text, int(res.Count), nil
}

// pin holds one plugin version for the length of a response: the
// per-request state belongs to that version's format.
type pin struct {
	v    *version
	done bool
}

// release lets the version go. Safe to call more than once.
func (p *pin) release() {
	if !p.done {
		p.done = true
		if p.v != nil {
			p.v.release()
		}
	}
}

// Stream filters one response's output chunk by chunk. It pins the safety
// plugin version current at NewStream for the whole response, so Close must
// always be called.
type Stream struct {
	pin
	state   []byte
	blocked string
}

// StreamResult is what may be sent to the client after one chunk.
type StreamResult struct {
	Emit    []byte // text that is safe to send now
	Blocked bool   // the stream must be cut; nothing more will be emitted
	Reason  string
}

// NewStream starts filtering one response.
func (s Safety) NewStream() *Stream { return &Stream{pin: pin{v: s.r.acquire(abi.KindSafety)}} }

// Filter passes one chunk. The plugin may hold back a tail of it (a blocked
// phrase may continue in the next chunk); Finish releases it.
func (st *Stream) Filter(ctx context.Context, chunk []byte) (StreamResult, error) {
	return st.filter(ctx, chunk, false)
}

// Finish ends the stream, returning whatever was held back, and releases
// the pinned plugin version.
func (st *Stream) Finish(ctx context.Context) (StreamResult, error) {
	defer st.Close()
	return st.filter(ctx, nil, true)
}

// Close releases the stream without flushing. Safe to call more than once.
func (st *Stream) Close() { st.release() }

func (st *Stream) filter(ctx context.Context, chunk []byte, final bool) (StreamResult, error) {
	if st.blocked != "" {
		return StreamResult{Blocked: true, Reason: st.blocked}, nil
	}
	if st.done {
		return StreamResult{}, errors.New("safety stream already finished")
	}
	if st.v == nil {
		return StreamResult{Emit: chunk}, nil
	}
	res, _, err := callVersion[abi.ChunkResult](ctx, st.v, abi.HookFilterChunk, &abi.ChunkFilter{State: st.state, Chunk: chunk, Final: final})
	if err != nil {
		st.blocked = "safety filter unavailable"
		return StreamResult{Blocked: true, Reason: st.blocked}, err
	}
	if res.Action != abi.ActionAllow {
		st.blocked = res.Reason
		if st.blocked == "" {
			st.blocked = "blocked by safety filter"
		}
		return StreamResult{Blocked: true, Reason: st.blocked}, nil
	}
	st.state = res.State
	return StreamResult{Emit: res.Emit}, nil
}

// Format returns the format facade.
func (r *Registry) Format() Format { return Format{r} }

// Format shapes outputs. It fails open to the unchanged text.
type Format struct{ r source }

// Format shapes req.Text into req.Format.
func (f Format) Format(ctx context.Context, req abi.FormatRequest) (abi.FormatResult, error) {
	res, ok, err := call[abi.FormatResult](ctx, f.r, abi.KindFormat, abi.HookFormat, &req)
	switch {
	case !ok:
		return abi.FormatResult{Text: req.Text, Valid: req.Format == abi.FormatPlain, Problem: problemIf(req.Format != abi.FormatPlain, "no format plugin configured")}, nil
	case err != nil:
		return abi.FormatResult{Text: req.Text, Valid: false, Problem: "format plugin failed"}, err
	}
	return res, nil
}

// Chunk makes one raw format_stream call, for tests and tools; the request
// path uses NewStream, which keeps the state and fails open.
func (f Format) Chunk(ctx context.Context, req abi.FormatChunk) (abi.FormatChunkResult, error) {
	res, ok, err := call[abi.FormatChunkResult](ctx, f.r, abi.KindFormat, abi.HookFormatStream, &req)
	if !ok && err == nil {
		err = fmt.Errorf("format: %w", ErrNotConfigured)
	}
	return res, err
}

// FormatStream shapes one streamed response chunk by chunk, pinning the
// format plugin version current at NewStream. Close must always be called.
// It fails open: when the plugin cannot stream (none configured, or built
// for ABI v1.0) the text passes unchanged; when it fails mid-stream, the
// text it held and the rest of the stream pass unchanged.
type FormatStream struct {
	pin
	format  abi.Format
	state   []byte
	held    []byte        // the raw input the plugin holds (its Held)
	raw     bool          // passing text through unchanged
	verdict FormatVerdict // when raw
	whole   bool          // holding everything for one format call at Finish
}

// FormatVerdict says whether a finished stream came out in the requested
// format.
type FormatVerdict struct {
	Valid   bool
	Problem string
}

// NewStream starts shaping one streamed response into format.
func (f Format) NewStream(format abi.Format) *FormatStream { return f.newStream(format, false) }

// NewWhole starts shaping a response that is delivered whole: it holds
// every chunk and shapes the text once, with the plugin's format hook
// (which may judge the whole text more strictly than a stream can, e.g.
// parse JSON), at Finish.
func (f Format) NewWhole(format abi.Format) *FormatStream { return f.newStream(format, true) }

func (f Format) newStream(format abi.Format, whole bool) *FormatStream {
	s := &FormatStream{pin: pin{v: f.r.acquire(abi.KindFormat)}, format: format, whole: whole}
	switch {
	case s.v == nil: // as Format without a plugin
		s.raw = true
		s.verdict = FormatVerdict{Valid: format == abi.FormatPlain, Problem: problemIf(format != abi.FormatPlain, "no format plugin configured")}
	case whole:
	case !s.v.p.desc.Hooks.Has(abi.HookFormatStream):
		s.raw = true
		s.verdict.Problem = "the format plugin cannot format streams (it lacks format_stream, ABI v1.1)"
	}
	if s.raw {
		s.release()
	}
	return s
}

// Write passes one chunk and returns the shaped text that may be sent now.
func (s *FormatStream) Write(ctx context.Context, chunk []byte) ([]byte, error) {
	out, _, err := s.feed(ctx, chunk, false)
	return out, err
}

// Finish passes the last chunk, returns everything still held and judges
// the whole stream, then releases the plugin version.
func (s *FormatStream) Finish(ctx context.Context, chunk []byte) ([]byte, FormatVerdict, error) {
	defer s.Close()
	return s.feed(ctx, chunk, true)
}

// Close releases the stream without flushing. Safe to call more than once.
func (s *FormatStream) Close() { s.release() }

// maxFormatHeld bounds what a format plugin may hold back of a stream: the
// host keeps and passes back what it holds with every chunk, so holding
// everything would copy the stream quadratically. Beyond it the stream
// fails open, as when the plugin fails.
const maxFormatHeld = 64 << 10

func (s *FormatStream) feed(ctx context.Context, chunk []byte, final bool) ([]byte, FormatVerdict, error) {
	if s.raw || s.done {
		return chunk, s.verdict, nil
	}
	if s.whole {
		s.held = append(s.held, chunk...)
		if !final {
			return nil, FormatVerdict{}, nil
		}
		res, _, err := callVersion[abi.FormatResult](ctx, s.v, abi.HookFormat, &abi.FormatRequest{Format: s.format, Text: s.held})
		if err != nil {
			return s.held, FormatVerdict{Problem: "format plugin failed"}, err
		}
		return res.Text, FormatVerdict{Valid: res.Valid, Problem: res.Problem}, nil
	}
	res, _, err := callVersion[abi.FormatChunkResult](ctx, s.v, abi.HookFormatStream,
		&abi.FormatChunk{Format: s.format, State: s.state, Chunk: chunk, Final: final})
	if err == nil && res.Held > maxFormatHeld {
		err = fmt.Errorf("the format plugin holds %d bytes of the stream, more than %d", res.Held, maxFormatHeld)
	}
	in := append(s.held, chunk...)
	if err != nil {
		s.raw, s.held, s.state = true, nil, nil
		s.verdict = FormatVerdict{Problem: "the format plugin failed during the stream; the rest is unformatted"}
		s.release()
		return in, s.verdict, err
	}
	s.state = res.State
	s.held = append([]byte(nil), in[len(in)-min(int(res.Held), len(in)):]...)
	return res.Emit, FormatVerdict{Valid: res.Valid, Problem: res.Problem}, nil
}

func problemIf(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// Cache returns the cache-policy facade.
func (r *Registry) Cache() CachePolicy { return CachePolicy{r} }

// CachePolicy decides cacheability, key and TTL. Any failure means "do not
// cache": a miss costs compute, a wrong hit would serve someone else's answer.
type CachePolicy struct{ r source }

// Policy returns the cache decision for a request.
func (c CachePolicy) Policy(ctx context.Context, req abi.CacheRequest) (abi.CachePolicy, error) {
	res, ok, err := call[abi.CachePolicy](ctx, c.r, abi.KindCache, abi.HookCachePolicy, &req)
	if !ok || err != nil {
		return abi.CachePolicy{}, err
	}
	if res.Cacheable && len(res.Key) == 0 {
		return abi.CachePolicy{}, errors.New("cache plugin marked a request cacheable with an empty key")
	}
	if res.SimilarityThreshold < 0 || res.SimilarityThreshold > 1 {
		return abi.CachePolicy{}, fmt.Errorf("cache plugin returned similarity threshold %v outside [0,1]", res.SimilarityThreshold)
	}
	return res, nil
}

// Pricing returns the pricing facade.
func (r *Registry) Pricing() Pricing { return Pricing{r} }

// Pricing quotes prices. It fails closed unless a FallbackQuote is set.
type Pricing struct{ r source }

// Quote prices a request. A quote that is negative, already expired at
// req.UnixMillis, or in a currency the node does not accept is a failure
// of the plugin (fail closed).
func (p Pricing) Quote(ctx context.Context, req abi.QuoteRequest) (abi.Quote, error) {
	q, ok, err := call[abi.Quote](ctx, p.r, abi.KindPricing, abi.HookQuote, &req)
	if ok && err == nil {
		if err = p.r.config().checkQuote(q, req.UnixMillis); err == nil {
			return q, nil
		}
	}
	if !ok && err == nil {
		err = fmt.Errorf("pricing: %w", ErrNotConfigured)
	}
	if fb := p.r.config().FallbackQuote; fb != nil {
		q := *fb
		if q.ValidUntilUnixMilli == 0 {
			q.ValidUntilUnixMilli = req.UnixMillis + 60_000
		}
		if !ok {
			err = nil // no plugin is a configuration choice, not a failure
		}
		return q, err
	}
	return abi.Quote{}, err
}

// Signer signs commitment digests on behalf of the node. Plugins never see it.
type Signer interface {
	SignDigest(digest [32]byte) ([]byte, error)
}

// Ed25519Signer signs with an Ed25519 key.
type Ed25519Signer ed25519.PrivateKey

// SignDigest implements Signer.
func (k Ed25519Signer) SignDigest(d [32]byte) ([]byte, error) {
	return ed25519.Sign(ed25519.PrivateKey(k), d[:]), nil
}

// SignedCommitment is a commitment plus the node's signature over Digest.
type SignedCommitment struct {
	abi.Commitment
	Signature []byte // empty when the registry has no Signer
}

// Proof returns the proof facade.
func (r *Registry) Proof() Proof { return Proof{r} }

// Proof produces signed commitments. It fails closed.
type Proof struct{ r source }

// Commit returns the commitment for a checkpoint or final settlement,
// signed by the host.
func (p Proof) Commit(ctx context.Context, req abi.CommitRequest) (SignedCommitment, error) {
	c, ok, err := call[abi.Commitment](ctx, p.r, abi.KindProof, abi.HookCommit, &req)
	if err != nil {
		return SignedCommitment{}, err
	}
	if !ok {
		d, err := abi.CommitDigest(&req)
		if err != nil {
			return SignedCommitment{}, err
		}
		c = abi.Commitment{Digest: d, Scheme: abi.CommitScheme}
	}
	if c.Digest == ([32]byte{}) {
		return SignedCommitment{}, errors.New("proof plugin returned an all-zero digest")
	}
	sc := SignedCommitment{Commitment: c}
	if s := p.r.config().Signer; s != nil {
		if sc.Signature, err = s.SignDigest(c.Digest); err != nil {
			return SignedCommitment{}, fmt.Errorf("signing commitment: %w", err)
		}
	}
	return sc, nil
}

// maxCurrencyLen bounds a quote's currency name, which is shown to
// clients and written to logs.
const maxCurrencyLen = 32

// checkQuote refuses what no request may be priced at.
func (c *RegistryConfig) checkQuote(q abi.Quote, now int64) error {
	switch {
	case q.InputNanosPerToken < 0 || q.OutputNanosPerToken < 0:
		return fmt.Errorf("pricing plugin returned a negative price (%d input, %d output nano-units per token)", q.InputNanosPerToken, q.OutputNanosPerToken)
	case q.ValidUntilUnixMilli <= now:
		return fmt.Errorf("pricing plugin returned a quote that expired at %d, before the request's time %d (unix ms)", q.ValidUntilUnixMilli, now)
	case !validCurrency(q.Currency):
		return fmt.Errorf("pricing plugin returned currency %q: want 1 to %d letters, digits, '.', '_' or '-'", q.Currency, maxCurrencyLen)
	case len(c.Currencies) > 0 && !slices.Contains(c.Currencies, q.Currency):
		return fmt.Errorf("pricing plugin quoted in %s, which this node does not accept (accepts %v)", q.Currency, c.Currencies)
	}
	return nil
}

func validCurrency(s string) bool {
	if s == "" || len(s) > maxCurrencyLen {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
