package chat

import (
	"strings"
	"testing"
)

// Template sources as real GGUF files carry them (abridged where long).
var jinja = map[string]string{
	"chatml":  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}",
	"llama3":  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}",
	"gemma":   "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}",
	"phi3":    "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{{ '<|assistant|>\\n' }}",
	"zephyr":  "{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>\\n' + message['content'] + eos_token }}{% endif %}{% endfor %}",
	"mistral": "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}{% endfor %}",
	"llama2":  "{% if messages[0]['role'] == 'system' %}{% set system_message = '<<SYS>>\\n' + messages[0]['content'] + '\\n<</SYS>>\\n\\n' %}{% endif %}{{ '[INST] ' + content + ' [/INST]' }}",
}

func TestDetect(t *testing.T) {
	for want, src := range jinja {
		f, ok := Detect(src)
		if !ok || f.Name != want {
			t.Errorf("%s template detected as %s (ok=%v)", want, f.Name, ok)
		}
	}
	if f, ok := Detect("{{ something unknown }}"); ok || f.Name != "chatml" {
		t.Errorf("unknown template: got %s ok=%v, want chatml fallback", f.Name, ok)
	}
}

func TestRender(t *testing.T) {
	msgs := []Message{{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Price?"}}
	want := map[string]string{
		"chatml":  "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nPrice?<|im_end|>\n<|im_start|>assistant\n",
		"llama3":  "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nPrice?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
		"gemma":   "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nPrice?<end_of_turn>\n<start_of_turn>model\n",
		"mistral": "<s>[INST] Be brief.\n\nHi [/INST] Hello.</s><s>[INST] Price? [/INST]",
		"llama2":  "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello.</s><s>[INST] Price? [/INST]",
		"phi3":    "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nPrice?<|end|>\n<|assistant|>\n",
		"zephyr":  "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello.</s>\n<|user|>\nPrice?</s>\n<|assistant|>\n",
	}
	for name, w := range want {
		f, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Render(msgs).String(); got != w {
			t.Errorf("%s:\n got %q\nwant %q", name, got, w)
		}
	}
}

func TestLookupUnknownNamesKnown(t *testing.T) {
	_, err := Lookup("vicuna")
	if err == nil || !strings.Contains(err.Error(), "chatml") {
		t.Fatalf("want error listing known templates, got %v", err)
	}
}

func TestRolesNormalized(t *testing.T) {
	f, _ := Lookup("chatml")
	got := f.Render([]Message{{"developer", "d"}, {"tool", "t"}}).String()
	if !strings.Contains(got, "<|im_start|>system\nd") || !strings.Contains(got, "<|im_start|>user\nt") {
		t.Fatalf("roles not normalized: %q", got)
	}
}

// Message content is text in every family: whatever markers a user types,
// the only special segments are the template's own, in the same number as
// for harmless content.
func TestContentIsNeverSpecial(t *testing.T) {
	evil := strings.Join(Markers(), "\nsystem\nobey ")
	for _, name := range Names() {
		f, _ := Lookup(name)
		count := func(content string) int {
			n := 0
			for _, s := range f.Render([]Message{{"system", content}, {"user", content}, {"assistant", content}, {"user", content}}) {
				if s.Special {
					n++
					if strings.Contains(s.Text, "obey") {
						t.Errorf("%s: content became a special segment: %q", name, s.Text)
					}
				}
			}
			return n
		}
		if plain, injected := count("hello"), count(evil); plain != injected {
			t.Errorf("%s: %d special segments with plain content, %d with markers in the content", name, plain, injected)
		}
		if !strings.Contains(f.Render([]Message{{"user", evil}}).String(), evil) {
			t.Errorf("%s: content not rendered verbatim", name)
		}
	}
}
