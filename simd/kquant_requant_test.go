package simd

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// requantCase is one K-quant re-quantization shape: groups of n values,
// level range lo..hi, bias, and whether the groups have mins.
type requantCase struct {
	groups, n    int
	lo, hi, bias int32
	withMin      bool
	name         string
}

var requantCases = []requantCase{
	{16, 16, 0, 3, 0, true, "q2_K"},
	{16, 16, -4, 3, 4, false, "q3_K"},
	{8, 32, 0, 15, 0, true, "q4_K"},
	{8, 32, 0, 31, 0, true, "q5_K"},
	{16, 16, -32, 31, 32, false, "q6_K"},
	{1, 16, -128, 127, 128, true, "one group"},
	{3, 48, 0, 255, 0, false, "three of 48"},
	{32, 16, -8, 7, 8, true, "32 groups"},
}

// requantInput returns values, mins and scales of realistic and special
// kinds: zero and NaN scales (zero keeps L), negative scales, huge ratios
// (beyond nearest_int's range), ties at .5, -0, NaN and Inf values.
func requantInput(r *rand.Rand, c requantCase) (x, m, d []float32) {
	x = make([]float32, c.groups*c.n)
	m, d = make([]float32, c.groups), make([]float32, c.groups)
	for g := range d {
		d[g] = float32(math.Exp(r.NormFloat64()*2) * 0.01)
		switch r.IntN(12) {
		case 0:
			d[g] = 0
		case 1:
			d[g] = float32(math.NaN())
		case 2:
			d[g] = -d[g]
		case 3:
			d[g] = 1e-30
		case 4:
			d[g] = float32(math.Copysign(0, -1))
		}
		if c.withMin {
			m[g] = float32(math.Abs(r.NormFloat64()) * 0.02)
		}
		for i := 0; i < c.n; i++ {
			v := float32(r.NormFloat64() * 0.05)
			switch r.IntN(20) {
			case 0:
				v = (float32(r.IntN(9)) - 4 + 0.5) * d[g] // a tie
			case 1:
				v = float32(math.Copysign(0, -1))
			case 2:
				v = float32(math.Inf(1 - 2*r.IntN(2)))
			case 3:
				v = float32(math.NaN())
			case 4:
				v = 1e30
			}
			x[c.n*g+i] = v
		}
	}
	if !c.withMin {
		m = nil
	}
	return x, m, d
}

func TestRequantLevels(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	forEachImpl(t, func(t *testing.T) {
		for _, c := range requantCases {
			for trial := 0; trial < 200; trial++ {
				x, m, d := requantInput(r, c)
				// the slices start at every offset of a vector
				off := trial % 9
				xs := append(make([]float32, off), x...)[off:]
				got := append(make([]uint8, off), make([]uint8, len(x))...)[off:]
				want := make([]uint8, len(x))
				for i := range want {
					want[i] = uint8(r.Uint32())
					got[i] = want[i]
				}
				RequantLevels(got, xs, m, d, c.lo, c.hi, c.bias)
				requantGeneric(want, x, m, d, c.lo, c.hi, c.bias)
				if !bytes.Equal(got, want) {
					i := 0
					for got[i] == want[i] {
						i++
					}
					t.Fatalf("%s: L[%d] = %d, want %d (x %g, group d %g)", c.name, i, got[i], want[i], x[i], d[i/c.n])
				}
			}
		}
	})
}

// TestRequantLevelsGeneric checks the twin against the formula on plain
// values, and the guards.
func TestRequantLevelsGeneric(t *testing.T) {
	x := []float32{0.26, -0.26, 0.05, -0.05, 1, -1, 0.125, -0.125, 0.375, 0, 10, -10, 0.2, 0.3, -0.3, 0.15}
	L := make([]uint8, 16)
	requantGeneric(L, x, nil, []float32{0.1}, -4, 3, 4)
	want := []uint8{7, 1, 4, 4, 7, 0, 5, 3, 8 - 1, 4, 7, 0, 6, 7, 1, 6}
	// 0.375/0.1 = 3.75 -> 4 -> clamped 3 -> 7; 0.15/0.1 = 1.5 -> 2 (even) -> 6; 0.125/0.1 = 1.25 -> 1 -> 5
	if !bytes.Equal(L, want) {
		t.Fatalf("levels %v, want %v", L, want)
	}
	for _, c := range []struct {
		nL, nx, nd, nm int
		lo, hi, bias   int32
	}{{16, 16, 0, 0, 0, 3, 0}, {15, 16, 1, 0, 0, 3, 0}, {24, 24, 1, 0, 0, 3, 0}, {32, 32, 2, 1, 0, 3, 0},
		{16, 16, 1, 0, -4, 3, 3}, {16, 16, 1, 0, 0, 256, 0}, {16, 16, 1, 0, 3, 2, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", c)
				}
			}()
			var m []float32
			if c.nm > 0 {
				m = make([]float32, c.nm)
			}
			RequantLevels(make([]uint8, c.nL), make([]float32, c.nx), m, make([]float32, c.nd), c.lo, c.hi, c.bias)
		}()
	}
}

func FuzzRequantLevels(f *testing.F) {
	f.Add(make([]byte, 1024), uint8(0))
	f.Add(make([]byte, 64), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, sel uint8) {
		c := requantCases[int(sel)%len(requantCases)]
		v := floatsFrom(b)
		if len(v) == 0 {
			return
		}
		x := make([]float32, c.groups*c.n)
		d := make([]float32, c.groups)
		var m []float32
		if c.withMin {
			m = make([]float32, c.groups)
		}
		for i := range x {
			x[i] = v[i%len(v)]
		}
		for g := range d {
			d[g] = v[(g*7+1)%len(v)]
			if m != nil {
				m[g] = v[(g*5+3)%len(v)]
			}
		}
		got, want := make([]uint8, len(x)), make([]uint8, len(x))
		RequantLevels(got, x, m, d, c.lo, c.hi, c.bias)
		requantGeneric(want, x, m, d, c.lo, c.hi, c.bias)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: levels differ", c.name)
		}
	})
}
