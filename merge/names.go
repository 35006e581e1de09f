package merge

import (
	"strconv"
	"strings"
)

// mergekit filters are substrings of Hugging Face tensor names
// (model.layers.10.self_attn.q_proj.weight); our tensors have GGUF names
// (blk.10.attn_q.weight). A filter matches a tensor when it is a substring
// of the GGUF name or of the tensor's Hugging Face name (llama family):
//
//	GGUF                  Hugging Face
//	token_embd            model.embed_tokens
//	output_norm           model.norm
//	output                lm_head
//	blk.N.                model.layers.N.
//	attn_norm             input_layernorm
//	attn_q / attn_k / attn_v / attn_output
//	                      self_attn.q_proj / k_proj / v_proj / o_proj
//	attn_qkv              self_attn.qkv_proj
//	attn_q_norm / attn_k_norm
//	                      self_attn.q_norm / k_norm
//	ffn_norm              post_attention_layernorm
//	ffn_gate / ffn_up / ffn_down
//	                      mlp.gate_proj / up_proj / down_proj
//	ffn_gate_inp          mlp.gate
//	ffn_gate_exps / ffn_up_exps / ffn_down_exps
//	                      mlp.experts.gate_proj / up_proj / down_proj
//	post_attention_norm   post_attention_layernorm     (Gemma 2/3, OLMo 2)
//	post_ffw_norm         post_feedforward_layernorm   (Gemma 2/3, OLMo 2)
//
// Gemma 2, 3 and 4 put a norm on each side of both sublayers, so there
// ffn_norm is pre_feedforward_layernorm, and post_attention_layernorm is
// the norm after attention (as llama.cpp's converter maps them).
//
// So `self_attn` matches every attn_q/k/v/output tensor (not attn_norm, as in
// mergekit), `mlp` every ffn_gate/up/down tensor, and `layers.1.` exactly
// layer 1. Tensors outside this table match by their GGUF name only.

var hfBlock = map[string]string{
	"attn_norm":           "input_layernorm",
	"attn_q":              "self_attn.q_proj",
	"attn_k":              "self_attn.k_proj",
	"attn_v":              "self_attn.v_proj",
	"attn_output":         "self_attn.o_proj",
	"attn_qkv":            "self_attn.qkv_proj",
	"attn_q_norm":         "self_attn.q_norm",
	"attn_k_norm":         "self_attn.k_norm",
	"ffn_norm":            "post_attention_layernorm",
	"ffn_gate":            "mlp.gate_proj",
	"ffn_up":              "mlp.up_proj",
	"ffn_down":            "mlp.down_proj",
	"ffn_gate_inp":        "mlp.gate",
	"ffn_gate_exps":       "mlp.experts.gate_proj",
	"ffn_up_exps":         "mlp.experts.up_proj",
	"ffn_down_exps":       "mlp.experts.down_proj",
	"post_attention_norm": "post_attention_layernorm",
	"post_ffw_norm":       "post_feedforward_layernorm",
}

// hfBlockByArch overrides hfBlock for architectures that name a tensor
// differently.
var hfBlockByArch = map[string]map[string]string{
	"gemma2":          {"ffn_norm": "pre_feedforward_layernorm"},
	"gemma3":          {"ffn_norm": "pre_feedforward_layernorm"},
	"gemma3n":         {"ffn_norm": "pre_feedforward_layernorm"},
	"gemma4":          {"ffn_norm": "pre_feedforward_layernorm"},
	"gemma-embedding": {"ffn_norm": "pre_feedforward_layernorm"},
}

var hfTop = map[string]string{
	"token_embd":  "model.embed_tokens",
	"output_norm": "model.norm",
	"output":      "lm_head",
}

// HFName returns the Hugging Face name of a GGUF tensor name of a model of
// architecture arch (general.architecture), or "" when it is not in the
// table above.
func HFName(arch, name string) string {
	stem, suffix, ok := cutSuffix(name)
	if !ok {
		return ""
	}
	if hf, ok := hfTop[stem]; ok {
		return hf + suffix
	}
	layer, ok := LayerIndex(name)
	if !ok {
		return ""
	}
	prefix := "blk." + strconv.Itoa(layer) + "."
	part := strings.TrimPrefix(stem, prefix)
	hf, ok := hfBlockByArch[arch][part]
	if !ok {
		hf, ok = hfBlock[part]
	}
	if ok {
		return "model.layers." + strconv.Itoa(layer) + "." + hf + suffix
	}
	return ""
}

// cutSuffix splits "x.weight" / "x.bias" into the stem and ".weight"/".bias".
func cutSuffix(name string) (string, string, bool) {
	for _, s := range []string{".weight", ".bias"} {
		if stem, ok := strings.CutSuffix(name, s); ok {
			return stem, s, true
		}
	}
	return "", "", false
}

// LayerIndex returns N for a GGUF tensor named "blk.N.…".
func LayerIndex(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "blk.")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, ".")
	if !ok || num == "" {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// IsPostWeight reports whether a tensor outside the blocks comes after them
// (output norm and projection), which decides its gradient position.
func IsPostWeight(name string) bool { return strings.HasPrefix(name, "output") }

// filterMatches applies a mergekit filter to a tensor with GGUF name name
// and Hugging Face name hf ("" when unknown).
func filterMatches(filter, name, hf string) bool {
	if filter == "" || filter == "*" || strings.Contains(name, filter) {
		return true
	}
	return hf != "" && strings.Contains(hf, filter)
}
