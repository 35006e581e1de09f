package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Random123 known-answer vectors for Philox4x32-10 (counter, key, output),
// the same ones merge's tests use.
func TestPhiloxKnownAnswers(t *testing.T) {
	cases := []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)}, [2]uint32{^uint32(0), ^uint32(0)},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		if got := philox4x32(c.ctr, c.key[0], c.key[1]); got != c.want {
			t.Errorf("philox4x32(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
		// The same through the exported uniforms, on every kernel set:
		// 4 blocks in a row (so the AVX2/NEON 8-block path also runs) with
		// the known block at index 0.
		forEachImpl(t, func(t *testing.T) {
			u := make([]float32, 64)
			PhiloxUniforms(u, c.key[0], c.key[1], c.ctr[1], c.ctr[2], c.ctr[3], int(c.ctr[0])*4)
			for w := 0; w < 4; w++ {
				if want := float32(c.want[w]>>8) * 0x1p-24; u[w] != want {
					t.Errorf("uniform %d = %g, want %g", w, u[w], want)
				}
			}
		})
	}
}

func TestPhiloxUniforms(t *testing.T) {
	r := rand.New(rand.NewPCG(39, 40))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for col0 := 0; col0 < 8; col0++ {
				k0, k1, c1, c2, c3 := r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()
				start := col0
				if wrap := uint64(1<<32-8) * 4; n%3 == 0 && wrap < math.MaxInt { // counters near the 32-bit wrap
					start = int(wrap) + col0
				}
				got, full := f32Buf(n, col0)
				want := make([]float32, n)
				PhiloxUniforms(got, k0, k1, c1, c2, c3, start)
				philoxUniformsGeneric(want, k0, k1, c1, c2, c3, start)
				compareF32(t, "PhiloxUniforms", got, want, sameBits)
				checkGuardF32(t, full, col0+n)
			}
		}
	})
}

func TestSumAbs64(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				x, _ := f32Buf(n, off)
				for i := range x {
					x[i] = randFinite(r)
				}
				got, want := SumAbs64(x), sumAbs64Generic(x)
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("SumAbs64(n=%d) = %x, want %x", n, math.Float64bits(got), math.Float64bits(want))
				}
			}
		}
		if got := SumAbs64([]float32{-1, 2, -3}); got != 6 {
			t.Errorf("SumAbs64 = %g", got)
		}
	})
}
