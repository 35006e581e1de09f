package merge

import (
	"fmt"
	"math"
)

func init() {
	register(slerpMethod{})
	register(nuslerpMethod{})
}

// slerpMethod is mergekit's `slerp` between the base (t=0) and one other
// model (t=1). The whole tensor is one vector: its norms and dot product come
// from a statistics pass; when |cos| > 0.9995 it falls back to lerp.
type slerpMethod struct{}

func (slerpMethod) Name() string   { return "slerp" }
func (slerpMethod) Base() BaseRule { return BaseRequired }

func (slerpMethod) Params() []ParamDef {
	return []ParamDef{{Name: "t", Required: true, Min: 1, Max: 0}}
}

func (slerpMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: slerp needs base_model", spec.Name)
	}
	others := lay.others()
	switch len(others) {
	case 0:
		return identity{lay: lay, input: lay.ref}, nil
	case 1:
	default:
		return nil, fmt.Errorf("tensor %s: slerp merges exactly two models (the base and one other), got %d",
			spec.Name, len(lay.present))
	}
	tv, ok := spec.global()["t"]
	if !ok {
		return nil, fmt.Errorf("tensor %s: missing required parameter t", spec.Name)
	}
	t := tv.Num
	b, o := spec.Base, others[0]
	// Per 2-D slice: the norms, the dot product, then the two coefficients.
	st := make([][3]float64, lay.groups)
	coef := make([][2]float32, lay.groups)
	rt := newRowTensor(lay, []int{b, o})
	rt.npass = 1
	rt.observe = func(_ int, row int64, in rowView, _ *Scratch) {
		x, y := in.at(b), in.at(o)
		g := &st[rt.lay.group(row)]
		g[0] += dot64(x, x)
		g[1] += dot64(y, y)
		g[2] += dot64(x, y)
	}
	rt.end = func(int) error {
		for i, g := range st {
			coef[i][0], coef[i][1] = slerpCoefficients(t, math.Sqrt(g[0]), math.Sqrt(g[1]), g[2])
		}
		return nil
	}
	rt.merge = func(out []float32, row int64, in rowView, _ *Scratch) {
		c := coef[rt.lay.group(row)]
		Combine2(out, in.at(b), in.at(o), c[0], c[1])
	}
	return rt, nil
}

// slerpCoefficients returns s0, s1 with slerp = s0*v0 + s1*v1, from the
// norms of v0, v1 and their dot product. Like the reference, a vector whose
// norm is at most 1e-8 is not normalized.
func slerpCoefficients(t, norm0, norm1, dot float64) (float32, float32) {
	if norm0 > 1e-8 {
		dot /= norm0
	}
	if norm1 > 1e-8 {
		dot /= norm1
	}
	if math.Abs(dot) > 0.9995 {
		return f32(1 - t), f32(t)
	}
	theta := math.Acos(dot)
	sinTheta := math.Sin(theta)
	thetaT := theta * t
	return f32(math.Sin(theta-thetaT) / sinTheta), f32(math.Sin(thetaT) / sinTheta)
}

// nuslerpMethod is mergekit's `nuslerp`: slerp between two models with
// t = w2/(w1+w2), of the task vectors when a base is given. Vectors are the
// whole tensor (nuslerp_flatten, default), each row (ggml's ne0, torch's
// last dim), or each column (nuslerp_row_wise: true) of every 2-D slice.
type nuslerpMethod struct{}

func (nuslerpMethod) Name() string   { return "nuslerp" }
func (nuslerpMethod) Base() BaseRule { return BaseOptional }

func (nuslerpMethod) Params() []ParamDef {
	return []ParamDef{
		{Name: "weight", PerModel: true, Required: true, Min: 1, Max: 0},
		{Name: "nuslerp_flatten", Kind: Bool, Default: Value{Num: 1}},
		{Name: "nuslerp_row_wise", Kind: Bool},
	}
}

// nuCoef holds the coefficients of res = (a*v0 + b*v1) / div.
type nuCoef struct{ a, b, div float32 }

// nuslerpCoefficients mirrors the reference: unit vectors clamp the norm at
// 1e-7, the cosine is clamped to [-1, 1], and |sin theta| < 1e-8 means lerp.
func nuslerpCoefficients(t, norm0, norm1, dot float64) nuCoef {
	c := dot / (math.Max(norm0, 1e-7) * math.Max(norm1, 1e-7))
	theta := math.Acos(math.Max(-1, math.Min(1, c)))
	s := math.Sin(theta)
	if math.Abs(s) < 1e-8 {
		return nuCoef{f32(1 - t), f32(t), 1}
	}
	return nuCoef{f32(math.Sin((1 - t) * theta)), f32(math.Sin(t * theta)), f32(s)}
}

func (c nuCoef) apply(out, v0, v1 []float32) {
	Combine2(out, v0, v1, c.a, c.b)
	if c.div != 1 {
		DivScalar(out, out, c.div)
	}
}

func (nuslerpMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	models := lay.present
	if spec.Base >= 0 {
		models = lay.others()
	}
	if len(lay.present) == 1 {
		return identity{lay: lay, input: lay.present[0]}, nil
	}
	if len(models) != 2 {
		return nil, fmt.Errorf("tensor %s: nuslerp merges exactly two models (plus an optional base), got %d",
			spec.Name, len(models))
	}
	var w [2]float64
	for k, i := range models {
		v, ok := spec.params(i)["weight"]
		if !ok {
			return nil, fmt.Errorf("tensor %s: model %s: missing required parameter weight", spec.Name, spec.Models[i])
		}
		w[k] = v.Num
	}
	t := 0.5
	if math.Abs(w[0]+w[1]) >= 1e-6 {
		t = w[1] / (w[0] + w[1])
	}
	g := spec.global()
	nu := &nuslerpTensor{lay: lay, base: spec.Base, m0: models[0], m1: models[1], t: t}
	switch {
	case g.Bool("nuslerp_flatten", true):
		return nu.flat(), nil
	case g.Bool("nuslerp_row_wise", false) && len(lay.shape) > 1:
		return nu.columns(), nil
	}
	return nu.rows(), nil
}

type nuslerpTensor struct {
	lay          layout
	base, m0, m1 int
	t            float64
}

func (nu *nuslerpTensor) inputs() []int {
	if nu.base >= 0 {
		return []int{nu.base, nu.m0, nu.m1}
	}
	return []int{nu.m0, nu.m1}
}

// vectors returns the two vectors of a row: the task vectors when there is
// a base (written to scratch), else the model rows themselves.
func (nu *nuslerpTensor) vectors(in rowView, s *Scratch) (v0, v1 []float32) {
	if nu.base < 0 {
		return in.at(nu.m0), in.at(nu.m1)
	}
	n := nu.lay.rowLen
	v0, v1 = s.floats(slotRows, n), s.floats(slotRows+1, n)
	b := in.at(nu.base)
	Sub(v0, in.at(nu.m0), b)
	Sub(v1, in.at(nu.m1), b)
	return v0, v1
}

func (nu *nuslerpTensor) finish(out []float32, in rowView) {
	if nu.base >= 0 {
		Add(out, in.at(nu.base), out)
	}
}

// flat treats each 2-D slice as one vector (one statistics pass).
func (nu *nuslerpTensor) flat() TensorMerger {
	st := make([][3]float64, nu.lay.groups)
	coef := make([]nuCoef, nu.lay.groups)
	rt := newRowTensor(nu.lay, nu.inputs())
	rt.npass = 1
	rt.observe = func(_ int, row int64, in rowView, s *Scratch) {
		v0, v1 := nu.vectors(in, s)
		g := &st[nu.lay.group(row)]
		g[0] += dot64(v0, v0)
		g[1] += dot64(v1, v1)
		g[2] += dot64(v0, v1)
	}
	rt.end = func(int) error {
		for i, g := range st {
			coef[i] = nuslerpCoefficients(nu.t, math.Sqrt(g[0]), math.Sqrt(g[1]), g[2])
		}
		return nil
	}
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) {
		v0, v1 := nu.vectors(in, s)
		coef[nu.lay.group(row)].apply(out, v0, v1)
		nu.finish(out, in)
	}
	return rt
}

// rows interpolates every row on its own (no statistics pass).
func (nu *nuslerpTensor) rows() TensorMerger {
	rt := newRowTensor(nu.lay, nu.inputs())
	rt.merge = func(out []float32, _ int64, in rowView, s *Scratch) {
		v0, v1 := nu.vectors(in, s)
		c := nuslerpCoefficients(nu.t, math.Sqrt(dot64(v0, v0)), math.Sqrt(dot64(v1, v1)), dot64(v0, v1))
		c.apply(out, v0, v1)
		nu.finish(out, in)
	}
	return rt
}

// columns interpolates every column of each 2-D slice (torch dim 0 of a
// [rows, cols] matrix); per-column norms and dots come from one pass.
func (nu *nuslerpTensor) columns() TensorMerger {
	n := nu.lay.rowLen
	perSlice := nu.lay.groupRows
	slices := nu.lay.groups
	stats := make([]float64, 3*n*slices)
	var coef []nuCoef
	rt := newRowTensor(nu.lay, nu.inputs())
	rt.npass = 1
	rt.observe = func(_ int, row int64, in rowView, s *Scratch) {
		v0, v1 := nu.vectors(in, s)
		st := stats[3*n*int(row/perSlice):][:3*n]
		for j := range v0 {
			a, b := float64(v0[j]), float64(v1[j])
			st[3*j] += a * a
			st[3*j+1] += b * b
			st[3*j+2] += a * b
		}
	}
	rt.end = func(int) error {
		coef = make([]nuCoef, n*slices)
		for k := range coef {
			coef[k] = nuslerpCoefficients(nu.t, math.Sqrt(stats[3*k]), math.Sqrt(stats[3*k+1]), stats[3*k+2])
		}
		stats = nil
		return nil
	}
	rt.merge = func(out []float32, row int64, in rowView, s *Scratch) {
		v0, v1 := nu.vectors(in, s)
		cs := coef[n*int(row/perSlice):][:n]
		for j := range out {
			c := cs[j]
			v := float32(c.a*v0[j]) + float32(c.b*v1[j])
			if c.div != 1 {
				v /= c.div
			}
			out[j] = v
		}
		nu.finish(out, in)
	}
	return rt
}
