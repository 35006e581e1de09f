package simd

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// q8Blocks returns nb blocks exercising Q8_0 rounding: ordinary values,
// exact .5 ties (amax 127 so d = 1), all zeros, ±Inf, NaN at varied
// positions, denormals.
func q8Blocks(r *rand.Rand, nb int) []float32 {
	x := make([]float32, 32*nb)
	for b := 0; b < nb; b++ {
		blk := x[32*b : 32*b+32]
		switch r.IntN(8) {
		case 0: // ties: d = 1 exactly, values k + 0.5
			for i := range blk {
				blk[i] = float32(r.IntN(254)-127) + 0.5
			}
			blk[r.IntN(32)] = 127
		case 1: // zeros
		case 2:
			for i := range blk {
				blk[i] = float32(r.NormFloat64())
			}
			blk[r.IntN(32)] = float32(math.Inf(1 - 2*r.IntN(2)))
		case 3:
			for i := range blk {
				blk[i] = float32(r.NormFloat64())
			}
			blk[r.IntN(32)] = float32(math.NaN())
			if r.IntN(2) == 0 {
				blk[r.IntN(32)] = float32(math.NaN())
			}
		case 4:
			for i := range blk {
				blk[i] = math.Float32frombits(r.Uint32() & 0x807fffff) // denormals
			}
		default:
			s := math.Pow(10, r.Float64()*8-4)
			for i := range blk {
				blk[i] = float32(r.NormFloat64() * s)
			}
		}
	}
	return x
}

func TestQuantQ8_0(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	forEachImpl(t, func(t *testing.T) {
		for nb := 0; nb < 40; nb++ {
			for off := 0; off < 8; off += 3 {
				src, _ := f32Buf(32*nb, off)
				copy(src, q8Blocks(r, nb))
				got, full := byteBuf(34*nb, off)
				want := make([]byte, 34*nb)
				QuantQ8_0(got, src)
				quantQ8_0Generic(want, src)
				if !bytes.Equal(got, want) {
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("%d blocks: byte %d (block %d): got %#x, want %#x", nb, i, i/34, got[i], want[i])
						}
					}
				}
				checkGuardBytes(t, full, off+34*nb)
			}
		}
	})
}

func TestQuantQ8_0Known(t *testing.T) {
	x := make([]float32, 32)
	for i := range x {
		x[i] = float32(i) - 15.5 // -15.5 .. 15.5
	}
	x[31] = 127 // d = 1: q = roundf(x), ties away from zero
	forEachImpl(t, func(t *testing.T) {
		y := make([]byte, 34)
		QuantQ8_0(y, x)
		if y[0] != 0x00 || y[1] != 0x3c { // fp16(1.0)
			t.Fatalf("d bytes %#x %#x, want fp16(1)", y[0], y[1])
		}
		for i := 0; i < 31; i++ {
			want := int8(math.Round(float64(x[i])))
			if int8(y[2+i]) != want {
				t.Fatalf("q[%d] = %d for %g, want %d", i, int8(y[2+i]), x[i], want)
			}
		}
	})
}

func FuzzQuantQ8_0(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := floatsFrom(b)
		x = x[:len(x)&^31]
		got, want := make([]byte, len(x)/32*34), make([]byte, len(x)/32*34)
		QuantQ8_0(got, x)
		quantQ8_0Generic(want, x)
		if !bytes.Equal(got, want) {
			t.Fatalf("QuantQ8_0 differs from the generic code")
		}
	})
}
