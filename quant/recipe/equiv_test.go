package recipe

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

// Type lists of the equivalence test.
var (
	coreTypes = []string{"Q8_0", "Q4_K_M", "Q5_K_S", "Q6_K", "Q3_K_L", "IQ4_XS"}
	moreTypes = []string{"Q4_0", "Q5_K_M", "Q2_K", "IQ4_NL", "F16", "BF16"}
	restTypes = []string{"Q4_1", "Q5_0", "Q5_1", "Q3_K_S", "Q3_K_M", "Q4_K_S", "IQ3_S", "IQ3_M",
		"TQ1_0", "TQ2_0", "F32", "Q1_0", "Q2_0", "MXFP4_MOE"}
	// these need an importance matrix for their low-bit tensors
	imatrixTypes = []string{"IQ3_XXS", "IQ3_XS", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ1_S", "IQ1_M", "Q2_K_S"}
)

type equivCase struct {
	model   string   // key into the model table
	ftype   string   // llama-quantize type name
	imatrix string   // "", "gguf" or "dat"
	flags   []string // extra llama-quantize flags (also mapped onto Options)
	threads int      // our worker count (default 2)
	slow    bool     // skipped with -short
}

func (c equivCase) name() string {
	s := c.model + "/" + c.ftype
	if c.imatrix != "" {
		s += "+imatrix-" + c.imatrix
	}
	for _, f := range c.flags {
		s += strings.ReplaceAll(f, "--", "+")
	}
	return s
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(l) - 1; i >= 0; i-- {
		if strings.Contains(l[i], "failed to quantize") {
			return l[i]
		}
	}
	return l[len(l)-1]
}

// equivCases: with -short a quick subset (every required type on the
// random and stories models, one case of each special model); the full list
// takes a few CPU minutes.
func equivCases() []equivCase {
	var cs []equivCase
	add := func(model string, types []string, imatrix string, slow bool) {
		for _, ft := range types {
			cs = append(cs, equivCase{model: model, ftype: ft, imatrix: imatrix, slow: slow})
		}
	}
	both := append(append([]string(nil), coreTypes...), moreTypes...)
	// tiny stories model: rows of 64, 172 and 32 exercise every fallback
	// (Q1_0's 128-block has none: both tools must refuse)
	add("stories", both, "", false)
	add("stories", both, "gguf", false)
	add("stories", restTypes, "", false)
	add("stories", imatrixTypes, "gguf", false)
	// random llama, F32 input, n_gqa 1; the 1-2 bit types refuse without imatrix
	add("rand-f32", both, "", false)
	add("rand-f32", both, "gguf", false)
	add("rand-f32", coreTypes[:3], "dat", false)
	add("rand-f32", coreTypes[3:], "dat", true)
	add("rand-f32", moreTypes, "dat", true)
	add("rand-f32", restTypes, "", true)
	add("rand-f32", []string{"IQ2_XXS", "IQ3_XXS", "Q2_K_S"}, "", false)
	// F16 input with n_gqa 4; BF16 input with tied embeddings, 8 layers
	add("rand-f16-gqa4", coreTypes, "", false)
	add("rand-f16-gqa4", moreTypes, "", true)
	add("rand-f16-gqa4", both, "gguf", true)
	add("rand-bf16-tied", []string{"Q4_K_M", "Q8_0"}, "", false)
	add("rand-bf16-tied", both, "", true)
	add("rand-bf16-tied", []string{"Q4_K_M", "IQ4_XS", "Q2_K", "Q3_K_M"}, "gguf", true)
	// the 1- and 2-bit types are slow to quantize (in llama.cpp too): a small model
	add("small", imatrixTypes, "gguf", true)
	add("small", []string{"IQ3_XXS", "IQ2_M"}, "dat", true)
	// experts (3-D tensors, importance per expert), 70B rules, Falcon rules
	add("moe8", []string{"Q4_K_M"}, "gguf", false)
	add("moe8", []string{"Q3_K_M", "IQ3_M", "IQ4_XS", "Q2_K", "MXFP4_MOE", "Q8_0", "IQ2_XS"}, "gguf", true)
	add("llama70b", []string{"Q4_K_M", "Q3_K_M"}, "gguf", false)
	add("llama70b", []string{"Q2_K", "Q4_K_S", "Q3_K_L", "IQ3_XS", "IQ3_M", "IQ2_M"}, "gguf", true)
	add("falcon", []string{"Q4_K_M", "Q3_K_L"}, "", false)
	add("falcon", []string{"Q3_K_M", "Q8_0", "Q5_K_M"}, "", true)
	// input split into shards (gguf-split layout)
	add("rand-f32-split", []string{"Q4_K_M"}, "", false)
	add("rand-f32-split", []string{"Q8_0", "IQ4_XS"}, "gguf", true)
	// quantized input (requantizing)
	add("requant", []string{"Q8_0", "Q4_K_M", "F32"}, "", false)
	add("requant", []string{"Q6_K", "IQ4_XS", "Q3_K_S"}, "", true)
	add("requant", []string{"Q4_K_M"}, "gguf", true)
	// options
	for _, f := range [][]string{{"--pure"}, {"--leave-output-tensor"}, {"--output-tensor-type", "q8_0", "--token-embedding-type", "q4_0"},
		{"--pure", "--imatrix"}} {
		c := equivCase{model: "rand-f32", ftype: "Q4_K_S", flags: f}
		if f[len(f)-1] == "--imatrix" {
			c.flags, c.imatrix = f[:1], "gguf"
		}
		cs = append(cs, c)
	}
	cs = append(cs, equivCase{model: "rand-bf16-tied", ftype: "Q5_K_M", flags: []string{"--output-tensor-type", "q6_K"}},
		equivCase{model: "rand-bf16-tied", ftype: "F32", flags: []string{"--token-embedding-type", "q8_0"}, slow: true},
		equivCase{model: "rand-f32", ftype: "Q4_K_M", threads: 1},
		equivCase{model: "rand-f32", ftype: "Q4_K_M", threads: 5, imatrix: "gguf"})
	return cs
}

// models builds the input models lazily, once per test run.
// (Subtests run one after the other, so no locking.)
type models struct {
	k    *refKit
	dir  string
	path map[string]string
}

func (m *models) get(t *testing.T, name string) string {
	if p, ok := m.path[name]; ok {
		return p
	}
	p := filepath.Join(m.dir, name+".gguf")
	rand := func(args ...string) {
		m.k.tool(t, append([]string{"randmodel", p}, args...)...)
	}
	switch name {
	case "stories":
		p = filepath.Join(m.k.shared, "models", "stories260k-f32.gguf")
	case "rand-f32":
		rand("--dim", "256", "--layers", "4", "--ffn", "512", "--vocab", "1000", "--type", "f32", "--seed", "1")
	case "rand-f16-gqa4":
		rand("--dim", "256", "--layers", "4", "--ffn", "512", "--vocab", "1000", "--type", "f16", "--seed", "2", "--heads", "4", "--kv-heads", "1")
	case "rand-bf16-tied":
		rand("--dim", "256", "--layers", "8", "--ffn", "512", "--vocab", "1000", "--type", "bf16", "--seed", "4", "--tied")
	case "small":
		rand("--dim", "256", "--layers", "2", "--ffn", "256", "--vocab", "300", "--type", "f16", "--seed", "5")
	case "moe8":
		moeModel(t, p)
	case "llama70b":
		bigLlamaModel(t, p)
	case "falcon":
		falconModel(t, p)
	case "rand-f32-split":
		p = splitModel(t, m.get(t, "rand-f32"), p, 10)
	case "requant":
		m.k.quantize(t, m.get(t, "rand-f32"), p, "Q4_K_M")
	default:
		t.Fatalf("unknown model %s", name)
	}
	m.path[name] = p
	return p
}

// imatrix returns a synthetic GGUF imatrix for a model (or its legacy .dat
// twin); for "requant" the one of its F32 source.
func (m *models) imatrix(t *testing.T, model, kind string) string {
	src := model
	if model == "requant" || model == "rand-f32-split" {
		src = "rand-f32"
	}
	key := src + ".imatrix." + kind
	if p, ok := m.path[key]; ok {
		return p
	}
	g := filepath.Join(m.dir, src+".imatrix.gguf")
	if _, ok := m.path[src+".imatrix.gguf"]; !ok {
		m.k.tool(t, "imatrix", m.get(t, src), g, "--seed", "9", "--dataset", "synthetic-"+src)
		m.path[src+".imatrix.gguf"] = g
	}
	if kind != "dat" {
		return g
	}
	im, err := LoadImatrix(g)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(m.dir, src+".imatrix.dat")
	datFromImatrix(t, im, p)
	m.path[key] = p
	return p
}

// optionsFor maps the llama-quantize flags of a case onto Options.
func optionsFor(t *testing.T, c equivCase, imPath string) Options {
	ft, copyOnly, err := ParseFileType(c.ftype)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{FileType: ft, Copy: copyOnly, Threads: 2, AllowRequantize: true}
	if c.threads > 0 {
		o.Threads = c.threads
	}
	for i := 0; i < len(c.flags); i++ {
		switch c.flags[i] {
		case "--pure":
			o.Pure = true
		case "--leave-output-tensor":
			o.LeaveOutput = true
		case "--output-tensor-type", "--token-embedding-type":
			ty, err := quant.ParseType(c.flags[i+1])
			if err != nil {
				t.Fatal(err)
			}
			if c.flags[i] == "--output-tensor-type" {
				o.OutputType = &ty
			} else {
				o.TokenEmbdType = &ty
			}
			i++
		default:
			t.Fatalf("unmapped flag %s", c.flags[i])
		}
	}
	if imPath != "" {
		im, err := LoadImatrix(imPath)
		if err != nil {
			t.Fatal(err)
		}
		o.Imatrix = im
	}
	return o
}

// TestEquivalence quantizes models with the real llama.cpp and with
// QuantizeFile and requires identical files: every tensor's type, shape and
// bytes, the tensor order and the metadata (keys, order, types, values).
func TestEquivalence(t *testing.T) {
	k := requireRef(t)
	ms := &models{k: k, dir: t.TempDir(), path: map[string]string{}}
	type row struct {
		name string
		d    fileDiff
	}
	var rows []row
	for _, c := range equivCases() {
		t.Run(c.name(), func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("slow case skipped with -short")
			}
			in := ms.get(t, c.model)
			imPath := ""
			args := append([]string{"--allow-requantize"}, c.flags...)
			if c.imatrix != "" {
				imPath = ms.imatrix(t, c.model, c.imatrix)
				args = append(args, "--imatrix", imPath)
			}
			dir := t.TempDir()
			ref, out := filepath.Join(dir, "ref.gguf"), filepath.Join(dir, "out.gguf")
			refErr := k.tryQuantize(in, ref, c.ftype, args...)
			_, err := QuantizeFile(context.Background(), in, out, optionsFor(t, c, imPath))
			switch {
			case refErr != nil && err != nil:
				t.Logf("both refuse: llama.cpp: %s\nggufmerge: %v", lastLine(refErr.Error()), err)
				rows = append(rows, row{c.name(), fileDiff{refused: true}})
				return
			case refErr != nil:
				t.Fatalf("llama.cpp refuses, ggufmerge does not: %v", refErr)
			case err != nil:
				t.Fatal(err)
			}
			d := compareGGUF(t, ref, out)
			rows = append(rows, row{c.name(), d})
			if !d.ok() {
				t.Errorf("%d of %d tensors identical, metadata identical %v, order identical %v, file identical %v:\n  %s",
					d.identicalTensors, d.tensors, d.metaSame, d.orderSame, d.bytesSame, strings.Join(head(d.problems, 12), "\n  "))
			}
		})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	var sb strings.Builder
	for _, r := range rows {
		if r.d.refused {
			fmt.Fprintf(&sb, "\n  %-52s both refuse", r.name)
			continue
		}
		fmt.Fprintf(&sb, "\n  %-52s %3d/%-3d tensors identical, metadata %v, file %v", r.name, r.d.identicalTensors, r.d.tensors, r.d.metaSame, r.d.bytesSame)
	}
	t.Logf("equivalence with llama.cpp:%s", sb.String())
}
