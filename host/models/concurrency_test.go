package models

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/engine"
)

func TestConcurrentFirstLoadsStayWithinBudget(t *testing.T) {
	a, _ := genModel(t, "tiny")
	b, _ := genModel(t, "tiny")
	fi, _ := os.Stat(a)
	budget := fi.Size() * 3 / 2 // room for one with its KV cache, not two
	m, err := New([]Spec{{Name: "a", Path: a, Engine: small}, {Name: "b", Path: b, Engine: small}}, "", budget, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for i := 0; i < 12; i++ {
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  [2]error
			rels  [2]func()
		)
		for j, name := range []string{"a", "b"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, rels[j], errs[j] = m.Get(context.Background(), name)
			}()
		}
		close(start)
		wg.Wait()
		var used int64
		for _, s := range m.List() {
			if s.Loaded {
				used += s.Bytes
			}
		}
		if used > budget {
			t.Fatalf("round %d: %d bytes loaded into a budget of %d (errors %v)", i, used, budget, errs)
		}
		// Both are first requests: the one whose load started first
		// reserves the budget, the other is refused, neither waits.
		ok := 0
		for j, err := range errs {
			switch {
			case err == nil:
				ok++
				rels[j]()
			case !errors.Is(err, ErrOverBudget):
				t.Fatalf("round %d: %v", i, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of 2 loads succeeded, want 1 (errors %v)", i, ok, errs)
		}
		m.UnloadIdle(0)
	}
	// Being refused for the budget is not remembered as a failed load.
	for _, name := range []string{"a", "b"} {
		_, rel, err := m.Get(context.Background(), name)
		if err != nil {
			t.Fatalf("%s alone: %v", name, err)
		}
		rel()
	}
}

// watchCloses holds the manager's next model close until the test lets
// it go: closing is closed as that close begins, closing proceed lets it
// finish. Later closes go through.
func watchCloses(t *testing.T) (closing <-chan struct{}, proceed chan<- struct{}) {
	c, p := make(chan struct{}), make(chan struct{})
	orig := closeModel
	var once sync.Once
	closeModel = func(mod *engine.Model) error {
		once.Do(func() {
			close(c)
			<-p
		})
		return orig(mod)
	}
	t.Cleanup(func() { closeModel = orig })
	return c, p
}

func TestListDoesNotWaitForAModelBeingClosed(t *testing.T) {
	a, _ := genModel(t, "tiny")
	b, _ := genModel(t, "tiny")
	fi, _ := os.Stat(a)
	specs := []Spec{{Name: "a", Path: a, Engine: small}, {Name: "b", Path: b, Engine: small}}
	ways := map[string]func(m *Manager){
		"UnloadIdle": func(m *Manager) { m.UnloadIdle(0) },
		"Close":      func(m *Manager) { m.Close() },
		// b's load unloads the idle a to make room.
		"making room": func(m *Manager) {
			if _, rel, err := m.Get(context.Background(), "b"); err != nil {
				t.Errorf("loading b: %v", err)
			} else {
				rel()
			}
		},
	}
	for name, unload := range ways {
		t.Run(name, func(t *testing.T) {
			m, err := New(specs, "", fi.Size()*3/2, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			_, rel, err := m.Get(context.Background(), "a")
			if err != nil {
				t.Fatal(err)
			}
			rel()
			closing, proceed := watchCloses(t)
			done := make(chan struct{})
			go func() { defer close(done); unload(m) }()
			<-closing // a's close has begun and is held

			listed := make(chan []Status, 1)
			go func() { listed <- m.List() }()
			select {
			case st := <-listed:
				if st[0].Loaded {
					t.Errorf("a is listed as loaded while it is being closed")
				}
			case <-time.After(10 * time.Second):
				t.Errorf("List waited for a model being closed")
			}
			close(proceed)
			<-done
		})
	}
}
