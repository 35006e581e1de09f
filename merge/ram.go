package merge

import (
	"fmt"
	"math"
)

func init() {
	register(nearswapMethod{})
	register(ramMethod{plus: false})
	register(ramMethod{plus: true})
}

// nearswapMethod is mergekit's `nearswap`: per element,
// a = clamp(t / max(|base - x|, 1e-6), 0, 1) and out = a*x + (1-a)*base.
type nearswapMethod struct{}

func (nearswapMethod) Name() string   { return "nearswap" }
func (nearswapMethod) Base() BaseRule { return BaseRequired }
func (nearswapMethod) Params() []ParamDef {
	return []ParamDef{{Name: "t", Required: true, Min: 1, Max: 0}}
}

func (nearswapMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: nearswap needs base_model", spec.Name)
	}
	others := lay.others()
	if len(others) == 0 {
		return identity{lay: lay, input: lay.ref}, nil
	}
	if len(others) != 1 {
		return nil, fmt.Errorf("tensor %s: nearswap merges exactly two models (the base and one other)", spec.Name)
	}
	tv, ok := spec.global()["t"]
	if !ok {
		return nil, fmt.Errorf("tensor %s: missing required parameter t", spec.Name)
	}
	t := f32(tv.Num)
	b, o := spec.Base, others[0]
	rt := newRowTensor(lay, []int{b, o})
	rt.merge = func(out []float32, _ int64, in rowView, _ *Scratch) {
		NearSwap(out, in.at(b), in.at(o), t)
	}
	return rt, nil
}

// NearSwap sets dst[j] = a*x[j] + (1-a)*base[j] with
// a = clamp(t / max(|base[j]-x[j]|, 1e-6), 0, 1).
func NearSwap(dst, base, x []float32, t float32) {
	base, x = base[:len(dst)], x[:len(dst)]
	for j := range dst {
		d := float32(math.Abs(float64(base[j] - x[j])))
		a := min(max(t/max(d, 1e-6), 0), 1)
		dst[j] = float32(a*x[j]) + float32((1-a)*base[j])
	}
}

// ramMethod is mergekit's `ram` and `ramplus_tl` (Reinforced Agent Merging):
// an entry of a task vector counts when |tau| > epsilon; entries only one
// model has are added, shared ones averaged. ramplus_tl multiplies a model's
// unique entries by 1 + r*clamp(shared_i/unique_i, 0, alpha), with the
// counts over the whole tensor (one statistics pass).
type ramMethod struct{ plus bool }

func (m ramMethod) Name() string {
	if m.plus {
		return "ramplus_tl"
	}
	return "ram"
}
func (ramMethod) Base() BaseRule { return BaseRequired }

func (m ramMethod) Params() []ParamDef {
	defs := []ParamDef{{Name: "epsilon", Default: Value{Num: 1e-5}, Min: 0, Max: math.Inf(1)}}
	if m.plus {
		defs = append(defs,
			ParamDef{Name: "r", Default: Value{Num: 0.1}, Min: 1, Max: 0},
			ParamDef{Name: "alpha", Default: Value{Num: 0.2}, Min: 1, Max: 0})
	}
	return defs
}

func (m ramMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: %s needs base_model", spec.Name, m.Name())
	}
	others := lay.others()
	if len(others) == 0 {
		return identity{lay: lay, input: lay.ref}, nil
	}
	g := spec.global()
	eps := g.Float("epsilon", 1e-5)
	k := len(others)
	// Per 2-D slice: each model's shared and unique counts, then its factor.
	lambda := make([][]float32, lay.groups)
	shared := make([][]float64, lay.groups)
	unique := make([][]float64, lay.groups)
	for g := range lambda {
		lambda[g] = make([]float32, k)
		for i := range lambda[g] {
			lambda[g][i] = 1
		}
		shared[g], unique[g] = make([]float64, k), make([]float64, k)
	}
	b, n := spec.Base, lay.rowLen
	tvs := func(in rowView, s *Scratch) [][]float32 {
		tv := s.rowSet(slotRows, k, n)
		for i, o := range others {
			Sub(tv[i], in.at(o), in.at(b))
		}
		return tv
	}
	rt := newRowTensor(lay, append([]int{b}, others...))
	if m.plus {
		rt.npass = 1
		rt.observe = func(_ int, row int64, in rowView, s *Scratch) {
			grp := rt.lay.group(row)
			ramCounts(tvs(in, s), f32(eps), shared[grp], unique[grp])
		}
		rt.end = func(int) error {
			r, alpha := g.Float("r", 0.1), g.Float("alpha", 0.2)
			for grp := range lambda {
				for i := range lambda[grp] {
					rho := shared[grp][i] / math.Max(unique[grp][i], eps)
					lambda[grp][i] = f32(1 + r*math.Max(0, math.Min(alpha, rho)))
				}
			}
			return nil
		}
	}
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) {
		RAMFuse(out, tvs(in, s), lambda[rt.lay.group(row)], f32(eps))
		Add(out, in.at(b), out)
	}
	return rt, nil
}

// ramCounts adds, per model, the number of its counted entries that are
// shared with another model and that are its alone.
func ramCounts(tv [][]float32, eps float32, shared, unique []float64) {
	for j := range tv[0] {
		c := 0
		for i := range tv {
			if abs32(tv[i][j]) > eps {
				c++
			}
		}
		for i := range tv {
			if abs32(tv[i][j]) > eps {
				if c > 1 {
					shared[i]++
				} else {
					unique[i]++
				}
			}
		}
	}
}

// RAMFuse sets dst[j] = sum_i term_i where, with c the number of models
// whose |tv[i][j]| > eps: term_i = tv[i][j]*lambda[i] if c == 1, tv[i][j]/c
// if c > 1 (only counted entries contribute).
func RAMFuse(dst []float32, tv [][]float32, lambda []float32, eps float32) {
	for j := range dst {
		c := 0
		for i := range tv {
			if abs32(tv[i][j]) > eps {
				c++
			}
		}
		var s float32
		for i := range tv {
			v := tv[i][j]
			if abs32(v) <= eps {
				continue
			}
			if c == 1 {
				s += float32(v * lambda[i])
			} else {
				s += v / float32(c)
			}
		}
		dst[j] = s
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }
