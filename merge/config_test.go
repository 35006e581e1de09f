package merge

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

func parse(t *testing.T, text string) *Config {
	t.Helper()
	c, err := ParseConfig([]byte(text), "/cfg/merge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func parseErr(t *testing.T, text, wantLine, wantText string) {
	t.Helper()
	_, err := ParseConfig([]byte(text), "/cfg/merge.yaml")
	if err == nil {
		t.Fatalf("no error; want %q", wantText)
	}
	if !strings.Contains(err.Error(), "merge.yaml:"+wantLine+":") || !strings.Contains(err.Error(), wantText) {
		t.Fatalf("error %q; want line %s and %q", err, wantLine, wantText)
	}
}

func TestGoldenGradient(t *testing.T) {
	g := loadGolden(t)
	grads := g["gradient_[0,0.5,0.3,0.7,1]"].(map[string]any)
	for _, n := range []int{5, 9, 40} {
		want := flatten(grads[fmt.Sprint(n)])
		got := make([]float32, n)
		for i := range got {
			got[i] = float32(gradient([]float64{0, 0.5, 0.3, 0.7, 1}, LayerT(TensorQuery{Layer: i, NumLayers: n})))
		}
		near(t, fmt.Sprint("gradient over ", n), got, want, 6e-7) // golden rounded to 6 decimals
	}
	want := g.flat(t, "gradient_[1,0.7,0.1]_L40")
	got := make([]float32, 40)
	for i := range got {
		got[i] = float32(gradient([]float64{1, 0.7, 0.1}, LayerT(TensorQuery{Layer: i, NumLayers: 40})))
	}
	near(t, "gradient [1,0.7,0.1]", got, want, 6e-7)
}

// The example through the whole config path: t over 9 layers.
func TestGradientThroughConfig(t *testing.T) {
	c := parse(t, `
merge_method: slerp
base_model: a.gguf
models:
  - model: a.gguf
  - model: b.gguf
parameters:
  t: [0, 0.5, 0.3, 0.7, 1]
`)
	want := []float64{0, .25, .5, .4, .3, .5, .7, .85, 1}
	for i, w := range want {
		r, err := c.Resolve(c.ModelsQuery(fmt.Sprintf("blk.%d.attn_q.weight", i), 9))
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Global["t"].Num; math.Abs(got-w) > 1e-15 {
			t.Errorf("layer %d: t = %v, want %v", i, got, w)
		}
	}
	// Outside the blocks: embeddings at the start, output weights at the end.
	for name, want := range map[string]float64{"token_embd.weight": 0, "output_norm.weight": 1, "output.weight": 1} {
		r, _ := c.Resolve(c.ModelsQuery(name, 9))
		if r.Global["t"].Num != want {
			t.Errorf("%s: t = %v, want %v", name, r.Global["t"].Num, want)
		}
	}
}

const gradientSlerp = `
slices:
  - sources:
      - model: orca.gguf
        layer_range: [0, 40]
      - model: platypus.gguf
        layer_range: [0, 40]
merge_method: slerp
base_model: orca.gguf
parameters:
  t:
    - filter: self_attn
      value: [0, 0.5, 0.3, 0.7, 1]
    - filter: mlp
      value: [1, 0.5, 0.7, 0.3, 0]
    - value: 0.5 # fallback for rest of tensors
dtype: float16
`

func TestGoldenFilters(t *testing.T) {
	g := loadGolden(t)
	want := g["filter_eval_t0.4"].(map[string]any)
	c := parse(t, gradientSlerp)
	st := c.params["t"]
	gguf := map[string]string{
		"model.layers.10.self_attn.q_proj.weight": "blk.10.attn_q.weight",
		"model.layers.10.mlp.up_proj.weight":      "blk.10.ffn_up.weight",
		"model.layers.10.input_layernorm.weight":  "blk.10.attn_norm.weight",
	}
	for hf, wv := range want {
		for _, name := range []string{hf, gguf[hf]} {
			v, ok := st.lookup(name, HFName("llama", name), 0.4)
			if !ok || math.Abs(v.Num-wv.(float64)) > 1e-12 {
				t.Errorf("%s at t=0.4: %v (%v), want %v", name, v.Num, ok, wv)
			}
		}
		if HFName("llama", gguf[hf]) != hf {
			t.Errorf("HFName(%s) = %q, want %s", gguf[hf], HFName("llama", gguf[hf]), hf)
		}
	}
	// Through Resolve: layer 2 of a 6-layer slice is t = 0.4.
	r, err := c.Resolve(TensorQuery{Name: "blk.2.attn_v.weight", Layer: 2, NumLayers: 6})
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Global["t"].Num; math.Abs(v-0.38) > 1e-12 {
		t.Errorf("blk.2.attn_v at t=0.4: %v, want 0.38", v)
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "float32") {
		t.Errorf("notes %q, want one about float32", c.Notes)
	}
}

func TestFilterSubstringsAndNames(t *testing.T) {
	cases := []struct {
		filter, name string
		want         bool
		arch         string // "" = llama
	}{
		{"self_attn", "blk.3.attn_output.weight", true, ""},
		{"self_attn", "blk.3.attn_norm.weight", false, ""},
		{"mlp", "blk.3.ffn_down.weight", true, ""},
		{"mlp", "blk.3.ffn_norm.weight", false, ""},
		{"layers.1.", "blk.1.attn_q.weight", true, ""},
		{"layers.1.", "blk.10.attn_q.weight", false, ""},
		{"embed_tokens", "token_embd.weight", true, ""},
		{"lm_head", "output.weight", true, ""},
		{"lm_head", "output_norm.weight", false, ""},
		{"attn_q", "blk.0.attn_q.weight", true, ""},
		{"*", "anything", true, ""},
		{"", "anything", true, ""},
		// Gemma 2/3: ffn_norm is the pre-feed-forward norm, post_attention_layernorm its own tensor
		{"post_attention_layernorm", "blk.2.ffn_norm.weight", true, ""},
		{"post_attention_layernorm", "blk.2.ffn_norm.weight", false, "gemma2"},
		{"pre_feedforward_layernorm", "blk.2.ffn_norm.weight", true, "gemma3"},
		{"post_attention_layernorm", "blk.2.post_attention_norm.weight", true, "gemma2"},
		{"post_feedforward_layernorm", "blk.2.post_ffw_norm.weight", true, "olmo2"},
		{"layers.2.post_feedforward", "blk.2.post_ffw_norm.weight", true, "gemma3"},
		{"self_attn.q_norm", "blk.0.attn_q_norm.weight", true, "qwen3"},
	}
	for _, c := range cases {
		arch := c.arch
		if arch == "" {
			arch = "llama"
		}
		if got := filterMatches(c.filter, c.name, HFName(arch, c.name)); got != c.want {
			t.Errorf("filter %q on %s (%s) = %v, want %v", c.filter, c.name, arch, got, c.want)
		}
	}
}

func TestPrecedence(t *testing.T) {
	c := parse(t, `
merge_method: ties
base_model: base.gguf
models:
  - model: a.gguf
    parameters:
      weight: 0.7
      density:
        - filter: attn_q
          value: 0.2
  - model: b.gguf
    parameters:
      weight: [0, 1]
parameters:
  density: 0.5
  normalize: false
  lambda:
    - filter: ffn_up
      value: 2
`)
	if len(c.Slices[0].Sources) != 3 || c.Slices[0].Base != 2 {
		t.Fatalf("base not appended last: %+v", c.Slices[0])
	}
	if got := c.Slices[0].Sources[2].Model; got != filepath.Join("/cfg", "base.gguf") {
		t.Errorf("base path %s, want it relative to the config", got)
	}
	r, err := c.Resolve(c.ModelsQuery("blk.1.attn_q.weight", 3))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("a.weight (model level)", r.PerModel[0]["weight"].Num, 0.7)
	check("a.density (model filter matches)", r.PerModel[0]["density"].Num, 0.2)
	check("b.weight (gradient, layer 1 of 3)", r.PerModel[1]["weight"].Num, 0.5)
	check("b.density (top level)", r.PerModel[1]["density"].Num, 0.5)
	check("normalize (top level)", r.Global["normalize"].Num, 0)
	check("lambda (filter misses: default)", r.Global["lambda"].Num, 1)
	if _, ok := r.PerModel[2]["weight"]; ok {
		t.Error("base got a weight")
	}
	r, _ = c.Resolve(c.ModelsQuery("blk.2.ffn_up.weight", 3))
	check("a.density (model filter misses: top level)", r.PerModel[0]["density"].Num, 0.5)
	check("lambda (filter matches)", r.Global["lambda"].Num, 2)
	check("b.weight (last layer)", r.PerModel[1]["weight"].Num, 1)

	// Slice level sits between model and top level.
	c = parse(t, `
merge_method: ties
base_model: base.gguf
slices:
  - sources:
      - model: base.gguf
        layer_range: [0, 2]
      - model: a.gguf
        layer_range: [2, 4]
        parameters: {weight: 1}
    parameters: {density: 0.3}
  - sources:
      - model: base.gguf
        layer_range: [2, 4]
      - model: a.gguf
        layer_range: [0, 2]
        parameters: {weight: 1, density: 0.9}
parameters: {density: 0.6}
`)
	for _, tc := range []struct {
		out  int
		want float64
	}{{0, 0.3}, {3, 0.9}} {
		s, idx, ok := c.LocateLayer(tc.out)
		if !ok {
			t.Fatal("layer not located")
		}
		r, err := c.Resolve(TensorQuery{Slice: s, Name: fmt.Sprintf("blk.%d.attn_k.weight", tc.out), Layer: idx, NumLayers: 2})
		if err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("density of output layer %d", tc.out), r.PerModel[1]["density"].Num, tc.want)
	}
	if c.OutputLayers() != 4 || c.NonLayerSlice("output.weight") != 1 || c.NonLayerSlice("token_embd.weight") != 0 {
		t.Error("slice bookkeeping")
	}
}

func TestWindowSizeAndGlobalAtModelLevel(t *testing.T) {
	c := parse(t, `
models:
  - model: lm.gguf
    parameters: {weight: 1.0, lambda: 3}
  - model: math.gguf
    parameters: {weight: 1.0, window_size: [0.1, 0.3]}
merge_method: della
base_model: base.gguf
dtype: float16
out_dtype: bfloat16
parameters: {density: 0.7, lambda: 1.1, window_size: 0.14, rescale: 1}
`)
	r, err := c.Resolve(c.ModelsQuery("blk.1.attn_q.weight", 3))
	if err != nil {
		t.Fatal(err)
	}
	if e := r.PerModel[0]["epsilon"].Num; math.Abs(e-0.07) > 1e-15 {
		t.Errorf("epsilon from window_size 0.14 = %v, want 0.07", e)
	}
	if e := r.PerModel[1]["epsilon"].Num; math.Abs(e-0.1) > 1e-15 {
		t.Errorf("epsilon from window_size gradient = %v, want 0.1", e)
	}
	if l := r.Global["lambda"].Num; l != 1.1 {
		t.Errorf("lambda %v, want the top-level 1.1 (model level is ignored)", l)
	}
	if r.Global["rescale_mode"].Str != "prob" {
		t.Errorf("rescale_mode default %q", r.Global["rescale_mode"].Str)
	}
	if !c.HasOutType || c.OutType != quant.BF16 {
		t.Errorf("out_dtype: %v %v", c.HasOutType, c.OutType)
	}
	found := false
	for _, n := range c.Notes {
		found = found || strings.Contains(n, "merge.yaml:4: lambda is a global parameter")
	}
	if !found {
		t.Errorf("no note about the model-level lambda: %q", c.Notes)
	}
}

func TestConfigErrors(t *testing.T) {
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\nfoo: 1\n",
		"6", `unknown key "foo"`)
	parseErr(t, "merge_method: tiez\nmodels:\n  - model: a\n", "1", `unknown merge_method "tiez"`)
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      density: 0.5\n",
		"4", "missing required parameter weight")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: 1.5\n",
		"7", "density: 1.5 is outside [0, 1]")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      desnity: 0.5\n",
		"7", `unknown parameter "desnity"`)
	parseErr(t, "merge_method: slerp\nbase_model: a\nmodels:\n  - model: a\n  - model: b\n", "1", "needs parameter t")
	parseErr(t, "merge_method: ties\nmodels:\n  - model: a\n    parameters: {weight: 1}\n", "1", "needs base_model")
	parseErr(t, "merge_method: della\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\nparameters:\n  rescale_mode: l2\n",
		"7", `rescale_mode: "l2" is not one of prob, l1`)
	parseErr(t, "merge_method: della\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\nparameters:\n  epsilon: 0.1\n  window_size: 0.2\n",
		"8", "not both")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: [1, x]\n",
		"6", "mixes numbers and strings")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight:\n        - filter: mlp\n          valu: 1\n",
		"8", `unknown key "valu"`)
	parseErr(t, "merge_method: ties\ndtype: float8\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\n",
		"2", "dtype \"float8\"")
	parseErr(t, "merge_method: linear\nslices:\n  - sources:\n      - model: a\n        layer_range: [0, 4]\n      - model: b\n        layer_range: [0, 5]\n",
		"6", "same number of layers")
	parseErr(t, "merge_method: passthrough\nmodels:\n  - model: a\n  - model: b\n", "1", "exactly one model")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\nmodules: {}\n",
		"6", "modules")
	parseErr(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: a\n",
		"6", "missing required parameter weight")

	parseErr(t, "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\ntokenizer:\n  source: union\n",
		"6", `tokenizer source "union" is not supported`)
	parseErr(t, "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\ntokenizer:\n  source: base\n  tokens: {}\n",
		"7", "tokenizer tokens is not supported")
	parse(t, "merge_method: linear\nmodels:\n  - model: a\n    parameters: {weight: 1}\ntokenizer:\n  source: base\n")

	// A filter that leaves a tensor without a required value is reported at resolve time, with the line.
	c := parse(t, "merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight:\n        - filter: mlp\n          value: 1\n")
	_, err := c.Resolve(c.ModelsQuery("blk.0.attn_q.weight", 2))
	if err == nil || !strings.Contains(err.Error(), "merge.yaml:4:") || !strings.Contains(err.Error(), "weight for tensor blk.0.attn_q.weight") {
		t.Fatalf("resolve error %v", err)
	}
}

// The mergekit examples parse unchanged (model names stand for GGUF paths).
func TestMergekitExamples(t *testing.T) {
	c := parse(t, `
models:
  - model: psmathur/orca_mini_v3_13b
    parameters:
      density: [1, 0.7, 0.1] # density gradient
      weight: 1.0
  - model: garage-bAInd/Platypus2-13B
    parameters:
      density: 0.5
      weight: [0, 0.3, 0.7, 1] # weight gradient
  - model: WizardLM/WizardMath-13B-V1.0
    parameters:
      density: 0.33
      weight:
        - filter: mlp
          value: 0.5
        - value: 0
merge_method: ties
base_model: TheBloke/Llama-2-13B-fp16
parameters:
  normalize: true
  int8_mask: true
dtype: float16
`)
	r, err := c.Resolve(c.ModelsQuery("blk.20.ffn_gate.weight", 40))
	if err != nil {
		t.Fatal(err)
	}
	if v := r.PerModel[2]["weight"].Num; v != 0.5 {
		t.Errorf("WizardMath mlp weight %v", v)
	}
	if v := r.PerModel[0]["density"].Num; math.Abs(v-0.6846153846153846) > 1e-12 {
		t.Errorf("orca density at layer 20 of 40: %v, want 0.684615 (golden gradient_[1,0.7,0.1]_L40[20])", v)
	}
	parse(t, `
models:
  - model: psmathur/orca_mini_v3_13b
    parameters:
      weight: 1.0
  - model: WizardLM/WizardLM-13B-V1.2
    parameters:
      weight: 0.3
  - model: garage-bAInd/Platypus2-13B
    parameters:
      weight: 0.5
merge_method: linear
dtype: float16
`)
	parse(t, `
slices:
  - sources:
    - model: psmathur/orca_mini_v3_13b
      layer_range: [0, 24]
  - sources:
    - model: garage-bAInd/Platypus2-13B
      layer_range: [20, 40]
merge_method: passthrough
dtype: float16
`)
}

// A config drives a real tensor merge end to end.
func TestSpecFromConfig(t *testing.T) {
	c := parse(t, `
merge_method: task_arithmetic
base_model: base.gguf
models:
  - model: a.gguf
    parameters: {weight: 0.5}
  - model: b.gguf
    parameters: {weight: [1, 3]}
`)
	shape := []int64{2, 1}
	spec, err := c.Spec(c.ModelsQuery("blk.1.attn_q.weight", 2), [][]int64{shape, shape, shape}, DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := c.Method.NewTensor(spec)
	if err != nil {
		t.Fatal(err)
	}
	// Inputs: a, b, then the base appended by the config.
	out := run(t, tm, [][]float32{{3, 2}, {1, 4}, {1, 2}}, 1, 1)
	near(t, "task arithmetic", out, []float32{1 + 0.5*2, 2 + 3*2}, 0)
}
