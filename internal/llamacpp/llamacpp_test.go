package llamacpp

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const prompt = "Once upon a time"

// storiesModel is the bundled example base: a small trained llama
// (TinyStories, 260k parameters) stored as F16.
func storiesModel(t *testing.T) string {
	return filepath.Join("..", "..", "testdata", "base.gguf")
}

func TestLoadAndGenerate(t *testing.T) {
	d := Require(t)
	model := storiesModel(t)
	m, err := d.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if m.NVocab != 512 || m.NParams == 0 {
		t.Fatalf("unexpected model info %+v", m)
	}
	e, err := d.Eval(model, prompt, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Tokens) != 20 || len(e.Logits) != len(e.PromptTokens)+19 {
		t.Fatalf("got %d tokens and %d logits rows for a %d-token prompt", len(e.Tokens), len(e.Logits), len(e.PromptTokens))
	}
	// The model is trained on children's stories: the continuation is words.
	if len(strings.Fields(e.Text)) < 5 {
		t.Fatalf("generated text %q", e.Text)
	}
	t.Logf("%s%s (cpu %s)", prompt, e.Text, e.CPU)
}

// The same model twice, and with another thread count, gives the same logits;
// a logit table compared with a perturbed copy does not.
func TestLogitsDeterministic(t *testing.T) {
	d := Require(t)
	model := storiesModel(t)
	a, err := d.Eval(model, prompt, 8)
	if err != nil {
		t.Fatal(err)
	}
	d1 := *d
	d1.Threads = 2
	b, err := d1.Eval(model, prompt, 8)
	if err != nil {
		t.Fatal(err)
	}
	if diff, err := MaxAbsDiff(a.Logits, b.Logits); err != nil || diff != 0 {
		t.Fatalf("same model, max logit diff %g (%v)", diff, err)
	}
	b.Logits[3][7] += 0.5
	if diff, _ := MaxAbsDiff(a.Logits, b.Logits); diff != 0.5 {
		t.Fatalf("perturbed logits: diff %g, want 0.5", diff)
	}
}

func TestRefusesBrokenModel(t *testing.T) {
	d := Require(t)
	raw, err := os.ReadFile(storiesModel(t))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "truncated.gguf")
	if err := os.WriteFile(cut, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Load(storiesModel(t)); err != nil {
		t.Fatalf("the intact model does not load: %v", err)
	}
	if _, err := d.Load(cut); err == nil {
		t.Fatal("llama.cpp loaded a truncated model")
	}
	if _, err := d.Load(filepath.Join(t.TempDir(), "missing.gguf")); err == nil {
		t.Fatal("loaded a missing file")
	}
}

// The driver's logits equal those of the reference toolkit's llref (a C
// program over the same libraries) when that toolkit is installed: this
// checks the struct layouts the driver passes by value.
func TestMatchesReferenceTool(t *testing.T) {
	d := Require(t)
	home := os.Getenv("REF_HOME")
	if home == "" {
		h, _ := os.UserHomeDir()
		home = filepath.Join(h, ".cache", "ggufmerge-ref")
	}
	llref := filepath.Join(home, "bin", "llref")
	if _, err := os.Stat(llref); err != nil {
		t.Skipf("reference llref not installed (%s): skipping cross-check", llref)
	}
	model := storiesModel(t)
	ours, err := d.Eval(model, prompt, 12)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "ref.bin")
	cmd := exec.Command(llref, "eval", model, prompt, "12", out, "--threads", "1")
	cmd.Env = append(os.Environ(), "LLREF_CPU="+ours.CPU)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("llref: %v\n%s", err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ref := &Eval{NVocab: ours.NVocab}
	if err := ref.parseLogits(raw); err != nil {
		t.Fatal(err)
	}
	diff, err := MaxAbsDiff(ours.Logits, ref.Logits)
	if err != nil || diff != 0 {
		t.Fatalf("driver vs llref: max logit diff %g (%v)", diff, err)
	}
}
