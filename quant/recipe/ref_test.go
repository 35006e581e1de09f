package recipe

// Helpers that drive the real llama.cpp (the reference toolkit from
// ../shared/tools/ref, installed into $REF_HOME by its setup.sh) and compare
// GGUF files tensor by tensor.

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
	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
	"github.com/ggufmerge/ggufmerge/quant"
)

type refKit struct {
	llref  string // $REF_HOME/bin/llref
	python string // /usr/bin/python3 with numpy
	script string // gguf_tool.py
	shared string
}

// requireRef skips the test unless the reference toolkit is installed.
func requireRef(t *testing.T) *refKit {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the reference llama.cpp toolkit is linux/amd64 (this is %s/%s)", runtime.GOOS, runtime.GOARCH)
	}
	toolDir := sharedtest.Dir(t, "tools/ref")
	home := os.Getenv("REF_HOME")
	if home == "" {
		h, _ := os.UserHomeDir()
		home = filepath.Join(h, ".cache", "ggufmerge-ref")
	}
	k := &refKit{llref: filepath.Join(home, "bin", "llref"), python: "/usr/bin/python3",
		script: filepath.Join(toolDir, "gguf_tool.py"), shared: filepath.Dir(filepath.Dir(toolDir))}
	if _, err := os.Stat(k.llref); err != nil {
		t.Skipf("reference llama.cpp not installed (%s missing): run `bash ../shared/tools/ref/setup.sh` (or `make ref`) to enable this test", k.llref)
	}
	if _, err := os.Stat(k.python); err != nil {
		t.Skipf("%s not found: the reference model generator needs Debian's python3 with numpy", k.python)
	}
	return k
}

func (k *refKit) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := k.try(name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (k *refKit) try(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "REF_HOME="+filepath.Dir(filepath.Dir(k.llref)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, tailLines(string(out), 15))
	}
	return string(out), nil
}

func tailLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// quantize runs llref quantize (= llama_model_quantize, as the CLI calls it).
func (k *refKit) quantize(t *testing.T, in, out, ftype string, args ...string) {
	t.Helper()
	if err := k.tryQuantize(in, out, ftype, args...); err != nil {
		t.Fatal(err)
	}
}

func (k *refKit) tryQuantize(in, out, ftype string, args ...string) error {
	_, err := k.try(k.llref, append([]string{"quantize", in, out, ftype, "--threads", "2"}, args...)...)
	return err
}

func (k *refKit) tool(t *testing.T, args ...string) {
	t.Helper()
	k.run(t, k.python, append([]string{k.script}, args...)...)
}

// tensorSpec is one tensor of a synthetic model.
type tensorSpec struct {
	name  string
	shape []int64
}

// writeModel writes an F32 model with the given metadata and random
// weights (norms 1 ± noise) through our writer.
func writeModel(t *testing.T, path string, meta *gguf.Metadata, specs []tensorSpec, seed uint64) {
	t.Helper()
	infos := make([]gguf.TensorInfo, len(specs))
	for i, s := range specs {
		infos[i] = gguf.TensorInfo{Name: s.name, Type: quant.F32, Shape: s.shape}
	}
	w, err := gguf.Create(path, meta, infos, gguf.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for i, ti := range infos {
		n := ti.Elements()
		buf := make([]byte, 0, 4*n)
		scale := 1 / math.Sqrt(float64(ti.RowLen()))
		for range n {
			v := rng.NormFloat64() * scale
			if len(ti.Shape) == 1 {
				v = 1 + 0.1*rng.NormFloat64()
			}
			buf = appendF32(buf, float32(v))
		}
		if err := w.WriteAt(i, buf, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func appendF32(b []byte, v float32) []byte {
	u := math.Float32bits(v)
	return append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
}

// llamaMeta is the metadata llama.cpp needs to load the hyperparameters
// (llama-quantize never builds the graph, so no vocabulary is needed).
func llamaMeta(arch string, layers, dim, ffn, heads, kvHeads, experts int) *gguf.Metadata {
	m := gguf.NewMetadata()
	m.Set("general.architecture", gguf.Str(arch))
	m.Set("general.name", gguf.Str("synthetic-"+arch))
	m.Set(arch+".block_count", gguf.U32(uint32(layers)))
	m.Set(arch+".context_length", gguf.U32(128))
	m.Set(arch+".embedding_length", gguf.U32(uint32(dim)))
	m.Set(arch+".feed_forward_length", gguf.U32(uint32(ffn)))
	m.Set(arch+".attention.head_count", gguf.U32(uint32(heads)))
	m.Set(arch+".attention.head_count_kv", gguf.U32(uint32(kvHeads)))
	m.Set(arch+".attention.layer_norm_rms_epsilon", gguf.F32(1e-5))
	m.Set(arch+".attention.layer_norm_epsilon", gguf.F32(1e-5))
	if experts > 0 {
		m.Set(arch+".expert_count", gguf.U32(uint32(experts)))
		m.Set(arch+".expert_used_count", gguf.U32(2))
	}
	return m
}

// moeModel: a llama with 8 experts per layer (3-D expert tensors, as Mixtral).
func moeModel(t *testing.T, path string) {
	const d, f, e, v, layers = 256, 256, 8, 300, 4
	specs := []tensorSpec{{"token_embd.weight", []int64{d, v}}, {"output.weight", []int64{d, v}}, {"output_norm.weight", []int64{d}}}
	for l := range layers {
		p := fmt.Sprintf("blk.%d.", l)
		specs = append(specs,
			tensorSpec{p + "attn_norm.weight", []int64{d}}, tensorSpec{p + "attn_q.weight", []int64{d, d}},
			tensorSpec{p + "attn_k.weight", []int64{d, 64}}, tensorSpec{p + "attn_v.weight", []int64{d, 64}},
			tensorSpec{p + "attn_output.weight", []int64{d, d}}, tensorSpec{p + "ffn_gate_inp.weight", []int64{d, e}},
			tensorSpec{p + "ffn_gate_exps.weight", []int64{d, f, e}}, tensorSpec{p + "ffn_up_exps.weight", []int64{d, f, e}},
			tensorSpec{p + "ffn_down_exps.weight", []int64{f, d, e}}, tensorSpec{p + "ffn_norm.weight", []int64{d}})
	}
	writeModel(t, path, llamaMeta("llama", layers, d, f, 8, 2, e), specs, 11)
}

// bigLlamaModel: 80 layers with GQA, which llama.cpp types as a 70B; only
// the tensors whose rules depend on that are present, at tiny sizes.
func bigLlamaModel(t *testing.T, path string) {
	const d = 256
	specs := []tensorSpec{{"token_embd.weight", []int64{d, 64}}, {"output.weight", []int64{d, 64}}}
	for l := range 80 {
		p := fmt.Sprintf("blk.%d.", l)
		specs = append(specs, tensorSpec{p + "attn_v.weight", []int64{d, 8}}, tensorSpec{p + "ffn_down.weight", []int64{d, 8}},
			tensorSpec{p + "attn_output.weight", []int64{d, 8}})
	}
	writeModel(t, path, llamaMeta("llama", 80, d, d, 8, 2, 0), specs, 12)
}

// falconModel: fused QKV and Falcon's own rules.
func falconModel(t *testing.T, path string) {
	const d, f, v, layers = 256, 512, 300, 8
	specs := []tensorSpec{{"token_embd.weight", []int64{d, v}}, {"output.weight", []int64{d, v}},
		{"output_norm.weight", []int64{d}}, {"output_norm.bias", []int64{d}}}
	for l := range layers {
		p := fmt.Sprintf("blk.%d.", l)
		specs = append(specs, tensorSpec{p + "attn_norm.weight", []int64{d}}, tensorSpec{p + "attn_norm.bias", []int64{d}},
			tensorSpec{p + "attn_qkv.weight", []int64{d, d + 2*32}}, tensorSpec{p + "attn_output.weight", []int64{d, d}},
			tensorSpec{p + "ffn_up.weight", []int64{d, f}}, tensorSpec{p + "ffn_down.weight", []int64{f, d}})
	}
	writeModel(t, path, llamaMeta("falcon", layers, d, f, 8, 1, 0), specs, 13)
}

// datFromImatrix writes a legacy .dat imatrix holding the same importance
// as im (stored as mean·ncall, with a chunk count and dataset trailer).
func datFromImatrix(t *testing.T, im *Imatrix, path string) {
	t.Helper()
	names := im.Names()
	vals := make([][]float32, len(names))
	ncall := make([]int32, len(names))
	for i, n := range names {
		v, _ := im.Get(n)
		ncall[i] = int32(3 + i%5)
		vals[i] = make([]float32, len(v))
		for j := range v {
			vals[i][j] = v[j] * float32(ncall[i])
		}
	}
	writeDat(t, path, names, vals, ncall, true, 17, "legacy-dataset")
}

// fileDiff compares two GGUF files as llama.cpp sees them.
type fileDiff struct {
	identicalTensors, tensors int
	metaSame, orderSame       bool
	bytesSame                 bool
	refused                   bool // both tools refused the input
	problems                  []string
}

func (d fileDiff) ok() bool {
	return d.bytesSame && d.metaSame && d.orderSame && d.identicalTensors == d.tensors && len(d.problems) == 0
}

func compareGGUF(t *testing.T, refPath, outPath string) fileDiff {
	t.Helper()
	var d fileDiff
	a, err := gguf.Open(refPath)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := gguf.Open(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d.metaSame = sameMeta(a.Meta, b.Meta, &d.problems)
	d.tensors = len(a.Tensors)
	d.orderSame = len(a.Tensors) == len(b.Tensors)
	for i, ta := range a.Tensors {
		if d.orderSame && b.Tensors[i].Name != ta.Name {
			d.orderSame = false
		}
		tb := b.Tensor(ta.Name)
		switch {
		case tb == nil:
			d.problems = append(d.problems, ta.Name+": missing")
		case tb.Type != ta.Type || tb.ShapeString() != ta.ShapeString():
			d.problems = append(d.problems, fmt.Sprintf("%s: %s [%s] here, %s [%s] in llama.cpp", ta.Name, tb.Type, tb.ShapeString(), ta.Type, ta.ShapeString()))
		case !sameBytes(t, ta, tb):
			d.problems = append(d.problems, fmt.Sprintf("%s (%s): bytes differ", ta.Name, ta.Type))
		default:
			d.identicalTensors++
		}
	}
	ra, _ := os.ReadFile(refPath)
	rb, _ := os.ReadFile(outPath)
	d.bytesSame = bytes.Equal(ra, rb)
	return d
}

func sameMeta(a, b *gguf.Metadata, problems *[]string) bool {
	ka, kb := a.KVs(), b.KVs()
	same := len(ka) == len(kb)
	for i := 0; same && i < len(ka); i++ {
		if ka[i].Key != kb[i].Key || !ka[i].Value.Equal(kb[i].Value) {
			*problems = append(*problems, fmt.Sprintf("metadata #%d: %s=%v in llama.cpp, %s=%v here", i, ka[i].Key, ka[i].Value.V, kb[i].Key, kb[i].Value.V))
			same = false
		}
	}
	if len(ka) != len(kb) {
		*problems = append(*problems, fmt.Sprintf("metadata: %d keys in llama.cpp (%v), %d here (%v)", len(ka), a.Keys(), len(kb), b.Keys()))
	}
	return same
}

func sameBytes(t *testing.T, a, b *gguf.Tensor) bool {
	t.Helper()
	x, y := make([]byte, a.Size()), make([]byte, b.Size())
	if _, err := a.ReadAt(x, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReadAt(y, 0); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// splitModel rewrites src as shards of at most maxTensors tensors named like
// gguf-split's output; it returns the first shard.
func splitModel(t *testing.T, src, dst string, maxTensors int) string {
	t.Helper()
	m, err := gguf.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := gguf.Create(dst, m.Meta.Clone(), m.Infos(), gguf.WriterOptions{SplitMaxTensors: maxTensors})
	if err != nil {
		t.Fatal(err)
	}
	for i, tn := range m.Tensors {
		b := make([]byte, tn.Size())
		if _, err := tn.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteAt(i, b, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if len(w.Paths()) < 2 {
		t.Fatalf("split gave %d files", len(w.Paths()))
	}
	return w.Paths()[0]
}
