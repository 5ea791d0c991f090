package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
)

// DefaultCheckpointTokens is how many output tokens a proof checkpoint
// covers, as in the marketplace's submitProofOfWork cadence.
const DefaultCheckpointTokens = 1000

// Pipeline holds the node's policies.
type Pipeline struct {
	Plugins          *plugin.Registry
	Store            *cache.Store // nil disables response caching
	CheckpointTokens int
	Log              hclog.Logger
}

// ErrDenied is a prompt the safety policy refused.
type ErrDenied struct{ Reason string }

func (e *ErrDenied) Error() string { return "prompt refused by the safety policy: " + e.Reason }

// CheckPrompt returns the prompt to serve (possibly rewritten) or an
// *ErrDenied. A failing safety plugin denies.
func (p *Pipeline) CheckPrompt(ctx context.Context, model, client, prompt string) (string, error) {
	v, err := p.Plugins.Safety().CheckPrompt(ctx, abi.PromptCheck{Model: model, Client: client, Prompt: []byte(prompt)})
	if err != nil {
		p.Log.Warn("safety check failed; denying", "error", err)
	}
	switch v.Action {
	case abi.ActionDeny:
		return "", &ErrDenied{Reason: v.Reason}
	case abi.ActionRewrite:
		return string(v.Rewritten), nil
	}
	return prompt, nil
}

// CachePolicy asks the cache plugin about a request; failures mean "do
// not cache".
func (p *Pipeline) CachePolicy(ctx context.Context, req abi.CacheRequest) abi.CachePolicy {
	if p.Store == nil {
		return abi.CachePolicy{}
	}
	pol, err := p.Plugins.Cache().Policy(ctx, req)
	if err != nil {
		p.Log.Warn("cache policy failed; not caching", "error", err)
	}
	return pol
}

// Lookup returns a cached answer for pol: the exact key, or, given the
// prompt's embedding and a policy similarity threshold, the most similar
// entry above it.
func (p *Pipeline) Lookup(pol abi.CachePolicy, embedding []float32) ([]byte, bool) {
	if p.Store == nil || !pol.Cacheable {
		return nil, false
	}
	v, _, ok := p.Store.Lookup(pol, embedding)
	return v, ok
}

// Remember stores an answer under pol, with the prompt's embedding when
// the policy asks for semantic lookup.
func (p *Pipeline) Remember(pol abi.CachePolicy, value []byte, embedding []float32) {
	if p.Store != nil && pol.Cacheable {
		p.Store.Put(pol, value, embedding)
	}
}

// Redact removes personal data (as the safety plugin defines it) from a
// whole text. ok is false when the plugin failed: the text must then not be
// shown, since it may still hold what should have been removed.
func (p *Pipeline) Redact(ctx context.Context, text string) (out string, ok bool) {
	b, n, err := p.Plugins.Safety().Redact(ctx, []byte(text))
	if err != nil || b == nil {
		p.Log.Warn("redaction failed; withholding the text", "error", err)
		return "", false
	}
	if n > 0 {
		p.Log.Debug("redacted personal data", "items", n)
	}
	return string(b), true
}

// Quote prices a request.
func (p *Pipeline) Quote(ctx context.Context, req abi.QuoteRequest) (abi.Quote, error) {
	if req.UnixMillis == 0 {
		req.UnixMillis = time.Now().UnixMilli()
	}
	return p.Plugins.Pricing().Quote(ctx, req)
}

// Format shapes a finished text; it fails open to the unchanged text.
func (p *Pipeline) Format(ctx context.Context, f abi.Format, text string) (string, abi.FormatResult) {
	res, err := p.Plugins.Format().Format(ctx, abi.FormatRequest{Format: f, Text: []byte(text)})
	if err != nil {
		p.Log.Warn("format failed; returning text unchanged", "error", err)
		return text, res
	}
	return string(res.Text), res
}

// Commitment is a signed proof commitment as clients see it.
type Commitment struct {
	Kind       string `json:"kind"` // checkpoint or final
	TokenStart uint64 `json:"token_start"`
	TokenEnd   uint64 `json:"token_end"`
	Digest     string `json:"digest"`
	Scheme     string `json:"scheme"`
	Signature  string `json:"signature,omitempty"`
}

// Job follows one generation through output safety and proofs.
type Job struct {
	p        *Pipeline
	id       string
	model    [32]byte
	safety   *plugin.Stream
	format   *plugin.FormatStream // nil: the output is not reshaped on the way
	verdict  *plugin.FormatVerdict
	out      hash.Hash // over every byte emitted to the client
	tokens   uint64
	lastEnd  uint64
	prev     [32]byte
	proofs   []Commitment
	blocked  string
	finished bool
}

// StartJob begins output handling for job id on a model file with the
// given SHA-256. With format set, every chunk is also shaped into it after
// the safety filter (a streamed answer; whole answers are shaped whole).
func (p *Pipeline) StartJob(id string, modelSHA256 [32]byte, format *abi.Format) *Job {
	j := &Job{p: p, id: id, model: modelSHA256, safety: p.Plugins.Safety().NewStream(), out: sha256.New()}
	if format != nil {
		j.format = p.Plugins.Format().NewStream(*format)
	}
	return j
}

// ParseSHA256 decodes a hex digest; a malformed one yields zeros.
func ParseSHA256(s string) [32]byte {
	var d [32]byte
	b, err := hex.DecodeString(s)
	if err == nil && len(b) == 32 {
		copy(d[:], b)
	}
	return d
}

// Chunk passes generated text (tokens new tokens) through the safety
// filter, then the format, and returns what may be sent. blocked means the
// response must end now with reason.
func (j *Job) Chunk(ctx context.Context, text string, tokens int) (emit string, blocked bool, err error) {
	if j.blocked != "" {
		return "", true, nil
	}
	j.tokens += uint64(tokens)
	var out []byte
	if text != "" {
		res, ferr := j.safety.Filter(ctx, []byte(text))
		if res.Blocked {
			j.blocked = res.Reason
			return "", true, ferr
		}
		out, err = j.shape(ctx, res.Emit, false)
		err = errors.Join(ferr, err)
		j.out.Write(out)
	}
	if every := uint64(j.p.checkpointTokens()); j.tokens-j.lastEnd >= every {
		if cerr := j.commit(ctx, abi.CommitCheckpoint); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}
	return string(out), false, err
}

// shape runs text through the format stream, if there is one.
func (j *Job) shape(ctx context.Context, text []byte, final bool) ([]byte, error) {
	switch {
	case j.format == nil:
		return text, nil
	case !final:
		if len(text) == 0 {
			return nil, nil
		}
		return j.format.Write(ctx, text)
	}
	out, v, err := j.format.Finish(ctx, text)
	j.verdict = &v
	if err != nil {
		err = fmt.Errorf("format (the rest passes unformatted): %w", err)
	}
	return out, err
}

// Passthrough sends the rest of the output unshaped: it is an answer
// that was shaped when it was first served (a semantic cache hit).
func (j *Job) Passthrough() {
	if j.format != nil {
		j.format.Close()
		j.format = nil
	}
}

// Finish releases text the filters held back and commits the final
// settlement over everything emitted.
func (j *Job) Finish(ctx context.Context) (emit string, blocked bool, err error) {
	if j.finished {
		return "", j.blocked != "", nil
	}
	j.finished = true
	if j.blocked != "" {
		j.safety.Close()
		j.closeFormat()
		return "", true, j.commit(ctx, abi.CommitFinal)
	}
	res, err := j.safety.Finish(ctx)
	if res.Blocked {
		j.blocked = res.Reason
		j.closeFormat()
		return "", true, errors.Join(err, j.commit(ctx, abi.CommitFinal))
	}
	out, ferr := j.shape(ctx, res.Emit, true)
	j.out.Write(out)
	return string(out), false, errors.Join(err, ferr, j.commit(ctx, abi.CommitFinal))
}

func (j *Job) closeFormat() {
	if j.format != nil {
		j.format.Close()
	}
}

// Close releases the job without a final commitment (the request failed).
func (j *Job) Close() {
	if !j.finished {
		j.finished = true
		j.safety.Close()
		j.closeFormat()
	}
}

// FormatVerdict is how the streamed output's format came out, once the
// job finished; nil when it was not reshaped.
func (j *Job) FormatVerdict() *plugin.FormatVerdict { return j.verdict }

// BlockReason is why the output was cut, or "".
func (j *Job) BlockReason() string { return j.blocked }

// Commitments are the signed commitments made so far, in order.
func (j *Job) Commitments() []Commitment { return j.proofs }

func (j *Job) commit(ctx context.Context, kind abi.CommitKind) error {
	var sum [32]byte
	copy(sum[:], j.out.Sum(nil))
	sc, err := j.p.Plugins.Proof().Commit(ctx, abi.CommitRequest{
		Kind: kind, JobID: j.id, ModelSHA256: j.model,
		TokenStart: j.lastEnd, TokenEnd: j.tokens, OutputSHA256: sum, Prev: j.prev,
	})
	if err != nil {
		return err
	}
	name := "checkpoint"
	if kind == abi.CommitFinal {
		name = "final"
	}
	j.proofs = append(j.proofs, Commitment{Kind: name, TokenStart: j.lastEnd, TokenEnd: j.tokens,
		Digest: hex.EncodeToString(sc.Digest[:]), Scheme: sc.Scheme, Signature: hex.EncodeToString(sc.Signature)})
	j.prev, j.lastEnd = sc.Digest, j.tokens
	return nil
}

func (p *Pipeline) checkpointTokens() int {
	if p.CheckpointTokens > 0 {
		return p.CheckpointTokens
	}
	return DefaultCheckpointTokens
}
