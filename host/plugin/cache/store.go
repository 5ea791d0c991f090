package cache

import (
	"container/list"
	"math"
	"sync"
	"time"

	"github.com/fabnode/fabnode/abi"
)

// entryOverhead approximates the bookkeeping cost of one entry (list
// element, map slot, struct), so that many tiny entries still hit the budget.
const entryOverhead = 128

// Store is a byte-bounded LRU response cache, safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	lru     *list.List // front = most recently used; values are *entry
	byKey   map[string]*list.Element
	byScope map[string]map[*entry]struct{} // entries with embeddings
	now     func() time.Time
}

type entry struct {
	key, scope string
	value      []byte
	embedding  []float32 // unit length, or nil
	expires    time.Time
	size       int64
}

// New returns a store holding at most budget bytes of keys, values and
// embeddings. now is its clock for TTLs (nil: time.Now).
func New(budget int64, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{budget: budget, lru: list.New(), byKey: map[string]*list.Element{}, byScope: map[string]map[*entry]struct{}{}, now: now}
}

// Put stores value under policy.Key for policy.TTLMillis, with an optional
// prompt embedding for semantic lookup in policy.Scope. It reports false
// (and stores nothing) when the policy says not cacheable or the entry alone
// exceeds the budget. Put copies value and embedding.
func (s *Store) Put(policy abi.CachePolicy, value []byte, embedding []float32) bool {
	if !policy.Cacheable || len(policy.Key) == 0 || policy.TTLMillis == 0 {
		return false
	}
	e := &entry{
		key:     string(policy.Key),
		scope:   string(policy.Scope),
		value:   append([]byte(nil), value...),
		expires: s.now().Add(time.Duration(policy.TTLMillis) * time.Millisecond),
	}
	if policy.SimilarityThreshold > 0 {
		e.embedding = unit(embedding)
	}
	e.size = int64(len(e.key)+len(e.scope)+len(e.value)+4*len(e.embedding)) + entryOverhead
	if e.size > s.budget {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byKey[e.key]; ok {
		s.remove(old)
	}
	for s.used+e.size > s.budget {
		s.remove(s.lru.Back())
	}
	s.byKey[e.key] = s.lru.PushFront(e)
	s.used += e.size
	if e.embedding != nil {
		if s.byScope[e.scope] == nil {
			s.byScope[e.scope] = map[*entry]struct{}{}
		}
		s.byScope[e.scope][e] = struct{}{}
	}
	return true
}

// Lookup returns a cached value for a request: the entry stored under
// policy.Key if any, else, when policy.SimilarityThreshold > 0 and an
// embedding is given, the most similar entry of policy.Scope whose cosine
// similarity reaches the threshold. similarity is 1 for an exact hit. The
// returned slice must not be modified.
func (s *Store) Lookup(policy abi.CachePolicy, embedding []float32) (value []byte, similarity float32, ok bool) {
	if !policy.Cacheable {
		return nil, 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if el, found := s.byKey[string(policy.Key)]; found {
		if e := el.Value.(*entry); now.Before(e.expires) {
			s.lru.MoveToFront(el)
			return e.value, 1, true
		}
		s.remove(el)
	}
	if policy.SimilarityThreshold <= 0 || len(embedding) == 0 {
		return nil, 0, false
	}
	q := unit(embedding)
	if q == nil {
		return nil, 0, false
	}
	var best *entry
	bestSim := float32(-2)
	for e := range s.byScope[string(policy.Scope)] {
		if !now.Before(e.expires) || len(e.embedding) != len(q) {
			continue
		}
		if sim := dot(q, e.embedding); sim > bestSim {
			best, bestSim = e, sim
		}
	}
	if best == nil || bestSim < policy.SimilarityThreshold {
		return nil, 0, false
	}
	s.lru.MoveToFront(s.byKey[best.key])
	return best.value, bestSim, true
}

// Len returns the number of entries; Bytes the budget in use.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Len()
}

func (s *Store) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

func (s *Store) remove(el *list.Element) {
	e := s.lru.Remove(el).(*entry)
	delete(s.byKey, e.key)
	if set := s.byScope[e.scope]; set != nil {
		delete(set, e)
		if len(set) == 0 {
			delete(s.byScope, e.scope)
		}
	}
	s.used -= e.size
}

// unit returns v scaled to length 1, or nil for an empty or zero vector.
func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil
	}
	inv := float32(1 / math.Sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
