package engine

import (
	"context"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/ollama/ollama/llama"
)

// job is a request from submission to its last event.
type job struct {
	ctx      context.Context
	req      Request
	tokens   []int
	stream   *Stream
	enqueued time.Time
}

// slot is one KV-cache sequence. Between requests it keeps the tokens its
// cache holds, for prefix reuse.
type slot struct {
	seq    int
	cached []int // tokens whose keys and values are in the cache, in order
	// shared: some of the cached tokens got their cells while another
	// slot held cells too, so they may sit above cells freed since.
	shared bool

	job       *job
	prefill   []int // prompt tokens not yet decoded
	next      int   // sampled token to decode next (when prefill is empty)
	sampler   *llama.SamplingContext
	text      *textStream
	usage     Usage
	logitsIdx int  // index in the current batch whose logits this slot samples, or -1
	decoding  bool // the current batch carries this slot's next token
	chunk     int  // prompt tokens the current batch carries for this slot
}

func (s *slot) busy() bool { return s.job != nil }

// run is the scheduler: it alone touches the llama context.
//
// It keeps one OS thread for its whole life. llama.cpp computes each
// decode step on the calling thread and the threadpool's workers, which
// spin at a barrier after every operation. Unlocked, the scheduler
// goroutine moves to another thread whenever a stream's reader holds the
// only P when a step returns (GOMAXPROCS is the cores the compute threads
// leave free, often 1), so ggml's first compute thread changed from step
// to step and the kernel placed it anew each time. Locked, the two compute
// threads keep their cores: served single-stream decode gained 2-3% in
// mirrored A/B rounds; the bare loop, which never hands off, did not
// change (BENCHMARKS.md, "One thread for the scheduler").
func (m *Model) run() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer close(m.done)
	slots := make([]*slot, m.opts.Parallel)
	for i := range slots {
		slots[i] = &slot{seq: i, logitsIdx: -1}
	}
	var waiting []*job
	prefillTurn := 0

	for {
		// Take new requests; block only when there is nothing to compute.
		idle := len(waiting) == 0 && !anyBusy(slots)
		if idle {
			select {
			case j := <-m.submit:
				waiting = append(waiting, j)
			case fn := <-m.control:
				fn()
				// fn had the cache to itself (the bare loop uses sequence
				// 0): no slot's record of its cache can be trusted now.
				for _, s := range slots {
					m.forget(s)
				}
				continue
			case <-m.quit:
				m.shutdown(slots, waiting)
				return
			}
		}
		for drained := false; !drained; {
			select {
			case j := <-m.submit:
				waiting = append(waiting, j)
			case <-m.quit:
				m.shutdown(slots, waiting)
				return
			default:
				drained = true
			}
		}

		// Requests whose client left, queued or running, end here: before
		// the batch is built, so nothing is computed for them.
		waiting = m.dropCancelled(waiting)
		for _, s := range slots {
			if s.busy() && s.job.ctx.Err() != nil {
				m.finish(s, FinishCancelled, nil)
			}
		}
		for len(waiting) > 0 {
			s := pickSlot(slots, waiting[0].tokens)
			if s == nil {
				break
			}
			m.assign(s, waiting[0])
			waiting = waiting[1:]
		}
		if !anyBusy(slots) {
			continue
		}

		markShared(slots)

		// Build the batch: every generating slot's next token first, so
		// decoding never waits on a prompt, then prompt chunks in turn.
		m.batch.Clear()
		budget := m.opts.BatchSize
		for _, s := range slots {
			s.logitsIdx, s.decoding, s.chunk = -1, false, 0
			if s.busy() && len(s.prefill) == 0 {
				s.decoding = true
				s.logitsIdx = m.batch.NumTokens()
				m.batch.Add(s.next, nil, len(s.cached), true, s.seq)
				budget--
			}
		}
		for i := range slots {
			s := slots[(prefillTurn+i)%len(slots)]
			if !s.busy() || len(s.prefill) == 0 || budget <= 0 {
				continue
			}
			n := min(len(s.prefill), budget)
			for k := 0; k < n; k++ {
				last := k == len(s.prefill)-1
				if last {
					s.logitsIdx = m.batch.NumTokens()
				}
				m.batch.Add(s.prefill[k], nil, len(s.cached)+k, last, s.seq)
			}
			s.chunk = n
			budget -= n
		}
		prefillTurn++

		if err := m.lctx.Decode(m.batch); err != nil {
			m.log.Error("decode failed", "error", err, "tokens", m.batch.NumTokens())
			for _, s := range slots {
				if s.busy() {
					m.finish(s, FinishError, err)
					m.forget(s)
				}
			}
			continue
		}

		// Book what was decoded, then sample.
		for _, s := range slots {
			if !s.busy() {
				continue
			}
			if s.decoding {
				s.cached = append(s.cached, s.next)
			}
			s.cached = append(s.cached, s.prefill[:s.chunk]...)
			s.prefill = s.prefill[s.chunk:]
			if s.logitsIdx >= 0 {
				m.sample(s)
			}
		}
	}
}

func anyBusy(slots []*slot) bool {
	for _, s := range slots {
		if s.busy() {
			return true
		}
	}
	return false
}

// pickSlot returns the free slot whose cached tokens share the longest
// prefix with prompt, or nil when every slot is busy.
//
// Ties go to the slot holding the most cached tokens, whose stale cells
// the new request then overwrites. The KV cache is shared by all slots
// and attention spans every cell up to the highest one in use, so
// spreading requests over empty slots would make every decode step of
// every request slower; reusing cells keeps the span as short as the
// live requests allow.
func pickSlot(slots []*slot, prompt []int) *slot {
	var best *slot
	bestLen := -1
	for _, s := range slots {
		if s.busy() {
			continue
		}
		n := commonPrefix(s.cached, prompt)
		if n > bestLen || (n == bestLen && len(s.cached) > len(best.cached)) {
			best, bestLen = s, n
		}
	}
	return best
}

// minPrefixReuse is the fewest cached prompt tokens a request reuses from
// a shared slot (one whose cells may sit high); below it, the slot's cache
// is dropped and the prompt read afresh. (llama.cpp's own defragmentation
// cannot serve here: asked when no cell needs to move, it stays pending
// and logs an error at every decode.)
const minPrefixReuse = 32

// markShared marks the busy slots shared while more than one slot holds
// cells: the cells they get now may end up above others' freed ones.
func markShared(slots []*slot) {
	holding := 0
	for _, s := range slots {
		if s.busy() || len(s.cached) > 0 {
			holding++
		}
	}
	if holding < 2 {
		return
	}
	for _, s := range slots {
		if s.busy() {
			s.shared = true
		}
	}
}

func commonPrefix(a, b []int) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func (m *Model) assign(s *slot, j *job) {
	m.queued.Add(-1)
	m.busy.Add(1)
	reuse := commonPrefix(s.cached, j.tokens)
	if reuse == len(j.tokens) {
		reuse-- // the last prompt token must be decoded again for its logits
	}
	if reuse < minPrefixReuse && s.shared {
		// Attention spans every cell up to the highest one in use. A
		// cache filled beside other requests may sit high, and after a
		// burst the few chat-template tokens a new prompt shared with it
		// held that prompt there: every later step attended over the
		// burst's whole span. A short prefix saves next to nothing, so it
		// goes, and the prompt starts at the lowest free cell.
		reuse = 0
	}
	m.lctx.KvCacheSeqRm(s.seq, reuse, -1)
	if reuse == 0 {
		s.shared = false
	}
	s.cached = s.cached[:reuse]
	s.prefill = j.tokens[reuse:]
	s.job = j
	s.text = newTextStream(j.req.Stop)
	s.usage = Usage{PromptTokens: len(j.tokens), CachedTokens: reuse}

	sp := j.req.Sampling
	seed := rand.Uint32()
	if sp.Seed != nil {
		seed = *sp.Seed
	}
	sampler, err := llama.NewSamplingContext(m.model, llama.SamplingParams{
		TopK: sp.TopK, TopP: sp.TopP, MinP: sp.MinP, TypicalP: 1, Temp: sp.Temperature,
		RepeatLastN: sp.RepeatLastN, PenaltyRepeat: sp.RepeatPenalty,
		PenaltyFreq: sp.FrequencyPenalty, PenaltyPresent: sp.PresencePenalty, Seed: seed,
		Grammar: sp.Grammar,
	})
	if err != nil {
		m.finish(s, FinishError, err)
		return
	}
	// Penalties look back over the prompt too, as llama.cpp's server does.
	for _, t := range j.tokens {
		sampler.Accept(t, false)
	}
	s.sampler = sampler
}

func (m *Model) sample(s *slot) {
	ev := Event{Tokens: 1}
	if s.usage.CompletionTokens == 0 && s.job.req.Embed {
		// The hidden state at the prompt's last token: the prompt's
		// embedding, for semantic cache lookup above the engine.
		ev.Embedding = m.lctx.GetEmbeddingsIth(s.logitsIdx)
	}
	if bias := s.job.req.Sampling.LogitBias; len(bias) > 0 {
		m.cctx.biasLogits(s.logitsIdx, bias, m.nVocab)
	}
	tok := s.sampler.Sample(m.lctx, s.logitsIdx)
	s.sampler.Accept(tok, true)
	ev.At = time.Now()
	s.usage.CompletionTokens++
	if m.model.TokenIsEog(tok) {
		m.emit(s, ev)
		m.finish(s, FinishStop, nil)
		return
	}
	text, stopped := s.text.push(m.model.TokenToPiece(tok))
	ev.Text = text
	m.emit(s, ev)
	switch {
	case stopped:
		m.finish(s, FinishStop, nil)
	case s.job.req.MaxTokens > 0 && s.usage.CompletionTokens >= s.job.req.MaxTokens,
		len(s.cached)+1 >= m.opts.ContextSize:
		m.finish(s, FinishLength, nil)
	default:
		s.next = tok
	}
}

func (m *Model) emit(s *slot, e Event) { s.job.stream.push(e) }

// finish ends the slot's request and frees the slot; its cache stays.
func (m *Model) finish(s *slot, reason FinishReason, err error) {
	// Text held back for a possible stop sequence is the client's unless
	// the client is gone (a matched stop sequence already consumed it).
	if s.text != nil && reason != FinishCancelled {
		if rest := s.text.flush(); rest != "" {
			s.job.stream.push(Event{Text: rest, At: time.Now()})
		}
	}
	if reason == FinishCancelled && err == nil {
		err = s.job.ctx.Err()
	}
	s.job.stream.push(Event{Done: true, Finish: reason, Usage: s.usage, Err: err, At: time.Now()})
	if m.busy.Load() > 1 || m.queued.Load() > 0 {
		// Under concurrency a finished request's cache is dropped at once:
		// stale cells widen the span of cache every other request's
		// attention covers, and fragment it. An idle model keeps it, for
		// the next turn of the same conversation.
		m.forget(s)
	}
	s.job, s.sampler, s.text, s.prefill = nil, nil, nil, nil
	m.busy.Add(-1)
	m.leave()
}

// forget drops a slot's cache and its record of it: after a failed decode
// left it unknown, under concurrency when a request ends, and after the
// context was lent out whole.
func (m *Model) forget(s *slot) {
	m.lctx.KvCacheSeqRm(s.seq, 0, -1)
	s.cached, s.shared = nil, false
}

func (m *Model) dropCancelled(waiting []*job) []*job {
	kept := waiting[:0]
	for _, j := range waiting {
		if err := j.ctx.Err(); err != nil {
			m.queued.Add(-1)
			j.stream.push(Event{Done: true, Finish: FinishCancelled, Err: err, At: time.Now(),
				Usage: Usage{PromptTokens: len(j.tokens)}})
			m.leave()
			continue
		}
		kept = append(kept, j)
	}
	return kept
}

func (m *Model) shutdown(slots []*slot, waiting []*job) {
	for _, s := range slots {
		if s.busy() {
			m.finish(s, FinishError, ErrModelClosed)
		}
	}
	for drained := false; !drained; {
		select {
		case j := <-m.submit:
			waiting = append(waiting, j)
		default:
			drained = true
		}
	}
	for _, j := range waiting {
		m.queued.Add(-1)
		j.stream.push(Event{Done: true, Finish: FinishError, Err: ErrModelClosed, At: time.Now()})
		m.leave()
	}
}

// exclusive runs fn on the scheduler goroutine once no request is active,
// and waits for it. It reports false when the model closed first.
func (m *Model) exclusive(fn func()) bool {
	done := make(chan struct{})
	select {
	case m.control <- func() { fn(); close(done) }:
		<-done
		return true
	case <-m.quit:
		return false
	}
}
