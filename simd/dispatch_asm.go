//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAVX2 enables the AVX2 kernels. They need AVX2 for 256-bit integer
// work and F16C for the half conversions; none of them uses FMA, so that
// the generic twins (which never fuse) give the same bits.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasF16C

func init() { register("avx2", &useAVX2) }

// The assembly kernels below process whole vectors only (the element
// count each one needs is noted); the Go wrappers hand the tail to the
// generic twin. Please refer to the *Generic functions for the exact
// semantics: the assembly reproduces them bit for bit.

// f16ToF32AVX2 converts len(dst) (a multiple of 8) halves.
//
//go:noescape
func f16ToF32AVX2(dst []float32, src []byte)

// f32ToF16AVX2 converts len(src) (a multiple of 8) floats.
//
//go:noescape
func f32ToF16AVX2(dst []byte, src []float32)

// bf16ToF32AVX2 converts len(dst) (a multiple of 8) bfloat16s.
//
//go:noescape
func bf16ToF32AVX2(dst []float32, src []byte)

// f32ToBF16AVX2 converts len(src) (a multiple of 8) floats.
//
//go:noescape
func f32ToBF16AVX2(dst []byte, src []float32)

func f16ToF32(dst []float32, src []byte) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		f16ToF32AVX2(dst[:n], src[:2*n])
	}
	f16ToF32Generic(dst[n:], src[2*n:])
}

func f32ToF16(dst []byte, src []float32) {
	n := 0
	if useAVX2 {
		n = len(src) &^ 7
		f32ToF16AVX2(dst[:2*n], src[:n])
	}
	f32ToF16Generic(dst[2*n:], src[n:])
}

func bf16ToF32(dst []float32, src []byte) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		bf16ToF32AVX2(dst[:n], src[:2*n])
	}
	bf16ToF32Generic(dst[n:], src[2*n:])
}

func f32ToBF16(dst []byte, src []float32) {
	n := 0
	if useAVX2 {
		n = len(src) &^ 7
		f32ToBF16AVX2(dst[:2*n], src[:n])
	}
	f32ToBF16Generic(dst[2*n:], src[n:])
}

// The dequantizers take whole blocks, so they need no tail.

//go:noescape
func dequantQ8_0AVX2(dst []float32, src []byte)

//go:noescape
func dequantQ4_0AVX2(dst []float32, src []byte)

//go:noescape
func dequantQ4_1AVX2(dst []float32, src []byte)

//go:noescape
func dequantQ5_0AVX2(dst []float32, src []byte)

//go:noescape
func dequantQ5_1AVX2(dst []float32, src []byte)

//go:noescape
func dequantQ4_KAVX2(dst []float32, src []byte)

//go:noescape
func dequantQ5_KAVX2(dst []float32, src []byte)

//go:noescape
func dequantQ6_KAVX2(dst []float32, src []byte)

func dequantQ8_0(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ8_0AVX2(dst, src)
		return
	}
	dequantQ8_0Generic(dst, src)
}

func dequantQ4_0(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ4_0AVX2(dst, src)
		return
	}
	dequantQ4_0Generic(dst, src)
}

func dequantQ4_1(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ4_1AVX2(dst, src)
		return
	}
	dequantQ4_1Generic(dst, src)
}

func dequantQ5_0(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ5_0AVX2(dst, src)
		return
	}
	dequantQ5_0Generic(dst, src)
}

func dequantQ5_1(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ5_1AVX2(dst, src)
		return
	}
	dequantQ5_1Generic(dst, src)
}

func dequantQ4_K(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ4_KAVX2(dst, src)
		return
	}
	dequantQ4_KGeneric(dst, src)
}

func dequantQ5_K(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ5_KAVX2(dst, src)
		return
	}
	dequantQ5_KGeneric(dst, src)
}

func dequantQ6_K(dst []float32, src []byte) {
	if useAVX2 {
		dequantQ6_KAVX2(dst, src)
		return
	}
	dequantQ6_KGeneric(dst, src)
}

// Merge kernels: len(dst) a multiple of 8.

//go:noescape
func addAVX2(dst, a, b []float32)

//go:noescape
func subAVX2(dst, a, b []float32)

//go:noescape
func scaleAVX2(dst, x []float32, a float32)

//go:noescape
func addScaledAVX2(dst, x []float32, a float32)

// weightedSumAVX2 needs len(rows) >= 1.
//
//go:noescape
func weightedSumAVX2(dst []float32, rows [][]float32, w []float32)

//go:noescape
func tiesFuseAVX2(dst []float32, rows [][]float32, w []float32, normalize bool)

//go:noescape
func magPruneAVX2(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool)

//go:noescape
func divScalarAVX2(dst, x []float32, a float32)

// sumRowsAVX2 needs len(rows) >= 1.
//
//go:noescape
func sumRowsAVX2(dst []float32, rows [][]float32)

//go:noescape
func electWeightedMeanAVX2(dst []float32, tv [][]float32, w []float32)

//go:noescape
func keepBelowAVX2(dst, x, u []float32, p float32, div bool)

//go:noescape
func keepBelowEachAVX2(dst, x, u, p []float32, div bool)

//go:noescape
func absKeysAVX2(keys []uint32, x []float32)

// philoxAVX2 fills len(u) (a multiple of 32) uniforms from the blocks
// with counters (ctr0+b, c1, c2, c3), 8 blocks at a time.
//
//go:noescape
func philoxAVX2(u []float32, k0, k1, c1, c2, c3, ctr0 uint32)

func add(dst, a, b []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		addAVX2(dst[:n], a[:n], b[:n])
	}
	addGeneric(dst[n:], a[n:], b[n:])
}

func sub(dst, a, b []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		subAVX2(dst[:n], a[:n], b[:n])
	}
	subGeneric(dst[n:], a[n:], b[n:])
}

func scale(dst, x []float32, a float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		scaleAVX2(dst[:n], x[:n], a)
	}
	scaleGeneric(dst[n:], x[n:], a)
}

func addScaled(dst, x []float32, a float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		addScaledAVX2(dst[:n], x[:n], a)
	}
	addScaledGeneric(dst[n:], x[n:], a)
}

func weightedSum(dst []float32, rows [][]float32, w []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		weightedSumAVX2(dst[:n], rows, w)
	}
	weightedSumFrom(dst, rows, w, n)
}

func tiesFuse(dst []float32, rows [][]float32, w []float32, normalize bool) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		tiesFuseAVX2(dst[:n], rows, w, normalize)
	}
	tiesFuseFrom(dst, rows, w, normalize, n)
}

func magPrune(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		magPruneAVX2(dst[:n], delta[:n], rank[:n], u[:n], lo, eps, den, rescale)
	}
	magPruneGeneric(dst[n:], delta[n:], rank[n:], u[n:], lo, eps, den, rescale)
}

func divScalar(dst, x []float32, a float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		divScalarAVX2(dst[:n], x[:n], a)
	}
	divScalarGeneric(dst[n:], x[n:], a)
}

func sumRows(dst []float32, rows [][]float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		sumRowsAVX2(dst[:n], rows)
	}
	sumRowsFrom(dst, rows, n)
}

func electWeightedMean(dst []float32, tv [][]float32, w []float32) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		electWeightedMeanAVX2(dst[:n], tv, w)
	}
	electWeightedMeanFrom(dst, tv, w, n)
}

func keepBelow(dst, x, u []float32, p float32, div bool) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		keepBelowAVX2(dst[:n], x[:n], u[:n], p, div)
	}
	keepBelowGeneric(dst[n:], x[n:], u[n:], p, div)
}

func keepBelowEach(dst, x, u, p []float32, div bool) {
	n := 0
	if useAVX2 {
		n = len(dst) &^ 7
		keepBelowEachAVX2(dst[:n], x[:n], u[:n], p[:n], div)
	}
	keepBelowEachGeneric(dst[n:], x[n:], u[n:], p[n:], div)
}

func absKeys(keys []uint32, x []float32) {
	n := 0
	if useAVX2 {
		n = len(keys) &^ 7
		absKeysAVX2(keys[:n], x[:n])
	}
	absKeysGeneric(keys[n:], x[n:])
}

// philoxUniforms runs the generic code up to the first block boundary,
// the assembly over whole groups of 8 blocks, and the generic code again
// for the rest.
func philoxUniforms(u []float32, k0, k1, c1, c2, c3 uint32, col0 int) {
	if !useAVX2 {
		philoxUniformsGeneric(u, k0, k1, c1, c2, c3, col0)
		return
	}
	head := min(len(u), (4-col0&3)&3)
	philoxUniformsGeneric(u[:head], k0, k1, c1, c2, c3, col0)
	u, col0 = u[head:], col0+head
	n := len(u) &^ 31
	philoxAVX2(u[:n], k0, k1, c1, c2, c3, uint32(col0>>2))
	philoxUniformsGeneric(u[n:], k0, k1, c1, c2, c3, col0+n)
}

// Reductions: len(x) a multiple of 32.

//go:noescape
func absMaxAVX2(x []float32) float32

//go:noescape
func sumAVX2(x []float32) float32

//go:noescape
func sumAbsAVX2(x []float32) float32

//go:noescape
func sumSquaresAVX2(x []float32) float32

//go:noescape
func dotAVX2(x, y []float32) float32

// sumAbs64AVX2 needs len(x) a multiple of 16.
//
//go:noescape
func sumAbs64AVX2(x []float32) float64

func sumAbs64(x []float32) float64 {
	if !useAVX2 {
		return sumAbs64Generic(x)
	}
	n := len(x) &^ (lanes64 - 1)
	s := sumAbs64AVX2(x[:n])
	for _, v := range x[n:] {
		s += float64(abs32(v))
	}
	return s
}

func absMax(x []float32) float32 {
	if !useAVX2 {
		return absMaxGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	return max(absMaxAVX2(x[:n]), absMaxGeneric(x[n:]))
}

func sum(x []float32) float32 {
	if !useAVX2 {
		return sumGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumAVX2(x[:n])
	for _, v := range x[n:] {
		s += v
	}
	return s
}

func sumAbs(x []float32) float32 {
	if !useAVX2 {
		return sumAbsGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumAbsAVX2(x[:n])
	for _, v := range x[n:] {
		s += abs32(v)
	}
	return s
}

func sumSquares(x []float32) float32 {
	if !useAVX2 {
		return sumSquaresGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumSquaresAVX2(x[:n])
	for _, v := range x[n:] {
		s += float32(v * v)
	}
	return s
}

func dot(x, y []float32) float32 {
	if !useAVX2 {
		return dotGeneric(x, y)
	}
	n := len(x) &^ (lanes - 1)
	s := dotAVX2(x[:n], y[:n])
	for i := n; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}
