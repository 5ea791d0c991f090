// Package chat renders OpenAI-style chat messages into a prompt string in
// the format a model was trained on.
//
// GGUF files carry their chat template as Jinja source
// (tokenizer.chat_template). Like llama.cpp's own llama_chat_apply_template,
// this package does not execute Jinja: it recognises the template family
// from markers in the source (ChatML's <|im_start|>, Llama 3's
// <|start_header_id|>, Mistral's [INST], ...) and renders that family with
// Go code. Executing arbitrary template code from a downloaded file is a
// risk a node operator should not have to take, and the families cover
// the open-weight models in use. An unknown template falls back to ChatML,
// and the operator can name a family per model in config.hcl.
package chat
