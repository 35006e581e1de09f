// Command mkexamples writes the example models bundled in testdata/: a small
// trained llama (the base) and three "experts" derived from it, each with its
// own deterministic, structured delta, stored in different GGUF types (and
// one split in two shards) so that a merge exercises mixed inputs.
//
//	go run ./internal/cmd/mkexamples [-src stories260k-f32.gguf] [-out testdata]
//
// The source is karpathy's tinyllamas stories260k (MIT), as converted to GGUF
// in ../shared/models. The output is byte-for-byte reproducible.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// chatTemplate is a minimal Jinja template, present so that merges can be
// seen to carry the base's chat template through to Ollama.
const chatTemplate = "{% for message in messages %}{% if message['role'] == 'user' %}Question: {{ message['content'] }}\n{% else %}{{ message['content'] }}\n{% endif %}{% endfor %}{% if add_generation_prompt %}Answer:{% endif %}"

// model is one example file to write.
type model struct {
	file   string     // file name (split: shards are named <file without .gguf>-0000N-of-0000M.gguf)
	name   string     // general.name
	typ    quant.Type // type of the 2-D weights (1-D tensors stay F32)
	shards int        // 1, or the number of files to split it into
	delta  func(t *tensor, rng *rand.Rand)
}

// tensor is one decoded tensor of the source model.
type tensor struct {
	info gguf.TensorInfo
	data []float32
}

func main() {
	src := flag.String("src", "", "source model (default: ../shared/models/stories260k-f32.gguf)")
	out := flag.String("out", "testdata", "output folder")
	flag.Parse()
	if *src == "" {
		*src = filepath.Join("..", "shared", "models", "stories260k-f32.gguf")
	}
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkexamples:", err)
		os.Exit(1)
	}
}

var models = []model{
	{file: "base.gguf", name: "stories260k base", typ: quant.F16, shards: 1},
	// attention expert: sparse changes to the attention projections
	{file: "expert-attn.gguf", name: "stories260k expert-attn", typ: quant.Q8_0, shards: 1,
		delta: sparseDelta([]string{"attn_q.", "attn_k.", "attn_v.", "attn_output."}, 0.2, 0.4)},
	// feed-forward expert: sparse changes to the MLP, stored as BF16 in two shards
	{file: "expert-ffn.gguf", name: "stories260k expert-ffn", typ: quant.BF16, shards: 2,
		delta: sparseDelta([]string{"ffn_gate.", "ffn_up.", "ffn_down."}, 0.2, 0.4)},
	// deep expert: dense low-rank changes to the last two layers
	{file: "expert-deep.gguf", name: "stories260k expert-deep", typ: quant.Q8_0, shards: 1,
		delta: lowRankDelta([]string{"blk.3.", "blk.4."}, 2, 0.25)},
}

func run(src, out string) error {
	m, err := gguf.Open(src)
	if err != nil {
		return err
	}
	defer m.Close()
	base, err := readAll(m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for i, spec := range models {
		ts := clone(base)
		rng := rand.New(rand.NewPCG(20240712, uint64(i)))
		if spec.delta != nil {
			for _, t := range ts {
				spec.delta(t, rng)
			}
			// Every expert also changes blk.2.attn_output on its own, so
			// the experts' deltas overlap there with conflicting signs
			// (what TIES/DELLA's sign election is for).
			for _, t := range ts {
				if t.info.Name == "blk.2.attn_output.weight" {
					addNoise(t, rng, 1.0, 0.3)
				}
			}
		}
		if err := write(out, spec, m.Meta, ts); err != nil {
			return err
		}
	}
	return nil
}

func readAll(m *gguf.Model) ([]*tensor, error) {
	var out []*tensor
	for _, t := range m.Tensors {
		raw := make([]byte, t.Size())
		if _, err := t.ReadAt(raw, 0); err != nil {
			return nil, fmt.Errorf("%s: %v", t.Name, err)
		}
		f := make([]float32, t.Elements())
		if err := quant.Dequantize(t.Type, f, raw); err != nil {
			return nil, fmt.Errorf("%s: %v", t.Name, err)
		}
		info := t.TensorInfo
		info.Shape = append([]int64(nil), t.Shape...)
		out = append(out, &tensor{info: info, data: f})
	}
	return out, nil
}

func clone(ts []*tensor) []*tensor {
	out := make([]*tensor, len(ts))
	for i, t := range ts {
		out[i] = &tensor{info: t.info, data: append([]float32(nil), t.data...)}
	}
	return out
}

func matches(name string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// std is the standard deviation of t's values (the delta scale).
func std(v []float32) float64 {
	var s, s2 float64
	for _, x := range v {
		s += float64(x)
		s2 += float64(x) * float64(x)
	}
	n := float64(len(v))
	return math.Sqrt(max(s2/n-(s/n)*(s/n), 0))
}

// addNoise adds scale·std·N(0,1) to a random fraction density of t's values.
func addNoise(t *tensor, rng *rand.Rand, density, scale float64) {
	sd := std(t.data) * scale
	for i := range t.data {
		if rng.Float64() < density {
			t.data[i] += float32(sd * rng.NormFloat64())
		}
	}
}

// sparseDelta changes a fraction density of the 2-D weights whose names
// contain one of parts by scale standard deviations.
func sparseDelta(parts []string, density, scale float64) func(*tensor, *rand.Rand) {
	return func(t *tensor, rng *rand.Rand) {
		if len(t.info.Shape) == 2 && matches(t.info.Name, parts) {
			addNoise(t, rng, density, scale)
		}
	}
}

// lowRankDelta adds a dense rank-r update u·vᵀ to the 2-D weights whose names
// contain one of parts, scaled to scale standard deviations per element.
func lowRankDelta(parts []string, r int, scale float64) func(*tensor, *rand.Rand) {
	return func(t *tensor, rng *rand.Rand) {
		if len(t.info.Shape) != 2 || !matches(t.info.Name, parts) {
			return
		}
		cols, rows := int(t.info.Shape[0]), int(t.info.Shape[1])
		sd := std(t.data) * scale / math.Sqrt(float64(r))
		for k := 0; k < r; k++ {
			u := gaussian(rng, rows)
			v := gaussian(rng, cols)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					t.data[i*cols+j] += float32(sd * u[i] * v[j])
				}
			}
		}
	}
}

func gaussian(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// tensorType is spec.typ for 2-D weights whose rows are whole blocks of it,
// F16 for other 2-D weights (as llama-quantize falls back), F32 for vectors.
func tensorType(t gguf.TensorInfo, typ quant.Type) quant.Type {
	if len(t.Shape) < 2 {
		return quant.F32
	}
	if t.Shape[0]%int64(typ.BlockSize()) == 0 {
		return typ
	}
	return quant.F16
}

// fileTypes maps the weight type to general.file_type (llama_ftype).
var fileTypes = map[quant.Type]uint32{quant.F32: 0, quant.F16: 1, quant.Q8_0: 7, quant.BF16: 32}

func metadata(src *gguf.Metadata, spec model) *gguf.Metadata {
	meta := src.Clone()
	meta.Set("general.name", gguf.Str(spec.name))
	meta.Set("general.license", gguf.Str("MIT"))
	meta.Set("general.source.url", gguf.Str("https://huggingface.co/karpathy/tinyllamas"))
	meta.Set("general.description", gguf.Str("ggufmerge example model generated by internal/cmd/mkexamples"))
	meta.Set("general.file_type", gguf.U32(fileTypes[spec.typ]))
	if spec.typ.Info().Quantized {
		meta.Set("general.quantization_version", gguf.U32(2))
	}
	meta.Set("tokenizer.chat_template", gguf.Str(chatTemplate))
	return meta
}

func encode(t *tensor, typ quant.Type) ([]byte, error) {
	rs, err := typ.RowSize(t.info.Shape[0])
	if err != nil {
		return nil, err
	}
	buf := make([]byte, rs*t.info.Rows())
	if err := quant.Quantize(typ, buf, t.data, int(t.info.Shape[0]), nil); err != nil {
		return nil, fmt.Errorf("%s: %v", t.info.Name, err)
	}
	return buf, nil
}

// write stores one model; a split one as gguf-split would shard it (model
// metadata only in the first shard, split.* keys in every shard).
func write(dir string, spec model, srcMeta *gguf.Metadata, ts []*tensor) error {
	path := filepath.Join(dir, spec.file)
	opt := gguf.WriterOptions{}
	if spec.shards > 1 {
		opt.SplitMaxTensors = (len(ts) + spec.shards - 1) / spec.shards
	}
	paths, err := writeFile(path, metadata(srcMeta, spec), ts, spec.typ, opt)
	for _, p := range paths {
		fmt.Println("wrote", p)
	}
	return err
}

func writeFile(path string, meta *gguf.Metadata, ts []*tensor, typ quant.Type, opt gguf.WriterOptions) ([]string, error) {
	infos := make([]gguf.TensorInfo, len(ts))
	for i, t := range ts {
		infos[i] = t.info
		infos[i].Type = tensorType(t.info, typ)
	}
	w, err := gguf.Create(path, meta, infos, opt)
	if err != nil {
		return nil, err
	}
	for i, t := range ts {
		b, err := encode(t, infos[i].Type)
		if err == nil {
			err = w.WriteAt(i, b, 0)
		}
		if err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w.Paths(), w.Commit()
}
