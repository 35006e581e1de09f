package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// in returns a random input of n elements at offset off (its own buffer).
func in(r *rand.Rand, n, off int) []float32 {
	s, _ := f32Buf(n, off)
	randFloats(r, s)
	return s
}

func TestElementwise(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	type kernel struct {
		name      string
		fast, ref func(dst, a, b []float32)
	}
	a := randFinite(r)
	kernels := []kernel{
		{"Add", Add, addGeneric},
		{"Sub", Sub, subGeneric},
		{"Scale", func(d, x, _ []float32) { Scale(d, x, a) }, func(d, x, _ []float32) { scaleGeneric(d, x, a) }},
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T) {
				for _, n := range testLengths {
					for off := 0; off < 8; off++ {
						x, y := in(r, n, off), in(r, n, (off+3)%8)
						got, full := f32Buf(n, off)
						want := make([]float32, n)
						k.fast(got, x, y)
						k.ref(want, x, y)
						compareF32(t, k.name, got, want, sameOrNaN)
						checkGuardF32(t, full, off+n)
						// in place: dst is the first input
						k.fast(x, x, y)
						compareF32(t, k.name+" in place", x, want, sameOrNaN)
					}
				}
			})
		})
	}
}

func TestAddScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				a := randFinite(r)
				x := in(r, n, (off+5)%8)
				got, full := f32Buf(n, off)
				randFloats(r, got)
				want := append([]float32(nil), got...)
				AddScaled(got, x, a)
				addScaledGeneric(want, x, a)
				compareF32(t, "AddScaled", got, want, sameOrNaN)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func randRows(r *rand.Rand, k, n int, zeros bool) ([][]float32, []float32) {
	rows := make([][]float32, k)
	w := make([]float32, k)
	for i := range rows {
		rows[i] = in(r, n, r.IntN(8))
		if zeros { // sparsified deltas: many exact zeros, some -0
			for j := range rows[i] {
				switch r.IntN(4) {
				case 0:
					rows[i][j] = 0
				case 1:
					rows[i][j] = float32(math.Copysign(0, -1))
				}
			}
		}
		w[i] = float32(r.NormFloat64())
		if r.IntN(6) == 0 {
			w[i] = 0
		}
	}
	return rows, w
}

func TestWeightedSum(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	forEachImpl(t, func(t *testing.T) {
		for _, k := range []int{0, 1, 2, 3, 5, 8} {
			for _, n := range testLengths {
				rows, w := randRows(r, k, n, false)
				off := r.IntN(8)
				got, full := f32Buf(n, off)
				want := make([]float32, n)
				WeightedSum(got, rows, w)
				if k == 0 {
					clear(want)
				} else {
					weightedSumGeneric(want, rows, w)
				}
				compareF32(t, "WeightedSum", got, want, sameOrNaN)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func TestTIESFuse(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	forEachImpl(t, func(t *testing.T) {
		for _, k := range []int{0, 1, 2, 3, 4, 7} {
			for _, n := range testLengths {
				for _, norm := range []bool{false, true} {
					rows, w := randRows(r, k, n, true)
					if k >= 2 && n > 0 { // weights that cancel: div == 0 -> 1
						w[1] = -w[0]
					}
					off := r.IntN(8)
					got, full := f32Buf(n, off)
					want := make([]float32, n)
					TIESFuse(got, rows, w, norm)
					tiesFuseGeneric(want, rows, w, norm)
					compareF32(t, "TIESFuse", got, want, sameOrNaN)
					checkGuardF32(t, full, off+n)
				}
			}
		}
	})
}

func TestTIESFuseSemantics(t *testing.T) {
	// Hand-checked cases (mergekit ties: sign election on the sum of
	// weighted deltas, disjoint mean over agreeing non-zero entries).
	rows := [][]float32{{1, -2, 0, 3, -1}, {-3, -1, 0, 0, 1}, {1, 4, 0, -3, 0}}
	w := []float32{0.5, 1, 2}
	want := []float32{
		-3 / 1.0, // S=-1 elects -: only row 1's -3 votes
		4 / 2.0,  // S=1 elects +: row 2's 4
		0,        // nothing votes: mixed 0, div 1
		3 / 0.5,  // S=0 elects +: row 0's 3
		1 / 1.0,  // S=0 elects +: row 1's 1
	}
	forEachImpl(t, func(t *testing.T) {
		got := make([]float32, 5)
		TIESFuse(got, rows, w, true)
		compareF32(t, "TIESFuse", got, want, sameBits)
		TIESFuse(got, rows, w, false)
		compareF32(t, "TIESFuse (sum)", got, []float32{-3, 4, 0, 3, 1}, sameBits)
	})
}

func TestMagPrune(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				delta := in(r, n, off)
				rank := make([]uint32, n)
				u := make([]float32, n)
				for j := range rank {
					rank[j] = uint32(r.IntN(max(n, 1)))
					u[j] = float32(r.Uint32()>>8) * 0x1p-24
				}
				d, eps := float32(0.3), float32(0.15)
				step := float32(2 * float64(eps) / float64(max(n-1, 1)))
				for _, rescale := range []bool{false, true} {
					got, full := f32Buf(n, (off+1)%8)
					want := make([]float32, n)
					MagPrune(got, delta, rank, u, d-eps, step, rescale)
					magPruneGeneric(want, delta, rank, u, d-eps, step, rescale)
					compareF32(t, "MagPrune", got, want, sameOrNaN)
					checkGuardF32(t, full, (off+1)%8+n)
				}
			}
		}
	})
}

func TestMergePanics(t *testing.T) {
	a, b := make([]float32, 4), make([]float32, 5)
	for name, f := range map[string]func(){
		"Add":         func() { Add(a, a, b) },
		"Sub":         func() { Sub(b, a, a) },
		"Scale":       func() { Scale(a, b, 1) },
		"AddScaled":   func() { AddScaled(a, b, 1) },
		"WeightedSum": func() { WeightedSum(a, [][]float32{a, b}, []float32{1, 1}) },
		"TIESFuse":    func() { TIESFuse(a, [][]float32{a}, nil, true) },
		"MagPrune":    func() { MagPrune(a, a, make([]uint32, 3), a, 0, 0, false) },
		"Dot":         func() { Dot(a, b) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s accepted mismatched lengths", name)
				}
			}()
			f()
		}()
	}
}
