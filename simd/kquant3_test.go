package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// q3Input makes a Q3_K super-block whose 16 sub-blocks exercise
// make_q3_quants: qxInput's kinds (ordinary, tiny, zero, equal magnitudes
// of both signs, outliers, values on a grid) plus values whose cube
// overflows or whose square underflows, and sub-blocks that refine for
// many rounds (a few large values among small ones).
func q3Input(r *rand.Rand) []float32 {
	x, _ := qxInput(r)
	for j := 0; j < 16; j++ {
		s := math.Pow(10, -r.Float64()*4)
		switch r.IntN(8) {
		case 0:
			for i := 0; i < 16; i++ {
				x[16*j+i] = float32(r.NormFloat64() * 1e13)
			}
		case 1:
			for i := 0; i < 16; i++ {
				x[16*j+i] = float32(r.NormFloat64() * 1e-21)
			}
		case 2:
			for i := 0; i < 16; i++ {
				v := r.Float64() * s
				if i%4 == 0 {
					v = s * (3 + r.Float64())
				}
				x[16*j+i] = float32(v)
			}
		}
	}
	return x
}

func TestQ3Search16(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	forEachImpl(t, func(t *testing.T) {
		for _, nmax := range []int{4, 2, 8, 32} {
			for trial := 0; trial < 500; trial++ {
				x := q3Input(r)
				var gs, ws [16]float32
				gL, wL := make([]int8, 256), make([]int8, 256)
				for i := range gL {
					gL[i] = -1 // every level must be written
				}
				Q3Search16(x, gL, nmax, &gs)
				q3Search16Generic(x, wL, nmax, &ws)
				for j := 0; j < 16; j++ {
					if !sameOrNaN(gs[j], ws[j]) {
						t.Fatalf("nmax %d sub-block %d: scale %#x, want %#x", nmax, j, math.Float32bits(gs[j]), math.Float32bits(ws[j]))
					}
				}
				for i := range wL {
					if gL[i] != wL[i] {
						t.Fatalf("nmax %d: L[%d] = %d, want %d", nmax, i, gL[i], wL[i])
					}
				}
			}
		}
	})
}

// TestQ3ScalarRefines checks q3Scalar on a sub-block where the
// refinement moves levels: the result must fit x at least as well as the
// first rounding (ggml only accepts changes that raise sumlx²/suml2).
func TestQ3ScalarRefines(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	moved := 0
	for trial := 0; trial < 200; trial++ {
		x := make([]float32, 16)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		L := make([]int8, 16)
		scale := q3Scalar(x, L, 4)
		_, amax := maxAbs(x)
		var maxv float32
		for _, v := range x {
			if abs32(v) == amax {
				maxv = v
				break
			}
		}
		iscale := -4 / maxv
		var e0, e1 float64
		for i, v := range x {
			l0 := clampQX(nearestInt(iscale*v), 4)
			if int8(l0+4) != L[i] {
				moved++
			}
			d0 := float64(v) - float64(l0)/float64(iscale)
			d1 := float64(v) - float64(scale)*float64(int32(L[i])-4)
			e0 += float64(v*v) * d0 * d0
			e1 += float64(v*v) * d1 * d1
		}
		if e1 > e0*(1+1e-5) {
			t.Fatalf("trial %d: refined weighted error %g above the first rounding's %g", trial, e1, e0)
		}
	}
	if moved == 0 {
		t.Fatal("the refinement never moved a level")
	}
}

func maxAbs(x []float32) (int, float32) {
	var m float32
	k := 0
	for i, v := range x {
		if abs32(v) > m {
			k, m = i, abs32(v)
		}
	}
	return k, m
}

func TestQ3Search16Guards(t *testing.T) {
	var s [16]float32
	for _, c := range []struct{ nx, nl, nmax int }{{255, 256, 4}, {256, 257, 4}, {256, 256, 0}, {256, 256, 128}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", c)
				}
			}()
			Q3Search16(make([]float32, c.nx), make([]int8, c.nl), c.nmax, &s)
		}()
	}
}

// FuzzQ3Search16 runs the Q3_K search on a super-block built from the
// bytes (finite values).
func FuzzQ3Search16(f *testing.F) {
	f.Add(make([]byte, 1024))
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v := floatsFrom(b)
		x := make([]float32, 256)
		for i := range x {
			if len(v) > 0 {
				x[i] = v[i%len(v)]
			}
			if x[i] != x[i] || math.IsInf(float64(x[i]), 0) {
				x[i] = 0
			}
		}
		nmax := []int{4, 2, 8, 32}[len(b)%4]
		var gs, ws, gs2, gs3 [16]float32
		gL, wL, gL2, gL3 := make([]int8, 256), make([]int8, 256), make([]int8, 256), make([]int8, 256)
		Q3Search16(x, gL, nmax, &gs)
		q3Search16Generic(x, wL, nmax, &ws)
		// the two-block kernel, with a shifted copy as the other block
		x2 := append(append([]float32(nil), x[16:]...), x[:16]...)
		Q3Search16x2(x2, x, gL2, gL3, nmax, &gs2, &gs3)
		if string(bytesOf(gL3)) != string(bytesOf(wL)) {
			t.Fatalf("Q3Search16x2 levels differ")
		}
		for j := range gs {
			if !sameOrNaN(gs3[j], ws[j]) {
				t.Fatalf("Q3Search16x2 sub-block %d: scale %#x, want %#x", j, math.Float32bits(gs3[j]), math.Float32bits(ws[j]))
			}
			if !sameOrNaN(gs[j], ws[j]) {
				t.Fatalf("sub-block %d: scale %#x, want %#x", j, math.Float32bits(gs[j]), math.Float32bits(ws[j]))
			}
		}
		for i := range gL {
			if gL[i] != wL[i] {
				t.Fatalf("L[%d] = %d, want %d", i, gL[i], wL[i])
			}
		}
	})
}

// TestQ3Search16x2 checks the two-block search against the twin on each
// block, with blocks that need different numbers of rounds.
func TestQ3Search16x2(t *testing.T) {
	r := rand.New(rand.NewPCG(57, 58))
	forEachImpl(t, func(t *testing.T) {
		for _, nmax := range []int{4, 2, 8, 32} {
			for trial := 0; trial < 300; trial++ {
				off := trial % 8 // unaligned slices
				x0 := append(make([]float32, off), q3Input(r)...)[off:]
				x1 := append(make([]float32, 7-off), q3Input(r)...)[7-off:]
				switch trial % 7 {
				case 0:
					clear(x1) // all lanes inactive in one block
				case 3:
					clear(x0)
				case 5:
					copy(x1, x0) // the same block twice
				}
				var g0, g1, w0, w1 [16]float32
				buf := make([]int8, 2*256+32)
				for i := range buf {
					buf[i] = 0x55 // levels must be written, nothing around them
				}
				gL0, gL1 := buf[off:off+256], buf[256+16+off:256+16+off+256]
				wL0, wL1 := make([]int8, 256), make([]int8, 256)
				Q3Search16x2(x0, x1, gL0, gL1, nmax, &g0, &g1)
				for i, v := range buf {
					if (i < off || i >= off+256) && (i < 256+16+off || i >= 256+16+off+256) && v != 0x55 {
						t.Fatalf("byte %d outside the levels written", i)
					}
				}
				q3Search16Generic(x0, wL0, nmax, &w0)
				q3Search16Generic(x1, wL1, nmax, &w1)
				for j := range 16 {
					if !sameOrNaN(g0[j], w0[j]) || !sameOrNaN(g1[j], w1[j]) {
						t.Fatalf("nmax %d sub-block %d: scales %#x %#x, want %#x %#x", nmax, j,
							math.Float32bits(g0[j]), math.Float32bits(g1[j]), math.Float32bits(w0[j]), math.Float32bits(w1[j]))
					}
				}
				if string(bytesOf(gL0)) != string(bytesOf(wL0)) || string(bytesOf(gL1)) != string(bytesOf(wL1)) {
					t.Fatalf("nmax %d: levels differ", nmax)
				}
			}
		}
	})
}

func bytesOf(L []int8) []byte {
	b := make([]byte, len(L))
	for i, v := range L {
		b[i] = byte(v)
	}
	return b
}

// BenchmarkQ3Search16 compares one- and two-block searches (bytes: float32
// input of two super-blocks per op).
func BenchmarkQ3Search16(b *testing.B) {
	r := rand.New(rand.NewPCG(59, 60))
	x0, x1 := make([]float32, 256), make([]float32, 256)
	for i := range x0 {
		x0[i], x1[i] = float32(r.NormFloat64()*0.02), float32(r.NormFloat64()*0.02)
	}
	L0, L1 := make([]int8, 256), make([]int8, 256)
	var s0, s1 [16]float32
	b.Run("one", func(b *testing.B) {
		b.SetBytes(2 * 1024)
		for b.Loop() {
			Q3Search16(x0, L0, 4, &s0)
			Q3Search16(x1, L1, 4, &s1)
		}
	})
	b.Run("two", func(b *testing.B) {
		b.SetBytes(2 * 1024)
		for b.Loop() {
			Q3Search16x2(x0, x1, L0, L1, 4, &s0, &s1)
		}
	})
}
