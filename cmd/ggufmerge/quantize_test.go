package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/internal/llamacpp"
	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

// quantizeCLI runs `ggufmerge quantize args...` in-process.
func quantizeCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	var out bytes.Buffer
	app.Writer, app.ErrWriter = &out, &out
	err := app.Run(append([]string{"ggufmerge", "quantize"}, args...))
	return out.String(), err
}

// tinyLlama writes a 2-layer llama (rows of 256, ffn 512) with random F16
// weights and no general.file_type; llama.cpp loads it for quantizing.
func tinyLlama(t *testing.T, dir string) string {
	t.Helper()
	meta := gguf.NewMetadata()
	meta.Set("general.architecture", gguf.Str("llama"))
	meta.Set("general.name", gguf.Str("tiny"))
	for k, v := range map[string]uint32{"block_count": 2, "context_length": 64, "embedding_length": 256,
		"feed_forward_length": 512, "attention.head_count": 4, "attention.head_count_kv": 2} {
		meta.Set("llama."+k, gguf.U32(v))
	}
	meta.Set("llama.attention.layer_norm_rms_epsilon", gguf.F32(1e-5))
	infos := []gguf.TensorInfo{{Name: "token_embd.weight", Shape: []int64{256, 100}}, {Name: "output_norm.weight", Shape: []int64{256}},
		{Name: "output.weight", Shape: []int64{256, 100}}}
	for l := range 2 {
		p := fmt.Sprintf("blk.%d.", l)
		for _, s := range []struct {
			n     string
			shape []int64
		}{{"attn_norm.weight", []int64{256}}, {"attn_q.weight", []int64{256, 256}}, {"attn_k.weight", []int64{256, 128}},
			{"attn_v.weight", []int64{256, 128}}, {"attn_output.weight", []int64{256, 256}}, {"ffn_norm.weight", []int64{256}},
			{"ffn_gate.weight", []int64{256, 512}}, {"ffn_up.weight", []int64{256, 512}}, {"ffn_down.weight", []int64{512, 256}}} {
			infos = append(infos, gguf.TensorInfo{Name: p + s.n, Shape: s.shape})
		}
	}
	for i := range infos {
		infos[i].Type = quant.F16
		if len(infos[i].Shape) == 1 {
			infos[i].Type = quant.F32
		}
	}
	path := filepath.Join(dir, "tiny.gguf")
	w, err := gguf.Create(path, meta, infos, gguf.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, ti := range infos {
		var b []byte
		for range ti.Elements() {
			v := float32(rng.NormFloat64() * 0.06)
			if ti.Type == quant.F32 {
				b = append(b, le32(math.Float32bits(1+v))...)
			} else {
				h := quant.FP32ToFP16(v)
				b = append(b, byte(h), byte(h>>8))
			}
		}
		if err := w.WriteAt(i, b, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

func le32(u uint32) []byte { return []byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)} }

func TestQuantizeWritesTypes(t *testing.T) {
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	out := filepath.Join(dir, "q.gguf")
	log, err := quantizeCLI(t, "--threads", "3", in, out, "q4_k_m")
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !strings.Contains(log, "blk.1.ffn_down.weight") || !strings.Contains(log, "file type Q4_K - Medium") {
		t.Errorf("progress/summary missing:\n%s", log)
	}
	m, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if ft, _ := m.Meta.Uint32("general.file_type"); ft != uint32(recipe.MostlyQ4_K_M) {
		t.Errorf("general.file_type = %d", ft)
	}
	if qv, _ := m.Meta.Uint32("general.quantization_version"); qv != 2 {
		t.Errorf("general.quantization_version = %d", qv)
	}
	// two layers: use_more_bits(i, 2) holds for layer 1 only (1 >= 7*2/8)
	want := map[string]quant.Type{"output.weight": quant.Q6_K, "token_embd.weight": quant.Q4_K, "output_norm.weight": quant.F32,
		"blk.0.attn_q.weight": quant.Q4_K, "blk.0.attn_v.weight": quant.Q4_K, "blk.1.attn_v.weight": quant.Q6_K,
		"blk.0.ffn_down.weight": quant.Q4_K, "blk.1.ffn_down.weight": quant.Q6_K}
	for name, ty := range want {
		if tn := m.Tensor(name); tn == nil || tn.Type != ty {
			t.Errorf("%s: got %v, want %s", name, tn, ty)
		}
	}
	// the first tensors come in llama.cpp's loader order
	if m.Tensors[0].Name != "output.weight" || m.Tensors[2].Name != "token_embd.weight" || m.Tensors[3].Name != "blk.0.attn_k.weight" {
		t.Errorf("order: %s %s %s", m.Tensors[0].Name, m.Tensors[2].Name, m.Tensors[3].Name)
	}

	// the output does not depend on the thread count; llama-quantize's
	// trailing thread argument is accepted
	out1 := filepath.Join(dir, "q1.gguf")
	if log, err := quantizeCLI(t, "-q", in, out1, "Q4_K_M", "1"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !sameFile(t, out, out1) {
		t.Error("1 and 3 threads give different files")
	}
}

// --tensor-type-file holds --tensor-type rules separated by spaces or
// newlines: the same file as the rules given one by one.
func TestQuantizeTensorTypeFile(t *testing.T) {
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	rules := filepath.Join(dir, "types.txt")
	if err := os.WriteFile(rules, []byte("ATTN_V=q8_0  blk\\.1\\.ffn_down=Q5_0\n\nffn_up=bf16\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.gguf"), filepath.Join(dir, "b.gguf")
	if log, err := quantizeCLI(t, "-q", "--tensor-type-file", rules, in, a, "Q4_K_M"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if log, err := quantizeCLI(t, "-q", "--tensor-type", "attn_v=q8_0", "--tensor-type", `blk\.1\.ffn_down=q5_0`,
		"--tensor-type", "ffn_up=bf16", in, b, "Q4_K_M"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !sameFile(t, a, b) {
		t.Error("rules from a file and from flags give different files")
	}
	m, err := gguf.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for name, ty := range map[string]quant.Type{"blk.0.attn_v.weight": quant.Q8_0, "blk.1.ffn_down.weight": quant.Q5_0,
		"blk.0.ffn_down.weight": quant.Q4_K, "blk.0.ffn_up.weight": quant.BF16} {
		if tn := m.Tensor(name); tn == nil || tn.Type != ty {
			t.Errorf("%s: got %v, want %s", name, tn, ty)
		}
	}
	if _, err := quantizeCLI(t, "--tensor-type-file", filepath.Join(dir, "none.txt"), in, a, "Q4_K_M"); err == nil ||
		!strings.Contains(err.Error(), "none.txt") {
		t.Errorf("missing rules file: %v", err)
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return bytes.Equal(x, y)
}

func TestQuantizeErrors(t *testing.T) {
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	out := filepath.Join(dir, "o.gguf")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{in, out, "Q4_K_X"}, "unknown quantization type"},
		{[]string{in, out}, "need IN OUT TYPE"},
		{[]string{in, out, "Q4_K_M", "--pure"}, "options go before"},
		{[]string{in, in, "Q8_0"}, "same file"},
		{[]string{in, out, "IQ2_XXS"}, "importance matrix"},
		{[]string{in, out, "NVFP4"}, "unknown quantization type"},
		{[]string{"--imatrix", filepath.Join(dir, "none.dat"), in, out, "Q4_K_M"}, "none.dat"},
		{[]string{"--imatrix", in, "--include-weights", "a", "--exclude-weights", "b", in, out, "Q4_K_M"}, "cannot be used together"},
		{[]string{"--imatrix", in, in, out, "Q4_K_M"}, "missing imatrix metadata"},
		{[]string{"--output-tensor-type", "q9_K", in, out, "Q4_K_M"}, "q9_K"},
		{[]string{"--tensor-type", "attn=", in, out, "Q4_K_M"}, "REGEX=TYPE"},
		{[]string{filepath.Join(dir, "missing.gguf"), out, "Q4_K_M"}, "missing.gguf"},
		{[]string{"--override-kv", "general.name=text:x", in, out, "Q8_0"}, `--override-kv: override "general.name=text:x": type "text"`},
	}
	for _, c := range cases {
		log, err := quantizeCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("quantize %v: error %v, want it to mention %q\n%s", c.args, err, c.want, log)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
}

// --override-kv values reach the output (the recipe package tests where
// and with which types).
func TestQuantizeOverrideKV(t *testing.T) {
	dir := t.TempDir()
	in, out := tinyLlama(t, dir), filepath.Join(dir, "o.gguf")
	if log, err := quantizeCLI(t, "--override-kv", "general.name=str:renamed", "--override-kv", "llama.context_length=int:64", in, out, "Q8_0"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	m, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	name, _ := m.Meta.String("general.name")
	ctx, _ := m.Meta.Get("llama.context_length")
	if name != "renamed" || ctx.V != uint32(64) {
		t.Errorf("general.name %q, llama.context_length %+v", name, ctx)
	}
}

func TestQuantizeDryRun(t *testing.T) {
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	log, err := quantizeCLI(t, "--dry-run", "--pure", in, filepath.Join(dir, "x.gguf"), "Q5_K_S")
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if !strings.Contains(log, "output.weight") || !strings.Contains(log, "f16 -> q5_K") || !strings.Contains(log, "as Q5_K_S") {
		t.Errorf("dry run output:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.gguf")); !os.IsNotExist(err) {
		t.Error("dry run wrote a file")
	}
}

// COPY rewrites a model through our reader and writer: every tensor keeps
// its type and bytes, the metadata gains general.quantization_version and
// general.file_type (the input's, or the loader's guess), tensors come in
// loader order, and llama.cpp loads the result.
func TestQuantizeCopy(t *testing.T) {
	dir := t.TempDir()
	type input struct {
		path     string
		loadable bool // has a vocabulary, so llama.cpp can load it
	}
	tiny := tinyLlama(t, dir)
	inputs := []input{{tiny, false}, {quantizeTo(t, tiny, dir, "Q4_K_S"), false}}
	if root := sharedtest.Root(); root != "" {
		stories := filepath.Join(root, "models", "stories260k-f32.gguf")
		if _, err := os.Stat(stories); err == nil {
			inputs = append(inputs, input{stories, true}, input{quantizeTo(t, stories, dir, "Q8_0"), true})
		}
	}
	llref := refLlref()
	for i, in := range inputs {
		out := filepath.Join(dir, fmt.Sprintf("copy%d.gguf", i))
		if log, err := quantizeCLI(t, "-q", in.path, out, "COPY"); err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		checkCopy(t, in.path, out)
		if llref != "" && in.loadable {
			if o, err := exec.Command(llref, "load", out).CombinedOutput(); err != nil {
				t.Errorf("llama.cpp does not load the COPY of %s: %v\n%s", in.path, err, o)
			}
		}
	}
	if llref == "" {
		t.Log("reference llama.cpp not installed: COPY outputs were not loaded with llama.cpp")
	}
}

func quantizeTo(t *testing.T, in, dir, typ string) string {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(in)+"."+typ+".gguf")
	if log, err := quantizeCLI(t, "-q", in, out, typ); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	return out
}

func checkCopy(t *testing.T, in, out string) {
	t.Helper()
	a, err := gguf.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// without general.file_type, llama.cpp guesses from the most common type
	guess := map[string]uint32{"tiny.gguf": uint32(recipe.MostlyF16), "stories260k-f32.gguf": uint32(recipe.AllF32)}
	wantFT, ok := a.Meta.Uint32("general.file_type")
	if !ok {
		g, known := guess[filepath.Base(in)]
		if !known {
			t.Fatalf("no expected file type for %s", in)
		}
		wantFT = g | uint32(recipe.Guessed)
	}
	want := a.Meta.Clone()
	want.Set("general.quantization_version", gguf.U32(2))
	want.Set("general.file_type", gguf.U32(wantFT))
	if got, w := b.Meta.KVs(), want.KVs(); len(got) != len(w) {
		t.Fatalf("COPY metadata keys %v, want %v", b.Meta.Keys(), want.Keys())
	} else {
		for i := range w {
			if got[i].Key != w[i].Key || !got[i].Value.Equal(w[i].Value) {
				t.Errorf("COPY metadata #%d: %s=%v, want %s=%v", i, got[i].Key, got[i].Value.V, w[i].Key, w[i].Value.V)
			}
		}
	}
	names := make([]string, len(a.Tensors))
	for i, tn := range a.Tensors {
		names[i] = tn.Name
	}
	order := recipe.LoaderOrder(names)
	if len(b.Tensors) != len(a.Tensors) {
		t.Fatalf("%d tensors, want %d", len(b.Tensors), len(a.Tensors))
	}
	for k, i := range order {
		ta, tb := a.Tensors[i], b.Tensors[k]
		if ta.Name != tb.Name || ta.Type != tb.Type || ta.ShapeString() != tb.ShapeString() {
			t.Errorf("tensor %d: %s %s [%s], want %s %s [%s]", k, tb.Name, tb.Type, tb.ShapeString(), ta.Name, ta.Type, ta.ShapeString())
			continue
		}
		x, y := make([]byte, ta.Size()), make([]byte, tb.Size())
		ta.ReadAt(x, 0)
		tb.ReadAt(y, 0)
		if !bytes.Equal(x, y) {
			t.Errorf("%s: bytes changed", ta.Name)
		}
	}
}

// refLlref is the reference llref binary when installed, else "".
func refLlref() string {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" || sharedtest.Root() == "" {
		return ""
	}
	home := os.Getenv("REF_HOME")
	if home == "" {
		h, _ := os.UserHomeDir()
		home = filepath.Join(h, ".cache", "ggufmerge-ref")
	}
	p := filepath.Join(home, "bin", "llref")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// The command line gives llama-quantize's file, byte for byte (the full
// type matrix is quant/recipe's TestEquivalence; this checks the flags).
func TestQuantizeCLIMatchesLlamaCpp(t *testing.T) {
	llref := refLlref()
	if llref == "" {
		t.Skip("reference llama.cpp (../shared/tools/ref, setup.sh) not installed")
	}
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	im := writeLegacyImatrix(t, dir, in)
	cases := [][]string{
		{"Q4_K_M"},
		{"Q3_K_M", "--imatrix", im},
		{"IQ4_XS", "--imatrix", im},
		{"Q2_K_S", "--imatrix", im},
		{"Q5_K_S", "--pure", "--output-tensor-type", "q8_0", "--token-embedding-type", "q6_K"},
		{"Q6_K", "--leave-output-tensor"},
		{"BF16"},
	}
	for _, c := range cases {
		ref, out := filepath.Join(dir, "ref.gguf"), filepath.Join(dir, "out.gguf")
		if o, err := exec.Command(llref, append([]string{"quantize", in, ref, c[0], "--threads", "2"}, c[1:]...)...).CombinedOutput(); err != nil {
			t.Fatalf("llref %v: %v\n%s", c, err, o)
		}
		if log, err := quantizeCLI(t, append(append([]string{"-q"}, c[1:]...), in, out, c[0])...); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, log)
		}
		if !sameFile(t, ref, out) {
			t.Errorf("%v: file differs from llama-quantize's", c)
		}
	}
}

// writeLegacyImatrix writes a .dat importance matrix for every blk weight.
func writeLegacyImatrix(t *testing.T, dir, model string) string {
	t.Helper()
	m, err := gguf.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var b []byte
	var n uint32
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tn := range m.Tensors {
		if !strings.HasPrefix(tn.Name, "blk.") || len(tn.Shape) < 2 {
			continue
		}
		n++
		b = append(b, le32(uint32(len(tn.Name)))...)
		b = append(b, tn.Name...)
		b = append(b, le32(4)...) // ncall
		b = append(b, le32(uint32(tn.Shape[0]))...)
		for range tn.Shape[0] {
			b = append(b, le32(math.Float32bits(float32(4*math.Exp(rng.NormFloat64()))))...)
		}
	}
	b = append(le32(n), b...)
	b = append(b, le32(12)...)
	b = append(b, le32(4)...)
	b = append(b, "wiki"...)
	p := filepath.Join(dir, "im.dat")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The llama-quantize options the reference tool lacks (--override-kv,
// --tensor-type, --prune-layers) against llama.cpp's own llama_model_quantize, driven
// through the prebuilt library as the llama-quantize tool sets it up.
func TestQuantizeOptionsMatchLlamaQuantize(t *testing.T) {
	d := llamacpp.Require(t)
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	kvs := []string{"--override-kv", "general.name=str:renamed", "--override-kv", "llama.context_length=int:-64",
		"--override-kv", "x.scale=float:0.3", "--override-kv", "tokenizer.ggml.add_bos_token=bool:false"}
	tts := []string{"--tensor-type", "attn_v=q8_0", "--tensor-type", `blk\.1\.ffn_down=Q5_0`, "--tensor-type", "FFN_UP=bf16"}
	for _, c := range []struct {
		name  string
		ftype recipe.FileType
		opts  []string
	}{
		{"Q4_K_M", recipe.MostlyQ4_K_M, kvs},
		{"Q4_K_M", recipe.MostlyQ4_K_M, tts},
		{"Q5_K_S", recipe.MostlyQ5_K_S, append(append([]string{"--pure"}, tts...), kvs...)},
		{"Q4_K_M", recipe.MostlyQ4_K_M, []string{"--prune-layers", "0"}},
		{"Q6_K", recipe.MostlyQ6_K, append([]string{"--prune-layers", "1"}, kvs...)},
	} {
		ref, out := filepath.Join(dir, "ref.gguf"), filepath.Join(dir, "out.gguf")
		if err := d.Quantize(in, ref, int(c.ftype), c.opts...); err != nil {
			t.Fatal(err)
		}
		if log, err := quantizeCLI(t, append(append([]string{"-q"}, c.opts...), in, out, c.name)...); err != nil {
			t.Fatalf("%v: %v\n%s", c.opts, err, log)
		}
		if !sameFile(t, ref, out) {
			t.Errorf("%s %v: file differs from llama_model_quantize's", c.name, c.opts)
		}
	}
	// --keep-split: one output shard per input shard; the tool hands the
	// library the output name without .gguf
	split := filepath.Join(dir, "split.gguf")
	if log, err := quantizeCLI(t, "-q", "--split-max-tensors", "7", in, split, "F16"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	shards, _ := filepath.Glob(filepath.Join(dir, "split-*-of-*.gguf"))
	if len(shards) < 2 {
		t.Fatalf("split input: %v", shards)
	}
	first := shards[0]
	for _, c := range [][]string{{"Q4_K_M"}, {"Q6_K", "--prune-layers", "0"}} {
		ft, _, err := recipe.ParseFileType(c[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Quantize(first, filepath.Join(dir, "ref"), int(ft), append([]string{"--keep-split"}, c[1:]...)...); err != nil {
			t.Fatal(err)
		}
		args := append(append([]string{"-q", "--keep-split"}, c[1:]...), first, filepath.Join(dir, "out.gguf"), c[0])
		if log, err := quantizeCLI(t, args...); err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		for i := 1; i <= len(shards); i++ {
			name := fmt.Sprintf("-%05d-of-%05d.gguf", i, len(shards))
			if !sameFile(t, filepath.Join(dir, "ref"+name), filepath.Join(dir, "out"+name)) {
				t.Errorf("--keep-split %v: shard %d differs from llama_model_quantize's", c, i)
			}
		}
	}

	// five layers (the bundled base), pruning inside and at both ends
	for _, prune := range []string{"1,3", "0,4", "2"} {
		ref, out := filepath.Join(dir, "ref.gguf"), filepath.Join(dir, "out.gguf")
		if err := d.Quantize(exBase, ref, int(recipe.MostlyQ4_K_M), "--prune-layers", prune); err != nil {
			t.Fatal(err)
		}
		if log, err := quantizeCLI(t, "-q", "--prune-layers", prune, exBase, out, "Q4_K_M"); err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		if !sameFile(t, ref, out) {
			t.Errorf("--prune-layers %s: file differs from llama_model_quantize's", prune)
		}
	}
}
