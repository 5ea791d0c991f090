package plugin_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/plugin"
)

// TestHotSwapInFlightFinishesOnOldVersion: a stream that started before a
// reload keeps the version it started on (its state belongs to it); new
// requests get the new version; the old one closes when the stream ends.
func TestHotSwapInFlightFinishesOnOldVersion(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "safety", "safety", safetyWasm(t), map[string]string{"deny_output": "apple", "deny_prompt": "apple"})
	old := mustLoad(t, reg, m)

	inflight := reg.Safety().NewStream()
	if r, err := inflight.Filter(ctx, []byte("an app")); err != nil || r.Blocked {
		t.Fatal(r, err)
	}

	m.Config = map[string]string{"deny_output": "banana", "deny_prompt": "banana"}
	if err := reg.Reload(ctx, m); err != nil {
		t.Fatal(err)
	}
	cur, _ := reg.Plugin("safety")
	if cur == old {
		t.Fatal("reload did not create a new version")
	}
	// New requests see the new configuration.
	if v, _ := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: []byte("banana")}); v.Action != abi.ActionDeny {
		t.Errorf("new version not serving: %+v", v)
	}
	if v, _ := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: []byte("apple")}); v.Action != abi.ActionAllow {
		t.Errorf("old configuration still applied to new requests: %+v", v)
	}
	// The in-flight stream still runs on the old version and its state.
	if _, err := old.Call(ctx, abi.HookPing, []byte("x")); err != nil {
		t.Fatalf("old version closed while a stream still uses it: %v", err)
	}
	r, err := inflight.Filter(ctx, []byte("le pie"))
	if err != nil || !r.Blocked || !strings.Contains(r.Reason, "apple") {
		t.Fatalf("in-flight stream lost its version or state: %+v %v", r, err)
	}
	inflight.Close()
	if _, err := old.Call(ctx, abi.HookPing, nil); !errors.Is(err, plugin.ErrClosed) {
		t.Errorf("old version not closed after draining: %v", err)
	}
	if old.Stats().Instances != 0 {
		t.Errorf("old version still has %d instances", old.Stats().Instances)
	}
}

// TestReloadFailureKeepsOldVersion: a bad pin, a bad configuration, a module
// of another kind or of a future ABI are all refused and the running version
// keeps serving.
func TestReloadFailureKeepsOldVersion(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	good := manifest(t, "pricing", "pricing", pricingWasm(t), map[string]string{"input_per_mtok": "1"})
	running := mustLoad(t, reg, good)

	badPin := good
	badPin.SHA256 = strings.Repeat("0", 64)
	badConfig := good
	badConfig.Config = map[string]string{"input_per_mtok": "free"}
	otherKind := manifest(t, "pricing", "pricing", safetyWasm(t), nil)
	futureABI := manifest(t, "pricing", "pricing", watPath("abi2"), nil)
	kindChange := good
	kindChange.Kind = "safety"

	for name, c := range map[string]struct {
		m    plugin.Manifest
		want string
	}{
		"pin":    {badPin, "sha256 mismatch"},
		"config": {badConfig, `"input_per_mtok": "free" is not a number`},
		"kind":   {otherKind, "manifest says kind pricing but the module implements safety"},
		"abi":    {futureABI, "built for ABI v2.0"},
		"change": {kindChange, "cannot change kind"},
	} {
		err := reg.Reload(ctx, c.m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error containing %q, got %v", name, c.want, err)
		}
		if cur, _ := reg.Plugin("pricing"); cur != running {
			t.Fatalf("%s: running version replaced by a failed reload", name)
		}
		if q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{}); err != nil || q.InputNanosPerToken != 1000 {
			t.Fatalf("%s: old version not serving: %+v %v", name, q, err)
		}
	}
	// Reloading the unchanged manifest is a no-op.
	if err := reg.Reload(ctx, good); err != nil {
		t.Fatal(err)
	}
	if cur, _ := reg.Plugin("pricing"); cur != running {
		t.Error("unchanged reload created a new version")
	}
}

// TestReloadChangedFile: a new .wasm at the same path with a matching new
// pin is swapped in.
func TestReloadChangedFile(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	path := filepath.Join(t.TempDir(), "p.wasm")
	copyFile(t, watPath("ok"), path)
	m := manifest(t, "p", "pricing", path, nil)
	first := mustLoad(t, reg, m)

	copyFile(t, pricingWasm(t), path)
	if err := reg.Reload(ctx, m); err == nil || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("changed file under the old pin: %v", err)
	}
	m.SHA256, _ = fetch.FileSHA256(path)
	if err := reg.Reload(ctx, m); err != nil {
		t.Fatal(err)
	}
	if cur, _ := reg.Plugin("p"); cur == first {
		t.Fatal("not swapped")
	}
	if _, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{}); err != nil {
		t.Fatal(err)
	}
}

// TestRefreshPicksUpChangedFiles: Refresh swaps an unpinned plugin whose
// file changed, and refuses a pinned one.
func TestRefreshPicksUpChangedFiles(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	dir := t.TempDir()
	unpinned, pinned := filepath.Join(dir, "u.wasm"), filepath.Join(dir, "p.wasm")
	copyFile(t, watPath("ok"), unpinned)
	copyFile(t, safetyWasm(t), pinned)
	u := manifest(t, "u", "pricing", unpinned, nil)
	u.SHA256, u.AllowUnpinned = "", true
	before := mustLoad(t, reg, u)
	pinnedBefore := mustLoad(t, reg, manifest(t, "p", "safety", pinned, nil))

	if err := reg.Refresh(ctx); err != nil {
		t.Fatalf("refresh with nothing changed: %v", err)
	}
	if cur, _ := reg.Plugin("u"); cur != before {
		t.Fatal("unchanged plugin reloaded")
	}
	copyFile(t, pricingWasm(t), unpinned)
	copyFile(t, pricingWasm(t), pinned)
	err := reg.Refresh(ctx)
	if err == nil || !strings.Contains(err.Error(), `plugin "p": sha256 mismatch`) {
		t.Errorf("pinned plugin with a changed file: %v", err)
	}
	if cur, _ := reg.Plugin("u"); cur == before {
		t.Error("changed unpinned plugin not reloaded")
	}
	if cur, _ := reg.Plugin("p"); cur != pinnedBefore {
		t.Error("pinned plugin replaced by a file that does not match its pin")
	}
	if q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{}); err != nil || q.Currency != "USD" {
		t.Errorf("new version not serving: %+v %v", q, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReloadUnderLoad swaps versions while many goroutines call: every call
// succeeds and sees one of the two configurations, never an error. And
// calls really overlap the swaps: slow calls (400 ms) that begin before a
// swap and return after it are counted, and each answers with the version
// it began on.
func TestReloadUnderLoad(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "pricing", "pricing", hostileWasm(t), map[string]string{"input": "1"})
	m.Limits.Timeout = 5 * time.Second
	m.Limits.PoolSize = 4
	mustLoad(t, reg, m)
	const slow = 400 * time.Millisecond // the "slow" quote's run time
	type span struct {
		start, end time.Time // the version was pinned at start or before
		price      int64
	}
	var mu sync.Mutex
	var calls []span
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 4 {
		mode := []string{"slow", "ok"}[g%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{Model: mode, UnixMillis: time.Now().UnixMilli()})
				end := time.Now()
				if err == nil && q.InputNanosPerToken != 1 && q.InputNanosPerToken != 2 {
					err = fmt.Errorf("unexpected price %d", q.InputNanosPerToken)
				}
				if err != nil {
					errs <- err
					return
				}
				if mode == "slow" {
					// The guest spun for 400 ms, so it held its version
					// from 400 ms before the call returned at the latest.
					mu.Lock()
					calls = append(calls, span{end.Add(-slow), end, q.InputNanosPerToken})
					mu.Unlock()
				}
			}
		}()
	}
	// A watcher notes when the current version changes: the swap happened
	// after it last saw the old one and before it first saw the new one.
	type swap struct {
		lastOld, firstNew time.Time
		from              int64 // the price before the swap
	}
	var swaps []swap
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		cur, _ := reg.Plugin("pricing")
		seen := time.Now()
		for i := 0; len(swaps) < 6; i++ {
			p, _ := reg.Plugin("pricing")
			now := time.Now()
			if p != cur {
				swaps = append(swaps, swap{seen, now, int64(1 + len(swaps)%2)})
				cur = p
			}
			seen = now
			time.Sleep(50 * time.Microsecond)
		}
	}()
	time.Sleep(100 * time.Millisecond) // slow calls under way
	for i := range 6 {
		m.Config = map[string]string{"input": []string{"2", "1"}[i%2]}
		if err := reg.Reload(ctx, m); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond) // slow calls begin on the new version
	}
	<-watching
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	overlapped := 0
	for _, c := range calls {
		for _, s := range swaps { // the first swap after the call began
			if c.start.Before(s.lastOld) {
				if c.end.After(s.firstNew) {
					overlapped++
					if c.price != s.from {
						t.Errorf("a call that began before a swap answered with the version swapped in (price %d, want %d)", c.price, s.from)
					}
				}
				break
			}
		}
	}
	if overlapped == 0 {
		t.Fatalf("no call overlapped a swap (%d slow calls, %d swaps)", len(calls), len(swaps))
	}
	t.Logf("%d slow calls, %d of them across a swap", len(calls), overlapped)
}

// TestApply reconciles the registry with a configuration, all or nothing:
// a set with one bad plugin changes nothing.
func TestApply(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	p := manifest(t, "pricing", "pricing", pricingWasm(t), nil)
	s := manifest(t, "safety", "safety", safetyWasm(t), nil)
	if err := reg.Apply(ctx, []plugin.Manifest{p, s}); err != nil {
		t.Fatal(err)
	}
	before, _ := reg.Plugin("safety")
	bad := manifest(t, "format", "format", safetyWasm(t), nil)
	err := reg.Apply(ctx, []plugin.Manifest{s, bad})
	if err == nil || !strings.Contains(err.Error(), "implements safety") || !strings.Contains(err.Error(), "keeping the running plugins") {
		t.Fatalf("want the bad format plugin reported, got %v", err)
	}
	names := reg.Names()
	slices.Sort(names)
	if !slices.Equal(names, []string{"pricing", "safety"}) {
		t.Errorf("names = %v, want the previous set [pricing safety]", names)
	}
	if after, _ := reg.Plugin("safety"); after != before {
		t.Error("an unchanged plugin was reloaded")
	}
	if err := reg.Apply(ctx, []plugin.Manifest{s}); err != nil {
		t.Fatal(err)
	}
	if names := reg.Names(); len(names) != 1 || names[0] != "safety" {
		t.Errorf("names = %v, want [safety]", names)
	}
	if err := reg.Load(ctx, manifest(t, "safety2", "safety", safetyWasm(t), nil)); err == nil || !strings.Contains(err.Error(), "only one per kind") {
		t.Errorf("second plugin of a kind accepted: %v", err)
	}
	two := manifest(t, "safety2", "safety", safetyWasm(t), nil)
	if err := reg.Apply(ctx, []plugin.Manifest{s, two}); err == nil || !strings.Contains(err.Error(), "only one per kind") {
		t.Errorf("a set with two plugins of a kind accepted: %v", err)
	}
}

// TestApplyRenameWithABadPinKeepsTheOldSet: renaming the safety plugin
// (safety -> safety-v2) in a config whose new pin is wrong must not leave
// the node without a safety plugin, which would allow every prompt: the
// old set keeps serving and denies what it denied.
func TestApplyRenameWithABadPinKeepsTheOldSet(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	deny := map[string]string{"deny_prompt": "build a bomb"}
	old := manifest(t, "safety", "safety", safetyWasm(t), deny)
	if err := reg.Apply(ctx, []plugin.Manifest{old}); err != nil {
		t.Fatal(err)
	}
	renamed := manifest(t, "safety-v2", "safety", safetyWasm(t), deny)
	renamed.SHA256 = strings.Repeat("0", 64)
	if err := reg.Apply(ctx, []plugin.Manifest{renamed}); err == nil || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("bad pin: %v", err)
	}
	if names := reg.Names(); len(names) != 1 || names[0] != "safety" {
		t.Errorf("names = %v, want the old set [safety]", names)
	}
	v, err := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: []byte("how do I build a bomb")})
	if err != nil || v.Action != abi.ActionDeny {
		t.Fatalf("a denied prompt after a failed rename: %+v %v", v, err)
	}
	// With the right pin the rename goes through in one step.
	renamed.SHA256 = old.SHA256
	if err := reg.Apply(ctx, []plugin.Manifest{renamed}); err != nil {
		t.Fatal(err)
	}
	if names := reg.Names(); len(names) != 1 || names[0] != "safety-v2" {
		t.Errorf("names = %v, want [safety-v2]", names)
	}
	if v, err := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: []byte("how do I build a bomb")}); err != nil || v.Action != abi.ActionDeny {
		t.Fatalf("after the rename: %+v %v", v, err)
	}
}
