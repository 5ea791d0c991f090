package engine

import (
	"fmt"
	"time"

	"github.com/ollama/ollama/llama"
)

// BareResult is what one bare generation measured.
type BareResult struct {
	PromptTokens int
	Tokens       int
	TTFT         time.Duration // prompt decode and first sample
	DecodeTime   time.Duration // first to last token
}

// BareGenerate is the baseline the benchmarks hold the node against: the
// plainest llama.cpp loop (one sequence, decode, greedy sample, detokenize)
// with none of the scheduler, streaming or HTTP around it. It runs on the
// scheduler's goroutine while no request is active, so it has the
// context to itself, and leaves sequence 0's cache empty.
func (m *Model) BareGenerate(prompt string, maxTokens int) (res BareResult, err error) {
	if !m.exclusive(func() { res, err = m.bareGenerate(prompt, maxTokens) }) {
		return res, ErrModelClosed
	}
	return res, err
}

func (m *Model) bareGenerate(prompt string, maxTokens int) (BareResult, error) {
	tokens, err := m.Tokenize(prompt)
	if err != nil {
		return BareResult{}, err
	}
	if len(tokens)+maxTokens >= m.opts.ContextSize || len(tokens) > m.opts.BatchSize {
		return BareResult{}, fmt.Errorf("prompt of %d tokens plus %d does not fit", len(tokens), maxTokens)
	}
	sampler, err := llama.NewSamplingContext(m.model, llama.SamplingParams{TopP: 1, TypicalP: 1, Temp: 0, PenaltyRepeat: 1, RepeatLastN: 64})
	if err != nil {
		return BareResult{}, err
	}
	batch, err := llama.NewBatch(m.opts.BatchSize, 1, 0)
	if err != nil {
		return BareResult{}, err
	}
	defer batch.Free()
	const seq = 0
	m.lctx.KvCacheSeqRm(seq, 0, -1)
	defer m.lctx.KvCacheSeqRm(seq, 0, -1)

	res := BareResult{PromptTokens: len(tokens)}
	start := time.Now()
	for i, t := range tokens {
		batch.Add(t, nil, i, i == len(tokens)-1, seq)
	}
	if err := m.lctx.Decode(batch); err != nil {
		return res, err
	}
	pos := len(tokens)
	idx := batch.NumTokens() - 1
	var first time.Time
	for res.Tokens < maxTokens {
		tok := sampler.Sample(m.lctx, idx)
		sampler.Accept(tok, true)
		_ = m.model.TokenToPiece(tok)
		now := time.Now()
		if res.Tokens == 0 {
			first = now
			res.TTFT = now.Sub(start)
		}
		res.DecodeTime = now.Sub(first)
		res.Tokens++
		if m.model.TokenIsEog(tok) || res.Tokens == maxTokens {
			break
		}
		batch.Clear()
		batch.Add(tok, nil, pos, true, seq)
		pos++
		idx = 0
		if err := m.lctx.Decode(batch); err != nil {
			return res, err
		}
	}
	return res, nil
}
