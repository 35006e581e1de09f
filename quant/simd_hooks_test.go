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
			for iter := 0; iter < 60; iter++ {
				n := []int{0, 1, 7, 8, 9, 31, 64, 1000}[iter%8]
				nPerRow := n
				if typ.BlockSize() > 1 {
					nPerRow = 512
					n = nPerRow * (1 + n%3)
				}
				src := simdQuantInput(r, n)
				rs, _ := typ.RowSize(int64(nPerRow))
				rows := 0
				if nPerRow > 0 {
					rows = n / nPerRow
				}
				for _, imat := range [][]float32{nil, simdImatrix(r, nPerRow)} {
					if imat != nil && Imatrix(typ) == ImatrixIgnored {
						continue
					}
					got, want := make([]byte, rows*int(rs)), make([]byte, rows*int(rs))
					simdQuant[typ](got, src, nPerRow, imat)
					codecs[typ].quant(want, src, nPerRow, imat)
					if !bytes.Equal(got, want) {
						t.Fatalf("%s, %d values, imatrix %v: simd and portable bytes differ", typ, n, imat != nil)
					}
				}
			}
		}
	})
}

// simdQuantInput draws n floats: mostly Gaussian at varied scales, some
// exact rounding ties of F16/BF16, some all-equal or zero runs. With
// rand bits for the conversions only: K-quant searches are defined for
// finite input.
func simdQuantInput(r *rand.Rand, n int) []float32 {
	src := make([]float32, n)
	scale := math.Pow(10, -r.Float64()*4)
	for i := range src {
		switch r.IntN(8) {
		case 0:
			src[i] = math.Float32frombits(r.Uint32()&0xc7ffe000 | 0x1000) // exact ties
			if r.IntN(2) == 0 {
				src[i] = float32(r.NormFloat64() * 1e-6)
			}
		case 1:
			src[i] = 0
		default:
			src[i] = float32(r.NormFloat64() * scale)
		}
	}
	return src
}

func simdImatrix(r *rand.Rand, n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(math.Exp(r.NormFloat64()))
		if i%9 == 0 {
			w[i] = 0
		}
	}
	return w
}

// TestSimdConvertSpecials checks the F16/BF16/Q8_0 fast paths on random
// bit patterns, NaN and Inf included.
func TestSimdConvertSpecials(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	src := make([]float32, 4096)
	for i := range src {
		src[i] = math.Float32frombits(r.Uint32())
	}
	forEachSimdImpl(t, func(t *testing.T) {
		for _, typ := range []Type{F16, BF16, Q8_0} {
			rs, _ := typ.RowSize(int64(len(src)))
			got, want := make([]byte, rs), make([]byte, rs)
			simdQuant[typ](got, src, len(src), nil)
			codecs[typ].quant(want, src, len(src), nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: simd and portable bytes differ", typ)
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
				var imat []float32
				if c.Imatrix {
					imat = readF32(t, filepath.Join(dir, c.ImatrixFile))
				}
				out := make([]byte, len(q))
				quant(out, in, c.Cols, imat)
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
	for typ := range simdQuant {
		if got := codecs[typ].fastQuant != nil; got != accel {
			t.Errorf("%s: fast quant registered = %v, simd kernel set %q", typ, got, simd.KernelSet())
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

// BenchmarkSimdQuantize compares the portable quantizers with the simd
// paths (throughput = float32 input bytes), rows of 4096 as in
// BenchmarkQuantizeK.
func BenchmarkSimdQuantize(b *testing.B) {
	const cols, rows = 4096, 16
	r := rand.New(rand.NewPCG(9, 10))
	x := make([]float32, cols*rows)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 0.02)
	}
	imat := simdImatrix(r, cols)
	for _, typ := range sortedTypes(simdQuant) {
		rs, _ := typ.RowSize(cols)
		dst := make([]byte, rows*int(rs))
		for _, im := range [][]float32{nil, imat} {
			if im != nil && Imatrix(typ) == ImatrixIgnored {
				continue
			}
			name := typ.String()
			if im != nil {
				name += "+imatrix"
			}
			for _, impl := range []string{"portable", "simd"} {
				b.Run(name+"/"+impl, func(b *testing.B) {
					f := codecs[typ].quant
					if impl == "simd" {
						f = simdQuant[typ]
					}
					b.SetBytes(int64(4 * len(x)))
					for b.Loop() {
						f(dst, x, cols, im)
					}
				})
			}
		}
	}
}

// BenchmarkSimdDequantize compares the portable dequantizers with the simd
// paths (throughput = float32 output bytes).
func BenchmarkSimdDequantize(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, typ := range sortedTypes(simdDequant) {
		nb := (1 << 16) / typ.BlockSize()
		src := simdRandomBlocks(r, typ, nb)
		dst := make([]float32, nb*typ.BlockSize())
		for _, impl := range []string{"portable", "simd"} {
			b.Run(typ.String()+"/"+impl, func(b *testing.B) {
				f := codecs[typ].dequant
				if impl == "simd" {
					f = simdDequant[typ]
				}
				b.SetBytes(int64(4 * len(dst)))
				for b.Loop() {
					f(dst, src)
				}
			})
		}
	}
}
