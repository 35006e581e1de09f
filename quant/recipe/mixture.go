package recipe

import (
	"fmt"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// mixture is llama_tensor_get_type_impl: the per-ftype rules that give some
// tensors more (or fewer) bits than the file type's default. It advances the
// running counters exactly where llama.cpp does, so it must see tensors in
// loader order.
func (st *state) mixture(typ quant.Type, t gguf.TensorInfo, cat category) (quant.Type, error) {
	ft := st.ft
	switch {
	case cat == catOutput || (st.tied && cat == catTokenEmbd):
		return st.outputType(typ, t), nil
	case ft == MostlyMXFP4:
		// experts (3-D) get MXFP4, everything else Q8_0
		if len(t.Shape) > 2 && t.Shape[2] > 1 && (st.mi.Arch != "bailingmoe3" || cat == catFFNUp || cat == catFFNGate || cat == catFFNDown) {
			return quant.MXFP4, nil
		}
		return quant.Q8_0, nil
	case cat == catTokenEmbd:
		return st.tokenEmbdType(typ), nil
	case ft.isIQ12():
		return st.lowBitType(typ, t, cat)
	case cat.isAttnV():
		return st.attnVType(typ), nil
	case cat == catAttnK:
		switch {
		case st.mi.NExpert == 8:
			return quant.Q8_0, nil
		case ft == MostlyIQ3XS:
			return quant.IQ3_XXS, nil
		case ft == MostlyIQ3XXS:
			return quant.IQ2_S, nil
		}
	case cat == catAttnQ:
		switch ft {
		case MostlyIQ3XS:
			return quant.IQ3_XXS, nil
		case MostlyIQ3XXS:
			return quant.IQ2_S, nil
		}
	case cat == catFFNDown:
		return st.ffnDownType(typ, t)
	case cat == catAttnOut:
		return st.attnOutType(typ), nil
	case cat == catFFNGate || cat == catFFNUp:
		return st.gateUpType(typ, t, cat)
	}
	return typ, nil
}

// isIQ12 is the group of 1- and 2-bit IQ file types with their own rules.
func (f FileType) isIQ12() bool {
	switch f {
	case MostlyIQ2XXS, MostlyIQ2XS, MostlyIQ1S, MostlyIQ2S, MostlyIQ2M, MostlyIQ1M:
		return true
	}
	return false
}

// outputType: the output projection (and tied embeddings) keep more bits.
func (st *state) outputType(typ quant.Type, t gguf.TensorInfo) quant.Type {
	if st.opts.OutputType != nil {
		return *st.opts.OutputType
	}
	switch st.ft {
	case MostlyMXFP4:
		return quant.Q8_0
	}
	if st.mi.Arch == "falcon" || t.RowLen()%int64(typ.BlockSize()) != 0 {
		return quant.Q8_0
	}
	switch st.ft {
	case MostlyIQ2XXS, MostlyIQ2XS, MostlyIQ3XXS, MostlyIQ1S, MostlyIQ2S, MostlyIQ2M, MostlyIQ1M:
		return quant.Q5_K
	}
	if typ != quant.Q8_0 {
		return quant.Q6_K
	}
	return typ
}

// tokenEmbdType: untied embeddings are only looked up, never multiplied, so
// the low-bit files give them a cheap but sane type.
func (st *state) tokenEmbdType(typ quant.Type) quant.Type {
	if st.opts.TokenEmbdType != nil {
		return *st.opts.TokenEmbdType
	}
	switch st.ft {
	case MostlyIQ2XXS, MostlyIQ2XS, MostlyIQ1S, MostlyIQ1M:
		return quant.Q2_K
	case MostlyIQ2S, MostlyIQ2M, MostlyIQ3XXS:
		return quant.IQ3_S
	case MostlyTQ1_0, MostlyTQ2_0, MostlyQ2_0:
		return quant.Q4_K
	}
	return typ
}

// lowBitType covers the IQ1/IQ2 file types.
func (st *state) lowBitType(typ quant.Type, t gguf.TensorInfo, cat category) (quant.Type, error) {
	ft := st.ft
	iq2sm := ft == MostlyIQ2S || ft == MostlyIQ2M
	switch {
	case cat.isAttnV():
		switch {
		case st.mi.gqa() >= 4 || st.mi.NExpert >= 4:
			typ = quant.Q4_K
		case iq2sm:
			typ = quant.IQ3_S
		default:
			typ = quant.Q2_K
		}
		st.iAttnV++
	case st.mi.NExpert == 8 && cat == catAttnK:
		typ = quant.Q4_K
	case cat == catFFNDown:
		if st.iDown < st.mi.NLayer/8 {
			if iq2sm {
				typ = quant.IQ3_S
			} else {
				typ = quant.Q2_K
			}
		}
		st.iDown++
	case cat == catAttnOut:
		switch {
		case st.mi.NExpert == 8:
			typ = quant.Q5_K
		case ft == MostlyIQ1S || ft == MostlyIQ1M:
			typ = quant.IQ2_XXS
		case iq2sm:
			typ = quant.IQ3_S
		}
	}
	return typ, nil
}

// attnVType: value projections are small and sensitive; most mixtures bump them.
func (st *state) attnVType(typ quant.Type) quant.Type {
	ft, gqa4 := st.ft, st.mi.gqa() >= 4
	switch {
	case ft == MostlyQ2_K:
		typ = pick(gqa4, quant.Q4_K, quant.Q3_K)
	case ft == MostlyQ2_K_S && gqa4:
		typ = quant.Q4_K
	case ft == MostlyIQ3XXS:
		typ = pick(gqa4, quant.Q4_K, pick(!st.hasIm, quant.IQ3_S, quant.IQ3_XXS))
	case (ft == MostlyIQ3XS || ft == MostlyIQ3S) && gqa4:
		typ = quant.Q4_K
	case ft == MostlyIQ3M:
		typ = quant.Q4_K
	case ft == MostlyQ3_K_M:
		typ = pick(st.iAttnV < 2, quant.Q5_K, quant.Q4_K)
	case ft == MostlyQ3_K_L:
		typ = quant.Q5_K
	case (ft == MostlyIQ4NL || ft == MostlyIQ4XS) && gqa4:
		typ = quant.Q5_K
	case (ft == MostlyQ4_K_M || ft == MostlyQ5_K_M) && useMoreBits(st.iAttnV, st.nAttnV):
		typ = quant.Q6_K
	case ft == MostlyQ4_K_S && st.iAttnV < 4:
		typ = quant.Q5_K
	}
	if st.mi.Is70B && (typ == quant.Q3_K || typ == quant.Q4_K) {
		// 70B shares attn_v between 8 heads: the tensor is small, more bits are cheap
		typ = quant.Q5_K
	}
	if st.mi.NExpert == 8 {
		typ = quant.Q8_0
	}
	st.iAttnV++
	return typ
}

// ffnLayer is layer_info: the running counter, or with experts the layer
// parsed from the name (expert tensors are not in layer order).
func (st *state) ffnLayer(counter int, name string) (int, int, error) {
	n := st.mi.NLayer
	if st.mi.NExpert <= 1 {
		return counter, n, nil
	}
	l, ok := layerOf(name)
	if !ok {
		return 0, 0, fmt.Errorf("failed to determine the layer of tensor %s", name)
	}
	if l < 0 || l >= n {
		return 0, 0, fmt.Errorf("bad layer %d for tensor %s, must be in [0, %d)", l, name, n)
	}
	return l, n, nil
}

func (st *state) ffnDownType(typ quant.Type, t gguf.TensorInfo) (quant.Type, error) {
	i, n, err := st.ffnLayer(st.iDown, t.Name)
	if err != nil {
		return 0, err
	}
	ft, falcon := st.ft, st.mi.Arch == "falcon"
	switch {
	case ft == MostlyQ2_K:
		typ = quant.Q3_K
	case ft == MostlyQ2_K_S:
		if i < n/8 {
			typ = quant.Q4_K
		}
	case ft == MostlyIQ3XXS && !st.hasIm:
		typ = pick(i < n/8, quant.Q4_K, quant.Q3_K)
	case ft == MostlyQ3_K_M:
		switch {
		case i < n/16:
			typ = quant.Q5_K
		case !falcon || useMoreBits(i, n):
			typ = quant.Q4_K
		default:
			typ = quant.Q3_K
		}
	case ft == MostlyIQ3M && (i < n/8 || (st.mi.NExpert == 8 && useMoreBits(i, n))):
		typ = quant.Q4_K
	case ft == MostlyQ3_K_L:
		typ = pick(falcon, quant.Q4_K, quant.Q5_K)
	case ft == MostlyQ4_K_M:
		switch {
		case falcon && i < n/16:
			typ = quant.Q6_K
		case falcon:
			typ = pick(useMoreBits(i, n), quant.Q5_K, quant.Q4_K)
		case useMoreBits(i, n):
			typ = quant.Q6_K
		}
	case i < n/8 && (ft == MostlyIQ4NL || ft == MostlyIQ4XS) && !st.hasIm:
		typ = quant.Q5_K
	case ft == MostlyQ5_K_M && useMoreBits(i, n):
		typ = quant.Q6_K
	case ft == MostlyQ4_K_S && !falcon && i < n/8:
		typ = quant.Q5_K
	case (ft == MostlyQ4_0 || ft == MostlyQ5_0) && st.hasIm && i < n/8:
		// guards the first ffn_down layers, which go wild even with an imatrix
		typ = pick(ft == MostlyQ4_0, quant.Q4_1, quant.Q5_1)
	}
	st.iDown++
	return typ, nil
}

func (st *state) attnOutType(typ quant.Type) quant.Type {
	ft := st.ft
	if st.mi.Arch == "falcon" {
		if ft == MostlyQ3_K_L {
			typ = quant.Q4_K
		}
		return typ
	}
	if st.mi.NExpert == 8 {
		switch ft {
		case MostlyQ2_K, MostlyIQ3XS, MostlyIQ3XXS, MostlyQ3_K_S, MostlyQ3_K_M, MostlyIQ4NL,
			MostlyQ4_K_S, MostlyQ4_K_M, MostlyIQ3S, MostlyIQ3M, MostlyIQ4XS:
			typ = quant.Q5_K
		}
		return typ
	}
	switch ft {
	case MostlyQ2_K:
		typ = quant.Q3_K
	case MostlyIQ3XXS:
		typ = quant.IQ3_S
	case MostlyQ3_K_M:
		typ = quant.Q4_K
	case MostlyQ3_K_L:
		typ = quant.Q5_K
	case MostlyIQ3M:
		typ = quant.Q4_K
	}
	return typ
}

func (st *state) gateUpType(typ quant.Type, t gguf.TensorInfo, cat category) (quant.Type, error) {
	counter := &st.iUp
	if cat == catFFNGate {
		counter = &st.iGate
	}
	i, n, err := st.ffnLayer(*counter, t.Name)
	if err != nil {
		return 0, err
	}
	if st.ft == MostlyIQ3XS && i >= n/8 && i < 7*n/8 {
		typ = quant.IQ3_XXS
	}
	*counter++
	return typ, nil
}

func pick(cond bool, a, b quant.Type) quant.Type {
	if cond {
		return a
	}
	return b
}
