package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks report MB/s of float32 data produced or consumed (4 bytes
// per element), one line per kernel set and size, from L1-resident to
// beyond the last-level cache:
//
//	go test -run '^$' -bench . ./simd
var benchSizes = []int{4 << 10, 64 << 10, 1 << 20, 16 << 20} // elements

func sizeName(n int) string {
	b := 4 * n
	if b >= 1<<20 {
		return fmt.Sprintf("%dMiB", b>>20)
	}
	return fmt.Sprintf("%dKiB", b>>10)
}

// benchEach runs f for every kernel set and size.
func benchEach(b *testing.B, f func(b *testing.B, n int)) {
	for _, name := range Impls() {
		for _, n := range benchSizes {
			b.Run(name+"/"+sizeName(n), func(b *testing.B) {
				restore, _ := Select(name)
				defer restore()
				b.SetBytes(int64(4 * n))
				f(b, n)
			})
		}
	}
}

func benchFloats(n int) []float32 {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	x := touched(make([]float32, n))
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

var sink float32

// touched returns s after writing every page, so that a benchmark's first
// iteration does not pay for faulting in a fresh destination.
func touched[T any](s []T) []T {
	var zero T
	for i := range s {
		s[i] = zero
	}
	return s
}

func BenchmarkF16ToF32(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		src, dst := touched(make([]byte, 2*n)), touched(make([]float32, n))
		F32ToF16(src, benchFloats(n))
		for b.Loop() {
			F16ToF32(dst, src)
		}
	})
}

func BenchmarkF32ToF16(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		src, dst := benchFloats(n), touched(make([]byte, 2*n))
		for b.Loop() {
			F32ToF16(dst, src)
		}
	})
}

func BenchmarkBF16ToF32(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		src, dst := touched(make([]byte, 2*n)), touched(make([]float32, n))
		F32ToBF16(src, benchFloats(n))
		for b.Loop() {
			BF16ToF32(dst, src)
		}
	})
}

func BenchmarkF32ToBF16(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		src, dst := benchFloats(n), touched(make([]byte, 2*n))
		for b.Loop() {
			F32ToBF16(dst, src)
		}
	})
}

func BenchmarkDequant(b *testing.B) {
	for _, k := range dequantKernels {
		b.Run(k.name, func(b *testing.B) {
			benchEach(b, func(b *testing.B, n int) {
				r := rand.New(rand.NewPCG(2, 3))
				src := make([]byte, n/k.elems*k.bytes)
				randBlocks(r, src, k)
				dst := touched(make([]float32, n))
				for b.Loop() {
					k.fast(dst, src)
				}
			})
		})
	}
}

func BenchmarkAdd(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x, y, dst := benchFloats(n), benchFloats(n), touched(make([]float32, n))
		for b.Loop() {
			Add(dst, x, y)
		}
	})
}

func BenchmarkSub(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x, y, dst := benchFloats(n), benchFloats(n), touched(make([]float32, n))
		for b.Loop() {
			Sub(dst, x, y)
		}
	})
}

func BenchmarkScale(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x, dst := benchFloats(n), touched(make([]float32, n))
		for b.Loop() {
			Scale(dst, x, 0.7)
		}
	})
}

func BenchmarkAddScaled(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x, dst := benchFloats(n), benchFloats(n)
		for b.Loop() {
			AddScaled(dst, x, 1e-9)
		}
	})
}

// The k-row kernels report the bytes of all k input rows.
const benchRows = 4

func benchRowsOf(n int) ([][]float32, []float32) {
	rows := make([][]float32, benchRows)
	for i := range rows {
		rows[i] = benchFloats(n)
	}
	return rows, []float32{0.4, 0.3, 0.2, 0.1}
}

func BenchmarkWeightedSum(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		b.SetBytes(int64(4 * n * benchRows))
		rows, w := benchRowsOf(n)
		dst := touched(make([]float32, n))
		for b.Loop() {
			WeightedSum(dst, rows, w)
		}
	})
}

func BenchmarkTIESFuse(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		b.SetBytes(int64(4 * n * benchRows))
		rows, w := benchRowsOf(n)
		dst := touched(make([]float32, n))
		for b.Loop() {
			TIESFuse(dst, rows, w, true)
		}
	})
}

func BenchmarkMagPrune(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		delta, u, dst := benchFloats(n), benchFloats(n), touched(make([]float32, n))
		rank := make([]uint32, n)
		for i := range rank {
			rank[i] = uint32(i * 7 % n)
		}
		for b.Loop() {
			MagPrune(dst, delta, rank, u, 0.15, 0.15, float32(n-1), true)
		}
	})
}

func BenchmarkAbsMax(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x := benchFloats(n)
		for b.Loop() {
			sink = AbsMax(x)
		}
	})
}

func BenchmarkSum(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x := benchFloats(n)
		for b.Loop() {
			sink = Sum(x)
		}
	})
}

func BenchmarkSumSquares(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		x := benchFloats(n)
		for b.Loop() {
			sink = SumSquares(x)
		}
	})
}

func BenchmarkDot(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		b.SetBytes(int64(8 * n))
		x, y := benchFloats(n), benchFloats(n)
		for b.Loop() {
			sink = Dot(x, y)
		}
	})
}

// BenchmarkQKXSearch8 is the Q4_K scale search of one super-block (256
// values, MB/s of float32 input).
func BenchmarkQKXSearch8(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	x, w := qkxInput(r)
	L := make([]uint8, 256)
	var s, m [8]float32
	for _, name := range Impls() {
		for _, p := range qkxParamSets[:3] {
			b.Run(fmt.Sprintf("%s/nmax%d_nstep%d", name, p.Nmax, p.Nstep), func(b *testing.B) {
				restore, _ := Select(name)
				defer restore()
				b.SetBytes(4 * 256)
				for b.Loop() {
					QKXSearch8(x, w, L, p, &s, &m)
				}
			})
		}
	}
}

// BenchmarkQXSearch16 is the Q6_K scale search of one super-block.
func BenchmarkQXSearch16(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	x, w := qxInput(r)
	L := make([]int8, 256)
	var s [16]float32
	for _, name := range Impls() {
		b.Run(name, func(b *testing.B) {
			restore, _ := Select(name)
			defer restore()
			b.SetBytes(4 * 256)
			for b.Loop() {
				QXSearch16(x, w, L, 32, &s)
			}
		})
	}
}

// BenchmarkQKXSearch16 is Q2_K's scale search of one super-block (16
// sub-blocks of 16, _ref and _impl parameters; MB/s of float32 input).
func BenchmarkQKXSearch16(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	x, w := qkxInput16(r)
	L := make([]uint8, 256)
	var s, m [16]float32
	for _, name := range Impls() {
		for _, p := range q2KParamSets {
			b.Run(fmt.Sprintf("%s/nmax%d_nstep%d", name, p.Nmax, p.Nstep), func(b *testing.B) {
				restore, _ := Select(name)
				defer restore()
				b.SetBytes(4 * 256)
				for b.Loop() {
					QKXSearch16(x, w, L, p, &s, &m)
				}
			})
		}
	}
}

func BenchmarkPhiloxUniforms(b *testing.B) {
	benchEach(b, func(b *testing.B, n int) {
		u := touched(make([]float32, n))
		for b.Loop() {
			PhiloxUniforms(u, 1, 2, 3, 4, 5, 0)
		}
	})
}
