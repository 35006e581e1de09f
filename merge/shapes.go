package merge

import (
	"fmt"
	"math"
)

// layout is the shape analysis shared by every method: which input is the
// reference, which inputs take part, and the row geometry.
type layout struct {
	ref     int   // reference input: the base, or the first present input
	present []int // inputs that have the tensor, in input order (ref included)
	shape   []int64
	rows    int64
	rowLen  int

	// Per-tensor statistics (TIES's top-k, L1 factors, SLERP norms, ...) are
	// taken per 2-D slice of ne1 rows: a 3-D GGUF tensor stacks what
	// mergekit sees as separate tensors (one per expert).
	groupRows int64
	groups    int
}

// group returns the 2-D slice a row belongs to.
func (l *layout) group(row int64) int { return int(row / l.groupRows) }

// groupNumel is the number of elements of one 2-D slice.
func (l *layout) groupNumel() int64 { return l.groupRows * int64(l.rowLen) }

// groupFirst is the flat index, within its slice, of a row's first element.
func (l *layout) groupFirst(row int64) uint64 {
	return uint64(row%l.groupRows) * uint64(l.rowLen)
}

// others returns the present inputs except the reference.
func (l *layout) others() []int {
	out := make([]int, 0, len(l.present))
	for _, i := range l.present {
		if i != l.ref {
			out = append(out, i)
		}
	}
	return out
}

// IsEmbedding reports whether a GGUF tensor is indexed by token id (the token
// embedding or the output projection), so that a larger vocabulary may be cut
// to the base's rows as mergekit does for embed_tokens / lm_head.
func IsEmbedding(name string) bool {
	return name == "token_embd.weight" || name == "output.weight"
}

// analyze validates spec's shapes. Inputs lacking the tensor (nil shape) are
// left out; a tensor present in some model but not in the base is an error.
func analyze(spec *TensorSpec) (layout, error) {
	var l layout
	n := len(spec.Shapes)
	if n == 0 || len(spec.Models) != n || (spec.Params != nil && len(spec.Params) != n) {
		return l, fmt.Errorf("tensor %s: spec has %d shapes, %d model names, %d parameter sets",
			spec.Name, n, len(spec.Models), len(spec.Params))
	}
	if spec.Base < -1 || spec.Base >= n {
		return l, fmt.Errorf("tensor %s: base index %d out of range", spec.Name, spec.Base)
	}
	for i, s := range spec.Shapes {
		if s == nil {
			continue
		}
		if err := checkShape(s); err != nil {
			return l, fmt.Errorf("tensor %s in %s: %v", spec.Name, spec.Models[i], err)
		}
		l.present = append(l.present, i)
	}
	if len(l.present) == 0 {
		return l, fmt.Errorf("tensor %s: no input model has it", spec.Name)
	}
	l.ref = l.present[0]
	if spec.Base >= 0 {
		if spec.Shapes[spec.Base] == nil {
			other := l.present[0]
			return l, fmt.Errorf("tensor %s is in model %s but not in the base model %s",
				spec.Name, spec.Models[other], spec.Models[spec.Base])
		}
		l.ref = spec.Base
	}
	l.shape = append([]int64(nil), spec.Shapes[l.ref]...)
	l.rowLen = int(l.shape[0])
	l.rows = 1
	for _, d := range l.shape[1:] {
		l.rows *= d
	}
	l.groupRows = 1
	if len(l.shape) > 1 {
		l.groupRows = l.shape[1]
	}
	l.groups = int(l.rows / l.groupRows)
	for _, i := range l.present {
		if i == l.ref {
			continue
		}
		if err := compatible(spec, i, l.ref); err != nil {
			return l, err
		}
	}
	return l, nil
}

// checkShape rejects shapes that cannot be a ggml tensor.
func checkShape(s []int64) error {
	if len(s) == 0 || len(s) > 4 {
		return fmt.Errorf("shape %v has %d dimensions", s, len(s))
	}
	total := int64(1)
	for _, d := range s {
		if d <= 0 {
			return fmt.Errorf("shape %v has a non-positive dimension", s)
		}
		if total > math.MaxInt64/d {
			return fmt.Errorf("shape %v is too large", s)
		}
		total *= d
	}
	if s[0] > math.MaxInt32 {
		return fmt.Errorf("shape %v: row length too large", s)
	}
	return nil
}

// compatible checks input i against the reference. A token-indexed tensor
// with more rows than the reference is cut to the reference's rows (only
// rows 0..refRows-1 are ever read), with a warning as mergekit gives.
func compatible(spec *TensorSpec, i, ref int) error {
	a, b := spec.Shapes[i], spec.Shapes[ref]
	if equalShape(a, b) {
		return nil
	}
	if IsEmbedding(spec.Name) && len(a) == 2 && len(b) == 2 && a[0] == b[0] && a[1] > b[1] {
		warnf(spec, "using the first %d rows of %s in %s (it has %d; vocabulary cut to the reference model's)",
			b[1], spec.Name, spec.Models[i], a[1])
		return nil
	}
	return fmt.Errorf("tensor %s: model %s has shape %v but %s has %v",
		spec.Name, spec.Models[i], a, spec.Models[ref], b)
}

func equalShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func warnf(spec *TensorSpec, format string, args ...any) {
	if spec.Warn != nil {
		spec.Warn(fmt.Sprintf(format, args...))
	}
}

// params returns input i's per-model parameters (never nil).
func (spec *TensorSpec) params(i int) Params {
	if spec.Params == nil || spec.Params[i] == nil {
		return Params{}
	}
	return spec.Params[i]
}

// global returns the method-global parameters (never nil).
func (spec *TensorSpec) global() Params {
	if spec.Global == nil {
		return Params{}
	}
	return spec.Global
}
