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
// Q8_0, Q4_K/Q5_K with the sub-block search in simd.QKXSearch8 and Q6_K
// with it in simd.QXSearch16.
var simdQuant = map[Type]quantFunc{
	F16:  func(dst []byte, src []float32, _ int, _ []float32) { simd.F32ToF16(dst, src) },
	BF16: func(dst []byte, src []float32, _ int, _ []float32) { simd.F32ToBF16(dst, src) },
	Q8_0: func(dst []byte, src []float32, _ int, _ []float32) { simd.QuantQ8_0(dst, src) },
	Q4_K: quantizeK(Q4_K, simdBlockQ4K),
	Q5_K: quantizeK(Q5_K, simdBlockQ5K),
	Q6_K: quantizeK(Q6_K, simdBlockQ6K),
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

// simdBlockQ4K is quantBlockQ4K with the search in simd.
func simdBlockQ4K(y []byte, x, qw []float32) {
	y = y[:144]
	x = x[:QK_K]
	var L [QK_K]uint8
	simdAffineKBlock(y, x, qw, simd.QKXParams{Nmax: 15, Rmin: -1, Rdelta: 0.1, Nstep: 20}, &L)
	qs := y[16:144]
	for c := range 4 {
		for l := range 32 {
			qs[32*c+l] = L[64*c+l] | L[64*c+l+32]<<4
		}
	}
}

// simdBlockQ5K is quantBlockQ5K with the search in simd.
func simdBlockQ5K(y []byte, x, qw []float32) {
	y = y[:176]
	x = x[:QK_K]
	var L [QK_K]uint8
	simdAffineKBlock(y, x, qw, simd.QKXParams{Nmax: 31, Rmin: -0.5, Rdelta: 0.1, Nstep: 15}, &L)
	qh, qs := y[16:48], y[48:176]
	clear(qh)
	for c := range 4 {
		for l := range 32 {
			l1, l2 := L[64*c+l], L[64*c+l+32]
			if l1 > 15 {
				l1 -= 16
				qh[l] |= 1 << (2 * c)
			}
			if l2 > 15 {
				l2 -= 16
				qh[l] |= 2 << (2 * c)
			}
			qs[32*c+l] = l1 | l2<<4
		}
	}
}

// simdAffineKBlock is affineKBlock (kquants_q456.go) with the 8 sub-block
// searches run at once by simd.QKXSearch8; the weights, the super-block
// scales and the re-quantization restate affineKBlock step for step (the
// tests compare the bytes with the portable quantizers).
func simdAffineKBlock(y []byte, x, qw []float32, p simd.QKXParams, L *[QK_K]uint8) {
	var w [QK_K]float32
	var scales, mins, sw [8]float32
	if qw == nil {
		for j := range 8 {
			xs := x[32*j : 32*j+32]
			var sumX2 float32
			for _, v := range xs {
				sumX2 += float32(v * v)
			}
			avX := qxSqrt(sumX2 / 32)
			for l, v := range xs {
				w[32*j+l] = avX + qxAbs(v)
			}
		}
	} else {
		sigma2 := kqSigma2x2(x)
		for j := range 8 {
			sw[j] = kqImatrixWeights(w[32*j:32*j+32], x[32*j:32*j+32], qw[32*j:32*j+32], sigma2)
		}
		p.Rmin, p.Rdelta, p.Nstep, p.V3 = -0.9, 0.05, 36, true
	}
	simd.QKXSearch8(x, w[:], L[:], p, &scales, &mins)
	sc := y[4:16]
	if qw == nil {
		var maxScale, maxMin float32
		for j := range 8 {
			if scales[j] > maxScale {
				maxScale = scales[j]
			}
			if mins[j] > maxMin {
				maxMin = mins[j]
			}
		}
		var invScale, invMin float32
		if maxScale > 0 {
			invScale = 63 / maxScale
		}
		if maxMin > 0 {
			invMin = 63 / maxMin
		}
		for j := range 8 {
			ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
			lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
			kqPutScaleMin(sc, j, ls, lm)
		}
		kqPutF16(y[0:2], maxScale/63)
		kqPutF16(y[2:4], maxMin/63)
	} else {
		var Ls, Lm [8]uint8
		dBlock := makeQPQuants(8, 63, scales[:], Ls[:], sw[:])
		mBlock := makeQPQuants(8, 63, mins[:], Lm[:], sw[:])
		for j := range 8 {
			ls, lm := Ls[j], Lm[j]
			if p.Nmax == 31 {
				ls, lm = min(63, ls), min(63, lm)
			}
			kqPutScaleMin(sc, j, ls, lm)
		}
		kqPutF16(y[0:2], dBlock)
		kqPutF16(y[2:4], mBlock)
	}
	d := kqGetF16(y[0:2])
	dmin := kqGetF16(y[2:4])
	lmax := int32(p.Nmax)
	for j := range 8 {
		s, m := kqScaleMin(sc, j)
		dl := d * float32(s)
		if dl == 0 {
			continue
		}
		dm := float32(dmin * float32(m))
		for i, v := range x[32*j : 32*j+32] {
			L[32*j+i] = uint8(max(0, min(lmax, nearestInt((v+dm)/dl))))
		}
	}
}

// simdBlockQ6K is quantBlockQ6K (kquants_q456.go) with the 16 sub-block
// searches run at once by simd.QXSearch16; the rest restates quantBlockQ6K.
func simdBlockQ6K(y []byte, x, qw []float32) {
	y = y[:210]
	x = x[:QK_K]
	var L [QK_K]int8
	var scales [16]float32
	simd.QXSearch16(x, qw, L[:], 32, &scales)
	var maxScale, maxAbs float32
	for _, s := range scales {
		if a := qxAbs(s); a > maxAbs {
			maxAbs, maxScale = a, s
		}
	}
	if maxAbs < groupMaxEps {
		clear(y)
		return
	}
	iscale := -128 / maxScale
	kqPutF16(y[208:210], 1/iscale)
	sc := y[192:208]
	for j, s := range scales {
		sc[j] = uint8(int8(min(127, nearestInt(float32(iscale*s)))))
	}
	d := kqGetF16(y[208:210])
	for j := range 16 {
		dl := d * float32(int8(sc[j]))
		if dl == 0 {
			continue
		}
		for i, v := range x[16*j : 16*j+16] {
			L[16*j+i] = int8(max(-32, min(31, nearestInt(v/dl))) + 32)
		}
	}
	ql, qh := y[0:128], y[128:192]
	for h := range 2 {
		for l := range 32 {
			j := 128*h + l
			q1, q2, q3, q4 := uint8(L[j]), uint8(L[j+32]), uint8(L[j+64]), uint8(L[j+96])
			ql[64*h+l] = q1&0xf | q3&0xf<<4
			ql[64*h+l+32] = q2&0xf | q4&0xf<<4
			qh[32*h+l] = q1>>4 | q2>>4<<2 | q3>>4<<4 | q4>>4<<6
		}
	}
}
