package merge

import (
	"math"

	"github.com/ggufmerge/ggufmerge/simd"
)

// Element-wise kernels the methods are built from. The result for element j
// depends only on element j of the inputs, so any chunking gives the same
// bits. Products that are then added are rounded to float32 first
// (float32(a*x)) so that no fused multiply-add changes the result on any
// architecture. Most run on package simd, whose assembly and pure-Go twins
// (-tags purego) give the same bits as the plain loops kept in
// kernels_simd_test.go as the reference.
//
// Callers pass slices of equal length (dst's length rules); the rows of a
// row set must all be exactly len(dst) long.

// Sub sets dst[j] = a[j] - b[j] (the task vector of a against base b).
func Sub(dst, a, b []float32) { simd.Sub(dst, a[:len(dst)], b[:len(dst)]) }

// Add sets dst[j] = a[j] + b[j].
func Add(dst, a, b []float32) { simd.Add(dst, a[:len(dst)], b[:len(dst)]) }

// Scale sets dst[j] = x[j] * a.
func Scale(dst, x []float32, a float32) { simd.Scale(dst, x[:len(dst)], a) }

// DivScalar sets dst[j] = x[j] / a (a division, as the reference does, not a
// multiplication by 1/a).
func DivScalar(dst, x []float32, a float32) { simd.DivScalar(dst, x[:len(dst)], a) }

// AddScaled sets dst[j] += a * x[j], the product rounded to float32 first.
func AddScaled(dst, x []float32, a float32) { simd.AddScaled(dst, x[:len(dst)], a) }

// Combine2 sets dst[j] = a*x[j] + b*y[j], each product rounded to float32.
func Combine2(dst, x, y []float32, a, b float32) {
	simd.Combine2(dst, x[:len(dst)], y[:len(dst)], a, b)
}

// WeightedSum sets dst[j] = w_0*x_0[j] + w_1*x_1[j] + ... in row order,
// each product rounded to float32 before it is added.
func WeightedSum(dst []float32, xs [][]float32, w []float32) { simd.WeightedSum(dst, xs, w) }

// SumRows sets dst[j] = x_0[j] + x_1[j] + ... in row order.
func SumRows(dst []float32, xs [][]float32) { simd.SumRows(dst, xs) }

// KeepBelow is a Bernoulli mask with one keep probability: dst[j] = x[j] if
// u[j] < p, else 0.
func KeepBelow(dst, x, u []float32, p float32) {
	simd.KeepBelow(dst, x[:len(dst)], u[:len(dst)], p)
}

// KeepBelowDiv is KeepBelow with the survivors divided by p (DARE's 1/(1-drop)).
func KeepBelowDiv(dst, x, u []float32, p float32) {
	simd.KeepBelowDiv(dst, x[:len(dst)], u[:len(dst)], p)
}

// KeepBelowEach is a Bernoulli mask with per-element keep probabilities
// (MagPrune): dst[j] = x[j] if u[j] < p[j], else 0.
func KeepBelowEach(dst, x, u, p []float32) {
	simd.KeepBelowEach(dst, x[:len(dst)], u[:len(dst)], p[:len(dst)])
}

// KeepBelowEachDiv is KeepBelowEach with each survivor divided by its own
// keep probability (DELLA's rescale as in the paper).
func KeepBelowEachDiv(dst, x, u, p []float32) {
	simd.KeepBelowEachDiv(dst, x[:len(dst)], u[:len(dst)], p[:len(dst)])
}

// AbsKeys sets keys[j] to the bits of |x[j]|: for non-NaN values the keys
// order exactly as the magnitudes do, and +0 and -0 get the same key.
func AbsKeys(keys []uint32, x []float32) { simd.AbsKeys(keys, x[:len(keys)]) }

// keepBand sets dst[j] = x[j] where lo <= a < hi for a = the bits of |x[j]|
// (AbsKeys's key, NaNs above +Inf), else +0. Branch-free (the mask is a
// conditional move): a magnitude threshold on random data would mispredict
// about every other element. Not inlined: inside its callers the loop ran
// out of registers.
//
//go:noinline
func keepBand(dst, x []float32, lo, hi int64) {
	if hi <= lo {
		clear(dst)
		return
	}
	x = x[:len(dst)]
	width := uint64(hi - lo)
	for j, v := range x {
		b := math.Float32bits(v)
		var m uint32
		if uint64(int64(b&^(1<<31))-lo) < width { // lo <= a < hi in one compare
			m = ^uint32(0)
		}
		dst[j] = math.Float32frombits(b & m)
	}
}

// SumAbs returns the sum of |x[j]| accumulated in float64 in index order.
// (simd.SumAbs64 adds in lanes, a different rounding, so it is not used.)
func SumAbs(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += math.Abs(float64(v))
	}
	return s
}

// sumAbs2 returns SumAbs(x) and SumAbs(y) in one loop (two independent
// chains, the same bits as two calls).
func sumAbs2(x, y []float32) (sx, sy float64) {
	y = y[:len(x)]
	for j, v := range x {
		sx += math.Abs(float64(v))
		sy += math.Abs(float64(y[j]))
	}
	return sx, sy
}

// ElectFuse is TIES's sign election ("sum") and disjoint merge over k models.
// wd[i] holds model i's weighted (already sparsified) delta and w[i] its
// weight. For every j: the elected sign is + when sum_i wd[i][j] >= 0 and -
// otherwise; model i agrees when wd[i][j] has that sign (zeros never agree);
// dst[j] = sum of agreeing wd[i][j], divided by the sum of the agreeing w[i]
// (1 when that is 0) if normalize. Sums run in model order. Where the sum is
// NaN no model agrees (dst[j] = 0), as torch's sign election does.
func ElectFuse(dst []float32, wd [][]float32, w []float32, normalize bool) {
	// simd.TIESFuse elects - on a NaN sum; with finite inputs there is none.
	if allFinite(wd) {
		simd.TIESFuse(dst, wd, w, normalize)
		return
	}
	electFuseGo(dst, wd, w, normalize)
}

// allFinite reports whether no row holds a NaN or an infinity (a sum that
// overflows also says false, which only costs the slower path).
func allFinite(xs [][]float32) bool {
	for _, x := range xs {
		if s := simd.Sum(x); s-s != 0 {
			return false
		}
	}
	return true
}

// electFuseGo is ElectFuse for rows that may hold NaNs or infinities.
func electFuseGo(dst []float32, wd [][]float32, w []float32, normalize bool) {
	for j := range dst {
		var s float32
		for i := range wd {
			s += wd[i][j]
		}
		dst[j] = fuseAgreeing(wd, w, j, s >= 0, s < 0, normalize)
	}
}

// ElectFuseCount is ElectFuse with mergekit's "count" election: the sign is
// + when the count of positive entries is at least the count of negative ones.
// No registered method uses it; it is kept for parity with the reference.
func ElectFuseCount(dst []float32, wd [][]float32, w []float32, normalize bool) {
	for j := range dst {
		var s float32
		for i := range wd {
			switch v := wd[i][j]; {
			case v > 0:
				s++
			case v < 0:
				s--
			}
		}
		dst[j] = fuseAgreeing(wd, w, j, s >= 0, s < 0, normalize)
	}
}

// fuseAgreeing sums the entries j that are > 0 when pos, < 0 when neg.
func fuseAgreeing(wd [][]float32, w []float32, j int, pos, neg, normalize bool) float32 {
	var mixed, div float32
	for i := range wd {
		v := wd[i][j]
		if (pos && v > 0) || (neg && v < 0) {
			mixed += v
			div += w[i]
		}
	}
	if !normalize {
		return mixed
	}
	if div == 0 {
		div = 1
	}
	return mixed / div
}

// ElectWeightedMean is SCE's fuse: signs are elected on the unweighted task
// vectors tv ("sum", a tie elects +); dst[j] = sum of the agreeing
// tv[i][j]*w[i] divided by max(sum of the agreeing w[i], 1e-6). Where the sum
// is NaN no model agrees.
func ElectWeightedMean(dst []float32, tv [][]float32, w []float32) {
	// As in ElectFuse, simd's kernel differs only on NaN sums.
	if allFinite(tv) {
		simd.ElectWeightedMean(dst, tv, w)
		return
	}
	for j := range dst {
		var s float32
		for i := range tv {
			s += tv[i][j]
		}
		var mixed, div float32
		for i := range tv {
			v := tv[i][j]
			if (s >= 0 && v > 0) || (s < 0 && v < 0) {
				mixed += float32(v * w[i])
				div += w[i]
			}
		}
		dst[j] = mixed / max(div, 1e-6)
	}
}
