package simd

import "math"

// Element-wise merge arithmetic. dst may be the same slice as an input
// (identical start), but must not otherwise overlap one. Products that are
// added are rounded first (no fused multiply-add), on every implementation.

func checkLen2(name string, n, m int) {
	if n != m {
		panic("simd: " + name + ": slice lengths differ")
	}
}

// Add sets dst[i] = a[i] + b[i].
func Add(dst, a, b []float32) {
	checkLen2("Add", len(dst), len(a))
	checkLen2("Add", len(dst), len(b))
	add(dst, a, b)
}

// Sub sets dst[i] = a[i] - b[i] (a task-vector delta: model - base).
func Sub(dst, a, b []float32) {
	checkLen2("Sub", len(dst), len(a))
	checkLen2("Sub", len(dst), len(b))
	sub(dst, a, b)
}

// Scale sets dst[i] = a * x[i].
func Scale(dst, x []float32, a float32) {
	checkLen2("Scale", len(dst), len(x))
	scale(dst, x, a)
}

// AddScaled sets dst[i] += a * x[i], the product rounded before the add.
func AddScaled(dst, x []float32, a float32) {
	checkLen2("AddScaled", len(dst), len(x))
	addScaled(dst, x, a)
}

func checkRows(name string, n int, rows [][]float32, w []float32) {
	if len(rows) != len(w) {
		panic("simd: " + name + ": len(rows) != len(w)")
	}
	for _, r := range rows {
		if len(r) != n {
			panic("simd: " + name + ": row length differs from dst")
		}
	}
}

// WeightedSum sets dst[j] = w[0]*rows[0][j] + w[1]*rows[1][j] + ..., each
// product rounded and the sum taken in row order; dst is 0 when there are
// no rows. dst must not overlap any row.
func WeightedSum(dst []float32, rows [][]float32, w []float32) {
	checkRows("WeightedSum", len(dst), rows, w)
	if len(rows) == 0 {
		clear(dst)
		return
	}
	weightedSum(dst, rows, w)
}

// TIESFuse is the TIES sign election and disjoint merge over k weighted
// deltas rows[i] (already multiplied by their weights w[i]). For each j:
//
//	S = rows[0][j] + rows[1][j] + ...            (in row order, from +0)
//	elect + where S >= 0, else - (a NaN S elects -)
//	mixed = sum of rows[i][j] whose sign is the elected one (zeros never vote)
//	div   = sum of w[i] over the same rows; 1 where that is 0
//	dst[j] = mixed/div if normalize, else mixed
//
// dst must not overlap any row.
func TIESFuse(dst []float32, rows [][]float32, w []float32, normalize bool) {
	checkRows("TIESFuse", len(dst), rows, w)
	tiesFuse(dst, rows, w, normalize)
}

// DivScalar sets dst[i] = x[i] / a (a division, not a multiplication by 1/a).
func DivScalar(dst, x []float32, a float32) {
	checkLen2("DivScalar", len(dst), len(x))
	divScalar(dst, x, a)
}

// Combine2 sets dst[i] = a*x[i] + b*y[i], each product rounded (the
// two-row WeightedSum: SLERP, model stock).
func Combine2(dst, x, y []float32, a, b float32) {
	checkLen2("Combine2", len(dst), len(x))
	checkLen2("Combine2", len(dst), len(y))
	rows := [2][]float32{x, y}
	w := [2]float32{a, b}
	weightedSum(dst, rows[:], w[:])
}

// SumRows sets dst[j] = rows[0][j] + rows[1][j] + ... in row order; dst is
// 0 when there are no rows. dst must not overlap any row.
func SumRows(dst []float32, rows [][]float32) {
	for _, r := range rows {
		checkLen2("SumRows", len(dst), len(r))
	}
	if len(rows) == 0 {
		clear(dst)
		return
	}
	sumRows(dst, rows)
}

// ElectWeightedMean is SCE's fuse over unweighted task vectors tv: the sign
// is elected on S = sum of tv[i][j] (+ when S >= 0), and
//
//	dst[j] = (sum of w[i]*tv[i][j] over agreeing rows) / max(sum of their w[i], 1e-6)
//
// with each product rounded and Go's max (a NaN stays NaN).
func ElectWeightedMean(dst []float32, tv [][]float32, w []float32) {
	checkRows("ElectWeightedMean", len(dst), tv, w)
	electWeightedMean(dst, tv, w)
}

// KeepBelow is a Bernoulli mask with one keep probability (DARE):
// dst[i] = x[i] if u[i] < p, else 0.
func KeepBelow(dst, x, u []float32, p float32) {
	checkLen2("KeepBelow", len(dst), len(x))
	checkLen2("KeepBelow", len(dst), len(u))
	keepBelow(dst, x, u, p, false)
}

// KeepBelowDiv is KeepBelow with the survivors divided by p.
func KeepBelowDiv(dst, x, u []float32, p float32) {
	checkLen2("KeepBelowDiv", len(dst), len(x))
	checkLen2("KeepBelowDiv", len(dst), len(u))
	keepBelow(dst, x, u, p, true)
}

// KeepBelowEach is a Bernoulli mask with per-element keep probabilities:
// dst[i] = x[i] if u[i] < p[i], else 0.
func KeepBelowEach(dst, x, u, p []float32) {
	checkLen2("KeepBelowEach", len(dst), len(x))
	checkLen2("KeepBelowEach", len(dst), len(u))
	checkLen2("KeepBelowEach", len(dst), len(p))
	keepBelowEach(dst, x, u, p, false)
}

// KeepBelowEachDiv is KeepBelowEach with each survivor divided by its p[i].
func KeepBelowEachDiv(dst, x, u, p []float32) {
	checkLen2("KeepBelowEachDiv", len(dst), len(x))
	checkLen2("KeepBelowEachDiv", len(dst), len(u))
	checkLen2("KeepBelowEachDiv", len(dst), len(p))
	keepBelowEach(dst, x, u, p, true)
}

// AbsKeys sets keys[i] to the bits of |x[i]|: sort keys that order as the
// magnitudes do (NaNs last), with +0 and -0 equal.
func AbsKeys(keys []uint32, x []float32) {
	checkLen2("AbsKeys", len(keys), len(x))
	absKeys(keys, x)
}

// MagPrune is the DELLA MAGPRUNE drop step for one row, the keep
// probability computed from each element's magnitude rank (0 = smallest)
// in the order merge's magpruneProbs uses for rows of n > 1 elements:
//
//	p = lo + float32(float32(float32(float32(rank[j])/den)*2) * eps)
//	keep = u[j] < p                  (u uniform in [0,1))
//	dst[j] = keep ? delta[j]/p : 0   with rescale, keep ? delta[j] : 0 without
//
// with lo = float32(density-epsilon), eps = float32(epsilon) and
// den = float32(n-1). Ranks must be below 2^31.
func MagPrune(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool) {
	checkLen2("MagPrune", len(dst), len(delta))
	checkLen2("MagPrune", len(dst), len(rank))
	checkLen2("MagPrune", len(dst), len(u))
	magPrune(dst, delta, rank, u, lo, eps, den, rescale)
}

func addGeneric(dst, a, b []float32) {
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

func subGeneric(dst, a, b []float32) {
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

func scaleGeneric(dst, x []float32, a float32) {
	for i := range dst {
		dst[i] = a * x[i]
	}
}

func addScaledGeneric(dst, x []float32, a float32) {
	for i := range dst {
		dst[i] += float32(a * x[i])
	}
}

func weightedSumGeneric(dst []float32, rows [][]float32, w []float32) {
	weightedSumFrom(dst, rows, w, 0)
}

// weightedSumFrom computes dst[j] for j >= from (the assembly's tail).
func weightedSumFrom(dst []float32, rows [][]float32, w []float32, from int) {
	for j := from; j < len(dst); j++ {
		s := float32(w[0] * rows[0][j])
		for i := 1; i < len(rows); i++ {
			s += float32(w[i] * rows[i][j])
		}
		dst[j] = s
	}
}

func tiesFuseGeneric(dst []float32, rows [][]float32, w []float32, normalize bool) {
	tiesFuseFrom(dst, rows, w, normalize, 0)
}

// tiesFuseFrom computes dst[j] for j >= from (the assembly's tail).
func tiesFuseFrom(dst []float32, rows [][]float32, w []float32, normalize bool, from int) {
	for j := from; j < len(dst); j++ {
		var s float32
		for _, r := range rows {
			s += r[j]
		}
		pos := s >= 0
		var mixed, div float32
		for i, r := range rows {
			if v := r[j]; (pos && v > 0) || (!pos && v < 0) {
				mixed += v
				div += w[i]
			}
		}
		if normalize {
			if div == 0 {
				div = 1
			}
			mixed /= div
		}
		dst[j] = mixed
	}
}

func divScalarGeneric(dst, x []float32, a float32) {
	for i := range dst {
		dst[i] = x[i] / a
	}
}

func sumRowsGeneric(dst []float32, rows [][]float32) { sumRowsFrom(dst, rows, 0) }

// sumRowsFrom computes dst[j] for j >= from.
func sumRowsFrom(dst []float32, rows [][]float32, from int) {
	for j := from; j < len(dst); j++ {
		s := rows[0][j]
		for _, r := range rows[1:] {
			s += r[j]
		}
		dst[j] = s
	}
}

func electWeightedMeanGeneric(dst []float32, tv [][]float32, w []float32) {
	electWeightedMeanFrom(dst, tv, w, 0)
}

// electWeightedMeanFrom computes dst[j] for j >= from.
func electWeightedMeanFrom(dst []float32, tv [][]float32, w []float32, from int) {
	for j := from; j < len(dst); j++ {
		var s float32
		for _, r := range tv {
			s += r[j]
		}
		pos := s >= 0
		var mixed, div float32
		for i, r := range tv {
			if v := r[j]; (pos && v > 0) || (!pos && v < 0) {
				mixed += float32(v * w[i])
				div += w[i]
			}
		}
		dst[j] = mixed / max(div, 1e-6)
	}
}

func keepBelowGeneric(dst, x, u []float32, p float32, div bool) {
	for i := range dst {
		var v float32
		if u[i] < p {
			v = x[i]
			if div {
				v /= p
			}
		}
		dst[i] = v
	}
}

func keepBelowEachGeneric(dst, x, u, p []float32, div bool) {
	for i := range dst {
		var v float32
		if u[i] < p[i] {
			v = x[i]
			if div {
				v /= p[i]
			}
		}
		dst[i] = v
	}
}

func absKeysGeneric(keys []uint32, x []float32) {
	for i := range keys {
		keys[i] = math.Float32bits(x[i]) &^ (1 << 31)
	}
}

func magPruneGeneric(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool) {
	for j := range dst {
		t := float32(float32(int32(rank[j]))/den) * 2
		p := lo + float32(t*eps)
		var v float32
		if u[j] < p {
			v = delta[j]
			if rescale {
				v /= p
			}
		}
		dst[j] = v
	}
}
