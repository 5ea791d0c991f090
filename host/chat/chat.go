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

// Format renders messages for one template family.
type Format struct {
	Name string
	// markers identify the family in Jinja source; all must be present.
	markers []string
	render  func(msgs []Message) string
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
func (f *Format) Render(msgs []Message) string { return f.render(normalize(msgs)) }

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
		render: func(msgs []Message) string {
			var b strings.Builder
			for _, m := range msgs {
				fmt.Fprintf(&b, "<|im_start|>%s\n%s<|im_end|>\n", m.Role, m.Content)
			}
			b.WriteString("<|im_start|>assistant\n")
			return b.String()
		},
	})
	register(&Format{
		Name: "llama3", markers: []string{"<|start_header_id|>"}, Stops: []string{"<|eot_id|>"},
		render: func(msgs []Message) string {
			var b strings.Builder
			b.WriteString("<|begin_of_text|>")
			for _, m := range msgs {
				fmt.Fprintf(&b, "<|start_header_id|>%s<|end_header_id|>\n\n%s<|eot_id|>", m.Role, strings.TrimSpace(m.Content))
			}
			b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
			return b.String()
		},
	})
	register(&Format{
		Name: "gemma", markers: []string{"<start_of_turn>"}, Stops: []string{"<end_of_turn>"},
		render: func(msgs []Message) string {
			// Gemma has no system role: the system text leads the first user turn.
			var b strings.Builder
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
				fmt.Fprintf(&b, "<start_of_turn>%s\n%s<end_of_turn>\n", role, strings.TrimSpace(content))
			}
			b.WriteString("<start_of_turn>model\n")
			return b.String()
		},
	})
	register(&Format{
		Name: "phi3", markers: []string{"<|end|>"}, Stops: []string{"<|end|>"},
		render: func(msgs []Message) string {
			var b strings.Builder
			for _, m := range msgs {
				fmt.Fprintf(&b, "<|%s|>\n%s<|end|>\n", m.Role, m.Content)
			}
			b.WriteString("<|assistant|>\n")
			return b.String()
		},
	})
	register(&Format{
		Name: "zephyr", markers: []string{"<|user|>"}, Stops: []string{"</s>"},
		render: func(msgs []Message) string {
			var b strings.Builder
			for _, m := range msgs {
				fmt.Fprintf(&b, "<|%s|>\n%s</s>\n", m.Role, m.Content)
			}
			b.WriteString("<|assistant|>\n")
			return b.String()
		},
	})
	// Mistral and Llama 2 share [INST]; Llama 2 wraps the system prompt
	// in <<SYS>>, Mistral prepends it to the first user message.
	inst := func(sysOpen, sysClose string) func([]Message) string {
		return func(msgs []Message) string {
			var b strings.Builder
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
					fmt.Fprintf(&b, "<s>[INST] %s [/INST]", content)
				case "assistant":
					fmt.Fprintf(&b, " %s</s>", strings.TrimSpace(m.Content))
				}
			}
			return b.String()
		}
	}
	register(&Format{Name: "llama2", markers: []string{"[INST]", "<<SYS>>"}, render: inst("<<SYS>>\n", "\n<</SYS>>\n\n")})
	register(&Format{Name: "mistral", markers: []string{"[INST]"}, render: inst("", "\n\n")})
}
