package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/internal/llamacpp"
	"github.com/ggufmerge/ggufmerge/quant"
)

var (
	repoRoot = filepath.Join("..", "..")
	exBase   = filepath.Join(repoRoot, "testdata", "base.gguf")
	prompt   = "Once upon a time"
)

// config writes a merge config whose model paths are absolute.
func config(t *testing.T, dir, yaml string, models map[string]string) string {
	t.Helper()
	for k, v := range models {
		abs, err := filepath.Abs(v)
		if err != nil {
			t.Fatal(err)
		}
		yaml = strings.ReplaceAll(yaml, "@"+k, abs)
	}
	p := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMergeCLISummaryJSONAndDryRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "della.gguf")
	cfg := filepath.Join(repoRoot, "examples", "della.yml")
	// the documented form: flags after CONFIG.yml
	plan, err := runCLI(t, "merge", cfg, "-o", out, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, plan)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("--dry-run wrote the output")
	}
	if !strings.Contains(plan, "blk.3.ffn_up.weight") || !strings.Contains(plan, "expert-deep{density=0.9 epsilon=0.05 weight=1}") {
		t.Fatalf("dry run does not show per-tensor parameters:\n%s", plan)
	}
	var expected int64
	if _, err := fmt.Sscanf(plan[strings.LastIndex(plan, "expected output: "):], "expected output: %d bytes", &expected); err != nil {
		t.Fatalf("no expected size in the dry run: %v", err)
	}
	text, err := runCLI(t, "merge", cfg, "-o", out, "--json", "--threads", "2")
	if err != nil {
		t.Fatalf("merge: %v\n%s", err, text)
	}
	var rep mergeReport
	if err := json.Unmarshal([]byte(text[strings.Index(text, "{"):]), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, text)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bytes != st.Size() || expected != st.Size() || rep.Method != "della" || rep.Tensors != 48 || rep.Seed != 42 ||
		rep.Type != "keep" || rep.FileType != "F16" || len(rep.Inputs) != 4 || rep.Threads != 2 {
		t.Fatalf("summary %+v, file %d bytes, dry run said %d", rep, st.Size(), expected)
	}
	human, err := runCLI(t, "merge", cfg, "-o", out)
	if err != nil || !strings.Contains(human, "merged 4 models with della") || !strings.Contains(human, "48 tensors") {
		t.Fatalf("text summary (%v):\n%s", err, human)
	}
}

func TestMergeCLIErrorsLeaveOutputAlone(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.gguf")
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	twice := config(t, dir, "merge_method: linear\nmodels:\n  - model: @b\n    parameters: {weight: 1}\n  - model: @b\n    parameters: {weight: 1}\n",
		map[string]string{"b": exBase})
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"merge", filepath.Join(dir, "none.yml"), "-o", out}, "no such file"},
		{[]string{"merge", filepath.Join(repoRoot, "examples", "della.yml")}, "missing -o"},
		{[]string{"merge", twice, "-o", out}, "is already listed at line 3"},
		{[]string{"merge", filepath.Join(repoRoot, "examples", "della.yml"), "-o", out, "--type", "Q9_X"}, "unknown quantization type"},
	}
	for _, c := range cases {
		text, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v (want %q)\n%s", c.args, err, c.want, text)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Fatal("a failed merge changed the existing output")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("files left in the output folder: %d", len(entries))
	}
}

// End to end with the real llama.cpp.

// A merge that copies a model (one model, --type keep) gives exactly the
// original's logits; so does a linear merge of a model with itself (weights
// 1, normalized), which recomputes every value.
func TestMergeLlamaCopyAndSelfMergeKeepLogits(t *testing.T) {
	d := llamacpp.Require(t)
	dir := t.TempDir()
	ref, err := d.Eval(exBase, prompt, 16)
	if err != nil {
		t.Fatal(err)
	}
	copyOut := filepath.Join(dir, "copy.gguf")
	cfg := config(t, dir, "merge_method: linear\nmodels:\n  - model: @b\n    parameters: {weight: 1}\n", map[string]string{"b": exBase})
	if text, err := runCLI(t, "merge", "-q", "-o", copyOut, cfg); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	twin := filepath.Join(dir, "twin.gguf")
	copyFile(t, exBase, twin)
	selfOut := filepath.Join(dir, "self.gguf")
	cfg = config(t, dir, "merge_method: linear\nmodels:\n  - model: @b\n    parameters: {weight: 1.0}\n  - model: @t\n    parameters: {weight: 1.0}\n",
		map[string]string{"b": exBase, "t": twin})
	if text, err := runCLI(t, "merge", "-q", "-o", selfOut, cfg); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	for _, c := range []struct {
		path string
		tol  float64
	}{{copyOut, 0}, {selfOut, 1e-4}} {
		got, err := d.Eval(c.path, prompt, 16)
		if err != nil {
			t.Fatal(err)
		}
		diff, err := llamacpp.MaxAbsDiff(ref.Logits, got.Logits)
		if err != nil || diff > c.tol || got.Text != ref.Text {
			t.Fatalf("%s: max logit diff %g (tolerance %g, %v), text %q vs %q", filepath.Base(c.path), diff, c.tol, err, got.Text, ref.Text)
		}
		t.Logf("%s: max |logit diff| = %g over %d×%d logits", filepath.Base(c.path), diff, len(got.Logits), got.NVocab)
	}
}

// The example DELLA merge of three experts loads and generates text.
func TestMergeLlamaDellaGenerates(t *testing.T) {
	d := llamacpp.Require(t)
	out := filepath.Join(t.TempDir(), "della.gguf")
	if text, err := runCLI(t, "merge", "-q", "-o", out, filepath.Join(repoRoot, "examples", "della.yml")); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	e, err := d.Eval(out, prompt, 24)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Tokens) < 10 || len(strings.Fields(e.Text)) < 4 {
		t.Fatalf("generated %d tokens: %q", len(e.Tokens), e.Text)
	}
	t.Logf("DELLA merge: %s%s", prompt, e.Text)
}

// wideModels are random llamas whose rows are whole K-quant blocks (the
// example models' 64-wide rows all fall back), made once per test binary.
var wide struct {
	once  sync.Once
	dir   string
	paths []string
	err   error
}

func wideModels(t *testing.T) []string {
	t.Helper()
	wide.once.Do(func() {
		wide.dir, wide.err = os.MkdirTemp("", "ggufmerge-wide-")
		for i := 0; i < 3 && wide.err == nil; i++ {
			p := filepath.Join(wide.dir, fmt.Sprintf("wide%d.gguf", i))
			s := llamacpp.LlamaShape{Dim: 256, Layers: 4, FFN: 768, Heads: 4, KVHeads: 2, Seed: 1, Type: quant.F16,
				Name: fmt.Sprintf("wide %d", i)}
			if i > 0 {
				s.Noise, s.NoiseSeed = 0.3, uint64(i)
			}
			wide.err = llamacpp.WriteRandomLlama(p, exBase, s)
			wide.paths = append(wide.paths, p)
		}
	})
	if wide.err != nil {
		t.Fatal(wide.err)
	}
	return wide.paths
}

func TestMain(m *testing.M) {
	code := m.Run()
	if wide.dir != "" {
		os.RemoveAll(wide.dir)
	}
	os.Exit(code)
}

const wideDella = `merge_method: della
base_model: @w0
models:
  - model: @w1
    parameters: {weight: 1.0}
  - model: @w2
    parameters: {weight: 1.0}
parameters: {density: 0.7, epsilon: 0.07, lambda: 1.1}
`

// A DELLA merge written as Q4_K_M has Q4_K_M's tensor types and loads in
// llama.cpp.
func TestMergeLlamaQ4KMLoads(t *testing.T) {
	d := llamacpp.Require(t)
	w := wideModels(t)
	dir := t.TempDir()
	cfg := config(t, dir, wideDella, map[string]string{"w0": w[0], "w1": w[1], "w2": w[2]})
	out := filepath.Join(dir, "q4km.gguf")
	if text, err := runCLI(t, "merge", cfg, "-o", out, "--type", "Q4_K_M", "-q"); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	m, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, tn := range m.Tensors {
		types[tn.Name] = tn.Type.UpperName()
	}
	ft, _ := m.Meta.Uint32("general.file_type")
	m.Close()
	// Q4_K_M's mixture over 4 layers: use_more_bits(i, 4) holds for layer 3 only
	want := map[string]string{"blk.0.attn_q.weight": "Q4_K", "output.weight": "Q6_K", "blk.3.ffn_down.weight": "Q6_K",
		"blk.0.ffn_down.weight": "Q4_K", "blk.3.attn_v.weight": "Q6_K", "blk.1.attn_v.weight": "Q4_K",
		"token_embd.weight": "Q4_K", "blk.0.attn_norm.weight": "F32"}
	for name, typ := range want {
		if types[name] != typ {
			t.Errorf("%s is %s, want %s", name, types[name], typ)
		}
	}
	if ft != 15 {
		t.Errorf("general.file_type %d, want 15 (Q4_K_M)", ft)
	}
	info, err := d.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.Desc, "Q4_K") {
		t.Errorf("llama.cpp describes it as %q", info.Desc)
	}
	e, err := d.Eval(out, prompt, 8)
	if err != nil || len(e.Tokens) == 0 {
		t.Fatalf("generation: %v", err)
	}
}

// Types that need an importance matrix are refused without one, before
// anything is written.
func TestMergeCLIImatrixRequired(t *testing.T) {
	w := wideModels(t)
	dir := t.TempDir()
	cfg := config(t, dir, wideDella, map[string]string{"w0": w[0], "w1": w[1], "w2": w[2]})
	out := filepath.Join(dir, "out.gguf")
	_, err := runCLI(t, "merge", cfg, "-o", out, "--type", "IQ2_XXS", "-q")
	if err == nil || !strings.Contains(err.Error(), "importance matrix") {
		t.Fatalf("IQ2_XXS without --imatrix: %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("output written")
	}
}

func hasTemp(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".out.gguf.tmp") {
			return true
		}
	}
	return false
}

// Ctrl-C during a merge: exit status 130, no output, no temporary file,
// the previous output untouched.
func TestMergeInterruptLeavesNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGINT")
	}
	w := wideModels(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "ggufmerge")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	cfg := config(t, dir, wideDella, map[string]string{"w0": w[0], "w1": w[1], "w2": w[2]})
	out := filepath.Join(dir, "out.gguf")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	cmd := exec.Command(bin, "merge", cfg, "-o", out, "--threads", "1", "--type", "Q4_K_M")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The temporary output appearing means the merge is writing.
	deadline := time.Now().Add(60 * time.Second)
	for !hasTemp(dir) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no temporary output appeared")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("merge did not stop after SIGINT")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v (want status 130)", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "previous" {
		t.Fatal("interrupted merge changed the existing output")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "out.gguf" && n != "config.yml" && n != "ggufmerge" {
			t.Errorf("left behind: %s", n)
		}
	}
}

// --pure drops Q4_K_M's mixture: every quantizable tensor gets Q4_K.
func TestMergeCLIPure(t *testing.T) {
	w := wideModels(t)
	dir := t.TempDir()
	cfg := config(t, dir, wideDella, map[string]string{"w0": w[0], "w1": w[1], "w2": w[2]})
	out := filepath.Join(dir, "pure.gguf")
	if text, err := runCLI(t, "merge", cfg, "-o", out, "--type", "Q4_K_M", "--pure", "-q"); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	m, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tn := range m.Tensors {
		want := quant.Q4_K
		if len(tn.Shape) == 1 {
			want = quant.F32
		}
		if tn.Type != want {
			t.Errorf("%s is %s with --pure, want %s", tn.Name, tn.Type, want)
		}
	}
}
