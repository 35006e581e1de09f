package quant

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ggufmerge/ggufmerge/simd"
)

// forEachSimdImpl runs f once per simd kernel set this CPU supports
// ("avx2" or "neon", then "generic").
func forEachSimdImpl(t *testing.T, f func(t *testing.T)) {
	for _, name := range simd.Impls() {
		t.Run(name, func(t *testing.T) {
			restore, ok := simd.Select(name)
			if !ok {
				t.Fatalf("simd.Select(%q) failed", name)
			}
			defer restore()
			f(t)
		})
	}
}

// sameFloat is bit identity, except that NaNs made by arithmetic may differ
// in their bits (see package simd's doc); F16/BF16 compare NaNs exactly.
func sameFloat(t Type, a, b float32) bool {
	if math.Float32bits(a) == math.Float32bits(b) {
		return true
	}
	return t != F16 && t != BF16 && a != a && b != b
}

// simdRandomBlocks returns n random blocks of t whose fp16 scales are mostly
// ordinary values and sometimes any pattern (NaN, Inf, subnormal, ±0).
func simdRandomBlocks(r *rand.Rand, t Type, n int) []byte {
	b := make([]byte, n*t.TypeSize())
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	var halves []int
	switch t {
	case Q8_0, Q4_0, Q5_0:
		halves = []int{0}
	case Q4_1, Q5_1, Q4_K, Q5_K:
		halves = []int{0, 2}
	case Q6_K:
		halves = []int{208}
	}
	for blk := 0; blk < n; blk++ {
		for _, off := range halves {
			h := FP32ToFP16(float32(r.NormFloat64() * 0.02))
			if r.IntN(8) == 0 {
				h = uint16(r.Uint32())
			}
			binary.LittleEndian.PutUint16(b[blk*t.TypeSize()+off:], h)
		}
	}
	return b
}

func TestSimdDequantMatchesPortable(t *testing.T) {
	types := sortedTypes(simdDequant)
	r := rand.New(rand.NewPCG(1, 2))
	forEachSimdImpl(t, func(t *testing.T) {
		for _, typ := range types {
			for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 33, 100} {
				src := simdRandomBlocks(r, typ, n)
				got := make([]float32, n*typ.BlockSize())
				want := make([]float32, len(got))
				simdDequant[typ](got, src)
				codecs[typ].dequant(want, src)
				for i := range want {
					if !sameFloat(typ, got[i], want[i]) {
						t.Fatalf("%s, %d blocks: element %d: simd %#08x, portable %#08x", typ, n, i,
							math.Float32bits(got[i]), math.Float32bits(want[i]))
					}
				}
			}
		}
	})
}

func TestSimdQuantMatchesPortable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	forEachSimdImpl(t, func(t *testing.T) {
		for _, typ := range sortedTypes(simdQuant) {
			for _, n := range []int{0, 1, 7, 8, 9, 31, 64, 1000} {
				src := make([]float32, n)
				for i := range src {
					switch r.IntN(4) {
					case 0:
						src[i] = math.Float32frombits(r.Uint32()) // NaN, Inf, denormals too
					case 1: // exact rounding ties of both formats
						src[i] = math.Float32frombits(r.Uint32()&0xc7ffe000 | 0x1000)
					default:
						src[i] = float32(r.NormFloat64())
					}
				}
				got, want := make([]byte, 2*n), make([]byte, 2*n)
				simdQuant[typ](got, src, n, nil)
				codecs[typ].quant(want, src, n, nil)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s, %d values: simd and portable bytes differ", typ, n)
				}
			}
		}
	})
}

// TestSimdGolden runs the simd paths over ggml's golden files: dequantized
// floats and (F16/BF16) quantized bytes must match ggml exactly.
func TestSimdGolden(t *testing.T) {
	dir, cases := loadGolden(t)
	forEachSimdImpl(t, func(t *testing.T) {
		checked := 0
		for _, c := range cases {
			typ := goldenType(t, c)
			deq, ok := simdDequant[typ]
			if !ok || c.Status != "ok" {
				continue
			}
			q, err := os.ReadFile(filepath.Join(dir, c.Quant))
			if err != nil {
				t.Fatal(err)
			}
			want := readF32(t, filepath.Join(dir, c.Dequant))
			got := make([]float32, len(want))
			deq(got, q)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s: element %d: simd %#08x, ggml %#08x", c.ID, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
				}
			}
			if quant, ok := simdQuant[typ]; ok {
				in := readF32(t, filepath.Join(dir, c.Input))
				out := make([]byte, len(q))
				quant(out, in, c.Cols, nil)
				if !bytes.Equal(out, q) {
					t.Fatalf("%s: simd quantization differs from ggml's bytes", c.ID)
				}
			}
			checked++
		}
		if checked == 0 {
			t.Fatal("no golden case exercised a simd path")
		}
	})
}

// TestSimdRegistered checks that the registry uses the simd paths exactly
// when simd has assembly for this CPU, and that Dequantize gives the same
// result either way.
func TestSimdRegistered(t *testing.T) {
	accel := simd.KernelSet() != simd.Generic
	for typ := range simdDequant {
		if got := codecs[typ].fastDequant != nil; got != accel {
			t.Errorf("%s: fast dequant registered = %v, simd kernel set %q", typ, got, simd.KernelSet())
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, typ := range sortedTypes(simdDequant) {
		src := simdRandomBlocks(r, typ, 16)
		fast := make([]float32, 16*typ.BlockSize())
		slow := make([]float32, len(fast))
		if err := Dequantize(typ, fast, src); err != nil {
			t.Fatal(err)
		}
		portableOnly = true
		err := Dequantize(typ, slow, src)
		portableOnly = false
		if err != nil {
			t.Fatal(err)
		}
		for i := range fast {
			if !sameFloat(typ, fast[i], slow[i]) {
				t.Fatalf("%s: Dequantize differs with portableOnly at %d", typ, i)
			}
		}
	}
}

func sortedTypes[F any](m map[Type]F) []Type {
	var ts []Type
	for t := range m {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}
