package merge

import (
	"fmt"
	"math"
)

// linearMethod is mergekit's `linear`: sum_i w_i X_i, divided by sum_i w_i
// when normalize (default true). The base, if any, is only the shape
// reference and takes part like any model that has a weight.
type linearMethod struct{}

func init() {
	register(linearMethod{})
	register(passthroughMethod{})
}

func (linearMethod) Name() string   { return "linear" }
func (linearMethod) Base() BaseRule { return BaseUnused }

func (linearMethod) Params() []ParamDef {
	return []ParamDef{
		{Name: "weight", PerModel: true, Required: true, Min: 1, Max: 0},
		{Name: "normalize", Kind: Bool, Default: Value{Num: 1}},
	}
}

func (linearMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if len(lay.present) == 1 {
		return identity{lay: lay, input: lay.present[0]}, nil
	}
	w := make([]float32, len(lay.present))
	var sum float32
	for k, i := range lay.present {
		v, ok := spec.params(i)["weight"]
		if !ok {
			return nil, fmt.Errorf("tensor %s: model %s: missing required parameter weight", spec.Name, spec.Models[i])
		}
		w[k] = f32(v.Num)
		sum += w[k]
	}
	normalize := spec.global().Bool("normalize", true)
	if normalize && float32(math.Abs(float64(sum))) < 1e-8 {
		// The reference divides by zero here; like its task-arithmetic
		// methods we leave the weighted sum undivided.
		warnf(&spec, "tensor %s: linear weights sum to %g; not normalizing", spec.Name, sum)
		normalize = false
	}
	t := newRowTensor(lay, lay.present)
	t.merge = func(out []float32, _ int64, in rowView, s *Scratch) {
		xs := s.rows[:0]
		for _, i := range lay.present {
			xs = append(xs, in.at(i))
		}
		s.rows = xs
		WeightedSum(out, xs, w)
		if normalize {
			DivScalar(out, out, sum)
		}
	}
	return t, nil
}

// passthroughMethod copies the one model that has the tensor, optionally
// multiplied by its `scale` parameter.
type passthroughMethod struct{}

func (passthroughMethod) Name() string   { return "passthrough" }
func (passthroughMethod) Base() BaseRule { return BaseUnused }

func (passthroughMethod) Params() []ParamDef {
	return []ParamDef{{Name: "scale", PerModel: true, Default: Value{Num: 1}, Min: 1, Max: 0}}
}

func (passthroughMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if len(lay.present) != 1 {
		return nil, fmt.Errorf("tensor %s: passthrough takes exactly one model per tensor, %d have it (use slices)",
			spec.Name, len(lay.present))
	}
	i := lay.present[0]
	scale := f32(spec.params(i).Float("scale", 1))
	if scale == 1 {
		return identity{lay: lay, input: i}, nil
	}
	t := newRowTensor(lay, []int{i})
	t.merge = func(out []float32, _ int64, in rowView, _ *Scratch) {
		Scale(out, in.at(i), scale)
	}
	return t, nil
}
