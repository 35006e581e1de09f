package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

var qkxParamSets = []QKXParams{
	{Nmax: 15, Rmin: -1, Rdelta: 0.1, Nstep: 20},              // Q4_K _ref
	{Nmax: 31, Rmin: -0.5, Rdelta: 0.1, Nstep: 15},            // Q5_K _ref
	{Nmax: 15, Rmin: -0.9, Rdelta: 0.05, Nstep: 36, V3: true}, // Q4_K/Q5_K _impl (qkx3)
	{Nmax: 31, Rmin: -0.9, Rdelta: 0.05, Nstep: 36, V3: true},
	{Nmax: 3, Rmin: -0.5, Rdelta: 0.1, Nstep: 15, UseMad: true}, // Q2_K's rule on 32 values
	{Nmax: 15, Rmin: -1, Rdelta: 0.1, Nstep: 0},                 // no trials
}

// qkxInput makes a super-block whose sub-blocks exercise the search's
// branches: ordinary, all positive (min clamped to 0), all negative, all
// zero or constant (degenerate), tiny, with outliers, with zero weights,
// and with -0 as the minimum.
func qkxInput(r *rand.Rand) (x, w []float32) {
	x, w = make([]float32, 256), make([]float32, 256)
	for j := 0; j < 8; j++ {
		kind := r.IntN(10)
		s := math.Pow(10, -r.Float64()*6)
		for i := 0; i < 32; i++ {
			v := r.NormFloat64() * s
			switch kind {
			case 1:
				v = math.Abs(v) + s
			case 2:
				v = -math.Abs(v) - s
			case 3:
				v = 0
			case 4:
				v = s
			case 5:
				if i == 7 {
					v *= 50
				}
			case 6:
				v = float64(float32(math.Round(v/s*4) * s / 4)) // exact repeats
			case 9: // positive but for a -0 minimum
				v = math.Abs(v) + s
				if i == 0 {
					v = math.Copysign(0, -1)
				}
			}
			x[32*j+i] = float32(v)
		}
		var sumX2 float32
		for _, v := range x[32*j : 32*j+32] {
			sumX2 += float32(v * v)
		}
		av := float32(math.Sqrt(float64(sumX2 / 32)))
		for i := 0; i < 32; i++ {
			w[32*j+i] = av + abs32(x[32*j+i]) // the Q4_K _ref weights
			if kind == 7 {
				w[32*j+i] = float32(math.Exp(r.NormFloat64())) // imatrix-like
			}
			if kind == 8 && i%3 == 0 {
				w[32*j+i] = 0
			}
		}
	}
	return x, w
}

func TestQKXSearch8(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	forEachImpl(t, func(t *testing.T) {
		for _, p := range qkxParamSets {
			for trial := 0; trial < 300; trial++ {
				x, w := qkxInput(r)
				var gs, gm, ws, wm [8]float32
				gL, wL := make([]uint8, 256), make([]uint8, 256)
				QKXSearch8(x, w, gL, p, &gs, &gm)
				qkxSearch8Generic(x, w, wL, p, &ws, &wm)
				for j := 0; j < 8; j++ {
					if !sameBits(gs[j], ws[j]) || !sameBits(gm[j], wm[j]) {
						t.Fatalf("%+v sub-block %d: scale,min = %#x,%#x, want %#x,%#x", p, j,
							math.Float32bits(gs[j]), math.Float32bits(gm[j]), math.Float32bits(ws[j]), math.Float32bits(wm[j]))
					}
				}
				for i := range wL {
					if gL[i] != wL[i] {
						t.Fatalf("%+v: L[%d] = %d, want %d", p, i, gL[i], wL[i])
					}
				}
			}
		}
	})
}

func TestQKXScalarKnown(t *testing.T) {
	// A sub-block of the values 0..31 with unit weights and nmax 31 fits
	// exactly: scale 1, min 0, L = x.
	x, w := make([]float32, 32), make([]float32, 32)
	for i := range x {
		x[i], w[i] = float32(i), 1
	}
	L := make([]uint8, 32)
	s, m := qkxScalar(x, w, L, QKXParams{Nmax: 31, Rmin: -0.5, Rdelta: 0.1, Nstep: 15})
	if s != 1 || m != 0 {
		t.Fatalf("scale, min = %g, %g; want 1, 0", s, m)
	}
	for i, l := range L {
		if int(l) != i {
			t.Fatalf("L[%d] = %d", i, l)
		}
	}
	// constant sub-block: degenerate, scale 0, the_min = -min(x, 0)
	for i := range x {
		x[i] = -2
	}
	if s, m := qkxScalar(x, w, L, QKXParams{Nmax: 15, Nstep: 20}); s != 0 || m != 2 {
		t.Fatalf("constant -2: scale %g, min %g", s, m)
	}
}

// TestQKXStateLayout pins the qkxState offsets the assembly uses.
func TestQKXStateLayout(t *testing.T) {
	checkQKXLayout(t)
}

// qxInput makes a Q6_K super-block whose 16 sub-blocks exercise
// make_qx_quants: ordinary, tiny (below GROUP_MAX_EPS), zero, ties in
// |x| between a positive and a negative value, outliers, and with
// importance weights (some zero) or nil.
func qxInput(r *rand.Rand) (x, w []float32) {
	x, w = make([]float32, 256), make([]float32, 256)
	for j := 0; j < 16; j++ {
		kind := r.IntN(7)
		s := math.Pow(10, -r.Float64()*5)
		for i := 0; i < 16; i++ {
			v := r.NormFloat64() * s
			switch kind {
			case 1:
				v *= 1e-12
			case 2:
				v = 0
			case 3: // equal magnitudes of both signs
				v = s * float64(1-2*(i%2))
			case 4:
				if i == 3 {
					v *= 40
				}
			case 5:
				v = math.Round(v/s*8) * s / 8
			}
			x[16*j+i] = float32(v)
			w[16*j+i] = float32(math.Exp(r.NormFloat64()))
			if i%5 == 0 && kind == 6 {
				w[16*j+i] = 0
			}
		}
	}
	if r.IntN(2) == 0 {
		w = nil
	}
	return x, w
}

func TestQXSearch16(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	forEachImpl(t, func(t *testing.T) {
		for _, nmax := range []int{32, 4, 8, 16} {
			for trial := 0; trial < 300; trial++ {
				x, w := qxInput(r)
				var gs, ws [16]float32
				gL, wL := make([]int8, 256), make([]int8, 256)
				QXSearch16(x, w, gL, nmax, &gs)
				qxSearch16Generic(x, w, wL, nmax, &ws)
				for j := 0; j < 16; j++ {
					if !sameBits(gs[j], ws[j]) {
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

// TestQXStateLayout pins the qxState offsets the assembly uses.
func TestQXStateLayout(t *testing.T) { checkQXLayout(t) }

// q2KParamSets are Q2_K's searches: _ref (make_qkx2_quants, weights |x|,
// mean absolute error) and _impl (make_qkx3_quants).
var q2KParamSets = []QKXParams{
	{Nmax: 3, Rmin: -0.5, Rdelta: 0.1, Nstep: 15, UseMad: true},
	{Nmax: 3, Rmin: -0.9, Rdelta: 0.05, Nstep: 36, V3: true},
}

// qkxInput16 is qkxInput with some 16-value sub-blocks made constant (so
// degenerate and ordinary lanes share a vector) and, half the time, Q2_K's
// _ref weights |x| (zero where x is, so the weight sum can be 0).
func qkxInput16(r *rand.Rand) (x, w []float32) {
	x, w = qkxInput(r)
	for j := 0; j < 16; j++ {
		if r.IntN(5) == 0 {
			for i := 1; i < 16; i++ {
				x[16*j+i] = x[16*j]
			}
		}
	}
	if r.IntN(2) == 0 {
		for i, v := range x {
			w[i] = abs32(v)
		}
	}
	return x, w
}

func TestQKXSearch16(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	forEachImpl(t, func(t *testing.T) {
		for _, p := range append(q2KParamSets, qkxParamSets...) {
			for trial := 0; trial < 300; trial++ {
				x, w := qkxInput16(r)
				off := trial % 8 // the kernels take unaligned slices
				x = append(make([]float32, off), x...)[off:]
				w = append(make([]float32, 7-off), w...)[7-off:]
				var gs, gm, ws, wm [16]float32
				buf, wL := make([]uint8, 256+16), make([]uint8, 256)
				for i := range buf {
					buf[i] = 0xff // every level must be written, nothing past L
				}
				gL := buf[off : off+256]
				QKXSearch16(x, w, gL, p, &gs, &gm)
				qkxSearch16Generic(x, w, wL, p, &ws, &wm)
				for i, b := range buf {
					if (i < off || i >= off+256) && b != 0xff {
						t.Fatalf("%+v: byte %d outside L (at %d) written", p, i, off)
					}
				}
				for j := 0; j < 16; j++ {
					if !sameBits(gs[j], ws[j]) || !sameBits(gm[j], wm[j]) {
						t.Fatalf("%+v sub-block %d: scale,min = %#x,%#x, want %#x,%#x", p, j,
							math.Float32bits(gs[j]), math.Float32bits(gm[j]), math.Float32bits(ws[j]), math.Float32bits(wm[j]))
					}
				}
				for i := range wL {
					if gL[i] != wL[i] {
						t.Fatalf("%+v: L[%d] = %d, want %d", p, i, gL[i], wL[i])
					}
				}
			}
		}
	})
}

// TestQKXSearch16Generic checks the twin against qkxScalar run on each
// sub-block on its own, and QKXSearch16's guards.
func TestQKXSearch16Generic(t *testing.T) {
	r := rand.New(rand.NewPCG(49, 50))
	x, w := qkxInput16(r)
	p := q2KParamSets[0]
	var s, m [16]float32
	L := make([]uint8, 256)
	qkxSearch16Generic(x, w, L, p, &s, &m)
	for j := 0; j < 16; j++ {
		l := make([]uint8, 16)
		sj, mj := qkxScalar(append([]float32(nil), x[16*j:16*j+16]...), w[16*j:16*j+16], l, p)
		if !sameBits(sj, s[j]) || !sameBits(mj, m[j]) || string(l) != string(L[16*j:16*j+16]) {
			t.Fatalf("sub-block %d differs from a lone qkxScalar", j)
		}
	}
	for _, c := range []struct {
		n int
		p QKXParams
	}{{255, p}, {257, p}, {256, QKXParams{Nmax: 0}}, {256, QKXParams{Nmax: 256}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("len %d, %+v: no panic", c.n, c.p)
				}
			}()
			QKXSearch16(make([]float32, c.n), make([]float32, 256), make([]uint8, 256), c.p, &s, &m)
		}()
	}
}

// TestQKXSearch16Accelerated checks the report against the kernel set:
// vectorized exactly under AVX2 and NEON.
func TestQKXSearch16Accelerated(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		if got, want := QKXSearch16Accelerated(), KernelSet() != Generic; got != want {
			t.Fatalf("QKXSearch16Accelerated() = %v under %s", got, KernelSet())
		}
	})
}
