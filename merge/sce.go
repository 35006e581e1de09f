package merge

import (
	"fmt"
	"math"
)

func init() { register(sceMethod{}) }

// sceMethod is mergekit's `sce` (Select, Calculate, Erase):
//   - select: with select_topk < 1, keep the k = floor(nonzero(var) * select_topk)
//     elements of largest variance across the task vectors (over the whole
//     tensor, ties to the lower index) and zero the rest in every task vector;
//   - calculate: w_i = mean(tau_i^2) / sum_j mean(tau_j^2) (uniform when < 1e-6);
//   - erase: TIES sign election on the unweighted task vectors, then the
//     w-weighted mean of the agreeing entries.
type sceMethod struct{}

func (sceMethod) Name() string   { return "sce" }
func (sceMethod) Base() BaseRule { return BaseRequired }

func (sceMethod) Params() []ParamDef {
	return []ParamDef{
		{Name: "select_topk", Default: Value{Num: 1}, Min: 0, Max: 1},
		{Name: "int8_mask", Kind: Bool},
	}
}

type sceTensor struct {
	lay       *layout
	base      int
	others    []int
	sels      []*rankSelect // per 2-D slice; nil: no selection
	buf       histBuf
	selecting bool
	sq        [][]float64 // per slice, per model: sum of tau^2 over the selected elements
	w         [][]float32 // per slice, per model
	weighed   bool
}

func (sceMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: sce needs base_model", spec.Name)
	}
	others := lay.others()
	topk := spec.global().Float("select_topk", 1)
	if len(others) == 0 || topk <= 0 {
		// No task vector survives: the output is the base.
		return identity{lay: lay, input: lay.ref}, nil
	}
	rt := newRowTensor(lay, append([]int{spec.Base}, others...))
	st := &sceTensor{lay: &rt.lay, base: spec.Base, others: others, selecting: topk < 1}
	for range lay.groups {
		st.sq = append(st.sq, make([]float64, len(others)))
		st.w = append(st.w, make([]float32, len(others)))
		if topk < 1 {
			sel := newRankSelect(uint64(lay.groupNumel()), []uint64{0}, true, false)
			sel.fracNonzero = topk
			st.sels = append(st.sels, sel)
		}
	}
	rt.npass = 4
	rt.state = st
	rt.want = func() bool { return !st.weighed }
	rt.observe = func(_ int, row int64, in rowView, s *Scratch) { st.observe(row, in, s) }
	rt.end = func(int) error { st.endPass(); return nil }
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) {
		tv := st.vectors(row, in, s)
		ElectWeightedMean(out, tv, st.w[st.lay.group(row)])
		Add(out, in.at(st.base), out)
	}
	return rt, nil
}

// varianceKeys sets s.u32 to the descending-order keys of the per-element
// population variance across the task vectors tv.
func varianceKeys(tv [][]float32, s *Scratch) []uint32 {
	n := len(tv[0])
	s.u32 = growU32(s.u32, n)
	k := float64(len(tv))
	for j := range s.u32 {
		var mean float64
		for i := range tv {
			mean += float64(tv[i][j])
		}
		mean /= k
		var v float64
		for i := range tv {
			d := float64(tv[i][j]) - mean
			v += d * d
		}
		s.u32[j] = ^(math.Float32bits(float32(v/k)) &^ (1 << 31))
	}
	return s.u32
}

// vectors returns the row's task vectors, zeroed outside the selection.
func (st *sceTensor) vectors(row int64, in rowView, s *Scratch) [][]float32 {
	tv := s.rowSet(slotRows, len(st.others), st.lay.rowLen)
	b := in.at(st.base)
	for i, m := range st.others {
		Sub(tv[i], in.at(m), b)
	}
	if st.sels == nil || st.selecting {
		return tv
	}
	keys := varianceKeys(tv, s)
	first := st.lay.groupFirst(row)
	c := &st.sels[st.lay.group(row)].cuts[0]
	for j, key := range keys {
		if !c.inFirst(key, first+uint64(j)) {
			for i := range tv {
				tv[i][j] = 0
			}
		}
	}
	return tv
}

func (st *sceTensor) observe(row int64, in rowView, s *Scratch) {
	tv := st.vectors(row, in, s)
	if st.selecting {
		st.sels[st.lay.group(row)].observe(varianceKeys(tv, s), st.lay.groupFirst(row), &st.buf)
		return
	}
	sq := st.sq[st.lay.group(row)]
	for i, v := range tv {
		sq[i] += dot64(v, v)
	}
}

// endPass ends a selection pass, or computes the weights after the weight pass.
func (st *sceTensor) endPass() {
	if st.selecting {
		st.selecting = anyWants(st.sels)
		return
	}
	numel := float64(st.lay.groupNumel())
	for g, sq := range st.sq {
		var sum float64
		for i := range sq {
			sq[i] /= numel
			sum += sq[i]
		}
		for i := range st.w[g] {
			if math.Abs(sum) < 1e-6 {
				st.w[g][i] = 1 / float32(len(sq))
			} else {
				st.w[g][i] = f32(sq[i] / sum)
			}
		}
	}
	st.weighed = true
}
