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
				for off := 0; off < 8; off++ {
					rows, w := randRows(r, k, n, false)
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
		}
	})
}

func TestTIESFuse(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	forEachImpl(t, func(t *testing.T) {
		for _, k := range []int{0, 1, 2, 3, 4, 7} {
			for _, n := range testLengths {
				for off := 0; off < 8; off++ {
					norm := off%2 == 1
					rows, w := randRows(r, k, n, true)
					if k >= 2 && n > 0 { // weights that cancel: div == 0 -> 1
						w[1] = -w[0]
					}
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
				d, eps := 0.3, 0.15
				lo, e, den := float32(d-eps), float32(eps), float32(max(n-1, 1))
				for _, rescale := range []bool{false, true} {
					got, full := f32Buf(n, (off+1)%8)
					want := make([]float32, n)
					MagPrune(got, delta, rank, u, lo, e, den, rescale)
					magPruneGeneric(want, delta, rank, u, lo, e, den, rescale)
					compareF32(t, "MagPrune", got, want, sameOrNaN)
					checkGuardF32(t, full, (off+1)%8+n)
				}
			}
		}
	})
}

func TestDivScalar(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				a := randFinite(r)
				if off == 0 {
					a = 0 // x/0: ±Inf and NaN
				}
				x := in(r, n, (off+2)%8)
				got, full := f32Buf(n, off)
				want := make([]float32, n)
				DivScalar(got, x, a)
				divScalarGeneric(want, x, a)
				compareF32(t, "DivScalar", got, want, sameOrNaN)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func TestCombine2(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				x, y := in(r, n, r.IntN(8)), in(r, n, r.IntN(8))
				a, b := randFinite(r), randFinite(r)
				got, full := f32Buf(n, off)
				want := make([]float32, n)
				Combine2(got, x, y, a, b)
				for j := range want {
					want[j] = float32(a*x[j]) + float32(b*y[j])
				}
				compareF32(t, "Combine2", got, want, sameOrNaN)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func TestSumRows(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	forEachImpl(t, func(t *testing.T) {
		for _, k := range []int{0, 1, 2, 3, 6} {
			for _, n := range testLengths {
				for off := 0; off < 8; off++ {
					rows, _ := randRows(r, k, n, r.IntN(2) == 0)
					got, full := f32Buf(n, off)
					want := make([]float32, n)
					SumRows(got, rows)
					if k > 0 {
						sumRowsGeneric(want, rows)
					}
					compareF32(t, "SumRows", got, want, sameOrNaN)
					checkGuardF32(t, full, off+n)
				}
			}
		}
	})
}

func TestElectWeightedMean(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	forEachImpl(t, func(t *testing.T) {
		for _, k := range []int{0, 1, 2, 3, 5} {
			for _, n := range testLengths {
				for off := 0; off < 8; off++ {
					tv, w := randRows(r, k, n, true)
					if k >= 2 {
						w[1] = -w[0] // div 0 -> 1e-6
					}
					if k >= 3 && n%3 == 0 {
						w[2] = float32(math.NaN())
					}
					got, full := f32Buf(n, off)
					want := make([]float32, n)
					ElectWeightedMean(got, tv, w)
					electWeightedMeanGeneric(want, tv, w)
					compareF32(t, "ElectWeightedMean", got, want, sameOrNaN)
					checkGuardF32(t, full, off+n)
				}
			}
		}
	})
}

func TestKeepBelow(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				x := in(r, n, off)
				u, p := make([]float32, n), make([]float32, n)
				for j := range u {
					u[j] = float32(r.Uint32()>>8) * 0x1p-24
					p[j] = float32(r.Float64())
					if j%7 == 0 {
						u[j] = p[j] // u == p drops
					}
				}
				ps := float32(r.Float64())
				for _, div := range []bool{false, true} {
					got, full := f32Buf(n, (off+3)%8)
					want := make([]float32, n)
					if div {
						KeepBelowDiv(got, x, u, ps)
					} else {
						KeepBelow(got, x, u, ps)
					}
					keepBelowGeneric(want, x, u, ps, div)
					compareF32(t, "KeepBelow", got, want, sameOrNaN)
					checkGuardF32(t, full, (off+3)%8+n)
					if div {
						KeepBelowEachDiv(got, x, u, p)
					} else {
						KeepBelowEach(got, x, u, p)
					}
					keepBelowEachGeneric(want, x, u, p, div)
					compareF32(t, "KeepBelowEach", got, want, sameOrNaN)
					checkGuardF32(t, full, (off+3)%8+n)
				}
			}
		}
	})
}

func TestAbsKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				x := in(r, n, off)
				full := make([]uint32, off+n+guardLen)
				for i := range full {
					full[i] = guardF32
				}
				got := full[off : off+n]
				want := make([]uint32, n)
				AbsKeys(got, x)
				absKeysGeneric(want, x)
				for j := range want {
					if got[j] != want[j] {
						t.Fatalf("AbsKeys: element %d: got %#x, want %#x", j, got[j], want[j])
					}
				}
				for _, g := range full[off+n:] {
					if g != guardF32 {
						t.Fatalf("AbsKeys wrote past the destination")
					}
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
		"MagPrune":    func() { MagPrune(a, a, make([]uint32, 3), a, 0, 0, 1, false) },
		"DivScalar":   func() { DivScalar(a, b, 1) },
		"Combine2":    func() { Combine2(a, a, b, 1, 1) },
		"SumRows":     func() { SumRows(a, [][]float32{b}) },
		"EWM":         func() { ElectWeightedMean(a, [][]float32{a}, nil) },
		"KeepBelow":   func() { KeepBelow(a, b, a, 0.5) },
		"KeepEach":    func() { KeepBelowEach(a, a, a, b) },
		"AbsKeys":     func() { AbsKeys(make([]uint32, 3), a) },
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
