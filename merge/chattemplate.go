package merge

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
)

// ChatTemplateKey is where GGUF keeps the Jinja chat template that
// llama.cpp (llama_model_chat_template, --jinja) and Ollama read.
const ChatTemplateKey = "tokenizer.chat_template"

// chatTemplates are the built-in templates mergekit's chat_template names.
// Each is written so that it renders the same text whether or not the
// renderer trims whitespace after block tags (Hugging Face and llama.cpp
// do, plain Jinja does not): all output comes from expressions.
var chatTemplates = map[string]string{
	// <|im_start|>role\ncontent<|im_end|>\n ... <|im_start|>assistant\n
	"chatml": "{% for message in messages %}" +
		"{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}" +
		"{% endfor %}" +
		"{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
	// Llama 3: BOS, then <|start_header_id|>role<|end_header_id|>\n\n content <|eot_id|> per message.
	"llama3": "{% for message in messages %}" +
		"{% if loop.first %}{{ bos_token }}{% endif %}" +
		"{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}" +
		"{% endfor %}" +
		"{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
	// Alpaca: system text, then ### Instruction: / ### Input: / ### Response:
	// sections, each followed by a blank line.
	"alpaca": "{% for message in messages %}" +
		"{% if message['role'] == 'system' %}{{ message['content'] | trim + '\\n\\n' }}" +
		"{% elif message['role'] == 'user' %}{{ '### Instruction:\\n' + message['content'] | trim + '\\n\\n' }}" +
		"{% elif message['role'] == 'user_context' %}{{ '### Input:\\n' + message['content'] | trim + '\\n\\n' }}" +
		"{% elif message['role'] == 'assistant' %}{{ '### Response:\\n' + message['content'] | trim + '\\n\\n' }}" +
		"{% endif %}{% endfor %}" +
		"{% if add_generation_prompt and messages[-1]['role'] != 'assistant' %}{{ '### Response:\\n' }}{% endif %}",
	// EXAONE 3: [|role|]content, user turns end with a newline, the others
	// with [|endofturn|]; an empty system turn when none is given.
	"exaone": "{% for message in messages %}" +
		"{% if loop.first and message['role'] != 'system' %}{{ '[|system|][|endofturn|]\\n' }}{% endif %}" +
		"{{ '[|' + message['role'] + '|]' + message['content'] | trim }}" +
		"{% if message['role'] == 'user' %}{{ '\\n' }}{% else %}{{ '[|endofturn|]\\n' }}{% endif %}" +
		"{% endfor %}" +
		"{% if add_generation_prompt %}{{ '[|assistant|]' }}{% endif %}",
}

// ChatTemplateNames lists the built-in chat_template names.
func ChatTemplateNames() []string {
	var names []string
	for n := range chatTemplates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// checkChatTemplate accepts what mergekit's chat_template takes: "auto", a
// built-in name, or a Jinja template (anything with a {{ or {% tag).
func checkChatTemplate(s string) error {
	if s == "auto" || chatTemplates[s] != "" || isJinja(s) {
		return nil
	}
	return fmt.Errorf("chat_template %q is neither \"auto\", a built-in name (%s) nor a Jinja template",
		s, strings.Join(ChatTemplateNames(), ", "))
}

func isJinja(s string) bool { return strings.Contains(s, "{{") || strings.Contains(s, "{%") }

// applyChatTemplate sets the output's chat template as the config asks:
// a built-in or literal template, or with "auto" the template most input
// models carry (ties go to the earliest input, as mergekit counts them).
func (p *Plan) applyChatTemplate(m *gguf.Metadata) {
	spec := p.Config.ChatTemplate
	switch {
	case spec == "":
		return
	case spec == "auto":
		t, n := p.commonChatTemplate()
		if n == 0 {
			p.Notes = append(p.Notes, "chat_template auto: no input model has a chat template; the output keeps the reference model's metadata")
			return
		}
		m.Set(ChatTemplateKey, gguf.Str(t))
		p.Notes = append(p.Notes, fmt.Sprintf("chat_template auto: the template of %d of %d input models", n, len(p.Inputs)))
	case chatTemplates[spec] != "":
		m.Set(ChatTemplateKey, gguf.Str(chatTemplates[spec]))
		p.Notes = append(p.Notes, fmt.Sprintf("chat_template: built-in %s", spec))
	default:
		m.Set(ChatTemplateKey, gguf.Str(spec))
		p.Notes = append(p.Notes, "chat_template: the config's Jinja template")
	}
}

// commonChatTemplate returns the most frequent chat template among the
// inputs and how many carry it.
func (p *Plan) commonChatTemplate() (string, int) {
	count := map[string]int{}
	best, n := "", 0
	for _, in := range p.Inputs {
		t, ok := in.Model.Meta.String(ChatTemplateKey)
		if !ok || t == "" {
			continue
		}
		count[t]++
		if count[t] > n {
			best, n = t, count[t]
		}
	}
	return best, n
}
