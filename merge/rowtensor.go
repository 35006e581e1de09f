package merge

import "fmt"

// rowTensor implements TensorMerger for methods described by per-row
// callbacks: optional statistics passes (observe/end), then a per-row merge.
type rowTensor struct {
	lay    layout
	inputs []int
	npass  int         // statistics passes wanted (an upper bound when want is set)
	want   func() bool // when set, decides whether another pass is needed
	done   int         // passes finished
	passes passState
	obs    Scratch

	observe func(pass int, row int64, in rowView, s *Scratch)
	end     func(pass int) error
	merge   func(out []float32, row int64, in rowView, s *Scratch)
	state   any // the method's own state, for tests
}

func newRowTensor(lay layout, inputs []int) *rowTensor {
	return &rowTensor{lay: lay, inputs: inputs, passes: passState{rows: lay.rows}}
}

func (t *rowTensor) Shape() []int64 { return t.lay.shape }
func (t *rowTensor) Inputs() []int  { return t.inputs }
func (t *rowTensor) Identity() int  { return -1 }
func (t *rowTensor) MaxPasses() int { return t.npass }
func (t *rowTensor) WantPass() bool {
	if t.want != nil {
		return t.want()
	}
	return t.done < t.npass
}

func (t *rowTensor) Observe(b *RowBlock) error {
	if !t.WantPass() {
		return fmt.Errorf("no statistics pass is open")
	}
	if err := b.check(t.inputs, t.lay.rowLen); err != nil {
		return err
	}
	if err := t.passes.begin(b); err != nil {
		return err
	}
	for k := 0; k < b.Rows; k++ {
		t.observe(t.done, b.FirstRow+int64(k), rowView{b, k}, &t.obs)
	}
	return nil
}

func (t *rowTensor) EndPass() error {
	if !t.WantPass() {
		return fmt.Errorf("no statistics pass is open")
	}
	if err := t.passes.end(); err != nil {
		return err
	}
	err := t.end(t.done)
	t.done++
	return err
}

func (t *rowTensor) Merge(dst []float32, b *RowBlock, s *Scratch) error {
	if t.WantPass() {
		return fmt.Errorf("merge called before the statistics passes finished")
	}
	if err := b.check(t.inputs, t.lay.rowLen); err != nil {
		return err
	}
	n := t.lay.rowLen
	if len(dst) < b.Rows*n {
		return fmt.Errorf("merge output holds %d values, block needs %d", len(dst), b.Rows*n)
	}
	for k := 0; k < b.Rows; k++ {
		t.merge(dst[k*n:(k+1)*n], b.FirstRow+int64(k), rowView{b, k}, s)
	}
	return nil
}

// rowView is row k of a block; at(i) is input i's row.
type rowView struct {
	b *RowBlock
	k int
}

func (v rowView) at(i int) []float32 { return v.b.row(i, v.k) }

// dot64 returns sum x[j]*y[j] in float64, in index order.
func dot64(x, y []float32) float64 {
	y = y[:len(x)]
	var s float64
	for j, v := range x {
		s += float64(v) * float64(y[j])
	}
	return s
}
