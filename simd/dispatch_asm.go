//go:build (amd64 || arm64) && !purego

package simd

// The Go side of the assembly kernels, shared by amd64 (AVX2, *_amd64.s)
// and arm64 (NEON, *_arm64.s); useAsm is set per architecture. The
// assembly processes whole vectors only (the element count each kernel
// needs is noted); these wrappers hand the tail to the generic twin.
// Please refer to the *Generic functions for the exact semantics: the
// assembly reproduces them bit for bit.

// f16ToF32Asm converts len(dst) (a multiple of 8) halves.
//
//go:noescape
func f16ToF32Asm(dst []float32, src []byte)

// f32ToF16Asm converts len(src) (a multiple of 8) floats.
//
//go:noescape
func f32ToF16Asm(dst []byte, src []float32)

// bf16ToF32Asm converts len(dst) (a multiple of 8) bfloat16s.
//
//go:noescape
func bf16ToF32Asm(dst []float32, src []byte)

// f32ToBF16Asm converts len(src) (a multiple of 8) floats.
//
//go:noescape
func f32ToBF16Asm(dst []byte, src []float32)

func f16ToF32(dst []float32, src []byte) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		f16ToF32Asm(dst[:n], src[:2*n])
	}
	f16ToF32Generic(dst[n:], src[2*n:])
}

func f32ToF16(dst []byte, src []float32) {
	n := 0
	if useAsm {
		n = len(src) &^ 7
		f32ToF16Asm(dst[:2*n], src[:n])
	}
	f32ToF16Generic(dst[2*n:], src[n:])
}

func bf16ToF32(dst []float32, src []byte) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		bf16ToF32Asm(dst[:n], src[:2*n])
	}
	bf16ToF32Generic(dst[n:], src[2*n:])
}

func f32ToBF16(dst []byte, src []float32) {
	n := 0
	if useAsm {
		n = len(src) &^ 7
		f32ToBF16Asm(dst[:2*n], src[:n])
	}
	f32ToBF16Generic(dst[2*n:], src[n:])
}

// The dequantizers take whole blocks, so they need no tail.

//go:noescape
func dequantQ8_0Asm(dst []float32, src []byte)

//go:noescape
func dequantQ4_0Asm(dst []float32, src []byte)

//go:noescape
func dequantQ4_1Asm(dst []float32, src []byte)

//go:noescape
func dequantQ5_0Asm(dst []float32, src []byte)

//go:noescape
func dequantQ5_1Asm(dst []float32, src []byte)

//go:noescape
func dequantQ4_KAsm(dst []float32, src []byte)

//go:noescape
func dequantQ5_KAsm(dst []float32, src []byte)

//go:noescape
func dequantQ6_KAsm(dst []float32, src []byte)

func dequantQ8_0(dst []float32, src []byte) {
	if useAsm {
		dequantQ8_0Asm(dst, src)
		return
	}
	dequantQ8_0Generic(dst, src)
}

func dequantQ4_0(dst []float32, src []byte) {
	if useAsm {
		dequantQ4_0Asm(dst, src)
		return
	}
	dequantQ4_0Generic(dst, src)
}

func dequantQ4_1(dst []float32, src []byte) {
	if useAsm {
		dequantQ4_1Asm(dst, src)
		return
	}
	dequantQ4_1Generic(dst, src)
}

func dequantQ5_0(dst []float32, src []byte) {
	if useAsm {
		dequantQ5_0Asm(dst, src)
		return
	}
	dequantQ5_0Generic(dst, src)
}

func dequantQ5_1(dst []float32, src []byte) {
	if useAsm {
		dequantQ5_1Asm(dst, src)
		return
	}
	dequantQ5_1Generic(dst, src)
}

func dequantQ4_K(dst []float32, src []byte) {
	if useAsm {
		dequantQ4_KAsm(dst, src)
		return
	}
	dequantQ4_KGeneric(dst, src)
}

func dequantQ5_K(dst []float32, src []byte) {
	if useAsm {
		dequantQ5_KAsm(dst, src)
		return
	}
	dequantQ5_KGeneric(dst, src)
}

func dequantQ6_K(dst []float32, src []byte) {
	if useAsm {
		dequantQ6_KAsm(dst, src)
		return
	}
	dequantQ6_KGeneric(dst, src)
}

// Merge kernels: len(dst) a multiple of 8.

//go:noescape
func addAsm(dst, a, b []float32)

//go:noescape
func subAsm(dst, a, b []float32)

//go:noescape
func scaleAsm(dst, x []float32, a float32)

//go:noescape
func addScaledAsm(dst, x []float32, a float32)

// weightedSumAsm needs len(rows) >= 1.
//
//go:noescape
func weightedSumAsm(dst []float32, rows [][]float32, w []float32)

//go:noescape
func tiesFuseAsm(dst []float32, rows [][]float32, w []float32, normalize bool)

//go:noescape
func magPruneAsm(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool)

//go:noescape
func divScalarAsm(dst, x []float32, a float32)

// sumRowsAsm needs len(rows) >= 1.
//
//go:noescape
func sumRowsAsm(dst []float32, rows [][]float32)

//go:noescape
func electWeightedMeanAsm(dst []float32, tv [][]float32, w []float32)

//go:noescape
func keepBelowAsm(dst, x, u []float32, p float32, div bool)

//go:noescape
func keepBelowEachAsm(dst, x, u, p []float32, div bool)

//go:noescape
func absKeysAsm(keys []uint32, x []float32)

// philoxAsm fills len(u) (a multiple of 32) uniforms from the blocks
// with counters (ctr0+b, c1, c2, c3), 8 blocks at a time.
//
//go:noescape
func philoxAsm(u []float32, k0, k1, c1, c2, c3, ctr0 uint32)

func add(dst, a, b []float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		addAsm(dst[:n], a[:n], b[:n])
	}
	addGeneric(dst[n:], a[n:], b[n:])
}

func sub(dst, a, b []float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		subAsm(dst[:n], a[:n], b[:n])
	}
	subGeneric(dst[n:], a[n:], b[n:])
}

func scale(dst, x []float32, a float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		scaleAsm(dst[:n], x[:n], a)
	}
	scaleGeneric(dst[n:], x[n:], a)
}

func addScaled(dst, x []float32, a float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		addScaledAsm(dst[:n], x[:n], a)
	}
	addScaledGeneric(dst[n:], x[n:], a)
}

func weightedSum(dst []float32, rows [][]float32, w []float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		weightedSumAsm(dst[:n], rows, w)
	}
	weightedSumFrom(dst, rows, w, n)
}

func tiesFuse(dst []float32, rows [][]float32, w []float32, normalize bool) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		tiesFuseAsm(dst[:n], rows, w, normalize)
	}
	tiesFuseFrom(dst, rows, w, normalize, n)
}

func magPrune(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		magPruneAsm(dst[:n], delta[:n], rank[:n], u[:n], lo, eps, den, rescale)
	}
	magPruneGeneric(dst[n:], delta[n:], rank[n:], u[n:], lo, eps, den, rescale)
}

func divScalar(dst, x []float32, a float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		divScalarAsm(dst[:n], x[:n], a)
	}
	divScalarGeneric(dst[n:], x[n:], a)
}

func sumRows(dst []float32, rows [][]float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		sumRowsAsm(dst[:n], rows)
	}
	sumRowsFrom(dst, rows, n)
}

func electWeightedMean(dst []float32, tv [][]float32, w []float32) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		electWeightedMeanAsm(dst[:n], tv, w)
	}
	electWeightedMeanFrom(dst, tv, w, n)
}

func keepBelow(dst, x, u []float32, p float32, div bool) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		keepBelowAsm(dst[:n], x[:n], u[:n], p, div)
	}
	keepBelowGeneric(dst[n:], x[n:], u[n:], p, div)
}

func keepBelowEach(dst, x, u, p []float32, div bool) {
	n := 0
	if useAsm {
		n = len(dst) &^ 7
		keepBelowEachAsm(dst[:n], x[:n], u[:n], p[:n], div)
	}
	keepBelowEachGeneric(dst[n:], x[n:], u[n:], p[n:], div)
}

func absKeys(keys []uint32, x []float32) {
	n := 0
	if useAsm {
		n = len(keys) &^ 7
		absKeysAsm(keys[:n], x[:n])
	}
	absKeysGeneric(keys[n:], x[n:])
}

// philoxUniforms runs the generic code up to the first block boundary,
// the assembly over whole groups of 8 blocks, and the generic code again
// for the rest.
func philoxUniforms(u []float32, k0, k1, c1, c2, c3 uint32, col0 int) {
	if !useAsm {
		philoxUniformsGeneric(u, k0, k1, c1, c2, c3, col0)
		return
	}
	head := min(len(u), (4-col0&3)&3)
	philoxUniformsGeneric(u[:head], k0, k1, c1, c2, c3, col0)
	u, col0 = u[head:], col0+head
	n := len(u) &^ 31
	philoxAsm(u[:n], k0, k1, c1, c2, c3, uint32(col0>>2))
	philoxUniformsGeneric(u[n:], k0, k1, c1, c2, c3, col0+n)
}

// Reductions: len(x) a multiple of 32.

//go:noescape
func absMaxAsm(x []float32) float32

//go:noescape
func sumAsm(x []float32) float32

//go:noescape
func sumAbsAsm(x []float32) float32

//go:noescape
func sumSquaresAsm(x []float32) float32

//go:noescape
func dotAsm(x, y []float32) float32

// sumAbs64Asm needs len(x) a multiple of 16.
//
//go:noescape
func sumAbs64Asm(x []float32) float64

func sumAbs64(x []float32) float64 {
	if !useAsm {
		return sumAbs64Generic(x)
	}
	n := len(x) &^ (lanes64 - 1)
	s := sumAbs64Asm(x[:n])
	for _, v := range x[n:] {
		s += float64(abs32(v))
	}
	return s
}

func absMax(x []float32) float32 {
	if !useAsm {
		return absMaxGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	return max(absMaxAsm(x[:n]), absMaxGeneric(x[n:]))
}

func sum(x []float32) float32 {
	if !useAsm {
		return sumGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumAsm(x[:n])
	for _, v := range x[n:] {
		s += v
	}
	return s
}

func sumAbs(x []float32) float32 {
	if !useAsm {
		return sumAbsGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumAbsAsm(x[:n])
	for _, v := range x[n:] {
		s += abs32(v)
	}
	return s
}

func sumSquares(x []float32) float32 {
	if !useAsm {
		return sumSquaresGeneric(x)
	}
	n := len(x) &^ (lanes - 1)
	s := sumSquaresAsm(x[:n])
	for _, v := range x[n:] {
		s += float32(v * v)
	}
	return s
}

func dot(x, y []float32) float32 {
	if !useAsm {
		return dotGeneric(x, y)
	}
	n := len(x) &^ (lanes - 1)
	s := dotAsm(x[:n], y[:n])
	for i := n; i < len(x); i++ {
		s += float32(x[i] * y[i])
	}
	return s
}

// quantQ8_0Asm quantizes whole blocks until it meets a block holding a
// NaN (where ggml's running max depends on the NaN's position); it
// returns the number of blocks done.
//
//go:noescape
func quantQ8_0Asm(dst []byte, src []float32) int

func quantQ8_0(dst []byte, src []float32) {
	if !useAsm {
		quantQ8_0Generic(dst, src)
		return
	}
	for len(src) > 0 {
		n := quantQ8_0Asm(dst, src)
		src, dst = src[32*n:], dst[34*n:]
		if len(src) == 0 {
			return
		}
		quantQ8_0Generic(dst[:34], src[:32]) // the block with a NaN
		src, dst = src[32:], dst[34:]
	}
}
