package plugin_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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
// succeeds and sees one of the two configurations, never an error.
func TestReloadUnderLoad(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	m := manifest(t, "pricing", "pricing", pricingWasm(t), map[string]string{"input_per_mtok": "1"})
	m.Limits.Timeout = 0
	mustLoad(t, reg, m)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{})
				if err == nil && q.InputNanosPerToken != 1000 && q.InputNanosPerToken != 2000 {
					err = errors.New("unexpected price")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 6 {
		m.Config = map[string]string{"input_per_mtok": []string{"1", "2"}[i%2]}
		if err := reg.Reload(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestApply reconciles the registry with a configuration.
func TestApply(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	p := manifest(t, "pricing", "pricing", pricingWasm(t), nil)
	s := manifest(t, "safety", "safety", safetyWasm(t), nil)
	if err := reg.Apply(ctx, []plugin.Manifest{p, s}); err != nil {
		t.Fatal(err)
	}
	bad := manifest(t, "format", "format", safetyWasm(t), nil)
	err := reg.Apply(ctx, []plugin.Manifest{s, bad})
	if err == nil || !strings.Contains(err.Error(), "implements safety") {
		t.Fatalf("want the bad format plugin reported, got %v", err)
	}
	names := reg.Names()
	if len(names) != 1 || names[0] != "safety" {
		t.Errorf("names = %v, want [safety]", names)
	}
	if err := reg.Load(ctx, manifest(t, "safety2", "safety", safetyWasm(t), nil)); err == nil || !strings.Contains(err.Error(), "only one per kind") {
		t.Errorf("second plugin of a kind accepted: %v", err)
	}
}
