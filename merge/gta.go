package merge

import (
	"fmt"
	"math"
)

// sparseKind names the pruning step of a task-arithmetic method.
type sparseKind int

const (
	sparseNone      sparseKind = iota
	sparseMagnitude            // TIES top-k
	sparseBernoulli            // DARE
	sparseOutliers             // breadcrumbs
	sparseMagprune             // DELLA
)

// gtaMethod is mergekit's generalized task arithmetic: delta = model - base,
// prune, weight, optionally elect signs, fuse, scale by lambda, add to base.
type gtaMethod struct {
	name      string
	elect     bool
	sparse    sparseKind
	normalize bool // default of `normalize`
	rescale   bool // default of `rescale`
}

func init() {
	for _, m := range []*gtaMethod{
		{name: "task_arithmetic"},
		{name: "ties", elect: true, sparse: sparseMagnitude, normalize: true},
		{name: "dare_ties", elect: true, sparse: sparseBernoulli, rescale: true},
		{name: "dare_linear", sparse: sparseBernoulli, rescale: true},
		{name: "breadcrumbs", sparse: sparseOutliers},
		{name: "breadcrumbs_ties", elect: true, sparse: sparseOutliers},
		{name: "della", elect: true, sparse: sparseMagprune, normalize: true, rescale: true},
		{name: "della_linear", sparse: sparseMagprune, rescale: true},
	} {
		register(m)
	}
}

func (m *gtaMethod) Name() string   { return m.name }
func (m *gtaMethod) Base() BaseRule { return BaseRequired }

func (m *gtaMethod) random() bool {
	return m.sparse == sparseBernoulli || m.sparse == sparseMagprune
}

func (m *gtaMethod) Params() []ParamDef {
	defs := []ParamDef{
		{Name: "weight", PerModel: true, Required: true, Min: 1, Max: 0},
		{Name: "density", PerModel: true, Default: Value{Num: 1}, Min: 0, Max: 1},
		{Name: "int8_mask", Kind: Bool},
		{Name: "normalize", Kind: Bool, Default: boolValue(m.normalize)},
		{Name: "rescale", Kind: Bool, Default: boolValue(m.rescale)},
		{Name: "lambda", Default: Value{Num: 1}, Min: 1, Max: 0},
	}
	switch m.sparse {
	case sparseOutliers:
		defs = append(defs, ParamDef{Name: "gamma", PerModel: true, Default: Value{Num: 0.01}, Min: 0, Max: 1})
	case sparseMagprune:
		defs = append(defs, ParamDef{Name: "epsilon", PerModel: true, Default: Value{Num: 0.15}, Min: 0, Max: 0.5})
	}
	if m.random() {
		defs = append(defs, ParamDef{Name: "rescale_mode", Kind: Choice, Default: Value{Str: "prob"},
			Choices: []string{"prob", "l1"}})
	}
	return defs
}

func boolValue(b bool) Value {
	if b {
		return Value{Num: 1}
	}
	return Value{}
}

// gtaModel is one non-base model's part in a tensor.
type gtaModel struct {
	input  int
	weight float32
	sp     sparsifier
}

type gtaTensor struct {
	lay       layout
	base      int
	inputs    []int
	models    []gtaModel
	weights   []float32
	elect     bool
	normalize bool
	lambda    float32
	divisor   float32 // sum of weights (no election), 1 when ~0
	passes    passState
	obs       Scratch // statistics passes run on one goroutine
}

func (m *gtaMethod) NewTensor(spec TensorSpec) (TensorMerger, error) {
	lay, err := analyze(&spec)
	if err != nil {
		return nil, err
	}
	if spec.Base < 0 {
		return nil, fmt.Errorf("tensor %s: merge method %s needs base_model", spec.Name, m.name)
	}
	others := lay.others()
	if len(others) == 0 {
		return identity{lay: lay, input: lay.ref}, nil
	}
	g := spec.global()
	t := &gtaTensor{
		lay:       lay,
		base:      spec.Base,
		elect:     m.elect,
		normalize: g.Bool("normalize", m.normalize),
		lambda:    f32(g.Float("lambda", 1)),
		passes:    passState{rows: lay.rows},
	}
	mode, err := m.rescaleMode(g)
	if err != nil {
		return nil, fmt.Errorf("tensor %s: %v", spec.Name, err)
	}
	rng := spec.Rand
	if rng == nil && m.random() {
		rng = NewPhilox(spec.Seed, spec.Name)
	}
	for _, i := range others {
		p := spec.params(i)
		w, ok := p["weight"]
		if !ok {
			return nil, fmt.Errorf("tensor %s: model %s: missing required parameter weight", spec.Name, spec.Models[i])
		}
		sp, err := m.sparsifier(&t.lay, i, p, mode, rng)
		if err != nil {
			return nil, fmt.Errorf("tensor %s: model %s: %v", spec.Name, spec.Models[i], err)
		}
		t.models = append(t.models, gtaModel{input: i, weight: f32(w.Num), sp: sp})
		t.weights = append(t.weights, f32(w.Num))
	}
	var sum float32
	for _, w := range t.weights {
		sum += w
	}
	if float32(math.Abs(float64(sum))) < 1e-8 {
		sum = 1
	}
	t.divisor = sum
	t.inputs = []int{t.base}
	for _, m := range t.models {
		t.inputs = append(t.inputs, m.input)
	}
	return t, nil
}

// rescaleMode maps `rescale` (mergekit's bool) and `rescale_mode` to a mode.
// For TIES and breadcrumbs `rescale: true` can only mean the L1 factor.
func (m *gtaMethod) rescaleMode(g Params) (rescaleMode, error) {
	if !g.Bool("rescale", m.rescale) {
		return rescaleNone, nil
	}
	if !m.random() {
		return rescaleL1, nil
	}
	switch g.Choice("rescale_mode", "prob") {
	case "prob":
		return rescaleProb, nil
	case "l1":
		return rescaleL1, nil
	}
	return 0, fmt.Errorf("rescale_mode %q: want prob or l1", g.Choice("rescale_mode", ""))
}

func (m *gtaMethod) sparsifier(lay *layout, input int, p Params, mode rescaleMode, rng Uniforms) (sparsifier, error) {
	d := p.Float("density", 1)
	if d < 0 || d > 1 || math.IsNaN(d) {
		return nil, fmt.Errorf("density %g is outside [0, 1]", d)
	}
	switch m.sparse {
	case sparseMagnitude:
		return newMagnitude(lay, d, mode == rescaleL1)
	case sparseBernoulli:
		return newBernoulli(lay, input, d, mode, rng), nil
	case sparseOutliers:
		g := p.Float("gamma", 0.01)
		if g < 0 || g > 1 {
			return nil, fmt.Errorf("gamma %g is outside [0, 1]", g)
		}
		return newOutliers(lay, d, g, mode == rescaleL1), nil
	case sparseMagprune:
		eps := p.Float("epsilon", 0.15)
		sp, err := newMagprune(lay, input, d, eps, mode, rng)
		if err != nil {
			return nil, fmt.Errorf("%v (density %g, epsilon %g)", err, d, eps)
		}
		return sp, nil
	}
	return keepAll{}, nil
}

func (t *gtaTensor) Shape() []int64 { return t.lay.shape }
func (t *gtaTensor) Identity() int  { return -1 }

func (t *gtaTensor) Inputs() []int { return t.inputs }

func (t *gtaTensor) MaxPasses() int {
	n := 0
	for _, m := range t.models {
		n = max(n, m.sp.maxPasses())
	}
	return n
}

func (t *gtaTensor) WantPass() bool {
	for _, m := range t.models {
		if m.sp.wantPass() {
			return true
		}
	}
	return false
}

func (t *gtaTensor) Observe(b *RowBlock) error {
	if err := b.check(t.inputs, t.lay.rowLen); err != nil {
		return err
	}
	if err := t.passes.begin(b); err != nil {
		return err
	}
	n := t.lay.rowLen
	delta := t.obs.floats(slotRows, n)
	for k := 0; k < b.Rows; k++ {
		base := b.row(t.base, k)
		for _, m := range t.models {
			if !m.sp.wantPass() {
				continue
			}
			Sub(delta, b.row(m.input, k), base)
			m.sp.observeRow(b.FirstRow+int64(k), delta, &t.obs)
		}
	}
	return nil
}

func (t *gtaTensor) EndPass() error {
	if err := t.passes.end(); err != nil {
		return err
	}
	for _, m := range t.models {
		m.sp.endPass()
	}
	return nil
}

func (t *gtaTensor) Merge(dst []float32, b *RowBlock, s *Scratch) error {
	if err := b.check(t.inputs, t.lay.rowLen); err != nil {
		return err
	}
	if t.WantPass() {
		return fmt.Errorf("merge called before the statistics passes finished")
	}
	n, k := t.lay.rowLen, len(t.models)
	if len(dst) < b.Rows*n {
		return fmt.Errorf("merge output holds %d values, block needs %d", len(dst), b.Rows*n)
	}
	wd := s.rowSet(slotRows, k, n)
	sparse := s.floats(slotRows+k, n)
	for r := 0; r < b.Rows; r++ {
		row := b.FirstRow + int64(r)
		base := b.row(t.base, r)
		for i, m := range t.models {
			Sub(wd[i], b.row(m.input, r), base)
			d := m.sp.apply(sparse, wd[i], row, s)
			Scale(wd[i], d, m.weight)
		}
		out := dst[r*n : (r+1)*n]
		t.fuse(out, wd)
		Add(out, base, out)
	}
	return nil
}

// fuse combines the weighted deltas of one row into out, scaled by lambda.
func (t *gtaTensor) fuse(out []float32, wd [][]float32) {
	if t.elect {
		ElectFuse(out, wd, t.weights, t.normalize)
	} else {
		SumRows(out, wd)
		if t.normalize {
			DivScalar(out, out, t.divisor)
		}
	}
	if t.lambda != 1 {
		Scale(out, out, t.lambda)
	}
}

// passState checks that a statistics pass streams every row once, in order.
type passState struct {
	rows int64
	next int64
}

func (p *passState) begin(b *RowBlock) error {
	if b.FirstRow != p.next {
		return fmt.Errorf("statistics pass got rows from %d, expected %d (rows must come in order)", b.FirstRow, p.next)
	}
	if b.Rows < 0 || int64(b.Rows) > p.rows-p.next {
		return fmt.Errorf("statistics pass got %d rows at %d, tensor has %d", b.Rows, b.FirstRow, p.rows)
	}
	p.next += int64(b.Rows)
	return nil
}

func (p *passState) end() error {
	defer func() { p.next = 0 }()
	if p.next != p.rows {
		return fmt.Errorf("statistics pass covered %d of %d rows", p.next, p.rows)
	}
	return nil
}

// identity is a tensor whose output is one input unchanged.
type identity struct {
	lay   layout
	input int
}

func (t identity) Shape() []int64 { return t.lay.shape }
func (t identity) Inputs() []int  { return []int{t.input} }
func (t identity) Identity() int  { return t.input }
func (t identity) MaxPasses() int { return 0 }
func (t identity) WantPass() bool { return false }
func (t identity) Observe(*RowBlock) error {
	return fmt.Errorf("identity tensor has no statistics pass")
}
func (t identity) EndPass() error { return fmt.Errorf("identity tensor has no statistics pass") }

func (t identity) Merge(dst []float32, b *RowBlock, _ *Scratch) error {
	if err := b.check(t.Inputs(), t.lay.rowLen); err != nil {
		return err
	}
	n := b.Rows * b.RowLen
	if len(dst) < n {
		return fmt.Errorf("merge output holds %d values, block needs %d", len(dst), n)
	}
	copy(dst[:n], b.In[t.input][:n])
	return nil
}
