package merge

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Every kernel is element-wise: running it on pieces of the slices must give
// the same bits as one call. A SIMD version must pass the same test.
func TestKernelsChunking(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	const n = 1500
	vec := func() []float32 {
		x := make([]float32, n)
		for j := range x {
			switch r.IntN(8) {
			case 0:
				x[j] = 0
			case 1:
				x[j] = float32(r.IntN(5)-2) * 0.5 // ties and exact cancellations
			default:
				x[j] = float32(r.NormFloat64())
			}
		}
		return x
	}
	a, b, c := vec(), vec(), vec()
	u := make([]float32, n)
	p := make([]float32, n)
	for j := range u {
		u[j], p[j] = r.Float32(), 0.2+0.6*r.Float32()
	}
	rows := [][]float32{a, b, c}
	w := []float32{0.7, -0.3, 1.2}
	kernels := map[string]func(dst []float32, lo, hi int){
		"Sub":              func(d []float32, lo, hi int) { Sub(d, a[lo:hi], b[lo:hi]) },
		"Add":              func(d []float32, lo, hi int) { Add(d, a[lo:hi], b[lo:hi]) },
		"Scale":            func(d []float32, lo, hi int) { Scale(d, a[lo:hi], 0.37) },
		"DivScalar":        func(d []float32, lo, hi int) { DivScalar(d, a[lo:hi], 0.37) },
		"AddScaled":        func(d []float32, lo, hi int) { copy(d, c[lo:hi]); AddScaled(d, a[lo:hi], 0.37) },
		"Combine2":         func(d []float32, lo, hi int) { Combine2(d, a[lo:hi], b[lo:hi], 0.3, 0.7) },
		"WeightedSum":      func(d []float32, lo, hi int) { WeightedSum(d, sub(rows, lo, hi), w) },
		"SumRows":          func(d []float32, lo, hi int) { SumRows(d, sub(rows, lo, hi)) },
		"KeepBelow":        func(d []float32, lo, hi int) { KeepBelow(d, a[lo:hi], u[lo:hi], 0.4) },
		"KeepBelowDiv":     func(d []float32, lo, hi int) { KeepBelowDiv(d, a[lo:hi], u[lo:hi], 0.4) },
		"KeepBelowEach":    func(d []float32, lo, hi int) { KeepBelowEach(d, a[lo:hi], u[lo:hi], p[lo:hi]) },
		"KeepBelowEachDiv": func(d []float32, lo, hi int) { KeepBelowEachDiv(d, a[lo:hi], u[lo:hi], p[lo:hi]) },
		"ElectFuse":        func(d []float32, lo, hi int) { ElectFuse(d, sub(rows, lo, hi), w, true) },
		"ElectFuseRaw":     func(d []float32, lo, hi int) { ElectFuse(d, sub(rows, lo, hi), w, false) },
		"ElectFuseCount":   func(d []float32, lo, hi int) { ElectFuseCount(d, sub(rows, lo, hi), w, true) },
		"ElectWeighted":    func(d []float32, lo, hi int) { ElectWeightedMean(d, sub(rows, lo, hi), w) },
		"NearSwap":         func(d []float32, lo, hi int) { NearSwap(d, a[lo:hi], b[lo:hi], 0.15) },
		"RAMFuse":          func(d []float32, lo, hi int) { RAMFuse(d, sub(rows, lo, hi), w, 0.6) },
		"AbsKeys": func(d []float32, lo, hi int) {
			k := make([]uint32, hi-lo)
			AbsKeys(k, a[lo:hi])
			for j := range k {
				d[j] = math.Float32frombits(k[j])
			}
		},
	}
	for name, k := range kernels {
		whole := make([]float32, n)
		k(whole, 0, n)
		pieces := make([]float32, n)
		for lo := 0; lo < n; {
			hi := min(n, lo+1+r.IntN(700))
			k(pieces[lo:hi], lo, hi)
			lo = hi
		}
		for j := range whole {
			if math.Float32bits(whole[j]) != math.Float32bits(pieces[j]) {
				t.Fatalf("%s: element %d is %v in one call, %v in pieces", name, j, whole[j], pieces[j])
			}
		}
	}
	var s1, s2 float64
	s1 = SumAbs(a)
	for j := range a {
		s2 += math.Abs(float64(a[j]))
	}
	if s1 != s2 {
		t.Fatalf("SumAbs %v, want %v", s1, s2)
	}
}

func sub(xs [][]float32, lo, hi int) [][]float32 {
	out := make([][]float32, len(xs))
	for i, x := range xs {
		out[i] = x[lo:hi]
	}
	return out
}

// ElectFuse against its definition, element by element.
func TestElectFuseDefinition(t *testing.T) {
	wd := [][]float32{{1, -2, 0, 3, -1, 0}, {-1, -1, 0, -4, 1, 0}, {0.5, 2, 0, 1, 0, -0.0}}
	w := []float32{1, 2, 4}
	got := make([]float32, 6)
	ElectFuse(got, wd, w, true)
	// sums: 0.5, -1, 0, 0, 0, 0 -> signs +, -, +, +, +, +
	want := []float32{(1 + 0.5) / 5, (-2 - 1) / 3, 0, 4.0 / 5, 1.0 / 2, 0}
	near(t, "ElectFuse", got, want, 1e-7)
}
