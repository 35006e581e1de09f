package llamacpp

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// LlamaShape describes a random llama model for tests that need shapes the
// bundled example models lack (rows that are whole K-quant blocks of 256).
type LlamaShape struct {
	Dim, Layers, FFN int
	Heads, KVHeads   int
	Seed             uint64     // weights ~ N(0, 0.02²) from this seed; norms are 1
	Noise            float64    // added N(0, (0.02·Noise)²) from NoiseSeed: a related "expert"
	NoiseSeed        uint64     //
	Type             quant.Type // type of the 2-D weights (1-D ones are F32)
	Name             string
}

// WriteRandomLlama writes a llama GGUF that llama.cpp loads, with the
// tokenizer (vocabulary, scores, types, special ids) of vocabFrom.
func WriteRandomLlama(path, vocabFrom string, s LlamaShape) error {
	src, err := gguf.Open(vocabFrom)
	if err != nil {
		return err
	}
	defer src.Close()
	tokens, ok := src.Meta.Strings("tokenizer.ggml.tokens")
	if !ok || s.Heads <= 0 || s.KVHeads <= 0 || s.Dim%s.Heads != 0 {
		return fmt.Errorf("random llama: need a vocabulary in %s and heads dividing dim", vocabFrom)
	}
	meta := llamaMeta(src.Meta, s)
	infos := llamaTensors(s, int64(len(tokens)))
	w, err := gguf.Create(path, meta, infos, gguf.WriterOptions{})
	if err != nil {
		return err
	}
	base := rand.New(rand.NewPCG(s.Seed, 1))
	noise := rand.New(rand.NewPCG(s.NoiseSeed, 2))
	for i, info := range infos {
		b, err := randomTensor(info, base, noise, s.Noise)
		if err == nil {
			err = w.WriteAt(i, b, 0)
		}
		if err != nil {
			w.Abort()
			return err
		}
	}
	return w.Commit()
}

func llamaMeta(vocab *gguf.Metadata, s LlamaShape) *gguf.Metadata {
	m := gguf.NewMetadata()
	m.Set("general.architecture", gguf.Str("llama"))
	m.Set("general.name", gguf.Str(s.Name))
	m.Set("llama.context_length", gguf.U32(256))
	m.Set("llama.embedding_length", gguf.U32(uint32(s.Dim)))
	m.Set("llama.block_count", gguf.U32(uint32(s.Layers)))
	m.Set("llama.feed_forward_length", gguf.U32(uint32(s.FFN)))
	m.Set("llama.rope.dimension_count", gguf.U32(uint32(s.Dim/s.Heads)))
	m.Set("llama.attention.head_count", gguf.U32(uint32(s.Heads)))
	m.Set("llama.attention.head_count_kv", gguf.U32(uint32(s.KVHeads)))
	m.Set("llama.attention.layer_norm_rms_epsilon", gguf.F32(1e-5))
	ft := map[quant.Type]uint32{quant.F32: 0, quant.F16: 1, quant.BF16: 32, quant.Q8_0: 7}[s.Type]
	m.Set("general.file_type", gguf.U32(ft))
	for _, kv := range vocab.KVs() {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			m.Set(kv.Key, kv.Value)
		}
	}
	return m
}

func llamaTensors(s LlamaShape, vocab int64) []gguf.TensorInfo {
	d, f := int64(s.Dim), int64(s.FFN)
	kv := d / int64(s.Heads) * int64(s.KVHeads)
	mat := func(name string, cols, rows int64) gguf.TensorInfo {
		return gguf.TensorInfo{Name: name, Type: s.Type, Shape: []int64{cols, rows}}
	}
	vec := func(name string) gguf.TensorInfo {
		return gguf.TensorInfo{Name: name, Type: quant.F32, Shape: []int64{d}}
	}
	out := []gguf.TensorInfo{mat("token_embd.weight", d, vocab)}
	for l := 0; l < s.Layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		out = append(out, mat(p+"attn_q.weight", d, d), mat(p+"attn_k.weight", d, kv), mat(p+"attn_v.weight", d, kv),
			mat(p+"attn_output.weight", d, d), mat(p+"ffn_gate.weight", d, f), mat(p+"ffn_down.weight", f, d),
			mat(p+"ffn_up.weight", d, f), vec(p+"attn_norm.weight"), vec(p+"ffn_norm.weight"))
	}
	return append(out, vec("output_norm.weight"), mat("output.weight", d, vocab))
}

// randomTensor draws the base weights and the optional noise, then encodes.
func randomTensor(info gguf.TensorInfo, base, noise *rand.Rand, amount float64) ([]byte, error) {
	v := make([]float32, info.Elements())
	for i := range v {
		x := 1.0
		if len(info.Shape) > 1 {
			x = 0.02 * base.NormFloat64()
		}
		if amount != 0 {
			x += 0.02 * amount * noise.NormFloat64()
		}
		v[i] = float32(x)
	}
	b := make([]byte, info.Size())
	if err := quant.Quantize(info.Type, b, v, int(info.Shape[0]), nil); err != nil {
		return nil, fmt.Errorf("%s: %v", info.Name, err)
	}
	return b, nil
}
