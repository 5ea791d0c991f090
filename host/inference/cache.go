package inference

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/plugin/cache"
)

// CacheState says how the response cache took part in a request.
type CacheState uint8

const (
	CacheOff         CacheState = iota // not cacheable, or no cache
	CacheMiss                          // cacheable, generated (and stored if complete)
	CacheHit                           // an earlier answer to the same request
	CacheHitSemantic                   // an earlier answer to a similar prompt
)

var cacheStateNames = [...]string{"off", "miss", "hit", "hit-semantic"}

func (c CacheState) String() string {
	if int(c) < len(cacheStateNames) {
		return cacheStateNames[c]
	}
	return "unknown"
}

// Hit reports whether the answer came from the cache.
func (c CacheState) Hit() bool { return c == CacheHit || c == CacheHitSemantic }

// cachedAnswer is what the store keeps: the engine's raw text, before the
// output policies, so that a hit passes the policies loaded when it is
// served, like a fresh answer.
type cachedAnswer struct {
	Text   string              `json:"text"`
	Tokens int                 `json:"tokens"`
	Finish engine.FinishReason `json:"finish"`
}

// answers is one request's view of the response cache.
type answers struct {
	store  *cache.Store
	policy abi.CachePolicy // not Cacheable: the cache is off for the request
	raw    strings.Builder // the engine's text, kept to store
	tokens int
}

func (a *answers) on() bool { return a.store != nil && a.policy.Cacheable }

// semantic reports whether a similar prompt's answer may serve.
func (a *answers) semantic() bool { return a.on() && a.policy.SimilarityThreshold > 0 }

// lookup finds an answer by key, or with embedding by similarity.
func (a *answers) lookup(embedding []float32) (*cachedAnswer, bool) {
	if !a.on() {
		return nil, false
	}
	b, _, ok := a.store.Lookup(a.policy, embedding)
	if !ok {
		return nil, false
	}
	var c cachedAnswer
	if json.Unmarshal(b, &c) != nil {
		return nil, false
	}
	return &c, true
}

// record keeps the engine's text for the store.
func (a *answers) record(text string, tokens int) {
	if a.on() {
		a.raw.WriteString(text)
		a.tokens += tokens
	}
}

// remember stores a complete answer.
func (a *answers) remember(finish engine.FinishReason, embedding []float32) {
	if !a.on() {
		return
	}
	b, err := json.Marshal(cachedAnswer{Text: a.raw.String(), Tokens: a.tokens, Finish: finish})
	if err == nil {
		a.store.Put(a.policy, b, embedding)
	}
}

// answerParams encodes everything besides the prompt that changes the
// answer: the model file, the endpoint, the full max_tokens, the stop
// sequences, every sampling parameter (logit_bias included) and the response format. The host
// appends it to the plugin's key and to its semantic scope, so no two
// requests that differ in any of them can share an entry, whatever the
// plugin hashes.
func answerParams(modelSHA256 string, req *Request, gen engine.Request) []byte {
	b := []byte("fabnode-answer-v2\x00")
	str := func(s string) {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	num := func(v uint64) { b = binary.LittleEndian.AppendUint64(b, v) }
	f32 := func(v float32) { num(uint64(math.Float32bits(v))) }
	str(modelSHA256)
	num(uint64(req.Endpoint))
	num(uint64(gen.MaxTokens))
	num(uint64(len(gen.Stop)))
	for _, s := range gen.Stop {
		str(s)
	}
	sp := gen.Sampling
	f32(sp.Temperature)
	num(uint64(sp.TopK))
	f32(sp.TopP)
	f32(sp.MinP)
	f32(sp.RepeatPenalty)
	num(uint64(sp.RepeatLastN))
	f32(sp.PresencePenalty)
	f32(sp.FrequencyPenalty)
	if sp.Seed != nil {
		num(1)
		num(uint64(*sp.Seed))
	} else {
		num(0)
	}
	str(sp.Grammar)
	str(req.FormatName)
	num(uint64(len(sp.LogitBias)))
	for _, lb := range sp.LogitBias {
		num(uint64(lb.Token))
		f32(lb.Bias)
	}
	// The host appends these bytes to a key of the plugin's choosing, of
	// any length. Ending them with their own length makes the pair
	// decodable from the end, so no two (plugin key, params) pairs can
	// join into the same key.
	return binary.LittleEndian.AppendUint32(b, uint32(len(b)))
}

// replay is a cached answer as a source of engine events.
type replay struct{ events []engine.Event }

func replayOf(a *cachedAnswer) *replay {
	return &replay{events: []engine.Event{
		{Text: a.Text, Tokens: a.Tokens},
		{Done: true, Finish: a.Finish},
	}}
}

func (r *replay) next() (engine.Event, bool) {
	if len(r.events) == 0 {
		return engine.Event{}, false
	}
	e := r.events[0]
	r.events = r.events[1:]
	return e, true
}
