package merge

import (
	"fmt"
	"math"
)

func init() { register(modelStockMethod{}) }

// modelStockMethod is mergekit's `model_stock`: with cos = the mean pairwise
// cosine of the task vectors and N models, t = N cos / (1 + (N-1) cos) and
// out = t * mean(X_i) + (1-t) * base. The cosines are over the whole tensor
// (a statistics pass accumulating the Gram matrix of the task vectors), or
// per row with filter_wise: true.
type modelStockMethod struct{}

func (modelStockMethod) Name() string   { return "model_stock" }
func (modelStockMethod) Base() BaseRule { return BaseRequired }

func (modelStockMethod) Params() []ParamDef {
	return []ParamDef{{Name: "filter_wise", Kind: Bool}}
}

func (modelStockMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: model_stock needs base_model", spec.Name)
	}
	others := lay.others()
	if len(others) == 0 {
		return identity{lay: lay, input: lay.ref}, nil
	}
	if len(others) < 2 {
		return nil, fmt.Errorf("tensor %s: model_stock needs the base and at least two other models, %d have it",
			spec.Name, len(lay.present))
	}
	ms := &modelStock{base: spec.Base, others: others, n: lay.rowLen}
	rt := newRowTensor(lay, append([]int{spec.Base}, others...))
	if spec.global().Bool("filter_wise", false) {
		if len(others) > 16 {
			return nil, fmt.Errorf("tensor %s: model_stock filter_wise takes at most 16 models", spec.Name)
		}
		rt.merge = func(out []float32, _ int64, in rowView, s *Scratch) {
			var buf [16 * 17 / 2]float64
			g := ms.gram(in, s, buf[:ms.pairs()])
			ms.mix(out, in, s, ms.ratio(g))
		}
		return rt, nil
	}
	// Per 2-D slice: the Gram matrix of the task vectors, then the ratio.
	gram := make([][]float64, lay.groups)
	for g := range gram {
		gram[g] = make([]float64, ms.pairs())
	}
	ratio := make([]float32, lay.groups)
	rt.npass = 1
	rt.observe = func(_ int, row int64, in rowView, s *Scratch) { ms.gram(in, s, gram[rt.lay.group(row)]) }
	rt.end = func(int) error {
		for g := range gram {
			ratio[g] = ms.ratio(gram[g])
		}
		return nil
	}
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) { ms.mix(out, in, s, ratio[rt.lay.group(row)]) }
	return rt, nil
}

type modelStock struct {
	base   int
	others []int
	n      int
}

func (ms *modelStock) pairs() int { k := len(ms.others); return k * (k + 1) / 2 }

// gram adds the row's dot products of task vectors i <= j to g (packed upper triangle).
func (ms *modelStock) gram(in rowView, s *Scratch, g []float64) []float64 {
	k := len(ms.others)
	d := s.rowSet(slotRows, k, ms.n)
	b := in.at(ms.base)
	for i, m := range ms.others {
		Sub(d[i], in.at(m), b)
	}
	p := 0
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			g[p] += dot64(d[i], d[j])
			p++
		}
	}
	return g
}

// ratio turns the Gram matrix into model stock's interpolation ratio t.
func (ms *modelStock) ratio(g []float64) float32 {
	k := len(ms.others)
	at := func(i, j int) float64 { return g[i*k-i*(i-1)/2+(j-i)] }
	var sum float64
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			c := at(i, j) / math.Max(math.Sqrt(at(i, i))*math.Sqrt(at(j, j)), 1e-6)
			sum += math.Max(-1, math.Min(1, c))
		}
	}
	cos := sum / float64(k*(k-1)/2)
	return f32(float64(k) * cos / (1 + float64(k-1)*cos))
}

// mix writes t * mean(X_i) + (1-t) * base.
func (ms *modelStock) mix(out []float32, in rowView, s *Scratch, t float32) {
	avg := s.floats(slotTmp, ms.n)
	copy(avg, in.at(ms.others[0]))
	for _, m := range ms.others[1:] {
		Add(avg, avg, in.at(m))
	}
	DivScalar(avg, avg, float32(len(ms.others)))
	Combine2(out, avg, in.at(ms.base), t, 1-t)
}
