package merge

import "testing"

// TestMergeAllocsPerBlock: once a Scratch has grown, Merge allocates
// nothing per block, for every benchmarked method.
func TestMergeAllocsPerBlock(t *testing.T) {
	for _, c := range methodCases() {
		tm := c.j.merger(t)
		run(t, tm, c.j.in, 16, 1) // statistics passes
		n := int(tm.Shape()[0])
		blk := &RowBlock{FirstRow: 16, Rows: 16, RowLen: n, In: make([][]float32, len(c.j.in))}
		for _, i := range tm.Inputs() {
			blk.In[i] = c.j.in[i][16*n : 32*n]
		}
		out := make([]float32, 16*n)
		var s Scratch
		if err := tm.Merge(out, blk, &s); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(5, func() {
			if err := tm.Merge(out, blk, &s); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: Merge allocates %v times per block", c.name, allocs)
		}
	}
}
