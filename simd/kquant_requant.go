package simd

import "unsafe"

// The last step of every K-quant block rule: re-quantize each value with
// its sub-block's fp16-rounded scale (and min), nearest_int((x + m)/d)
// clamped to the level range. One division per value, so it is worth a
// vector kernel; every lane does exactly the scalar operations.

// RequantLevels sets, for each group g of n = len(x)/len(d) values with
// d[g] != 0 (NaN included, as ggml's `if (!d) continue`),
//
//	L[n*g+i] = byte(clamp(nearest_int((x[n*g+i] + m[g]) / d[g]), lo, hi) + bias)
//
// and leaves the groups with d[g] == 0 as they are. m nil means no min
// (adding +0 changes no level). n must be a positive multiple of 16, and
// lo+bias .. hi+bias within 0..255.
func RequantLevels(L []uint8, x, m, d []float32, lo, hi, bias int32) {
	if len(d) == 0 || len(x)%len(d) != 0 || len(x)/len(d)%16 != 0 || len(L) != len(x) || (m != nil && len(m) != len(d)) {
		panic("simd: RequantLevels: L, x, m, d do not fit groups of a multiple of 16")
	}
	if lo > hi || lo+bias < 0 || hi+bias > 255 {
		panic("simd: RequantLevels: levels out of byte range")
	}
	requant(L, x, m, d, lo, hi, bias)
}

// RequantLevelsInt8 is RequantLevels for levels held as int8 (Q3_K, Q6_K):
// the same bytes.
func RequantLevelsInt8(L []int8, x, m, d []float32, lo, hi, bias int32) {
	RequantLevels(unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(L))), len(L)), x, m, d, lo, hi, bias)
}

func requantGeneric(L []uint8, x, m, d []float32, lo, hi, bias int32) {
	n := len(x) / len(d)
	for g, dg := range d {
		if dg == 0 {
			continue
		}
		var mg float32
		if m != nil {
			mg = m[g]
		}
		for i, v := range x[n*g : n*g+n] {
			L[n*g+i] = uint8(max(lo, min(hi, nearestInt((v+mg)/dg))) + bias)
		}
	}
}
