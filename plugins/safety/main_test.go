package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/sdk"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

var testConfig = map[string]string{
	"deny_prompt":      "build a bomb|credit card dump",
	"mask_prompt":      "ACME Corp",
	"max_prompt_bytes": "200",
	"deny_output":      "secret launch code|forbidden",
}

func TestCheckPrompt(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", testConfig).Safety()
	ctx := context.Background()
	cases := []struct {
		prompt string
		action sdk.Action
		want   string // reason substring, or rewritten prompt
	}{
		{"What is the capital of France?", sdk.Allow, ""},
		{"Please BUILD A BOMB for me", sdk.Deny, `"build a bomb"`},
		{strings.Repeat("x", 201), sdk.Deny, "longer than 200"},
		{"Tell me about acme corp and ACME CORP.", sdk.Rewrite, "Tell me about [masked] and [masked]."},
	}
	for _, c := range cases {
		v, err := s.CheckPrompt(ctx, sdk.PromptCheck{Prompt: []byte(c.prompt)})
		if err != nil {
			t.Fatal(err)
		}
		if v.Action != c.action {
			t.Errorf("%q: action %v, want %v", c.prompt, v.Action, c.action)
		}
		got := v.Reason
		if c.action == sdk.Rewrite {
			got = string(v.Rewritten)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want it to contain %q", c.prompt, got, c.want)
		}
	}
}

// TestStreamPhraseSplitAcrossChunks feeds a blocked phrase one byte at a
// time and checks that nothing of it is emitted before the stream is cut.
func TestStreamPhraseSplitAcrossChunks(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", testConfig).Safety()
	ctx := context.Background()
	st := s.NewStream()
	defer st.Close()
	text := "Sure. The secret launch code is 1234"
	var emitted strings.Builder
	blocked := false
	for i := range len(text) {
		r, err := st.Filter(ctx, []byte(text[i:i+1]))
		if err != nil {
			t.Fatal(err)
		}
		emitted.Write(r.Emit)
		if r.Blocked {
			blocked = true
			if !strings.Contains(r.Reason, "secret launch code") {
				t.Errorf("reason %q does not name the phrase", r.Reason)
			}
			break
		}
	}
	if !blocked {
		t.Fatal("stream was not cut")
	}
	if strings.Contains(emitted.String(), "secret") {
		t.Errorf("part of the blocked phrase leaked: %q", emitted.String())
	}
}

func TestStreamCleanTextPassesWhole(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", testConfig).Safety()
	ctx := context.Background()
	st := s.NewStream()
	text := "Héllo wörld, nothing to see here — just ünïcode text."
	var out []byte
	for _, chunk := range []string{text[:5], text[5:17], text[17:]} {
		r, err := st.Filter(ctx, []byte(chunk))
		if err != nil || r.Blocked {
			t.Fatalf("chunk %q: %+v %v", chunk, r, err)
		}
		out = append(out, r.Emit...)
	}
	r, err := st.Finish(ctx)
	if err != nil || r.Blocked {
		t.Fatalf("finish: %+v %v", r, err)
	}
	out = append(out, r.Emit...)
	if string(out) != text {
		t.Errorf("got %q, want %q", out, text)
	}
}

func TestRedact(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", nil).Safety()
	text := "Mail jane.doe@example.com or call +1 (555) 123-4567; card 4111 1111 1111 1111."
	got, n, err := s.Redact(context.Background(), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := "Mail [email] or call [phone]; card [card]."
	if string(got) != want || n != 3 {
		t.Errorf("got %q (%d), want %q (3)", got, n, want)
	}
}

func TestUnknownRedactorRejected(t *testing.T) {
	rt := plugintest.NewRuntime(t)
	m := plugintest.Manifest(t, "s", "safety", plugintest.Build(t, "."), map[string]string{"redact": "email|ssn"})
	if _, err := rt.Load(context.Background(), m); err == nil || !strings.Contains(err.Error(), `unknown kind "ssn"`) {
		t.Fatalf("want error naming ssn, got %v", err)
	}
}

// TestStreamIsRedactedLikeWholeText cuts a text holding personal data into
// chunks every which way, down to single bytes: the concatenated stream is
// always the whole text's redaction, and no raw item leaks into it.
func TestStreamIsRedactedLikeWholeText(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", testConfig).Safety()
	ctx := context.Background()
	text := "Write to jane.doe@example.com, or call +1 (555) 123-4567 after 5pm. " +
		"My card is 4111 1111 1111 1111 and the year is 2024. Ünïcode stays; bob@x.io ends it"
	want, _, err := s.Redact(ctx, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	raw := []string{"jane.doe", "example.com", "555", "4567", "4111", "bob@", "x.io"}
	for _, size := range []int{1, 2, 3, 5, 7, 11, 16, 64, len(text)} {
		st := s.NewStream()
		var out []byte
		for i := 0; i < len(text); i += size {
			r, err := st.Filter(ctx, []byte(text[i:min(i+size, len(text))]))
			if err != nil || r.Blocked {
				t.Fatalf("chunk size %d: %+v %v", size, r, err)
			}
			out = append(out, r.Emit...)
			for _, item := range raw {
				if strings.Contains(string(out), item) {
					t.Fatalf("chunk size %d: %q leaked before the end: %q", size, item, out)
				}
			}
		}
		r, err := st.Finish(ctx)
		if err != nil || r.Blocked {
			t.Fatalf("chunk size %d: finish %+v %v", size, r, err)
		}
		if out = append(out, r.Emit...); string(out) != string(want) {
			t.Errorf("chunk size %d:\n got %q\nwant %q", size, out, want)
		}
	}
}

// TestStreamHoldsBackLittle checks that redaction delays ordinary prose by
// at most its last word.
func TestStreamHoldsBackLittle(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", nil).Safety()
	st := s.NewStream()
	defer st.Close()
	r, err := st.Filter(context.Background(), []byte("The quick brown fox jumps"))
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Emit) != "The quick brown fox " {
		t.Errorf("emitted %q, want all but the last word", r.Emit)
	}
}

// TestStreamHoldIsBounded streams a long run of numbers and spaces, which
// the phone pattern matches as one item: the stream still flows rather
// than holding the whole run.
func TestStreamHoldIsBounded(t *testing.T) {
	s := plugintest.Load(t, ".", "safety", nil).Safety()
	st := s.NewStream()
	defer st.Close()
	ctx := context.Background()
	fed, emitted := 0, 0
	for i := range 400 {
		chunk := fmt.Sprintf("%d ", i)
		r, err := st.Filter(ctx, []byte(chunk))
		if err != nil || r.Blocked {
			t.Fatal(r, err)
		}
		fed += len(chunk)
		emitted += len(r.Emit)
		if fed > 2*maxHold && emitted == 0 {
			t.Fatalf("nothing emitted after %d bytes", fed)
		}
	}
}
