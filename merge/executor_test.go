package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/internal/llamacpp"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
	"github.com/ggufmerge/ggufmerge/simd"
)

// The bundled example models (testdata/README.md).
var (
	exBase = filepath.Join("..", "testdata", "base.gguf")
	exAttn = filepath.Join("..", "testdata", "expert-attn.gguf")
	exFFN  = filepath.Join("..", "testdata", "expert-ffn-00001-of-00002.gguf")
	exDeep = filepath.Join("..", "testdata", "expert-deep.gguf")
)

// writeConfig writes YAML into dir with model paths made absolute, so a
// config in a temporary folder can name the bundled models.
func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	for _, p := range []string{exBase, exAttn, exFFN, exDeep} {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		yaml = strings.ReplaceAll(yaml, "@"+strings.TrimSuffix(filepath.Base(p), ".gguf"), abs)
	}
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func keepOptions() PlanOptions { return PlanOptions{Keep: true, Seed: DefaultSeed} }

func typeOptions(t *testing.T, name string) PlanOptions {
	ft, _, err := recipe.ParseFileType(name)
	if err != nil {
		t.Fatal(err)
	}
	return PlanOptions{Quant: recipe.Options{FileType: ft}, Seed: DefaultSeed, TypeName: name}
}

func plan(t *testing.T, cfgPath string, opts PlanOptions) *Plan {
	t.Helper()
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func execute(t *testing.T, p *Plan, out string, ro RunOptions) *Result {
	t.Helper()
	res, err := p.Execute(context.Background(), out, ro)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tensorValues dequantizes a whole tensor.
func tensorValues(t *testing.T, tn *gguf.Tensor) []float32 {
	t.Helper()
	raw := make([]byte, tn.Size())
	if _, err := tn.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	v := make([]float32, tn.Elements())
	if err := toFloat32(tn.Type, v, raw); err != nil {
		t.Fatal(err)
	}
	return v
}

func openModel(t *testing.T, path string) *gguf.Model {
	t.Helper()
	m, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

const dellaYAML = `
merge_method: della
base_model: @base
models:
  - model: @expert-attn
    parameters: {weight: 1.0}
  - model: @expert-ffn-00001-of-00002
    parameters: {weight: 0.8}
  - model: @expert-deep
    parameters: {weight: 0.6}
parameters: {density: 0.8, epsilon: 0.1, lambda: 1.1}
`

// The output does not depend on the number of workers nor on how tensors
// are cut into blocks; the seed changes it.
func TestOutputIndependentOfThreadsAndBlocks(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, dellaYAML)
	p := plan(t, cfg, keepOptions())
	a, b, c := filepath.Join(dir, "a.gguf"), filepath.Join(dir, "b.gguf"), filepath.Join(dir, "c.gguf")
	execute(t, p, a, RunOptions{Threads: 1})
	execute(t, p, b, RunOptions{Threads: 3, BlockValues: 1}) // one row per block
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Fatal("1 thread with large blocks and 3 threads with one-row blocks give different files")
	}
	opts := keepOptions()
	opts.Seed = 7
	execute(t, plan(t, cfg, opts), c, RunOptions{Threads: 2})
	if bytes.Equal(readFile(t, a), readFile(t, c)) {
		t.Fatal("another seed gave the same DELLA merge")
	}
}

// A linear merge written as F32 equals the weighted mean computed here
// straight from the dequantized inputs (mixed F16/Q8_0/BF16, one split).
func TestLinearMatchesDirectComputation(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
merge_method: linear
models:
  - model: @base
    parameters: {weight: 0.3}
  - model: @expert-attn
    parameters: {weight: 0.7}
  - model: @expert-ffn-00001-of-00002
    parameters: {weight: 0.5}
`)
	out := filepath.Join(dir, "out.gguf")
	execute(t, plan(t, cfg, typeOptions(t, "F32")), out, RunOptions{Threads: 2, BlockValues: 200})
	got := openModel(t, out)
	ins := []*gguf.Model{openModel(t, exBase), openModel(t, exAttn), openModel(t, exFFN)}
	w := []float64{0.3, 0.7, 0.5}
	for _, tn := range got.Tensors {
		if tn.Type != quant.F32 {
			t.Fatalf("%s: type %s, want F32", tn.Name, tn.Type)
		}
		v := tensorValues(t, tn)
		var srcs [][]float32
		for _, m := range ins {
			srcs = append(srcs, tensorValues(t, m.Tensor(tn.Name)))
		}
		for j := range v {
			want := (w[0]*float64(srcs[0][j]) + w[1]*float64(srcs[1][j]) + w[2]*float64(srcs[2][j])) / 1.5
			if d := math.Abs(float64(v[j]) - want); d > 1e-6*max(1, math.Abs(want)) {
				t.Fatalf("%s[%d] = %g, want %g", tn.Name, j, v[j], want)
			}
		}
	}
}

// A one-model merge with --type keep copies every tensor byte for byte.
func TestSingleModelKeepCopiesBytes(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "merge_method: linear\nmodels:\n  - model: @expert-ffn-00001-of-00002\n    parameters: {weight: 1}\n")
	out := filepath.Join(dir, "out.gguf")
	res := execute(t, plan(t, cfg, keepOptions()), out, RunOptions{})
	if res.Copied != res.Tensors || res.Computed != 0 {
		t.Fatalf("copied %d, computed %d of %d tensors", res.Copied, res.Computed, res.Tensors)
	}
	got, src := openModel(t, out), openModel(t, exFFN)
	if len(got.Shards) != 1 || len(src.Shards) != 2 {
		t.Fatalf("shards: got %d, source %d", len(got.Shards), len(src.Shards))
	}
	for _, tn := range src.Tensors {
		g := got.Tensor(tn.Name)
		if g == nil || g.Type != tn.Type || !bytes.Equal(rawBytes(t, g), rawBytes(t, tn)) {
			t.Fatalf("tensor %s not copied unchanged", tn.Name)
		}
	}
}

func rawBytes(t *testing.T, tn *gguf.Tensor) []byte {
	raw := make([]byte, tn.Size())
	if _, err := tn.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	return raw
}

// With a llama-quantize type the output is what llama-quantize (our
// byte-exact recipe.QuantizeFile) makes of the merged model: same tensor
// order, types (including the row-length fallbacks of this 64-wide model)
// and bytes.
func TestNamedTypeMatchesQuantize(t *testing.T) {
	for _, typ := range []string{"Q8_0", "Q4_K_M", "Q5_K_S"} {
		t.Run(typ, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeConfig(t, dir, "merge_method: linear\nmodels:\n  - model: @base\n    parameters: {weight: 1}\n")
			out, ref := filepath.Join(dir, "out.gguf"), filepath.Join(dir, "ref.gguf")
			execute(t, plan(t, cfg, typeOptions(t, typ)), out, RunOptions{Threads: 2})
			ft, _, _ := recipe.ParseFileType(typ)
			if _, err := recipe.QuantizeFile(context.Background(), exBase, ref, recipe.Options{FileType: ft}); err != nil {
				t.Fatal(err)
			}
			got, want := openModel(t, out), openModel(t, ref)
			if len(got.Tensors) != len(want.Tensors) {
				t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
			}
			for i, w := range want.Tensors {
				g := got.Tensors[i]
				if g.Name != w.Name || g.Type != w.Type || !bytes.Equal(rawBytes(t, g), rawBytes(t, w)) {
					t.Fatalf("tensor %d: got %s %s, want %s %s (or bytes differ)", i, g.Name, g.Type, w.Name, w.Type)
				}
			}
			if v, _ := got.Meta.Uint32("general.file_type"); v != uint32(ft) {
				t.Errorf("general.file_type %d, want %d", v, ft)
			}
		})
	}
}

// --type keep gives each tensor the base's type, and the metadata is the
// base's plus what describes the merge.
func TestKeepTypesAndMetadata(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, dellaYAML)
	opts := keepOptions()
	opts.Name, opts.ToolVersion, opts.ConfigText, opts.TypeName = "merged", "v-test", "the yaml", "keep"
	out := filepath.Join(dir, "out.gguf")
	execute(t, plan(t, cfg, opts), out, RunOptions{})
	got, base := openModel(t, out), openModel(t, exBase)
	for _, bt := range base.Tensors {
		if g := got.Tensor(bt.Name); g == nil || g.Type != bt.Type || !sameShape(g.Shape, bt.Shape) {
			t.Fatalf("tensor %s: not the base's type/shape", bt.Name)
		}
	}
	for _, kv := range base.Meta.KVs() {
		if strings.HasPrefix(kv.Key, "tokenizer.") || strings.HasPrefix(kv.Key, "llama.") || kv.Key == "general.architecture" {
			if v, ok := got.Meta.Get(kv.Key); !ok || !v.Equal(kv.Value) {
				t.Errorf("%s not carried over from the base", kv.Key)
			}
		}
	}
	m := got.Meta
	checks := map[string]bool{}
	n, _ := m.Uint32("general.base_model.count")
	checks["general.base_model.count = 4"] = n == 4
	name0, _ := m.String("general.base_model.0.name")
	checks["base_model.0.name"] = name0 == "stories260k expert-attn"
	tags, _ := m.Strings("general.tags")
	checks["tags has merge"] = contains(tags, "merge")
	ft, _ := m.Uint32("general.file_type")
	checks["file_type F16"] = ft == uint32(recipe.MostlyF16)
	qv, _ := m.Uint32("general.quantization_version")
	checks["quantization_version 2"] = qv == 2
	gn, _ := m.String("general.name")
	checks["general.name"] = gn == "merged"
	method, _ := m.String(KeyMethod)
	checks["ggufmerge.method"] = method == "della"
	seed, _ := m.Uint64(KeySeed)
	checks["ggufmerge.seed"] = seed == DefaultSeed
	text, _ := m.String(KeyConfig)
	checks["ggufmerge.config"] = text == "the yaml"
	typ, _ := m.String(KeyType)
	checks["ggufmerge.type"] = typ == "keep"
	for what, ok := range checks {
		if !ok {
			t.Errorf("metadata: %s fails", what)
		}
	}
}

// Dry-run descriptions show the parameters after gradients and filters.
func TestDescribeResolvesGradientsAndFilters(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
merge_method: ties
base_model: @base
models:
  - model: @expert-attn
    parameters:
      weight: {filter: mlp, value: 0.25}
      density: [1.0, 0.7, 0.3]
parameters: {weight: 1.0}
`)
	d := plan(t, cfg, keepOptions()).Describe(0)
	want := map[string][2]float64{ // tensor: density, weight
		"blk.0.attn_q.weight":   {1.0, 1.0},
		"blk.1.attn_q.weight":   {0.85, 1.0},
		"blk.2.ffn_up.weight":   {0.7, 0.25},
		"blk.4.ffn_down.weight": {0.3, 0.25},
	}
	found := 0
	for _, td := range d.Tensors {
		w, ok := want[td.Name]
		if !ok {
			continue
		}
		found++
		pm := td.PerModel[mustAbs(t, exAttn)]
		if pm == nil || math.Abs(pm["density"].(float64)-w[0]) > 1e-12 || pm["weight"].(float64) != w[1] {
			t.Errorf("%s: parameters %v, want density %g weight %g", td.Name, pm, w[0], w[1])
		}
		wantIn := "Q8_0" // expert-attn stores 64-wide rows as Q8_0, the 172-wide ffn_down as F16
		if td.Shape[0] != 64 {
			wantIn = "F16"
		}
		if td.Out != "F16" || len(td.Inputs) != 2 || td.Inputs[0].Type != wantIn || td.Action != "ties" {
			t.Errorf("%s: description %+v", td.Name, td)
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of %d tensors", found, len(want))
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// rewrite copies a model with changes: edit may alter the metadata and the
// tensor list (tensors whose shape changed get zero data).
func rewrite(t *testing.T, src, dst string, edit func(meta *gguf.Metadata, infos []gguf.TensorInfo) []gguf.TensorInfo) {
	t.Helper()
	m := openModel(t, src)
	meta := m.Meta.Clone()
	infos := edit(meta, m.Infos())
	w, err := gguf.Create(dst, meta, infos, gguf.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, info := range infos {
		data := make([]byte, info.Size())
		if st := m.Tensor(info.Name); st != nil && st.Size() == info.Size() {
			data = rawBytes(t, st)
		}
		if err := w.WriteAt(i, data, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestPlanErrors(t *testing.T) {
	dir := t.TempDir()
	odd := func(name string, edit func(*gguf.Metadata, []gguf.TensorInfo) []gguf.TensorInfo) string {
		p := filepath.Join(dir, name)
		rewrite(t, exAttn, p, edit)
		return p
	}
	otherArch := odd("arch.gguf", func(m *gguf.Metadata, in []gguf.TensorInfo) []gguf.TensorInfo {
		m.Set("general.architecture", gguf.Str("qwen2"))
		return in
	})
	missing := odd("missing.gguf", func(_ *gguf.Metadata, in []gguf.TensorInfo) []gguf.TensorInfo {
		var out []gguf.TensorInfo
		for _, ti := range in {
			if ti.Name != "blk.3.ffn_up.weight" {
				out = append(out, ti)
			}
		}
		return out
	})
	shape := odd("shape.gguf", func(_ *gguf.Metadata, in []gguf.TensorInfo) []gguf.TensorInfo {
		for i := range in {
			if in[i].Name == "blk.1.attn_k.weight" {
				in[i].Shape = []int64{64, 16}
			}
		}
		return in
	})
	cases := []struct{ yaml, want string }{
		{"merge_method: linear\nmodels:\n  - model: @base\n    parameters: {weight: 1}\n  - model: " + filepath.Join(dir, "nope.gguf") + "\n    parameters: {weight: 1}\n",
			"config.yml:5: model " + filepath.Join(dir, "nope.gguf")},
		{"merge_method: linear\nmodels:\n  - model: @base\n    parameters: {weight: 1}\n  - model: @base\n    parameters: {weight: 1}\n",
			"is already listed at line 3"},
		{"merge_method: linear\nmodels:\n  - model: @base\n    parameters: {weight: 1}\n  - model: " + otherArch + "\n    parameters: {weight: 1}\n",
			`has architecture "qwen2"`},
		{"merge_method: ties\nbase_model: @base\nmodels:\n  - model: " + missing + "\n    parameters: {weight: 1}\n",
			"has no tensor blk.3.ffn_up.weight"},
		{"merge_method: ties\nbase_model: @base\nmodels:\n  - model: " + shape + "\n    parameters: {weight: 1}\n",
			"tensor blk.1.attn_k.weight: model " + shape + " has shape [64 16]"},
	}
	for _, c := range cases {
		cfg, err := LoadConfig(writeConfig(t, dir, c.yaml))
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewPlan(cfg, keepOptions())
		if err == nil {
			p.Close()
			t.Errorf("no error for\n%s", c.yaml)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %q does not contain %q", err, c.want)
		}
	}
}

// Cancelling (Ctrl-C) or failing mid-way leaves no output and no temporary
// file, and an existing output is untouched; so does writing over an input.
func TestFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, dellaYAML)
	p := plan(t, cfg, keepOptions())
	out := filepath.Join(dir, "out.gguf")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := p.Execute(ctx, out, RunOptions{Threads: 2, BlockValues: 64, Progress: func(Progress) {
		calls++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) || calls == 0 {
		t.Fatalf("cancelled merge: error %v after %d blocks", err, calls)
	}
	if got := string(readFile(t, out)); got != "previous" {
		t.Fatalf("existing output changed to %d bytes", len(got))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out.gguf" && e.Name() != "config.yml" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if _, err := p.Execute(context.Background(), mustAbs(t, exDeep), RunOptions{}); err == nil || !strings.Contains(err.Error(), "is input model") {
		t.Fatalf("writing over an input: %v", err)
	}
	if err := checkFreeSpace(dir, math.MaxInt64); err != nil && !errors.Is(err, errNoSpace) {
		t.Fatalf("free space check: %v", err)
	} else if _, ok := freeBytes(dir); ok && err == nil {
		t.Fatal("free space check passed for an impossible size")
	}
}

// A slices: passthrough stacks layers of two models and renumbers them.
func TestSlicesPassthrough(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
merge_method: passthrough
slices:
  - sources:
      - model: @base
        layer_range: [0, 3]
  - sources:
      - model: @expert-deep
        layer_range: [2, 5]
`)
	out := filepath.Join(dir, "out.gguf")
	execute(t, plan(t, cfg, keepOptions()), out, RunOptions{})
	got, base, deep := openModel(t, out), openModel(t, exBase), openModel(t, exDeep)
	if n, _ := got.Meta.Uint32("llama.block_count"); n != 6 {
		t.Fatalf("block_count %d, want 6", n)
	}
	pairs := map[string]*gguf.Tensor{
		"blk.0.attn_q.weight":   base.Tensor("blk.0.attn_q.weight"),
		"blk.2.ffn_up.weight":   base.Tensor("blk.2.ffn_up.weight"),
		"blk.3.attn_q.weight":   deep.Tensor("blk.2.attn_q.weight"),
		"blk.5.ffn_down.weight": deep.Tensor("blk.4.ffn_down.weight"),
		"output.weight":         deep.Tensor("output.weight"),
		"token_embd.weight":     base.Tensor("token_embd.weight"),
	}
	for name, src := range pairs {
		g := got.Tensor(name)
		if g == nil || g.Type != src.Type || !bytes.Equal(rawBytes(t, g), rawBytes(t, src)) {
			t.Errorf("%s is not %s of %s", name, src.Name, src.File())
		}
	}
	if len(got.Tensors) != 3+6*9 {
		t.Errorf("%d tensors, want %d", len(got.Tensors), 3+6*9)
	}
}

// writeImatrix writes a legacy .dat importance matrix with one random,
// positive entry per 2-D block weight of m (row length values each).
func writeImatrix(t *testing.T, m *gguf.Model, path string) {
	t.Helper()
	var b []byte
	le := func(v uint32) { b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	var names []*gguf.Tensor
	for _, tn := range m.Tensors {
		if len(tn.Shape) == 2 && strings.HasPrefix(tn.Name, "blk.") {
			names = append(names, tn)
		}
	}
	le(uint32(len(names)))
	seed := uint32(1)
	for _, tn := range names {
		le(uint32(len(tn.Name)))
		b = append(b, tn.Name...)
		le(1) // ncall
		le(uint32(tn.Shape[0]))
		for j := int64(0); j < tn.Shape[0]; j++ {
			seed = seed*1664525 + 1013904223
			le(math.Float32bits(0.05 + float32(seed>>8)/float32(1<<24)*4))
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wideModel writes a small random llama whose rows are whole K-quant
// blocks, as Q4_K_M (base: noise 0) or as a related expert.
func wideModel(t *testing.T, dir string, i int) string {
	t.Helper()
	f16 := filepath.Join(dir, fmt.Sprintf("w%d-f16.gguf", i))
	s := llamacpp.LlamaShape{Dim: 256, Layers: 2, FFN: 512, Heads: 4, KVHeads: 4, Seed: 1, Type: quant.F16, Name: "wide"}
	if i > 0 {
		s.Noise, s.NoiseSeed = 0.5, uint64(i)
	}
	if err := llamacpp.WriteRandomLlama(f16, exBase, s); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, fmt.Sprintf("w%d.gguf", i))
	if _, err := recipe.QuantizeFile(context.Background(), f16, q, recipe.Options{FileType: recipe.MostlyQ4_K_M}); err != nil {
		t.Fatal(err)
	}
	return q
}

// --imatrix reaches the quantizers: with a llama-quantize type the output
// equals recipe.QuantizeFile with the same importance matrix; with --type
// keep each merged tensor is the importance-weighted quantization of the
// merged values.
func TestImatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes and quantizes random models")
	}
	dir := t.TempDir()
	w0, w1 := wideModel(t, dir, 0), wideModel(t, dir, 1)
	imPath := filepath.Join(dir, "imatrix.dat")
	writeImatrix(t, openModel(t, w0), imPath)
	im, err := recipe.LoadImatrix(imPath)
	if err != nil {
		t.Fatal(err)
	}
	// named type, one model: exactly llama-quantize with the imatrix
	f16 := filepath.Join(dir, "w0-f16.gguf")
	cfg := config(t, dir, "merge_method: linear\nmodels:\n  - model: "+f16+"\n    parameters: {weight: 1}\n")
	opts := typeOptions(t, "Q4_K_M")
	opts.Quant.Imatrix = im
	out, ref := filepath.Join(dir, "named.gguf"), filepath.Join(dir, "ref.gguf")
	execute(t, plan(t, cfg, opts), out, RunOptions{Threads: 2})
	if _, err := recipe.QuantizeFile(context.Background(), f16, ref, recipe.Options{FileType: recipe.MostlyQ4_K_M, Imatrix: im}); err != nil {
		t.Fatal(err)
	}
	got, want := openModel(t, out), openModel(t, ref)
	for i, w := range want.Tensors {
		if g := got.Tensors[i]; g.Name != w.Name || g.Type != w.Type || !bytes.Equal(rawBytes(t, g), rawBytes(t, w)) {
			t.Fatalf("tensor %s differs from llama-quantize with the same imatrix", w.Name)
		}
	}
	if f, _ := got.Meta.String("quantize.imatrix.file"); f != imPath {
		t.Errorf("quantize.imatrix.file = %q", f)
	}

	// keep: linear of two Q4_K_M models, quantized back with the weights
	cfg = config(t, dir, "merge_method: linear\nmodels:\n  - model: "+w0+"\n    parameters: {weight: 1}\n  - model: "+w1+"\n    parameters: {weight: 3}\n")
	opts = keepOptions()
	opts.Quant.Imatrix = im
	out = filepath.Join(dir, "keep.gguf")
	execute(t, plan(t, cfg, opts), out, RunOptions{Threads: 2})
	got = openModel(t, out)
	m0, m1 := openModel(t, w0), openModel(t, w1)
	const name = "blk.1.ffn_up.weight"
	a, b := tensorValues(t, m0.Tensor(name)), tensorValues(t, m1.Tensor(name))
	merged := make([]float32, len(a))
	for j := range a {
		merged[j] = (a[j]*1 + float32(b[j]*3)) / 4
	}
	g := got.Tensor(name)
	weights, _ := im.Get(name)
	withIm, without := make([]byte, g.Size()), make([]byte, g.Size())
	if err := quant.Quantize(g.Type, withIm, merged, int(g.Shape[0]), weights); err != nil {
		t.Fatal(err)
	}
	quant.Quantize(g.Type, without, merged, int(g.Shape[0]), nil)
	if bytes.Equal(withIm, without) {
		t.Fatal("the importance weights make no difference: the test proves nothing")
	}
	if !bytes.Equal(rawBytes(t, g), withIm) {
		t.Fatalf("%s (%s) is not the imatrix-weighted quantization of the merged values", name, g.Type)
	}
}

// config writes YAML to dir/config.yml as is.
func config(t *testing.T, dir, yaml string) string {
	t.Helper()
	p := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A larger vocabulary in an expert is cut to the base's rows, with a warning.
func TestVocabularyCutWarns(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.gguf")
	rewrite(t, exAttn, big, func(_ *gguf.Metadata, in []gguf.TensorInfo) []gguf.TensorInfo {
		for i := range in {
			if in[i].Name == "token_embd.weight" || in[i].Name == "output.weight" {
				in[i].Shape = []int64{64, 520}
			}
		}
		return in
	})
	cfg := writeConfig(t, dir, "merge_method: ties\nbase_model: @base\nmodels:\n  - model: "+big+"\n    parameters: {weight: 1}\n")
	p := plan(t, cfg, keepOptions())
	if len(p.Warnings) != 2 || !strings.Contains(p.Warnings[0], "first 512 rows of token_embd.weight") {
		t.Fatalf("warnings: %q", p.Warnings)
	}
	execute(t, p, filepath.Join(dir, "out.gguf"), RunOptions{})
	if got := openModel(t, filepath.Join(dir, "out.gguf")); got.Tensor("output.weight").Shape[1] != 512 {
		t.Fatal("output vocabulary is not the base's")
	}
}

// Row blocks of computed tensors fill about half of the L2 cache: the
// float32 rows of a block fit the cache share, one more row of the full
// working set would not, and the floor, the memory cap and BlockValues
// bound it.
func TestBlockRows(t *testing.T) {
	p := plan(t, writeConfig(t, t.TempDir(), dellaYAML), keepOptions())
	e := newExecutor(p, nil, RunOptions{Threads: 2})
	if want := int64(simd.L2CacheBytes() / 2); e.cacheBytes != want {
		t.Fatalf("cache share %d, want half of L2 = %d", e.cacheBytes, want)
	}
	computed := 0
	for _, tp := range p.Tensors {
		if tp.Copy >= 0 {
			continue
		}
		computed++
		rowLen, k := tp.Shape[0], int64(len(tp.Merger.Inputs()))
		floor := max(1, minBlockFloats/rowLen)
		for _, cache := range []int64{0, 64 << 10, 1 << 20, 8 << 20} {
			e.cacheBytes = cache
			rows := e.blockRows(tp)
			if rows < floor || rows > max(1, e.maxFloats/rowLen) {
				t.Fatalf("%s, cache %d: %d rows of %d, outside [%d, memory cap]", tp.Name, cache, rows, rowLen, floor)
			}
			floats := rows * 4 * rowLen * (k + 1)
			if rows > floor && floats > cache {
				t.Errorf("%s, cache %d: %d rows hold %d bytes of float32 rows", tp.Name, cache, rows, floats)
			}
			// a generous bound on a row (float32 and at most 4 raw and 4
			// output bytes per value) and the merger's scratch
			if more := (rows+1)*8*rowLen*(k+1) + 4*rowLen*(k+3); rows > floor && more <= cache {
				t.Errorf("%s, cache %d: %d rows, but %d would fit", tp.Name, cache, rows, rows+1)
			}
		}
		e.cacheBytes = 1 << 50
		if rows := e.blockRows(tp); rows != max(1, e.maxFloats/rowLen) {
			t.Errorf("%s: huge cache gives %d rows, want the memory cap %d", tp.Name, rows, e.maxFloats/rowLen)
		}
		e.blockFloats = 1
		if rows := e.blockRows(tp); rows != 1 {
			t.Errorf("%s: BlockValues 1 gives %d rows", tp.Name, rows)
		}
		e.blockFloats = 0
	}
	if computed == 0 {
		t.Fatal("no computed tensors")
	}
}

// Work units of computed tensors read about unitRawBytes of input at once
// (never more, unless one block is already larger), within the memory cap,
// and together cover every row once, in blocks of the planned size.
func TestWorkUnits(t *testing.T) {
	p := plan(t, writeConfig(t, t.TempDir(), dellaYAML), keepOptions())
	e := newExecutor(p, nil, RunOptions{Threads: 2})
	for i, tp := range p.Tensors {
		var raw int64
		if tp.Copy < 0 {
			for _, in := range tp.Merger.Inputs() {
				raw += tp.Sources[in].RowBytes()
			}
		}
		next := int64(0)
		for _, u := range e.blocks(i) {
			if u.r0 != next || u.n < 1 || u.blk < 1 {
				t.Fatalf("%s: unit %+v after row %d", tp.Name, u, next)
			}
			next = u.r0 + u.n
			if tp.Copy < 0 && u.n > u.blk && (u.n*raw > unitRawBytes || u.n*tp.Shape[0] > e.maxFloats) {
				t.Errorf("%s: unit of %d rows reads %d bytes (%d values per input)", tp.Name, u.n, u.n*raw, u.n*tp.Shape[0])
			}
			if tp.Copy < 0 && u.blk != e.blockRows(tp) {
				t.Errorf("%s: blocks of %d rows, planned %d", tp.Name, u.blk, e.blockRows(tp))
			}
		}
		if next != rowCount(tp.Shape) {
			t.Errorf("%s: units end at row %d of %d", tp.Name, next, rowCount(tp.Shape))
		}
	}
	e.blockFloats = 1
	for i, tp := range p.Tensors {
		for _, u := range e.blocks(i) {
			if tp.Copy < 0 && u.n != u.blk {
				t.Fatalf("%s: with BlockValues set a unit holds %d rows in blocks of %d", tp.Name, u.n, u.blk)
			}
		}
	}
}

// --override-kv values end the output metadata and win over ours.
func TestOverridesLast(t *testing.T) {
	opts := keepOptions()
	opts.Name = "from-name-flag"
	for _, s := range []string{"general.name=str:from-override", "ggufmerge.seed=int:5"} {
		o, err := recipe.ParseKVOverride(s)
		if err != nil {
			t.Fatal(err)
		}
		opts.Overrides = append(opts.Overrides, o)
	}
	p := plan(t, writeConfig(t, t.TempDir(), dellaYAML), opts)
	keys := p.Meta.Keys()
	if tail := keys[len(keys)-2:]; tail[0] != "general.name" || tail[1] != KeySeed {
		t.Errorf("metadata ends with %q", tail)
	}
	if v, _ := p.Meta.String("general.name"); v != "from-override" {
		t.Errorf("general.name %q", v)
	}
	if v, _ := p.Meta.Get(KeySeed); v.Type != gguf.Uint32 || v.V != uint32(5) {
		t.Errorf("%s = %+v", KeySeed, v)
	}
}

// Filters read Hugging Face names in the model's own architecture: in a
// Gemma 2 model, ffn_norm is pre_feedforward_layernorm.
func TestFiltersFollowArchitecture(t *testing.T) {
	dir := t.TempDir()
	toGemma := func(src, name string) string {
		p := filepath.Join(dir, name)
		rewrite(t, mustAbs(t, src), p, func(meta *gguf.Metadata, infos []gguf.TensorInfo) []gguf.TensorInfo {
			for _, kv := range meta.KVs() {
				if rest, ok := strings.CutPrefix(kv.Key, "llama."); ok {
					meta.Delete(kv.Key)
					meta.Set("gemma2."+rest, kv.Value)
				}
			}
			meta.Set("general.architecture", gguf.Str("gemma2"))
			return infos
		})
		return p
	}
	weight := func(a, b string) float64 {
		model := "    parameters:\n      weight: [{filter: pre_feedforward_layernorm, value: 0.5}, " +
			"{filter: post_attention_layernorm, value: 0.25}, {value: 1}]\n"
		cfg := writeConfig(t, t.TempDir(), "merge_method: linear\nmodels:\n  - model: "+a+"\n"+model+"  - model: "+b+"\n"+model)
		for _, td := range plan(t, cfg, keepOptions()).Describe(0).Tensors {
			if td.Name == "blk.1.ffn_norm.weight" {
				return td.PerModel[a]["weight"].(float64)
			}
		}
		t.Fatal("no blk.1.ffn_norm.weight")
		return 0
	}
	if w := weight(toGemma(exBase, "g1.gguf"), toGemma(exAttn, "g2.gguf")); w != 0.5 {
		t.Errorf("gemma2 ffn_norm weight %g, want 0.5 (pre_feedforward_layernorm)", w)
	}
	if w := weight(mustAbs(t, exBase), mustAbs(t, exAttn)); w != 0.25 {
		t.Errorf("llama ffn_norm weight %g, want 0.25 (post_attention_layernorm)", w)
	}
}
