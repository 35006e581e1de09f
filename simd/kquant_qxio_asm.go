//go:build (amd64 || arm64) && !purego

package simd

// qxInAsm and qxOutAsm move a super-block into and out of qxState's
// transposed layout (element i of sub-block j at [16*i+j]): AVX2 8x8
// shuffles in kquant_t_amd64.s, NEON 4x4 transposes in kquant_t_arm64.s.

//go:noescape
func qxInAsm(s *qxState, x, w *float32, cube int)

//go:noescape
func qxOutAsm(s *qxState, L *int8)

// load sets s.x = x and s.w = w (x² when w is nil) transposed, and with
// cube s.aux = s.w*s.x.
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

// q3Search16x2Asm (kquant6_amd64.s / kquant3x2_arm64.s) runs
// q3Search16Asm on a and b with their refinement chains interleaved.
//
//go:noescape
func q3Search16x2Asm(a, b *qxState)

func q3Search16x2(x0, x1 []float32, L0, L1 []int8, nmax int, scales0, scales1 *[16]float32) {
	if !useAsm {
		q3Search16Generic(x0, L0, nmax, scales0)
		q3Search16Generic(x1, L1, nmax, scales1)
		return
	}
	var a, b qxState
	a.load(x0, nil, true)
	b.load(x1, nil, true)
	a.setNmax(nmax)
	b.setNmax(nmax)
	q3Search16x2Asm(&a, &b)
	a.store(L0, nmax, scales0)
	b.store(L1, nmax, scales1)
}
