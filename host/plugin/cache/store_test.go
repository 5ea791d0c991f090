package cache

import (
	"fmt"
	"testing"
	"time"

	"github.com/fabnode/fabnode/abi"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func policy(key string, ttl time.Duration, threshold float32, scope string) abi.CachePolicy {
	return abi.CachePolicy{Cacheable: true, Key: []byte(key), TTLMillis: uint32(ttl.Milliseconds()), SimilarityThreshold: threshold, Scope: []byte(scope)}
}

func TestExactHitAndTTL(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	s := New(1<<20, c.now)
	p := policy("k", time.Minute, 0, "")
	if !s.Put(p, []byte("answer"), nil) {
		t.Fatal("Put refused")
	}
	if v, sim, ok := s.Lookup(p, nil); !ok || string(v) != "answer" || sim != 1 {
		t.Fatalf("Lookup = %q %v %v", v, sim, ok)
	}
	c.t = c.t.Add(time.Minute)
	if _, _, ok := s.Lookup(p, nil); ok {
		t.Fatal("expired entry served")
	}
	if s.Len() != 0 || s.Bytes() != 0 {
		t.Errorf("expired entry not removed: %d entries, %d bytes", s.Len(), s.Bytes())
	}
	if s.Put(abi.CachePolicy{Key: []byte("x"), TTLMillis: 1}, []byte("v"), nil) {
		t.Error("stored a non-cacheable policy")
	}
}

func TestByteBudgetEvictsLeastRecentlyUsed(t *testing.T) {
	s := New(3*(entryOverhead+1+100), nil)
	val := make([]byte, 100)
	for _, k := range []string{"a", "b", "c"} {
		s.Put(policy(k, time.Hour, 0, ""), val, nil)
	}
	s.Lookup(policy("a", time.Hour, 0, ""), nil) // a is now most recent
	s.Put(policy("d", time.Hour, 0, ""), val, nil)
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if _, _, ok := s.Lookup(policy(k, time.Hour, 0, ""), nil); ok != want {
			t.Errorf("%s present=%v, want %v", k, ok, want)
		}
	}
	if s.Bytes() > s.budget {
		t.Errorf("used %d > budget %d", s.Bytes(), s.budget)
	}
	if s.Put(policy("huge", time.Hour, 0, ""), make([]byte, s.budget), nil) {
		t.Error("stored an entry larger than the budget")
	}
}

func TestSemanticLookup(t *testing.T) {
	s := New(1<<20, nil)
	stored := policy("k1", time.Hour, 0.9, "model-a")
	s.Put(stored, []byte("paris"), []float32{1, 0, 0})
	s.Put(policy("k2", time.Hour, 0.9, "model-a"), []byte("rome"), []float32{0, 1, 0})
	s.Put(policy("k3", time.Hour, 0.9, "model-b"), []byte("other model"), []float32{1, 0.05, 0})

	q := policy("unseen", time.Hour, 0.9, "model-a")
	v, sim, ok := s.Lookup(q, []float32{2, 0.3, 0}) // cosine with (1,0,0) ~ 0.989
	if !ok || string(v) != "paris" || sim < 0.98 || sim > 0.99 {
		t.Fatalf("semantic lookup = %q %v %v", v, sim, ok)
	}
	if _, _, ok := s.Lookup(q, []float32{1, 1, 0}); ok { // cosine 0.707 with both
		t.Error("match below threshold served")
	}
	exactOnly := q
	exactOnly.SimilarityThreshold = 0
	if _, _, ok := s.Lookup(exactOnly, []float32{1, 0, 0}); ok {
		t.Error("semantic match served with threshold 0")
	}
	otherScope := policy("unseen", time.Hour, 0.5, "model-c")
	if _, _, ok := s.Lookup(otherScope, []float32{1, 0, 0}); ok {
		t.Error("match served across scopes")
	}
	if _, _, ok := s.Lookup(q, []float32{0, 0, 0}); ok {
		t.Error("zero vector matched")
	}
}

func TestReplaceKeepsAccounting(t *testing.T) {
	s := New(1<<20, nil)
	for i := range 100 {
		s.Put(policy("same", time.Hour, 0.5, "s"), []byte(fmt.Sprint(i)), []float32{1, float32(i)})
	}
	if s.Len() != 1 || len(s.byScope["s"]) != 1 {
		t.Fatalf("%d entries, %d in scope", s.Len(), len(s.byScope["s"]))
	}
}
