//go:build !purego

package simd

// qxInAsm and qxOutAsm (kquant_t_amd64.s) move a super-block into and out
// of qxState's transposed layout with vector shuffles.

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

// store writes the levels l+nmax (0 in inactive lanes) to L and the scales
// (0 in inactive lanes). nmax is in s.
func (s *qxState) store(L []int8, _ int, scales *[16]float32) {
	_ = L[255]
	qxOutAsm(s, &L[0])
	*scales = s.scale
}

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
