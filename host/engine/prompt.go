package engine

import (
	"context"
	"fmt"

	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/gguf"
)

// defaultMaxPiece bounds the bytes one token can stand for when the
// vocabulary is not readable from the file.
const defaultMaxPiece = 256

// vocabInfo is what the engine needs to know about the vocabulary before
// it tokenizes: the control tokens' texts, to find them in a raw prompt,
// and the longest token, which bounds how many bytes a prompt that fits
// the context can have.
type vocabInfo struct {
	specials *trie
	maxPiece int
}

func readVocab(g *gguf.File) vocabInfo {
	v := vocabInfo{specials: &trie{}, maxPiece: defaultMaxPiece}
	texts, types := stringsOf(g.KV["tokenizer.ggml.tokens"]), intsOf(g.KV["tokenizer.ggml.token_type"])
	if len(texts) == 0 {
		return v
	}
	v.maxPiece = 1
	for i, t := range texts {
		v.maxPiece = max(v.maxPiece, len(t))
		// llama.cpp's token types: 3 control, 4 user-defined. Both are
		// recognised in text by its special-token partition.
		if i < len(types) && (types[i] == 3 || types[i] == 4) && t != "" {
			v.specials.add(t)
		}
	}
	return v
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func intsOf(v any) []int64 {
	switch x := v.(type) {
	case []int32:
		out := make([]int64, len(x))
		for i, e := range x {
			out[i] = int64(e)
		}
		return out
	case []any:
		out := make([]int64, 0, len(x))
		for _, e := range x {
			n, _ := e.(int32)
			out = append(out, int64(n))
		}
		return out
	}
	return nil
}

// trie holds the vocabulary's special token texts, for a linear split of
// a raw prompt into text and markers.
type trie struct {
	next map[byte]*trie
	end  bool
}

func (t *trie) add(s string) {
	for i := 0; i < len(s); i++ {
		if t.next == nil {
			t.next = map[byte]*trie{}
		}
		n := t.next[s[i]]
		if n == nil {
			n = &trie{}
			t.next[s[i]] = n
		}
		t = n
	}
	t.end = true
}

// longest returns the length of the longest special text at the start
// of s, or 0.
func (t *trie) longest(s string) int {
	best := 0
	for i := 0; i < len(s) && t != nil; i++ {
		t = t.next[s[i]]
		if t != nil && t.end {
			best = i + 1
		}
	}
	return best
}

// SplitSpecial splits a raw prompt (a completion's, which the client
// writes whole, markers included) into text and the control tokens it
// spells, in time linear in its length times the longest marker.
func (m *Model) SplitSpecial(text string) chat.Prompt {
	var out chat.Prompt
	start := 0
	for i := 0; i < len(text); {
		n := m.vocab.specials.longest(text[i:])
		if n == 0 {
			i++
			continue
		}
		if i > start {
			out = append(out, chat.Segment{Text: text[start:i]})
		}
		out = append(out, chat.Segment{Text: text[i : i+n], Special: true})
		i += n
		start = i
	}
	if start < len(text) {
		out = append(out, chat.Segment{Text: text[start:]})
	}
	return out
}

// TokenizePrompt tokenizes a prompt segment by segment (a Special
// segment, a chat template's marker, may become a control token; other
// text never does, so content a user typed cannot open a system turn): text with
// llama.cpp's special-token parsing off, markers with it on, a BOS first
// when the model wants one. The work is bounded by the context: a prompt
// with more bytes than ContextSize tokens can hold, or more markers than
// ContextSize, is refused before any tokenizing, and tokenizing stops
// once the count reaches ContextSize. ctx is checked between segments.
func (m *Model) TokenizePrompt(ctx context.Context, segs chat.Prompt) ([]int, error) {
	limit := m.opts.ContextSize
	bytes, markers := 0, 0
	for _, s := range segs {
		bytes += len(s.Text)
		if s.Special {
			markers++
		}
	}
	if markers >= limit || bytes > limit*m.vocab.maxPiece {
		return nil, fmt.Errorf("%w: %d bytes and %d markers need more than the %d tokens the context holds per request",
			ErrPromptTooLong, bytes, markers, limit)
	}
	var out []int
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bos := i == 0 && m.model.AddBOSToken()
		toks, err := m.model.Tokenize(s.Text, bos, s.Special)
		if err != nil {
			return nil, fmt.Errorf("tokenizing the prompt: %w", err)
		}
		if bos && len(toks) >= 2 && toks[1] == toks[0] {
			toks = toks[1:] // the template starts with the BOS marker itself
		}
		out = append(out, toks...)
		if len(out) >= limit {
			return nil, fmt.Errorf("%w: at least %d tokens, the context holds %d per request", ErrPromptTooLong, len(out), limit)
		}
	}
	return out, nil
}
