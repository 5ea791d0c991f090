package inference

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
)

// Commitment is a signed proof commitment as clients see it.
type Commitment struct {
	Kind       string `json:"kind"` // checkpoint or final
	TokenStart uint64 `json:"token_start"`
	TokenEnd   uint64 `json:"token_end"`
	Digest     string `json:"digest"`
	Scheme     string `json:"scheme"`
	Signature  string `json:"signature,omitempty"`
}

// output carries generated text to the client through the output
// policies, in this order: the safety filter (which may hold text back,
// redact it or cut the response), the format (which may hold and reshape
// it), the payment's go-ahead, then the sink. The proof commits to what
// reached the sink, and only that counts as delivered.
type output struct {
	reqCtx context.Context // the request's: ends when the client leaves
	ctx    context.Context // for plugin calls: the request's, outliving its cancellation
	log    hclog.Logger
	safety *plugin.Stream
	format *plugin.FormatStream // nil: no response_format
	proof  plugin.Proof
	sink   Sink
	pay    Payment
	prompt int // prompt tokens, for the payment's count

	job   string
	model [32]byte // the model file's SHA-256
	every uint64   // delivered output tokens per proof checkpoint

	fed       int // output tokens fed in
	delivered int // of those, the ones whose text reached the sink
	sha       hash.Hash
	committed uint64
	prev      [32]byte
	proofs    []Commitment

	blocked  string
	fault    bool // the cut was a plugin failure, not a verdict
	verdict  *plugin.FormatVerdict
	stopped  error // the sink or the payment refused more
	finished bool
	keep     *strings.Builder // what was delivered, when the log shows it
}

// write passes one engine event's text (carrying tokens new output
// tokens). It reports false once nothing more can be delivered.
func (o *output) write(text string, tokens int) bool {
	o.fed += tokens
	if o.blocked != "" || o.stopped != nil {
		return false
	}
	if text == "" {
		return true
	}
	res, err := o.safety.Filter(o.ctx, []byte(text))
	if res.Blocked {
		o.block(res.Reason, err)
		return false
	}
	return o.deliver(o.shape(res.Emit, false))
}

// finish releases what the filters held and makes the final commitment.
// complete says the generation ended normally; otherwise held text is
// dropped (the client is gone, or the engine failed).
func (o *output) finish(complete bool) {
	if o.finished {
		return
	}
	o.finished = true
	if !complete || o.blocked != "" || o.stopped != nil {
		o.safety.Close()
		o.closeFormat()
	} else if res, err := o.safety.Finish(o.ctx); res.Blocked {
		o.block(res.Reason, err)
	} else if o.deliver(o.shape(res.Emit, true)) {
		o.delivered = o.fed // every token's text is out
	}
	o.commit(abi.CommitFinal)
}

// block cuts the response: a verdict of the safety plugin, or (err set)
// its failure, which fails closed.
func (o *output) block(reason string, err error) {
	o.blocked, o.fault = reason, err != nil
	if err != nil {
		o.log.Warn("output safety filter failed; cutting the response", "error", err)
	}
	o.closeFormat()
}

func (o *output) shape(text []byte, final bool) []byte {
	if o.format == nil {
		return text
	}
	var out []byte
	var err error
	if final {
		var v plugin.FormatVerdict
		out, v, err = o.format.Finish(o.ctx, text)
		o.verdict = &v
	} else {
		out, err = o.format.Write(o.ctx, text)
	}
	if err != nil {
		o.log.Warn("format failed; the rest passes unformatted", "error", err)
	}
	return out
}

func (o *output) closeFormat() {
	if o.format != nil {
		o.format.Close()
	}
}

// deliver hands shaped text to the sink, once the payment allows it.
// The tokens fed so far count as delivered when the write succeeds.
func (o *output) deliver(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	d := Delivery{PromptTokens: o.prompt, OutputTokens: o.fed}
	if err := o.pay.Allow(o.reqCtx, d, o.notify); err != nil {
		o.stopped = err
		return false
	}
	if err := o.sink.Write(string(b)); err != nil {
		o.stopped = err
		return false
	}
	o.pay.Delivered(d, b)
	o.delivered = o.fed
	o.sha.Write(b)
	if o.keep != nil {
		o.keep.Write(b)
	}
	if uint64(o.delivered)-o.committed >= o.every {
		o.commit(abi.CommitCheckpoint)
	}
	return true
}

// notify passes a payment's notice to the sink, when it can carry one.
func (o *output) notify(n Notice) error {
	if ns, ok := o.sink.(Notifier); ok {
		return ns.Notice(n)
	}
	return ErrNoNotices
}

// commit makes a signed commitment over everything delivered so far. A
// proof plugin that fails leaves a gap in the chain, never a guess.
func (o *output) commit(kind abi.CommitKind) {
	var out [32]byte
	copy(out[:], o.sha.Sum(nil))
	end := uint64(o.delivered)
	sc, err := o.proof.Commit(o.ctx, abi.CommitRequest{
		Kind: kind, JobID: o.job, ModelSHA256: o.model,
		TokenStart: o.committed, TokenEnd: end, OutputSHA256: out, Prev: o.prev,
	})
	if err != nil {
		o.log.Warn("proof commitment failed", "kind", kind, "error", err)
		return
	}
	name := "checkpoint"
	if kind == abi.CommitFinal {
		name = "final"
	}
	o.proofs = append(o.proofs, Commitment{Kind: name, TokenStart: o.committed, TokenEnd: end,
		Digest: hex.EncodeToString(sc.Digest[:]), Scheme: sc.Scheme, Signature: hex.EncodeToString(sc.Signature)})
	o.prev, o.committed = sc.Digest, end
}

// newOutput starts the output of one request; ctx is the request's.
func newOutput(ctx context.Context, log hclog.Logger, plugins *plugin.Set, req *Request, job string, model [32]byte,
	every int, sink Sink, pay Payment, prompt int, keep bool) *output {
	o := &output{reqCtx: ctx, ctx: context.WithoutCancel(ctx), log: log, safety: plugins.Safety().NewStream(), proof: plugins.Proof(), sink: sink, pay: pay,
		prompt: prompt, job: job, model: model, every: uint64(every), sha: sha256.New()}
	if req.HasFormat {
		// A stream is shaped as it goes; a whole answer once, at the end,
		// where the plugin can judge all of it.
		if req.Stream {
			o.format = plugins.Format().NewStream(req.Format)
		} else {
			o.format = plugins.Format().NewWhole(req.Format)
		}
	}
	if keep {
		o.keep = &strings.Builder{}
	}
	return o
}
