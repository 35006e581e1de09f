package simd

import "math"

// K-quant scale search, vectorized across sub-blocks: the 8 sub-blocks of
// 32 values of a Q4_K/Q5_K super-block are independent, so each runs in one
// float32 lane, in exactly ggml's sequential order of operations
// (make_qkx2_quants / make_qkx3_quants in ggml-quants.c). The result is the
// one quant's scalar search gives, bit for bit, for finite inputs.

// QKXParams are the search parameters of make_qkx2_quants/make_qkx3_quants.
type QKXParams struct {
	Nmax   int     // largest level (15 for Q4_K, 31 for Q5_K)
	Rmin   float32 // first trial offset
	Rdelta float32 // trial step
	Nstep  int     // trials are is = 0..Nstep; none when Nstep < 1
	UseMad bool    // absolute instead of squared error
	V3     bool    // make_qkx3_quants: degenerate when max <= min (not max == min)
}

// QKXSearch8 runs the search on the 8 sub-blocks x[32j:32j+32] with weights
// w[32j:32j+32] (len(x) == len(w) == len(L) == 256): it writes the levels
// to L and returns each sub-block's scale and min (x ≈ scale*L - min).
func QKXSearch8(x, w []float32, L []uint8, p QKXParams, scales, mins *[8]float32) {
	if len(x) != 256 || len(w) != 256 || len(L) != 256 {
		panic("simd: QKXSearch8: x, w and L must hold 256 values")
	}
	if p.Nmax < 1 || p.Nmax > 255 {
		panic("simd: QKXSearch8: Nmax out of range")
	}
	qkxSearch8(x, w, L, p, scales, mins)
}

// QKXSearch16 runs the same search on the 16 sub-blocks x[16j:16j+16] of
// 16 values (Q2_K), with the same arguments as QKXSearch8.
func QKXSearch16(x, w []float32, L []uint8, p QKXParams, scales, mins *[16]float32) {
	if len(x) != 256 || len(w) != 256 || len(L) != 256 {
		panic("simd: QKXSearch16: x, w and L must hold 256 values")
	}
	if p.Nmax < 1 || p.Nmax > 255 {
		panic("simd: QKXSearch16: Nmax out of range")
	}
	qkxSearch16(x, w, L, p, scales, mins)
}

// QKXSearch16Accelerated reports whether QKXSearch16 runs a vector kernel
// (AVX2 on amd64, NEON on arm64). Elsewhere it runs its scalar twin, which
// is no faster than a caller's own portable search.
func QKXSearch16Accelerated() bool { return qkxSearch16Fast() }

func qkxSearch16Generic(x, w []float32, L []uint8, p QKXParams, scales, mins *[16]float32) {
	for j := 0; j < 16; j++ {
		scales[j], mins[j] = qkxScalar(x[16*j:16*j+16], w[16*j:16*j+16], L[16*j:16*j+16], p)
	}
}

func qkxSearch8Generic(x, w []float32, L []uint8, p QKXParams, scales, mins *[8]float32) {
	for j := 0; j < 8; j++ {
		scales[j], mins[j] = qkxScalar(x[32*j:32*j+32], w[32*j:32*j+32], L[32*j:32*j+32], p)
	}
}

// nearestInt is ggml's nearest_int: round half to even through the
// 1.5*2^23 trick (the same bit operations in every implementation).
func nearestInt(f float32) int32 {
	v := f + 12582912.0
	return int32(math.Float32bits(v)&0x7fffff) - 0x400000
}

func clampLevel(l, nmax int32) int32 { return max(0, min(nmax, l)) }

// qkxScalar is one sub-block of the search (make_qkx2_quants), returning
// scale and the_min.
func qkxScalar(x, w []float32, L []uint8, p QKXParams) (float32, float32) {
	n := len(x)
	nmax := int32(p.Nmax)
	minv, maxv := x[0], x[0]
	sumW := w[0]
	sumX := sumW * x[0]
	for i := 1; i < n; i++ {
		if x[i] < minv {
			minv = x[i]
		}
		if x[i] > maxv {
			maxv = x[i]
		}
		sumW += w[i]
		sumX += float32(w[i] * x[i])
	}
	if minv > 0 {
		minv = 0
	}
	if (!p.V3 && maxv == minv) || (p.V3 && maxv <= minv) {
		clear(L)
		return 0, -minv
	}
	iscale := float32(nmax) / (maxv - minv)
	scale := 1 / iscale
	var bestErr float32
	for i := range x {
		l := clampLevel(nearestInt(float32(iscale*(x[i]-minv))), nmax)
		L[i] = uint8(l)
		bestErr += float32(w[i] * qkxErr(float32(float32(scale*float32(l))+minv)-x[i], p.UseMad))
	}
	if p.Nstep < 1 {
		return scale, -minv
	}
	var aux [256]uint8
	laux := aux[:n]
	for is := 0; is <= p.Nstep; is++ {
		iscale = (p.Rmin + float32(p.Rdelta*float32(is)) + float32(nmax)) / (maxv - minv)
		var sumL, sumL2, sumXL float32
		for i := range x {
			l := clampLevel(nearestInt(float32(iscale*(x[i]-minv))), nmax)
			laux[i] = uint8(l)
			wl := float32(w[i] * float32(l))
			sumL += wl
			sumL2 += float32(wl * float32(l))
			sumXL += float32(wl * x[i])
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if !(D > 0) {
			continue
		}
		thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
		thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
		if thisMin > 0 {
			thisMin = 0
			thisScale = sumXL / sumL2
		}
		var curErr float32
		for i := range x {
			diff := float32(float32(thisScale*float32(laux[i]))+thisMin) - x[i]
			curErr += float32(w[i] * qkxErr(diff, p.UseMad))
		}
		if curErr < bestErr {
			copy(L, laux)
			bestErr, scale, minv = curErr, thisScale, thisMin
		}
	}
	return scale, -minv
}

func qkxErr(diff float32, useMad bool) float32 {
	if useMad {
		return abs32(diff)
	}
	return float32(diff * diff)
}
