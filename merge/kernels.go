package merge

import "math"

// Element-wise kernels the methods are built from. Each is a plain loop whose
// result for element j depends only on element j of its inputs, so a SIMD
// version may process any chunking and must give the same bits. Products that
// are then added are rounded to float32 first (float32(a*x)) so that no
// fused multiply-add changes the result on any architecture.
//
// Callers pass slices of equal length (dst's length rules).

// Sub sets dst[j] = a[j] - b[j] (the task vector of a against base b).
func Sub(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for j := range dst {
		dst[j] = a[j] - b[j]
	}
}

// Add sets dst[j] = a[j] + b[j].
func Add(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for j := range dst {
		dst[j] = a[j] + b[j]
	}
}

// Scale sets dst[j] = x[j] * a.
func Scale(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for j := range dst {
		dst[j] = x[j] * a
	}
}

// DivScalar sets dst[j] = x[j] / a (a division, as the reference does, not a
// multiplication by 1/a).
func DivScalar(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for j := range dst {
		dst[j] = x[j] / a
	}
}

// AddScaled sets dst[j] += a * x[j], the product rounded to float32 first.
func AddScaled(dst, x []float32, a float32) {
	x = x[:len(dst)]
	for j := range dst {
		dst[j] += float32(a * x[j])
	}
}

// Combine2 sets dst[j] = a*x[j] + b*y[j], each product rounded to float32.
func Combine2(dst, x, y []float32, a, b float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for j := range dst {
		dst[j] = float32(a*x[j]) + float32(b*y[j])
	}
}

// WeightedSum sets dst[j] = w_0*x_0[j] + w_1*x_1[j] + ... in row order,
// each product rounded to float32 before it is added.
func WeightedSum(dst []float32, xs [][]float32, w []float32) {
	Scale(dst, xs[0], w[0])
	for i, x := range xs[1:] {
		AddScaled(dst, x, w[i+1])
	}
}

// SumRows sets dst[j] = x_0[j] + x_1[j] + ... in row order.
func SumRows(dst []float32, xs [][]float32) {
	copy(dst, xs[0][:len(dst)])
	for _, x := range xs[1:] {
		x = x[:len(dst)]
		for j := range dst {
			dst[j] += x[j]
		}
	}
}

// KeepBelow is a Bernoulli mask with one keep probability: dst[j] = x[j] if
// u[j] < p, else 0.
func KeepBelow(dst, x, u []float32, p float32) {
	x, u = x[:len(dst)], u[:len(dst)]
	for j := range dst {
		if u[j] < p {
			dst[j] = x[j]
		} else {
			dst[j] = 0
		}
	}
}

// KeepBelowDiv is KeepBelow with the survivors divided by p (DARE's 1/(1-drop)).
func KeepBelowDiv(dst, x, u []float32, p float32) {
	x, u = x[:len(dst)], u[:len(dst)]
	for j := range dst {
		if u[j] < p {
			dst[j] = x[j] / p
		} else {
			dst[j] = 0
		}
	}
}

// KeepBelowEach is a Bernoulli mask with per-element keep probabilities
// (MagPrune): dst[j] = x[j] if u[j] < p[j], else 0.
func KeepBelowEach(dst, x, u, p []float32) {
	x, u, p = x[:len(dst)], u[:len(dst)], p[:len(dst)]
	for j := range dst {
		if u[j] < p[j] {
			dst[j] = x[j]
		} else {
			dst[j] = 0
		}
	}
}

// KeepBelowEachDiv is KeepBelowEach with each survivor divided by its own
// keep probability (DELLA's rescale as in the paper).
func KeepBelowEachDiv(dst, x, u, p []float32) {
	x, u, p = x[:len(dst)], u[:len(dst)], p[:len(dst)]
	for j := range dst {
		if u[j] < p[j] {
			dst[j] = x[j] / p[j]
		} else {
			dst[j] = 0
		}
	}
}

// AbsKeys sets keys[j] to the bits of |x[j]|: for non-NaN values the keys
// order exactly as the magnitudes do, and +0 and -0 get the same key.
func AbsKeys(keys []uint32, x []float32) {
	x = x[:len(keys)]
	for j := range keys {
		keys[j] = math.Float32bits(x[j]) &^ (1 << 31)
	}
}

// SumAbs returns the sum of |x[j]| accumulated in float64 in index order.
func SumAbs(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += math.Abs(float64(v))
	}
	return s
}

// ElectFuse is TIES's sign election ("sum") and disjoint merge over k models.
// wd[i] holds model i's weighted (already sparsified) delta and w[i] its
// weight. For every j: the elected sign is + when sum_i wd[i][j] >= 0 and -
// otherwise; model i agrees when wd[i][j] has that sign (zeros never agree);
// dst[j] = sum of agreeing wd[i][j], divided by the sum of the agreeing w[i]
// (1 when that is 0) if normalize. Sums run in model order.
func ElectFuse(dst []float32, wd [][]float32, w []float32, normalize bool) {
	const tile = 512
	var sum, div [tile]float32
	for j0 := 0; j0 < len(dst); j0 += tile {
		m := dst[j0:min(j0+tile, len(dst))]
		s, d := sum[:len(m)], div[:len(m)]
		copy(s, wd[0][j0:])
		for _, x := range wd[1:] {
			x = x[j0 : j0+len(m)]
			for j := range s {
				s[j] += x[j]
			}
		}
		clear(m)
		clear(d)
		for i, x := range wd {
			x = x[j0 : j0+len(m)]
			wi := w[i]
			for j := range m {
				v := x[j]
				if (s[j] >= 0 && v > 0) || (s[j] < 0 && v < 0) {
					m[j] += v
					d[j] += wi
				}
			}
		}
		if normalize {
			for j := range m {
				if d[j] == 0 {
					d[j] = 1
				}
				m[j] /= d[j]
			}
		}
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
		dst[j] = fuseAgreeing(wd, w, j, s >= 0, normalize)
	}
}

// fuseAgreeing sums the entries j that have the elected sign.
func fuseAgreeing(wd [][]float32, w []float32, j int, positive, normalize bool) float32 {
	var mixed, div float32
	for i := range wd {
		v := wd[i][j]
		if (positive && v > 0) || (!positive && v < 0) {
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
// tv[i][j]*w[i] divided by max(sum of the agreeing w[i], 1e-6).
func ElectWeightedMean(dst []float32, tv [][]float32, w []float32) {
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
