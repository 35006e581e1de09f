package recipe

import (
	"strings"

	"github.com/ggufmerge/ggufmerge/quant"
)

// category is llama-quant.cpp's broad tensor role used by the recipes.
type category int

const (
	catOther category = iota
	catTokenEmbd
	catAttnQ
	catAttnV
	catAttnK
	catAttnQKV
	catAttnKVB
	catAttnOut
	catFFNUp
	catFFNGate
	catFFNDown
	catOutput
)

func isTokenEmbd(name string) bool {
	return name == "token_embd.weight" || name == "per_layer_token_embd.weight"
}

// categorize checks the names in llama.cpp's order; the first match wins, so
// e.g. "ffn_gate_up" is an up tensor and "ffn_down_exps" a down tensor.
func categorize(name string) category {
	switch {
	case name == "output.weight":
		return catOutput
	case isTokenEmbd(name):
		return catTokenEmbd
	}
	for _, r := range categoryRules {
		if strings.Contains(name, r.sub) {
			return r.cat
		}
	}
	return catOther
}

var categoryRules = []struct {
	sub string
	cat category
}{
	{"attn_qkv.weight", catAttnQKV},
	{"attn_kv_b.weight", catAttnKVB},
	{"attn_v.weight", catAttnV},
	{"attn_k.weight", catAttnK},
	{"attn_q.weight", catAttnQ},
	{"attn_output.weight", catAttnOut},
	{"ffn_up", catFFNUp},
	{"ffn_gate", catFFNGate},
	{"ffn_down", catFFNDown},
}

// isAttnV: value-like projections are the most sensitive to quantization.
func (c category) isAttnV() bool { return c == catAttnV || c == catAttnQKV || c == catAttnKVB }

// nDims is ggml_n_dims: trailing dimensions of size 1 do not count.
func nDims(shape []int64) int {
	for i := len(shape) - 1; i >= 1; i-- {
		if shape[i] > 1 {
			return i + 1
		}
	}
	return 1
}

// noQuantSubstrings are name fragments llama-quantize never quantizes: small
// or index-like tensors of various architectures.
var noQuantSubstrings = []string{
	"_norm.weight",
	"ffn_gate_inp.weight",
	"ffn_gate_tid2eid.weight",
	"altup",
	"laurel",
	"per_layer_model_proj",
	"ssm_conv1d",
	"shortconv.conv.weight",
	"indexer.k_proj.weight",
	"indexer.q_proj.weight",
	"time_mix_first.weight",
	"time_mix_w0.weight",
	"time_mix_w1.weight",
	"time_mix_w2.weight",
	"time_mix_v0.weight",
	"time_mix_v1.weight",
	"time_mix_v2.weight",
	"time_mix_a0.weight",
	"time_mix_a1.weight",
	"time_mix_a2.weight",
	"time_mix_g1.weight",
	"time_mix_g2.weight",
	"time_mix_decay_w1.weight",
	"time_mix_decay_w2.weight",
	"time_mix_lerp_fused.weight",
	"attn_rel_b.weight",
	".position_embd",
	"sam.pos_embd",
	"sam.neck.",
	"sam.net_",
	".rel_pos",
	".patch_embd",
	".patch_merger",
	"a.rvq.codebook",
	"mm.a.code_embd",
}

// AllowsQuantization is tensor_allows_quantization: whether llama-quantize may
// change this tensor's type at all (otherwise it is copied as it is).
// leaveOutput is --leave-output-tensor.
func AllowsQuantization(name string, shape []int64, leaveOutput bool) bool {
	// llama.cpp tests rfind("weight") == size-6 in size_t arithmetic, which a
	// 5-byte name also passes (both sides wrap to npos)
	if nDims(shape) < 2 || !(strings.HasSuffix(name, "weight") || len(name) == 5) {
		return false
	}
	if leaveOutput && name == "output.weight" {
		return false
	}
	// the pinned LLM_TN no longer depends on the architecture for these two
	if name == "position_embd.weight" || name == "token_types.weight" {
		return false
	}
	for _, s := range noQuantSubstrings {
		if strings.Contains(name, s) {
			return false
		}
	}
	return true
}

// fallbackType is tensor_type_fallback: a type whose block fits a row of
// ncols when t's does not. ok is false when llama.cpp has no fallback for t
// (an error there).
func fallbackType(t quant.Type, ncols int64) (ft quant.Type, fellBack, ok bool) {
	bs := int64(t.BlockSize())
	if bs == 0 || ncols%bs == 0 {
		return t, false, true
	}
	switch t {
	case quant.IQ1_S, quant.IQ1_M, quant.IQ2_XXS, quant.IQ2_XS, quant.IQ2_S, quant.IQ3_XXS, quant.IQ3_S, quant.IQ4_XS:
		ft = quant.IQ4_NL
	case quant.Q2_0, quant.Q2_K, quant.Q3_K, quant.TQ1_0, quant.TQ2_0:
		ft = quant.Q4_0
	case quant.Q4_K:
		ft = quant.Q5_0
	case quant.Q5_K:
		ft = quant.Q5_1
	case quant.Q6_K:
		ft = quant.Q8_0
	default:
		if bs > 32 {
			return t, true, false
		}
		// already a 32-block type: only F16 can hold the row
		ft = t
	}
	if ncols%int64(ft.BlockSize()) != 0 {
		ft = quant.F16
	}
	return ft, true, true
}

// requiresImatrix is tensor_requires_imatrix: types whose quantizers produce
// garbage without importance weights.
func requiresImatrix(name string, t quant.Type, ft FileType) bool {
	if isTokenEmbd(name) || name == "output.weight" {
		return false
	}
	switch t {
	case quant.IQ3_XXS, quant.IQ2_XXS, quant.IQ2_XS, quant.IQ2_S, quant.IQ1_M, quant.IQ1_S:
		return true
	case quant.Q2_K:
		return ft == MostlyQ2_K_S
	}
	return false
}

// useMoreBits picks the layers that get a larger type in the _M mixtures:
// the first and last eighth and every third layer in between.
func useMoreBits(i, n int) bool {
	return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2
}
