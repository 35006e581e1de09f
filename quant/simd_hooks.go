package quant

import "github.com/ggufmerge/ggufmerge/simd"

// Fast paths from package simd (AVX2 on amd64, NEON on arm64). Each gives
// exactly the bits of the portable function it stands in for; the tests in
// simd_hooks_test.go compare the two on random blocks and on ggml's golden
// files for every simd kernel set. When simd runs its generic code (no
// AVX2, GODEBUG=cpu.avx2=off, -tags purego, other architectures) nothing
// is registered: the portable loops here are at least as fast.

// simdDequant maps each type to its simd dequantizer.
var simdDequant = map[Type]dequantFunc{
	F16:  simd.F16ToF32,
	BF16: simd.BF16ToF32,
	Q8_0: simd.DequantQ8_0,
	Q4_0: simd.DequantQ4_0,
	Q4_1: simd.DequantQ4_1,
	Q5_0: simd.DequantQ5_0,
	Q5_1: simd.DequantQ5_1,
	Q4_K: simd.DequantQ4_K,
	Q5_K: simd.DequantQ5_K,
	Q6_K: simd.DequantQ6_K,
}

// simdQuant maps each type to its simd quantizer: the plain conversions,
// Q8_0, Q2_K with the sub-block search in simd.QKXSearch16, Q4_K/Q5_K with
// it in simd.QKXSearch8, Q6_K with it in simd.QXSearch16, Q3_K with
// simd.Q3Search16 (make_q3_quants) or, with an imatrix, simd.QXSearch16.
var simdQuant = map[Type]quantFunc{
	F16:  func(dst []byte, src []float32, _ int, _ []float32) { simd.F32ToF16(dst, src) },
	BF16: func(dst []byte, src []float32, _ int, _ []float32) { simd.F32ToBF16(dst, src) },
	Q8_0: func(dst []byte, src []float32, _ int, _ []float32) { simd.QuantQ8_0(dst, src) },
	Q2_K: quantizeK(Q2_K, simdSearch.blockQ2K),
	Q3_K: quantizeQ3KPairs,
	Q4_K: quantizeK(Q4_K, simdSearch.blockQ4K),
	Q5_K: quantizeK(Q5_K, simdSearch.blockQ5K),
	Q6_K: quantizeK(Q6_K, simdSearch.blockQ6K),
}

func init() {
	if simd.KernelSet() == simd.Generic {
		return
	}
	for t, f := range simdDequant {
		registerFastDequant(t, f)
	}
	for t, f := range simdQuant {
		registerFastQuant(t, f)
	}
}

// simdSearch runs the K-quant blocks with the sub-block searches below.
var simdSearch = kSearch{simd: true}

func (s kSearch) affine8(x, w []float32, L []uint8, p qkxParams, scales, mins *[8]float32) {
	if s.simd {
		simd.QKXSearch8(x, w, L, simd.QKXParams(p), scales, mins)
		return
	}
	qkxSearch8(x, w, L, p, scales, mins)
}

func (s kSearch) sym16(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	if s.simd {
		simd.QXSearch16(x, w, L, nmax, scales)
		return
	}
	qxSearch16(x, w, L, nmax, scales)
}

func (s kSearch) q3Sym16(x []float32, L []int8, scales *[16]float32) {
	if s.simd {
		simd.Q3Search16(x, L, 4, scales)
		return
	}
	q3Sym16(x, L, scales)
}

func (s kSearch) requant(L []uint8, x, m, d []float32, lo, hi, bias int32) {
	if s.simd {
		simd.RequantLevels(L, x, m, d, lo, hi, bias)
		return
	}
	requantLevels(L, x, m, d, lo, hi, bias)
}

func (s kSearch) requantInt8(L []int8, x, m, d []float32, lo, hi, bias int32) {
	if s.simd {
		simd.RequantLevelsInt8(L, x, m, d, lo, hi, bias)
		return
	}
	requantLevels(L, x, m, d, lo, hi, bias)
}

// quantizeQ3KPairs is Q3_K's fast quantizer: without an imatrix it runs
// make_q3_quants on two super-blocks at a time (simd.Q3Search16x2, whose
// refinement chains interleave), then finishes each block as blockQ3K.
func quantizeQ3KPairs(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	if imatrix != nil {
		quantizeK(Q3_K, simdSearch.blockQ3K)(dst, src, nPerRow, imatrix)
		return
	}
	const ts = 110
	n := len(src) / QK_K
	b := 0
	for ; b+1 < n; b += 2 {
		var L0, L1 [QK_K]int8
		var s0, s1, sw [16]float32
		x0, x1 := src[b*QK_K:(b+1)*QK_K], src[(b+1)*QK_K:(b+2)*QK_K]
		simd.Q3Search16x2(x0, x1, L0[:], L1[:], 4, &s0, &s1)
		simdSearch.finishQ3K(dst[b*ts:(b+1)*ts], x0, nil, &L0, &s0, &sw)
		simdSearch.finishQ3K(dst[(b+1)*ts:(b+2)*ts], x1, nil, &L1, &s1, &sw)
	}
	if b < n {
		simdSearch.blockQ3K(dst[b*ts:(b+1)*ts], src[b*QK_K:(b+1)*QK_K], nil)
	}
}

// affine16 takes simd's search only where it is vectorized (AVX2 on amd64,
// NEON on arm64); elsewhere the portable loops are faster than simd's
// scalar twin.
func (s kSearch) affine16(x, w []float32, L []uint8, p qkxParams, scales, mins *[16]float32) {
	if s.simd && simd.QKXSearch16Accelerated() {
		simd.QKXSearch16(x, w, L, simd.QKXParams(p), scales, mins)
		return
	}
	qkxSearch16(x, w, L, p, scales, mins)
}
