package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

func TestHalfScalarExhaustive(t *testing.T) {
	// Every half widens and narrows back to itself (NaNs to sign|0x7e00
	// since that is the only NaN ggml writes).
	for h := 0; h < 1<<16; h++ {
		f := halfToFloat(uint16(h))
		want := uint16(h)
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			want = uint16(h)&0x8000 | 0x7e00
			if bits := math.Float32bits(f); bits&0x7f800000 != 0x7f800000 || bits&0x7fffff != uint32(h&0x3ff)<<13 {
				t.Fatalf("halfToFloat(%#04x) = %#08x: NaN payload not kept", h, bits)
			}
		}
		if got := floatToHalf(f); got != want {
			t.Fatalf("floatToHalf(halfToFloat(%#04x)) = %#04x", h, got)
		}
		if h&0x7c00 != 0x7c00 && float64(f) != halfValue(uint16(h)) {
			t.Fatalf("halfToFloat(%#04x) = %g, want %g", h, f, halfValue(uint16(h)))
		}
	}
}

// halfValue computes a finite half's value independently, in float64.
func halfValue(h uint16) float64 {
	e := int(h>>10) & 0x1f
	m := float64(h & 0x3ff)
	v := math.Ldexp(m, -24)
	if e != 0 {
		v = math.Ldexp(1024+m, e-25)
	}
	if h&0x8000 != 0 {
		v = -v
	}
	return v
}

func TestFloatToHalfRounding(t *testing.T) {
	// Compare with float64 nearest-even rounding over random floats in
	// the half range, including many exact midpoints.
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var f float32
		if i%2 == 0 {
			f = math.Float32frombits(r.Uint32() & 0x7fffffff % 0x47800000)
		} else { // midpoint between two adjacent halves
			h := uint16(r.IntN(0x7bff))
			f = float32((halfValue(h) + halfValue(h+1)) / 2)
		}
		if r.IntN(2) == 0 {
			f = -f
		}
		got := floatToHalf(f)
		want := nearestHalf(float64(f))
		if got != want {
			t.Fatalf("floatToHalf(%#08x = %g) = %#04x, want %#04x", math.Float32bits(f), f, got, want)
		}
	}
}

// nearestHalf rounds a finite value to the nearest half, ties to even,
// by search (independent of the bit tricks under test).
func nearestHalf(v float64) uint16 {
	sign := uint16(0)
	if math.Signbit(v) {
		sign, v = 0x8000, -v
	}
	if v >= 65520 {
		return sign | 0x7c00
	}
	lo, hi := uint16(0), uint16(0x7bff)
	for lo < hi { // largest h with value <= v
		mid := (lo + hi + 1) / 2
		if halfValue(mid) <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	h := lo
	if h < 0x7bff || v > 65504 {
		below, above := halfValue(h), halfValue(h+1)
		if v-below > above-v || (v-below == above-v && h&1 == 1) {
			h++
		}
	}
	return sign | h
}

func TestFloatToBF16(t *testing.T) {
	cases := map[uint32]uint16{
		0x3f800000: 0x3f80, 0x3f808000: 0x3f80, 0x3f818000: 0x3f82, 0x3f808001: 0x3f81,
		0x7f7fffff: 0x7f80, 0x7fc00000: 0x7fc0, 0x7f800001: 0x7fc0, 0xff800001: 0xffc0,
		0x00000001: 0x0000, 0x00008000: 0x0000, 0x00018000: 0x0002, 0x80000000: 0x8000,
	}
	for in, want := range cases {
		if got := floatToBF16(math.Float32frombits(in)); got != want {
			t.Errorf("floatToBF16(%#08x) = %#04x, want %#04x", in, got, want)
		}
	}
}

func TestF16ToF32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				src, _ := byteBuf(2*n, off)
				for i := 0; i < n; i++ {
					h := uint16(r.Uint32())
					if i%5 == 0 { // plenty of NaN, Inf and subnormal halves
						h = []uint16{0x7c00, 0xfc00, 0x7c01, 0xfdff, 0x7e00, 0x7fff, 0x0001, 0x83ff, 0x8000, 0}[r.IntN(10)]
					}
					binary.LittleEndian.PutUint16(src[2*i:], h)
				}
				got, full := f32Buf(n, off)
				want := make([]float32, n)
				F16ToF32(got, src)
				f16ToF32Generic(want, src)
				compareF32(t, "F16ToF32", got, want, sameBits)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func TestF32ToF16(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				src, _ := f32Buf(n, off)
				for i := range src {
					src[i] = randFloat(r)
					if i%3 == 0 { // values in the half range, incl. ties
						src[i] = math.Float32frombits(r.Uint32()&0x80000000 | (0x33000000 + r.Uint32()%0x14800000))
					}
				}
				got, full := byteBuf(2*n, off)
				want := make([]byte, 2*n)
				F32ToF16(got, src)
				f32ToF16Generic(want, src)
				compareHalves(t, "F32ToF16", got, want, src)
				checkGuardBytes(t, full, off+2*n)
			}
		}
	})
}

func compareHalves(t *testing.T, what string, got, want []byte, src []float32) {
	t.Helper()
	for i := 0; i < len(want)/2; i++ {
		g, w := binary.LittleEndian.Uint16(got[2*i:]), binary.LittleEndian.Uint16(want[2*i:])
		if g != w {
			t.Fatalf("%s: element %d (%#08x): got %#04x, want %#04x", what, i, math.Float32bits(src[i]), g, w)
		}
	}
}

func TestBF16ToF32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				src, _ := byteBuf(2*n, off)
				for i := range src {
					src[i] = byte(r.Uint32())
				}
				got, full := f32Buf(n, off)
				want := make([]float32, n)
				BF16ToF32(got, src)
				bf16ToF32Generic(want, src)
				compareF32(t, "BF16ToF32", got, want, sameBits)
				checkGuardF32(t, full, off+n)
			}
		}
	})
}

func TestF32ToBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				src, _ := f32Buf(n, off)
				for i := range src {
					src[i] = randFloat(r)
					if i%3 == 0 { // exact bf16 ties
						src[i] = math.Float32frombits(r.Uint32()&0xffff0000 | 0x8000)
					}
				}
				got, full := byteBuf(2*n, off)
				want := make([]byte, 2*n)
				F32ToBF16(got, src)
				f32ToBF16Generic(want, src)
				compareHalves(t, "F32ToBF16", got, want, src)
				checkGuardBytes(t, full, off+2*n)
			}
		}
	})
}

func TestConvertLengthPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"F16ToF32":  func() { F16ToF32(make([]float32, 3), make([]byte, 5)) },
		"F32ToF16":  func() { F32ToF16(make([]byte, 5), make([]float32, 3)) },
		"BF16ToF32": func() { BF16ToF32(make([]float32, 3), make([]byte, 7)) },
		"F32ToBF16": func() { F32ToBF16(make([]byte, 7), make([]float32, 3)) },
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
