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
	base    int
	others  []int
	n       int
	sel     *rankSelect // nil: no selection
	nonzero uint64
	topk    float64
	sq      []float64 // sum of tau_i^2 (selected elements)
	w       []float32
	weighed bool
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
	st := &sceTensor{base: spec.Base, others: others, n: lay.rowLen, topk: topk,
		sq: make([]float64, len(others)), w: make([]float32, len(others))}
	numel := uint64(lay.rows) * uint64(lay.rowLen)
	if topk < 1 {
		st.sel = newRankSelect(numel, []uint64{0}, true, false)
	}
	rt := newRowTensor(lay, append([]int{spec.Base}, others...))
	rt.npass = 4
	rt.state = st
	rt.want = func() bool { return !st.weighed }
	rt.observe = func(_ int, row int64, in rowView, s *Scratch) { st.observe(row, in, s) }
	rt.end = func(int) error { st.endPass(numel); return nil }
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) {
		tv := st.vectors(row, in, s)
		ElectWeightedMean(out, tv, st.w)
		Add(out, in.at(st.base), out)
	}
	return rt, nil
}

// variance sets keys to the descending-order keys of the per-element
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
	tv := s.rowSet(slotRows, len(st.others), st.n)
	b := in.at(st.base)
	for i, m := range st.others {
		Sub(tv[i], in.at(m), b)
	}
	if st.sel == nil || st.sel.wantPass() {
		return tv
	}
	keys := varianceKeys(tv, s)
	first := uint64(row) * uint64(st.n)
	c := &st.sel.cuts[0]
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
	if st.sel != nil && st.sel.wantPass() {
		tv := st.vectors(row, in, s)
		keys := varianceKeys(tv, s)
		if st.sel.stage == 0 {
			for _, k := range keys {
				if k != ^uint32(0) {
					st.nonzero++
				}
			}
		}
		st.sel.observe(keys, uint64(row)*uint64(st.n))
		return
	}
	for i, v := range st.vectors(row, in, s) {
		st.sq[i] += dot64(v, v)
	}
}

func (st *sceTensor) endPass(numel uint64) {
	if st.sel != nil && st.sel.wantPass() {
		if st.sel.stage == 0 {
			st.sel.setTarget(0, uint64(float64(st.nonzero)*st.topk))
		}
		st.sel.endPass()
		return
	}
	var sum float64
	for i := range st.sq {
		st.sq[i] /= float64(numel)
		sum += st.sq[i]
	}
	for i := range st.w {
		if math.Abs(sum) < 1e-6 {
			st.w[i] = 1 / float32(len(st.w))
		} else {
			st.w[i] = f32(st.sq[i] / sum)
		}
	}
	st.weighed = true
}
