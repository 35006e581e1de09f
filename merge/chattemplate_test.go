package merge

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/internal/llamacpp"
)

// chatSample is a conversation every built-in template is rendered with.
var chatSample = [][2]string{
	{"system", "You are helpful."}, {"user", "Hi there"}, {"assistant", "Hello!"}, {"user", "Add 2+2"},
}

// jinjaScript renders templates with Python's Jinja2 the way Hugging Face
// does (trim_blocks, lstrip_blocks) or plainly: a JSON list of jobs on
// stdin, a JSON list of texts out.
const jinjaScript = `
import json, sys, jinja2
out = []
for a in json.load(sys.stdin):
    env = jinja2.Environment(trim_blocks=a["trim"], lstrip_blocks=a["trim"])
    msgs = [{"role": r, "content": c} for r, c in a["messages"]]
    out.append(env.from_string(a["template"]).render(messages=msgs, add_generation_prompt=True, bos_token=a["bos"]))
json.dump(out, sys.stdout)
`

type jinjaJob struct {
	Template string      `json:"template"`
	Messages [][2]string `json:"messages"`
	Bos      string      `json:"bos"`
	Trim     bool        `json:"trim"`
}

// renderJinja renders the jobs with the real Jinja2 in one Python run,
// skipping when Python or Jinja2 is missing.
func renderJinja(t *testing.T, jobs []jinjaJob) []string {
	t.Helper()
	if err := exec.Command("python3", "-c", "import jinja2").Run(); err != nil {
		t.Skip("python3 with jinja2 not available (apt install python3-jinja2): chat templates not rendered")
	}
	in, _ := json.Marshal(jobs)
	cmd := exec.Command("python3", "-c", jinjaScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jinja2: %v\n%s", err, stderr.String())
	}
	var texts []string
	if err := json.Unmarshal(out, &texts); err != nil || len(texts) != len(jobs) {
		t.Fatalf("jinja2 output %q: %v", out, err)
	}
	return texts
}

// The built-in templates render the formats their names promise, the same
// with and without Hugging Face's whitespace trimming. (That llama.cpp
// recognizes them and formats the same text is checked end to end in
// cmd/ggufmerge.)
func TestChatTemplatesRender(t *testing.T) {
	want := map[string]string{
		"chatml": "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n" +
			"<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nAdd 2+2<|im_end|>\n<|im_start|>assistant\n",
		"llama3": "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|>" +
			"<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
			"<|start_header_id|>user<|end_header_id|>\n\nAdd 2+2<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
		"alpaca": "You are helpful.\n\n### Instruction:\nHi there\n\n### Response:\nHello!\n\n### Instruction:\nAdd 2+2\n\n### Response:\n",
		"exaone": "[|system|]You are helpful.[|endofturn|]\n[|user|]Hi there\n[|assistant|]Hello![|endofturn|]\n[|user|]Add 2+2\n[|assistant|]",
	}
	if len(want) != len(chatTemplates) {
		t.Fatalf("%d built-in templates, %d expected renderings", len(chatTemplates), len(want))
	}
	var jobs []jinjaJob
	var names []string
	for _, name := range ChatTemplateNames() {
		for _, trim := range []bool{true, false} {
			jobs = append(jobs, jinjaJob{chatTemplates[name], chatSample, "<|begin_of_text|>", trim})
			names = append(names, name)
		}
	}
	// EXAONE's official template opens with an empty system turn.
	jobs = append(jobs, jinjaJob{chatTemplates["exaone"], chatSample[1:2], "", true})
	got := renderJinja(t, jobs)
	for i, name := range names {
		if got[i] != want[name] {
			t.Errorf("%s (trim %v):\n got %q\nwant %q", name, jobs[i].Trim, got[i], want[name])
		}
	}
	if g := got[len(got)-1]; g != "[|system|][|endofturn|]\n[|user|]Hi there\n[|assistant|]" {
		t.Errorf("exaone without a system message: %q", g)
	}
}

func TestChatTemplateConfig(t *testing.T) {
	const head = "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\n"
	for _, v := range []string{"chatml", "auto", "llama3", `"{{ messages[0]['content'] }}"`} {
		c := parse(t, head+"chat_template: "+v+"\n")
		if c.ChatTemplate != strings.Trim(v, `"`) {
			t.Errorf("chat_template %s parsed as %q", v, c.ChatTemplate)
		}
	}
	parseErr(t, head+"chat_template: klingon\n", "5", `chat_template "klingon" is neither "auto", a built-in name (alpaca, chatml, exaone, llama3)`)
	parseErr(t, head+"chat_template: [a]\n", "5", "chat_template must be a string")
}

// The output carries the chosen template; "auto" takes the one most inputs
// have; without chat_template the reference model's metadata is kept.
func TestChatTemplateInOutput(t *testing.T) {
	dir := t.TempDir()
	withTemplate := func(name, tmpl string) string {
		p := filepath.Join(dir, name+".gguf")
		rewrite(t, mustAbs(t, exBase), p, func(meta *gguf.Metadata, infos []gguf.TensorInfo) []gguf.TensorInfo {
			if tmpl != "" {
				meta.Set(ChatTemplateKey, gguf.Str(tmpl))
			} else {
				meta.Delete(ChatTemplateKey)
			}
			return infos
		})
		return p
	}
	a := withTemplate("a", "{{ 'A' }}")
	b1, b2 := withTemplate("b1", "{{ 'B' }}"), withTemplate("b2", "{{ 'B' }}")
	linear := func(spec string, models ...string) *Plan {
		y := "merge_method: linear\nmodels:\n"
		for _, m := range models {
			y += "  - model: " + m + "\n    parameters: {weight: 1}\n"
		}
		if spec != "" {
			y += "chat_template: " + spec + "\n"
		}
		return plan(t, writeConfig(t, t.TempDir(), y), keepOptions())
	}
	tmpl := func(p *Plan) string { s, _ := p.Meta.String(ChatTemplateKey); return s }
	if got := tmpl(linear("", a, b1, b2)); got != "{{ 'A' }}" {
		t.Errorf("no chat_template: %q, want the reference model's", got)
	}
	if got := tmpl(linear("auto", a, b1, b2)); got != "{{ 'B' }}" {
		t.Errorf("auto: %q, want the template two of three inputs carry", got)
	}
	if got := tmpl(linear("auto", b1, a)); got != "{{ 'B' }}" {
		t.Errorf("auto with a tie: %q, want the first input's", got)
	}
	if got := tmpl(linear("chatml", a)); got != chatTemplates["chatml"] {
		t.Errorf("chatml: %q", got)
	}
	p := linear("auto", withTemplate("none", ""))
	if got := tmpl(p); got != "" || !strings.Contains(strings.Join(p.Notes, "\n"), "no input model has a chat template") {
		t.Errorf("auto without templates: %q, notes %q", got, p.Notes)
	}
}

// Real llama.cpp reads the built-in templates from a merged model,
// recognizes each one's family and formats a chat exactly as Jinja2
// renders the template (llama.cpp's built-in formatting adds no BOS; the
// tokenizer does).
func TestChatTemplatesInLlamaCpp(t *testing.T) {
	d := llamacpp.Require(t)
	// whitespace around a message: llama.cpp trims it for Llama 3 and EXAONE, not for ChatML
	msgs := append([][2]string{chatSample[0], {"user", "  What is a merge? \n"}, {"assistant", " A blend. "}}, chatSample[1:]...)
	var jobs []jinjaJob
	var got []*llamacpp.Chat
	for _, name := range []string{"chatml", "llama3", "exaone"} {
		dir := t.TempDir()
		y := "merge_method: linear\nmodels:\n  - model: @base\n    parameters: {weight: 1}\nchat_template: " + name + "\n"
		out := filepath.Join(dir, "out.gguf")
		execute(t, plan(t, writeConfig(t, dir, y), keepOptions()), out, RunOptions{})
		c, err := d.Chat(out, msgs)
		if err != nil {
			t.Fatal(err)
		}
		if c.Template != chatTemplates[name] || !c.Recognized {
			t.Fatalf("%s: llama.cpp read template %q, recognized %v", name, c.Template, c.Recognized)
		}
		got = append(got, c)
		jobs = append(jobs, jinjaJob{chatTemplates[name], msgs, "", true})
	}
	for i, want := range renderJinja(t, jobs) {
		if got[i].Text != want {
			t.Errorf("llama.cpp formats the chat as\n%q\nJinja2 renders\n%q", got[i].Text, want)
		}
	}
}
