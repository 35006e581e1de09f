package simd

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

// MagPrune is the DELLA MAGPRUNE drop step for one row of deltas. The keep
// probability of element j grows linearly with its magnitude rank:
//
//	p = lo + step*float32(rank[j])               (product rounded first)
//	keep = u[j] < p                              (u uniform in [0,1))
//	dst[j] = keep ? delta[j]/p : 0   with rescale
//	dst[j] = keep ? delta[j]   : 0   without
//
// Callers choose lo = density-epsilon and step = 2*epsilon/(n-1) for ranks
// 0..n-1 (0 = smallest |delta|). Ranks must be below 2^31.
func MagPrune(dst, delta []float32, rank []uint32, u []float32, lo, step float32, rescale bool) {
	checkLen2("MagPrune", len(dst), len(delta))
	checkLen2("MagPrune", len(dst), len(rank))
	checkLen2("MagPrune", len(dst), len(u))
	magPrune(dst, delta, rank, u, lo, step, rescale)
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

func magPruneGeneric(dst, delta []float32, rank []uint32, u []float32, lo, step float32, rescale bool) {
	for j := range dst {
		p := lo + float32(step*float32(int32(rank[j])))
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
