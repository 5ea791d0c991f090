package plugin_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// TestNoPluginFallbacks documents what each facade does when its kind has
// no plugin configured.
func TestNoPluginFallbacks(t *testing.T) {
	ctx := context.Background()
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, reg := newHost(t, hostOpts{regCfg: plugin.RegistryConfig{Signer: plugin.Ed25519Signer(priv)}})

	if v, err := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: []byte("x")}); err != nil || v.Action != abi.ActionAllow {
		t.Errorf("safety: %+v %v", v, err)
	}
	st := reg.Safety().NewStream()
	if r, err := st.Filter(ctx, []byte("chunk")); err != nil || string(r.Emit) != "chunk" {
		t.Errorf("stream: %+v %v", r, err)
	}
	st.Finish(ctx)
	if txt, n, err := reg.Safety().Redact(ctx, []byte("a@b.cd")); err != nil || string(txt) != "a@b.cd" || n != 0 {
		t.Errorf("redact: %q %d %v", txt, n, err)
	}
	if r, err := reg.Format().Format(ctx, abi.FormatRequest{Format: abi.FormatJSON, Text: []byte("{}")}); err != nil || string(r.Text) != "{}" || r.Valid {
		t.Errorf("format: %+v %v", r, err)
	}
	fs := reg.Format().NewStream(abi.FormatHTML)
	if out, err := fs.Write(ctx, []byte("<b>")); err != nil || string(out) != "<b>" {
		t.Errorf("format stream: %q %v", out, err)
	}
	if _, v, _ := fs.Finish(ctx, nil); v.Valid || v.Problem == "" {
		t.Errorf("format stream verdict: %+v", v)
	}
	if p, err := reg.Cache().Policy(ctx, abi.CacheRequest{}); err != nil || p.Cacheable {
		t.Errorf("cache: %+v %v", p, err)
	}
	if _, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{}); !errors.Is(err, plugin.ErrNotConfigured) {
		t.Errorf("pricing without fallback: %v", err)
	}
	req := abi.CommitRequest{JobID: "j", TokenEnd: 10}
	c, err := reg.Proof().Commit(ctx, req)
	want, _ := abi.CommitDigest(&req)
	if err != nil || c.Digest != want || !ed25519.Verify(pub, want[:], c.Signature) {
		t.Errorf("proof: %+v %v", c, err)
	}

	fb := abi.Quote{InputNanosPerToken: 5, OutputNanosPerToken: 6, Currency: "USD"}
	_, reg2 := newHost(t, hostOpts{regCfg: plugin.RegistryConfig{FallbackQuote: &fb}})
	if q, err := reg2.Pricing().Quote(ctx, abi.QuoteRequest{UnixMillis: 1000}); err != nil || q.InputNanosPerToken != 5 || q.ValidUntilUnixMilli != 61000 {
		t.Errorf("pricing fallback: %+v %v", q, err)
	}
}

// TestFailureDirections: when its plugin faults (here: results over a tiny
// max_output_bytes, or out of bounds), each facade fails in its documented
// direction.
func TestFailureDirections(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	tiny := func(m plugin.Manifest) plugin.Manifest { m.Limits.MaxOutputBytes = 64; return m }
	mustLoad(t, reg, manifest(t, "bad-pricing", "pricing", watPath("oob"), nil))
	mustLoad(t, reg, tiny(manifest(t, "s", "safety", safetyWasm(t), map[string]string{"mask_prompt": "x"})))
	mustLoad(t, reg, tiny(manifest(t, "f", "format", plugintest.Build(t, "../../plugins/format"), nil)))
	mustLoad(t, reg, tiny(manifest(t, "c", "cache", plugintest.Build(t, "../../plugins/cache"), nil)))
	big := []byte(strings.Repeat("x", 200))

	if q, err := reg.Pricing().Quote(ctx, abi.QuoteRequest{}); err == nil || q != (abi.Quote{}) {
		t.Errorf("pricing must fail closed: %+v %v", q, err)
	}
	if v, err := reg.Safety().CheckPrompt(ctx, abi.PromptCheck{Prompt: big}); err == nil || v.Action != abi.ActionDeny {
		t.Errorf("safety check must fail closed: %+v %v", v, err)
	}
	st := reg.Safety().NewStream()
	defer st.Close()
	if r, err := st.Filter(ctx, big); err == nil || !r.Blocked {
		t.Errorf("safety stream must be cut: %+v %v", r, err)
	}
	if r, _ := st.Filter(ctx, []byte("more")); !r.Blocked || len(r.Emit) != 0 {
		t.Error("stream continued after its safety filter failed")
	}
	if txt, _, err := reg.Safety().Redact(ctx, big); err == nil || txt != nil {
		t.Errorf("redact must fail closed (no text): %q %v", txt, err)
	}
	if r, err := reg.Format().Format(ctx, abi.FormatRequest{Format: abi.FormatHTML, Text: big}); err == nil || string(r.Text) != string(big) || r.Valid {
		t.Errorf("format must fail open to the unchanged text: %+v %v", r, err)
	}
	if p, err := reg.Cache().Policy(ctx, abi.CacheRequest{Prompt: big}); err == nil || p.Cacheable {
		t.Errorf("cache must fail to not cacheable: %+v %v", p, err)
	}
}

// TestFormatStreamFailsOpen streams through a format plugin that holds
// everything and then panics: the held text and the rest of the stream
// pass unformatted, nothing is lost, and the verdict says why.
func TestFormatStreamFailsOpen(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	mustLoad(t, reg, manifest(t, "format", "format", plugintest.Build(t, "testdata/guests/flakyformat"), nil))

	ok := reg.Format().NewStream(abi.FormatPlain)
	out, err := ok.Write(ctx, []byte("abc"))
	if err != nil || len(out) != 0 {
		t.Fatalf("held chunk: %q %v", out, err)
	}
	last, v, err := ok.Finish(ctx, []byte("def"))
	if err != nil || string(last) != "ABCDEF" || !v.Valid {
		t.Fatalf("healthy stream: %q %+v %v", last, v, err)
	}

	st := reg.Format().NewStream(abi.FormatPlain)
	defer st.Close()
	var got []byte
	for _, chunk := range []string{"one ", "two ", "PANIC ", "four"} {
		out, err := st.Write(ctx, []byte(chunk))
		if chunk == "PANIC " && err == nil {
			t.Error("the plugin's failure was not reported")
		}
		got = append(got, out...)
	}
	out, v, err = st.Finish(ctx, nil)
	got = append(got, out...)
	if string(got) != "one two PANIC four" || v.Valid || !strings.Contains(v.Problem, "failed during the stream") || err != nil {
		t.Fatalf("after the failure: %q %+v %v", got, v, err)
	}
}

// TestFormatStreamWithoutTheHook loads a format plugin built before ABI
// v1.1: whole answers are shaped, streams pass unchanged.
func TestFormatStreamWithoutTheHook(t *testing.T) {
	ctx := context.Background()
	_, reg := newHost(t, hostOpts{})
	mustLoad(t, reg, manifest(t, "format", "format", plugintest.Build(t, "testdata/guests/wholeformat"), nil))
	if r, err := reg.Format().Format(ctx, abi.FormatRequest{Format: abi.FormatHTML, Text: []byte("x")}); err != nil || string(r.Text) != "X" {
		t.Fatalf("whole: %+v %v", r, err)
	}
	st := reg.Format().NewStream(abi.FormatHTML)
	out, err := st.Write(ctx, []byte("x"))
	last, v, ferr := st.Finish(ctx, []byte("y"))
	if err != nil || ferr != nil || string(out)+string(last) != "xy" || v.Valid || !strings.Contains(v.Problem, "format_stream") {
		t.Fatalf("stream: %q %q %+v %v %v", out, last, v, err, ferr)
	}
}
