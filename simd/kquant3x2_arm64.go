//go:build !purego

package simd

// q3Search16x2Asm (kquant3x2_arm64.s) runs q3Search16Asm on a and b with
// their refinement chains interleaved.
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
