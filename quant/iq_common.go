package quant

import "math"

// Helpers shared by the IQ1/IQ2/IQ3 quantizers. All float32 arithmetic is
// in ggml's C order; every product that is then added is rounded on its own
// (float32(a*b)) so no platform fuses it into an FMA.

// cMax is ggml's MAX(a, b) macro: a > b ? a : b (so NaN handling matches).
func cMax(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

// clampInt limits l to [lo, hi] as MAX(lo, MIN(hi, l)).
func clampInt(l int32, lo, hi int32) int32 {
	if l > hi {
		l = hi
	}
	if l < lo {
		l = lo
	}
	return l
}

// sumSquares is Σ x² accumulated in order.
func sumSquares(x []float32) float32 {
	s := float32(0)
	for _, v := range x {
		s += float32(v * v)
	}
	return s
}

// imatrixWeights fills w[i] = qw[i]·sqrt(sigma2 + x[i]²), the weights every
// IQ quantizer derives from importance weights.
func imatrixWeights(w, qw, x []float32, sigma2 float32) {
	qw, x = qw[:len(w)], x[:len(w)]
	for i := range w {
		w[i] = qw[i] * qxSqrt(sigma2+float32(x[i]*x[i]))
	}
}

// squareWeights fills w[i] = x[i]², the weights without an imatrix.
func squareWeights(w, x []float32) {
	x = x[:len(w)]
	for i := range w {
		w[i] = x[i] * x[i]
	}
}

// iqWeights fills the weights of one block of x: qw·sqrt(sigma2 + x²)
// with importance weights, x² without (qw nil), as the IQ1_M, IQ3 and IQ4
// quantizers weight.
func iqWeights(w, x, qw []float32, sigma2 float32) {
	if qw == nil {
		squareWeights(w, x)
		return
	}
	imatrixWeights(w, qw, x, sigma2)
}

// imatrixPart is imatrix[off : off+n], or nil without an imatrix.
func imatrixPart(imatrix []float32, off, n int) []float32 {
	if imatrix == nil {
		return nil
	}
	return imatrix[off : off+n]
}

// sqrtAll fills dst[i] = sqrt(src[i]) (ggml's waux).
func sqrtAll(dst, src []float32) {
	for i := range dst {
		dst[i] = qxSqrt(src[i])
	}
}

// evenSigns8 writes |xb| of one 8-group to xval and returns its 7-bit sign
// code. An odd number of negatives cannot be stored (the 8th sign is the
// parity), so the element with the smallest w·x² keeps the wrong sign.
func evenSigns8(xb, w, xval []float32) uint8 {
	nflip := 0
	s := uint8(0)
	for i := 0; i < 8; i++ {
		if xb[i] >= 0 {
			xval[i] = xb[i]
		} else {
			xval[i] = -xb[i]
			nflip++
			s |= 1 << i
		}
	}
	if nflip%2 != 0 {
		imin := 0
		min := w[0] * xb[0] * xb[0]
		for i := 1; i < 8; i++ {
			if ax := w[i] * xb[i] * xb[i]; ax < min {
				min, imin = ax, i
			}
		}
		xval[imin] = -xval[imin]
		s ^= 1 << imin
	}
	return s & 127
}

// allSigns8 writes |xb| of one 8-group to xval and returns its 8 sign bits.
func allSigns8(xb, xval []float32) uint8 {
	s := uint8(0)
	for i := 0; i < 8; i++ {
		if xb[i] >= 0 {
			xval[i] = xb[i]
		} else {
			xval[i] = -xb[i]
			s |= 1 << i
		}
	}
	return s
}

// maxOf is the running MAX over x, starting from x[0].
func maxOf(x []float32) float32 {
	m := x[0]
	for _, v := range x[1:] {
		m = cMax(m, v)
	}
	return m
}

// allTrue reports whether every entry of b is set.
func allTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}

// oddLevel is the level l in [0, maxL] of the odd grid value 2l+1 nearest
// to id·x: nearest_int(0.5·(id·x − 1)) clamped.
func oddLevel(id, x float32, maxL int32) uint8 {
	return uint8(clampInt(nearestInt(float32(0.5*(float32(id*x)-1))), 0, maxL))
}

// quantizeGroup sets the levels of one group for the inverse scale id and
// returns its code (bits per level).
func quantizeGroup(id float32, xval []float32, L []uint8, maxL int32, bits uint) int {
	code := 0
	xval = xval[:len(L)]
	for i := range L {
		L[i] = oddLevel(id, xval[i], maxL)
		code |= int(L[i]) << (bits * uint(i))
	}
	return code
}

// groupCode packs the levels L of one group.
func groupCode(L []uint8, bits uint) int {
	code := 0
	for i, l := range L {
		code |= int(l) << (bits * uint(i))
	}
	return code
}

// oddSums returns Σ w·x·q and Σ w·q·q with q = 2L+1.
func oddSums(w, xval []float32, L []uint8) (sumqx, sumq2 float32) {
	xval, L = xval[:len(w)], L[:len(w)] // one bounds check, not one per element
	for i := range w {
		q := float32(2*int32(L[i]) + 1)
		sumqx += float32(w[i] * xval[i] * q)
		sumq2 += float32(w[i] * q * q)
	}
	return sumqx, sumq2
}

// bestNeighbour is iq2/iq3_find_best_neighbour: the neighbour with the
// smallest Σ w·(scale·q − x)² (first one on ties); its levels go to L.
// ggml aborts when no distance is below FLT_MAX (NaN input); we take the
// first neighbour instead so bad input cannot crash the process.
func bestNeighbour(g *iqGrid, nb []uint16, xval, w []float32, scale float32, L []uint8) int {
	var gi int
	if g.dim == 8 {
		gi = nearest8(g.fpoints, nb, (*[8]float32)(xval), (*[8]float32)(w), scale)
	} else {
		gi = nearest4(g.fpoints, nb, (*[4]float32)(xval), (*[4]float32)(w), scale)
	}
	setLevels(g, gi, L)
	return gi
}

// nearest8 is the search loop of bestNeighbour for 8-coordinate grids,
// unrolled; the sum runs in coordinate order as in ggml.
func nearest8(pts []float32, nb []uint16, x, w *[8]float32, scale float32) int {
	best := float32(math.MaxFloat32)
	gi := int(nb[0])
	for _, j := range nb {
		p := (*[8]float32)(pts[8*int(j):])
		d0 := float32(scale*p[0]) - x[0]
		d1 := float32(scale*p[1]) - x[1]
		d2 := float32(scale*p[2]) - x[2]
		d3 := float32(scale*p[3]) - x[3]
		d4 := float32(scale*p[4]) - x[4]
		d5 := float32(scale*p[5]) - x[5]
		d6 := float32(scale*p[6]) - x[6]
		d7 := float32(scale*p[7]) - x[7]
		s := float32(w[0] * d0 * d0)
		s += float32(w[1] * d1 * d1)
		s += float32(w[2] * d2 * d2)
		s += float32(w[3] * d3 * d3)
		s += float32(w[4] * d4 * d4)
		s += float32(w[5] * d5 * d5)
		s += float32(w[6] * d6 * d6)
		s += float32(w[7] * d7 * d7)
		if s < best {
			best, gi = s, int(j)
		}
	}
	return gi
}

// nearest4 is nearest8 for the 4-coordinate IQ3 grids.
func nearest4(pts []float32, nb []uint16, x, w *[4]float32, scale float32) int {
	best := float32(math.MaxFloat32)
	gi := int(nb[0])
	for _, j := range nb {
		p := (*[4]float32)(pts[4*int(j):])
		d0 := float32(scale*p[0]) - x[0]
		d1 := float32(scale*p[1]) - x[1]
		d2 := float32(scale*p[2]) - x[2]
		d3 := float32(scale*p[3]) - x[3]
		s := float32(w[0] * d0 * d0)
		s += float32(w[1] * d1 * d1)
		s += float32(w[2] * d2 * d2)
		s += float32(w[3] * d3 * d3)
		if s < best {
			best, gi = s, int(j)
		}
	}
	return gi
}

// setLevels writes the levels of grid point gi to L.
func setLevels(g *iqGrid, gi int, L []uint8) {
	for i, p := range g.point(gi) {
		L[i] = uint8((p - 1) / 2)
	}
}

// subScaleCode is the 4-bit (maxL = 15) or 3-bit (maxL = 7) block scale
// code nearest_int(0.5·(id·scale − 1)) clamped.
func subScaleCode(id, scale float32, maxL int32) uint8 {
	return uint8(clampInt(nearestInt(float32(0.5*(float32(id*scale)-1))), 0, maxL))
}

// forEachSuperBlock runs block on every 256-element super-block of every
// row, with its output bytes and its slice of the importance weights (nil
// without an imatrix; the same weights apply to every row).
func forEachSuperBlock(t Type, dst []byte, src []float32, nPerRow int, imatrix []float32,
	block func(y []byte, x, qw []float32)) {
	bs := t.TypeSize()
	nb := nPerRow / QK_K
	for r := 0; r < len(src)/nPerRow; r++ {
		for ibl := 0; ibl < nb; ibl++ {
			qw := imatrixPart(imatrix, QK_K*ibl, QK_K)
			x := src[r*nPerRow+QK_K*ibl : r*nPerRow+QK_K*(ibl+1)]
			off := (r*nb + ibl) * bs
			block(dst[off:off+bs], x, qw)
		}
	}
}
