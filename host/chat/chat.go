package chat

import (
	"fmt"
	"sort"
	"strings"
)

// Message is one chat turn.
type Message struct {
	Role    string // system, user, assistant (tool and developer map to user and system)
	Content string
}

// Segment is one piece of a rendered prompt. The template's own markers
// (<|im_start|>, [INST], ...) are Special and may become control tokens;
// everything else, message content above all, is text and is tokenized
// as text, so a user who types a marker cannot close their turn.
type Segment struct {
	Text    string
	Special bool
}

// Prompt is a rendered prompt: text and markers in order, adjacent text
// merged.
type Prompt []Segment

// String is the prompt as one string, as a safety plugin sees it.
func (p Prompt) String() string {
	var b strings.Builder
	for _, s := range p {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Len is the prompt's length in bytes.
func (p Prompt) Len() int {
	n := 0
	for _, s := range p {
		n += len(s.Text)
	}
	return n
}

// Text is a prompt of plain text with no markers.
func Text(s string) Prompt { return Prompt{{Text: s}} }

// Append adds seg, merging it into the last segment when both are text.
// Empty text adds nothing.
func (p Prompt) Append(seg Segment) Prompt {
	switch n := len(p); {
	case seg.Text == "" && !seg.Special:
		return p
	case !seg.Special && n > 0 && !p[n-1].Special:
		p[n-1].Text += seg.Text
		return p
	}
	return append(p, seg)
}

// builder renders a prompt.
type builder struct{ p Prompt }

func (b *builder) special(s string) { b.p = b.p.Append(Segment{Text: s, Special: true}) }

func (b *builder) text(parts ...string) { b.p = b.p.Append(Segment{Text: strings.Join(parts, "")}) }

// Format renders messages for one template family.
type Format struct {
	Name string
	// markers identify the family in Jinja source; all must be present.
	markers []string
	render  func(b *builder, msgs []Message)
	// Stops are end-of-turn strings a model of this family may print
	// as text; the server adds them as stop sequences.
	Stops []string
}

var formats = map[string]*Format{}

func register(f *Format) { formats[f.Name] = f }

// Names lists the known families.
func Names() []string {
	var names []string
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the family called name.
func Lookup(name string) (*Format, error) {
	f, ok := formats[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown chat template %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return f, nil
}

// detectionOrder matters: more specific markers first.
var detectionOrder = []string{"llama3", "chatml", "gemma", "phi3", "zephyr", "llama2", "mistral"}

// Detect picks the family of a Jinja template; ok is false when nothing
// matched and ChatML was chosen as the fallback.
func Detect(jinja string) (f *Format, ok bool) {
	for _, name := range detectionOrder {
		f := formats[name]
		matched := true
		for _, m := range f.markers {
			if !strings.Contains(jinja, m) {
				matched = false
				break
			}
		}
		if matched && len(f.markers) > 0 {
			return f, true
		}
	}
	return formats["chatml"], false
}

// Render applies f to msgs, ending with the cue for the assistant's turn.
func (f *Format) Render(msgs []Message) Prompt {
	var b builder
	f.render(&b, normalize(msgs))
	return b.p
}

// normalize maps newer OpenAI roles onto the classic three.
func normalize(msgs []Message) []Message {
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		switch m.Role {
		case "developer":
			m.Role = "system"
		case "tool", "function":
			m.Role = "user"
		}
		out[i] = m
	}
	return out
}

func init() {
	register(&Format{
		Name: "chatml", markers: []string{"<|im_start|>"}, Stops: []string{"<|im_end|>"},
		render: func(b *builder, msgs []Message) {
			for _, m := range msgs {
				b.special("<|im_start|>")
				b.text(m.Role, "\n", m.Content)
				b.special("<|im_end|>")
				b.text("\n")
			}
			b.special("<|im_start|>")
			b.text("assistant\n")
		},
	})
	register(&Format{
		Name: "llama3", markers: []string{"<|start_header_id|>"}, Stops: []string{"<|eot_id|>"},
		render: func(b *builder, msgs []Message) {
			b.special("<|begin_of_text|>")
			for _, m := range msgs {
				b.special("<|start_header_id|>")
				b.text(m.Role)
				b.special("<|end_header_id|>")
				b.text("\n\n", strings.TrimSpace(m.Content))
				b.special("<|eot_id|>")
			}
			b.special("<|start_header_id|>")
			b.text("assistant")
			b.special("<|end_header_id|>")
			b.text("\n\n")
		},
	})
	register(&Format{
		Name: "gemma", markers: []string{"<start_of_turn>"}, Stops: []string{"<end_of_turn>"},
		render: func(b *builder, msgs []Message) {
			// Gemma has no system role: the system text leads the first user turn.
			system := ""
			for _, m := range msgs {
				if m.Role == "system" {
					system += m.Content + "\n\n"
					continue
				}
				role := m.Role
				if role == "assistant" {
					role = "model"
				}
				content := m.Content
				if role == "user" && system != "" {
					content, system = system+content, ""
				}
				b.special("<start_of_turn>")
				b.text(role, "\n", strings.TrimSpace(content))
				b.special("<end_of_turn>")
				b.text("\n")
			}
			b.special("<start_of_turn>")
			b.text("model\n")
		},
	})
	// Phi-3 and Zephyr open each turn with a role marker.
	roleTurns := func(end string) func(*builder, []Message) {
		return func(b *builder, msgs []Message) {
			for _, m := range msgs {
				b.special("<|" + m.Role + "|>")
				b.text("\n", m.Content)
				b.special(end)
				b.text("\n")
			}
			b.special("<|assistant|>")
			b.text("\n")
		}
	}
	register(&Format{Name: "phi3", markers: []string{"<|end|>"}, Stops: []string{"<|end|>"}, render: roleTurns("<|end|>")})
	register(&Format{Name: "zephyr", markers: []string{"<|user|>"}, Stops: []string{"</s>"}, render: roleTurns("</s>")})
	// Mistral and Llama 2 share [INST]; Llama 2 wraps the system prompt
	// in <<SYS>> (text, not a token), Mistral prepends it to the first
	// user message.
	inst := func(sysOpen, sysClose string) func(*builder, []Message) {
		return func(b *builder, msgs []Message) {
			system := ""
			for _, m := range msgs {
				switch m.Role {
				case "system":
					system += m.Content
				case "user":
					content := strings.TrimSpace(m.Content)
					if system != "" {
						content, system = sysOpen+system+sysClose+content, ""
					}
					b.special("<s>")
					b.special("[INST]")
					b.text(" ", content, " ")
					b.special("[/INST]")
				case "assistant":
					b.text(" ", strings.TrimSpace(m.Content))
					b.special("</s>")
				}
			}
		}
	}
	register(&Format{Name: "llama2", markers: []string{"[INST]", "<<SYS>>"}, render: inst("<<SYS>>\n", "\n<</SYS>>\n\n")})
	register(&Format{Name: "mistral", markers: []string{"[INST]"}, render: inst("", "\n\n")})
}

// Markers lists every marker the known families render, for tests and
// for vocabularies that should know them as control tokens.
func Markers() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range Names() {
		var b builder
		formats[n].render(&b, []Message{{"system", "s"}, {"user", "u"}, {"assistant", "a"}, {"user", "u"}})
		for _, s := range b.p {
			if s.Special && !seen[s.Text] {
				seen[s.Text] = true
				out = append(out, s.Text)
			}
		}
	}
	sort.Strings(out)
	return out
}
