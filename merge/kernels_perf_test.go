package merge

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernels times each kernel on one 4096-element row (3 rows for
// the row-set kernels) against the plain reference loop it replaced.
// SetBytes counts the float32 input of one row, so MB/s compares with
// BenchmarkMethods' per-delta figures.
func BenchmarkKernels(b *testing.B) {
	const n = 4096
	r := rand.New(rand.NewPCG(3, 4))
	vec := func() []float32 {
		x := make([]float32, n)
		for j := range x {
			x[j] = float32(r.NormFloat64() * 0.01)
		}
		return x
	}
	x, y, z := vec(), vec(), vec()
	rows := [][]float32{x, y, z}
	w := []float32{0.5, 0.6, 0.7}
	u, p := make([]float32, n), make([]float32, n)
	for j := range u {
		u[j], p[j] = r.Float32(), 0.4+0.2*r.Float32()
	}
	dst := make([]float32, n)
	keys := make([]uint32, n)
	AbsKeys(keys, x)
	ph := NewPhilox(1, "t")
	var s Scratch
	cases := []struct {
		name     string
		new, ref func()
	}{
		{"Sub", func() { Sub(dst, x, y) }, func() { refSub(dst, x, y) }},
		{"Scale", func() { Scale(dst, x, 0.3) }, func() { refScale(dst, x, 0.3) }},
		{"WeightedSum3", func() { WeightedSum(dst, rows, w) }, func() { refWeightedSum(dst, rows, w) }},
		{"SumRows3", func() { SumRows(dst, rows) }, func() { refSumRows(dst, rows) }},
		{"ElectFuse3", func() { ElectFuse(dst, rows, w, true) }, func() { refElectFuse(dst, rows, w, true) }},
		{"ElectWeightedMean3", func() { ElectWeightedMean(dst, rows, w) }, func() { refElectWeightedMean(dst, rows, w) }},
		{"KeepBelowDiv", func() { KeepBelowDiv(dst, x, u, 0.5) }, func() { refKeepBelow(dst, x, u, 0.5, true) }},
		{"KeepBelowEachDiv", func() { KeepBelowEachDiv(dst, x, u, p) }, func() { refKeepBelowEach(dst, x, u, p, true) }},
		{"keepBand", func() { keepBand(dst, x, 0x3c000000, 1<<32) }, func() { refKeepBand(dst, x, 0x3c000000, 1<<32) }},
		{"AbsKeys", func() { AbsKeys(keys, x) }, func() { refAbsKeys(keys, x) }},
		{"Philox", func() { ph.Fill(u, 1, 7, 0) }, func() { refPhiloxFill(ph, u, 1, 7, 0) }},
		{"SortByKey", func() { sortByKey(keys, &s) }, nil},
		{"SumAbs", func() { SumAbs(x) }, nil},
	}
	for _, c := range cases {
		for _, v := range []struct {
			name string
			f    func()
		}{{"new", c.new}, {"ref", c.ref}} {
			if v.f == nil {
				continue
			}
			b.Run(c.name+"/"+v.name, func(b *testing.B) { timeBest(b, n*4, 100, v.f) })
		}
	}
}

// refKeepBand is the branchy threshold loop keepBand replaced.
func refKeepBand(dst, x []float32, lo, hi int64) {
	for j, v := range x {
		if a := int64(math.Float32bits(v) &^ (1 << 31)); lo <= a && a < hi {
			dst[j] = v
		} else {
			dst[j] = 0
		}
	}
}
