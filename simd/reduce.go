package simd

import "math"

// Reductions. Sums use a fixed order that every implementation follows:
// the first len&^31 elements go round-robin into 32 float32 lanes
// (lane l takes elements l, l+32, l+64, ...), the lanes are folded in
// halves (lane l += lane l+16, then l += l+8, l+4, l+2, l+1), and the
// remaining len%32 elements are added one by one to the folded sum.
// That order suits 4 AVX2 or 8 NEON accumulators, so the assembly is
// bitwise identical to the generic code, not merely close.

const lanes = 32

// AbsMax returns the largest |x[i]|, 0 for an empty slice. NaNs are
// ignored (an all-NaN slice gives 0); ±Inf counts as +Inf.
func AbsMax(x []float32) float32 { return absMax(x) }

// Sum returns the sum of x in the lane order described above.
func Sum(x []float32) float32 { return sum(x) }

// SumAbs returns the sum of |x[i]| (an L1 norm) in the lane order.
func SumAbs(x []float32) float32 { return sumAbs(x) }

// SumSquares returns the sum of x[i]*x[i] (each square rounded) in the
// lane order.
func SumSquares(x []float32) float32 { return sumSquares(x) }

// Dot returns the sum of x[i]*y[i] (each product rounded) in the lane
// order. len(x) must equal len(y).
func Dot(x, y []float32) float32 {
	checkLen2("Dot", len(x), len(y))
	return dot(x, y)
}

func absMaxGeneric(x []float32) float32 {
	var m float32
	for _, v := range x {
		if a := abs32(v); a > m {
			m = a
		}
	}
	return m
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// fold reduces the 32 lanes in halves.
func fold(acc *[lanes]float32) float32 {
	for w := lanes / 2; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			acc[l] += acc[l+w]
		}
	}
	return acc[0]
}

func sumGeneric(x []float32) float32 {
	var acc [lanes]float32
	n := len(x) &^ (lanes - 1)
	for i := 0; i < n; i += lanes {
		for l, v := range x[i : i+lanes] {
			acc[l] += v
		}
	}
	s := fold(&acc)
	for _, v := range x[n:] {
		s += v
	}
	return s
}

func sumAbsGeneric(x []float32) float32 {
	var acc [lanes]float32
	n := len(x) &^ (lanes - 1)
	for i := 0; i < n; i += lanes {
		for l, v := range x[i : i+lanes] {
			acc[l] += abs32(v)
		}
	}
	s := fold(&acc)
	for _, v := range x[n:] {
		s += abs32(v)
	}
	return s
}

func sumSquaresGeneric(x []float32) float32 {
	var acc [lanes]float32
	n := len(x) &^ (lanes - 1)
	for i := 0; i < n; i += lanes {
		for l, v := range x[i : i+lanes] {
			acc[l] += float32(v * v)
		}
	}
	s := fold(&acc)
	for _, v := range x[n:] {
		s += float32(v * v)
	}
	return s
}

func dotGeneric(x, y []float32) float32 {
	var acc [lanes]float32
	n := len(x) &^ (lanes - 1)
	for i := 0; i < n; i += lanes {
		yy := y[i : i+lanes]
		for l, v := range x[i : i+lanes] {
			acc[l] += float32(v * yy[l])
		}
	}
	s := fold(&acc)
	for i := n; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}

// lanes64 is the lane count of the float64 sums.
const lanes64 = 16

// SumAbs64 returns the sum of |x[i]| accumulated in float64: the first
// len&^15 elements round-robin into 16 float64 lanes, folded in halves
// (l += l+8, l+4, l+2, l+1), then the rest added one by one.
func SumAbs64(x []float32) float64 { return sumAbs64(x) }

func sumAbs64Generic(x []float32) float64 {
	var acc [lanes64]float64
	n := len(x) &^ (lanes64 - 1)
	for i := 0; i < n; i += lanes64 {
		for l, v := range x[i : i+lanes64] {
			acc[l] += float64(abs32(v))
		}
	}
	for w := lanes64 / 2; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			acc[l] += acc[l+w]
		}
	}
	s := acc[0]
	for _, v := range x[n:] {
		s += float64(abs32(v))
	}
	return s
}
