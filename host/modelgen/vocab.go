package modelgen

import (
	"fmt"
	"slices"
)

// Token types as llama.cpp's enum llama_token_type numbers them.
const (
	tokNormal  int32 = 1
	tokUnknown int32 = 2
	tokControl int32 = 3
	tokByte    int32 = 6
)

// Fixed token ids of every generated vocabulary.
const (
	TokenUnknown = 0
	TokenBOS     = 1
	TokenEOS     = 2
	TokenImStart = 3 // "<|im_start|>", so the ChatML template tokenizes as control tokens
	TokenImEnd   = 4 // "<|im_end|>", which llama.cpp recognises as end-of-generation
	firstByteTok = 5
	firstNormal  = firstByteTok + 256
	minVocabSize = firstNormal + 64
	spmSpace     = "\u2581" // SentencePiece's visible space
)

// EndTokens are the fixed ids that end a generation. A request that
// biases them by -100 (logit_bias) runs to its max_tokens, which tests
// that need a long generation rely on; a Spec's Control tokens may add
// more, such as "<|eot_id|>".
var EndTokens = []int{TokenEOS, TokenImEnd}

// NoEnd is the logit_bias that bans EndTokens, as a request body holds it.
func NoEnd() map[string]float64 {
	bias := make(map[string]float64, len(EndTokens))
	for _, id := range EndTokens {
		bias[fmt.Sprint(id)] = -100
	}
	return bias
}

// words seed the normal pieces so tokenized English is mostly whole
// words, as with a trained vocabulary, and output looks like text.
var words = []string{
	"the", "of", "and", "to", "a", "in", "is", "you", "that", "it", "he", "was", "for", "on",
	"are", "as", "with", "his", "they", "I", "at", "be", "this", "have", "from", "or", "one",
	"had", "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can",
	"said", "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will",
	"up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her",
	"would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write",
	"go", "see", "number", "no", "way", "could", "people", "my", "than", "first", "water",
	"been", "call", "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get",
	"come", "made", "may", "part", "model", "node", "token", "price", "proof", "chain",
	"hello", "world", "answer", "question", "stream", "fast", "slow", "light", "green",
	"blue", "red", "river", "mountain", "story", "again", "because", "between", "never",
	"always", "under", "over", "small", "large", "night", "morning", "city", "road", "house",
	"café", "naïve", "über", "日本", "東京", "€", "—", "…", "👋", "🙂",
}

// vocab builds the token strings, scores and types for size tokens, the
// last of them the control tokens in control that it does not already
// have.
func vocab(size int, control []string) (tokens []string, scores []float32, types []int32, err error) {
	if size < minVocabSize+len(control) {
		return nil, nil, nil, fmt.Errorf("vocabulary size %d is below the minimum %d", size, minVocabSize+len(control))
	}
	add := func(s string, score float32, typ int32) {
		tokens = append(tokens, s)
		scores = append(scores, score)
		types = append(types, typ)
	}
	add("<unk>", 0, tokUnknown)
	add("<s>", 0, tokControl)
	add("</s>", 0, tokControl)
	add("<|im_start|>", 0, tokControl)
	add("<|im_end|>", 0, tokControl)
	for b := 0; b < 256; b++ {
		add(fmt.Sprintf("<0x%02X>", b), 0, tokByte)
	}
	seen := map[string]bool{}
	var pieces []string
	piece := func(s string) {
		if !seen[s] {
			seen[s] = true
			pieces = append(pieces, s)
		}
	}
	// Single characters first, so any ASCII text tokenizes without bytes.
	piece(spmSpace)
	for c := byte(' ' + 1); c < 0x7f; c++ {
		piece(string(c))
		piece(spmSpace + string(c))
	}
	for _, w := range words {
		piece(spmSpace + w)
		piece(w)
	}
	// Then letter pairs and triples until the vocabulary is full: enough
	// distinct pieces for any size a test asks for.
	const letters = "etaoinshrdlucmfwypvbgkjqxz"
	for _, a := range letters {
		for _, b := range letters {
			piece(string(a) + string(b))
			piece(spmSpace + string(a) + string(b))
		}
	}
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				piece(string(a) + string(b) + string(c))
				piece(spmSpace + string(a) + string(b) + string(c))
			}
		}
	}
	var extra []string
	for _, c := range control {
		if !slices.Contains(tokens[:firstByteTok], c) && !slices.Contains(extra, c) {
			extra = append(extra, c)
		}
	}
	for i := 0; len(tokens) < size-len(extra); i++ {
		if i < len(pieces) {
			// Later pieces score lower: the SPM merge order follows the list.
			add(pieces[i], -float32(i), tokNormal)
			continue
		}
		add(fmt.Sprintf("<extra_%d>", i), -float32(i), tokNormal)
	}
	for _, c := range extra {
		add(c, 0, tokControl)
	}
	return tokens, scores, types, nil
}
