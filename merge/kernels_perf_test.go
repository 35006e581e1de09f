package merge

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernels times each kernel on 4096-element rows (3 rows for the
// row-set kernels) against the plain reference loop it replaced. Calls cycle
// through 16 different rows so that branchy reference loops cannot have
// their branches learned by the predictor. SetBytes counts the float32
// input of one row, so MB/s compares with BenchmarkMethods' per-delta
// figures; best-MB/s is the steadiest column on a loaded machine.
func BenchmarkKernels(b *testing.B) {
	const n, pool = 4096, 16
	r := rand.New(rand.NewPCG(3, 4))
	vecs := func(f func() float32) [pool][]float32 {
		var v [pool][]float32
		for i := range v {
			v[i] = make([]float32, n)
			for j := range v[i] {
				v[i][j] = f()
			}
		}
		return v
	}
	delta := func() float32 { return float32(r.NormFloat64() * 0.01) }
	x, y, z := vecs(delta), vecs(delta), vecs(delta)
	u := vecs(r.Float32)
	p := vecs(func() float32 { return 0.4 + 0.2*r.Float32() })
	w := []float32{0.5, 0.6, 0.7}
	dst := make([]float32, n)
	keys := make([]uint32, n)
	rank := make([]uint32, n)
	ph := NewPhilox(1, "t")
	var s Scratch
	k := 0
	next := func() int { k = (k + 1) % pool; return k }
	rows := func(i int) [][]float32 { return [][]float32{x[i], y[i], z[i]} }
	cases := []struct {
		name     string
		new, ref func(i int)
	}{
		{"Sub", func(i int) { Sub(dst, x[i], y[i]) }, func(i int) { refSub(dst, x[i], y[i]) }},
		{"Scale", func(i int) { Scale(dst, x[i], 0.3) }, func(i int) { refScale(dst, x[i], 0.3) }},
		{"WeightedSum3", func(i int) { WeightedSum(dst, rows(i), w) }, func(i int) { refWeightedSum(dst, rows(i), w) }},
		{"SumRows3", func(i int) { SumRows(dst, rows(i)) }, func(i int) { refSumRows(dst, rows(i)) }},
		{"ElectFuse3", func(i int) { ElectFuse(dst, rows(i), w, true) }, func(i int) { refElectFuse(dst, rows(i), w, true) }},
		{"ElectWeightedMean3", func(i int) { ElectWeightedMean(dst, rows(i), w) },
			func(i int) { refElectWeightedMean(dst, rows(i), w) }},
		{"KeepBelowDiv", func(i int) { KeepBelowDiv(dst, x[i], u[i], 0.5) }, func(i int) { refKeepBelow(dst, x[i], u[i], 0.5, true) }},
		{"KeepBelowEachDiv", func(i int) { KeepBelowEachDiv(dst, x[i], u[i], p[i]) },
			func(i int) { refKeepBelowEach(dst, x[i], u[i], p[i], true) }},
		{"keepBand", func(i int) { keepBand(dst, x[i], 0x3c000000, 1<<32) }, func(i int) { refKeepBand(dst, x[i], 0x3c000000, 1<<32) }},
		{"AbsKeys", func(i int) { AbsKeys(keys, x[i]) }, func(i int) { refAbsKeys(keys, x[i]) }},
		{"Philox", func(i int) { ph.Fill(dst, 1, int64(i), 0) }, func(i int) { oldPhiloxFill(ph, dst, 1, int64(i), 0) }},
		{"DellaDrop", func(i int) { dellaDrop(dst, x[i], u[i], &s) }, func(i int) { oldDellaDrop(dst, x[i], u[i], &s) }},
		{"Rank", func(i int) { AbsKeys(keys, x[i]); rankByKey(rank, keys, &s) },
			func(i int) {
				AbsKeys(keys, x[i])
				for q, v := range oldSortByKey(keys, &s) {
					rank[uint32(v)] = uint32(q)
				}
			}},
		{"SumAbs", func(i int) { SumAbs(x[i]) }, nil},
	}
	got, want := make([]float32, n), make([]float32, n)
	dellaDrop(got, x[0], nil, &s)
	oldDellaDrop(want, x[0], nil, &s)
	for j := range got {
		if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
			b.Fatalf("DELLA drop differs from the old one at %d: %v vs %v", j, got[j], want[j])
		}
	}
	for _, c := range cases {
		for _, v := range []struct {
			name string
			f    func(int)
		}{{"new", c.new}, {"ref", c.ref}} {
			if v.f == nil {
				continue
			}
			b.Run(c.name+"/"+v.name, func(b *testing.B) { timeBest(b, n*4, 100, func() { v.f(next()) }) })
		}
	}
}

// dellaDrop is DELLA's drop of one row (d 0.5, eps 0.1, prob rescale) as
// magprune does it: ranks, uniforms, simd.MagPrune.
func dellaDrop(dst, delta, _ []float32, s *Scratch) {
	m := magprune{lo: 0.4, eps: 0.1, den: float32(len(delta) - 1), rng: NewPhilox(1, "t")}
	m.drop(dst, delta, 3, s, true)
}

// oldDellaDrop is the drop as it was: three-pass sort, probability table
// scattered by rank, scalar Philox, branchy KeepBelowEachDiv.
func oldDellaDrop(dst, delta, _ []float32, s *Scratch) {
	n := len(delta)
	ptab := s.floats(slotTmp, n)
	lo, e, den := f32(0.5-0.1), f32(0.1), float32(n-1)
	for q := range ptab {
		ptab[q] = lo + float32(float32(float32(q)/den)*2*e)
	}
	s.u32 = growU32(s.u32, n)
	refAbsKeys(s.u32, delta)
	p := s.floats(slotP, n)
	for q, v := range oldSortByKey(s.u32, s) {
		p[uint32(v)] = ptab[q]
	}
	u := s.floats(slotU, n)
	oldPhiloxFill(NewPhilox(1, "t"), u, 0, 3, 0)
	refKeepBelowEach(dst, delta, u, p, true)
}

// oldPhiloxFill is Philox.Fill as it was: one scalar block per four columns.
func oldPhiloxFill(p Philox, u []float32, model int, row int64, col0 int) {
	c1, c2, c3 := uint32(row), uint32(uint64(row)>>32), uint32(model)
	k := 0
	for ; k < len(u) && (col0+k)&3 != 0; k++ {
		w := philox4x32([4]uint32{uint32((col0 + k) >> 2), c1, c2, c3}, p.k0, p.k1)
		u[k] = float32(w[(col0+k)&3]>>8) * (1.0 / (1 << 24))
	}
	for ; k+4 <= len(u); k += 4 {
		w := philox4x32([4]uint32{uint32((col0 + k) >> 2), c1, c2, c3}, p.k0, p.k1)
		for l := range 4 {
			u[k+l] = float32(w[l]>>8) * (1.0 / (1 << 24))
		}
	}
	for ; k < len(u); k++ {
		w := philox4x32([4]uint32{uint32((col0 + k) >> 2), c1, c2, c3}, p.k0, p.k1)
		u[k] = float32(w[(col0+k)&3]>>8) * (1.0 / (1 << 24))
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
