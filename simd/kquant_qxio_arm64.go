//go:build !purego

package simd

// qxInAsm and qxOutAsm (kquant_t_arm64.s) move a super-block into and out
// of qxState's transposed layout with NEON 4x4 transposes.

//go:noescape
func qxInAsm(s *qxState, x, w *float32, cube int)

//go:noescape
func qxOutAsm(s *qxState, L *int8)

// load sets s.x = x and s.w = w (x² when w is nil) transposed (element i of
// sub-block j at [16*i+j]), and with cube s.aux = s.w*s.x.
func (s *qxState) load(x, w []float32, cube bool) {
	_ = x[255] // the assembly reads 256 values
	var wp *float32
	if w != nil {
		_ = w[255]
		wp = &w[0]
	}
	c := 0
	if cube {
		c = 1
	}
	qxInAsm(s, &x[0], wp, c)
}

// store copies the per-lane scales and the levels l+nmax out of s, with
// all-zero sub-blocks (inactive lanes) set to scale 0 and levels 0. nmax
// is in s; s.w and s.aux are scratch.
func (s *qxState) store(L []int8, _ int, scales *[16]float32) {
	_ = L[255]
	qxOutAsm(s, &L[0])
	*scales = s.scale
}
