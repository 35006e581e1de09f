package quant

import "math"

// Scalar conversions and rounding primitives shared by every quantizer
// (gguf-and-quants.md §3). All of them must give ggml's exact bits.

// groupMaxEps is GROUP_MAX_EPS: groups whose largest |x| is below it are zero.
const groupMaxEps = float32(1e-15)

// FP16ToFP32 widens IEEE binary16 bits exactly.
func FP16ToFP32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // Inf or NaN: keep the payload
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
	case man == 0: // ±0
		return math.Float32frombits(sign)
	}
	// subnormal: renormalize
	e := uint32(113)
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

// FP32ToFP16 rounds to the nearest binary16, ties to even, as
// ggml_compute_fp32_to_fp16 (and F16C) do: overflow gives ±Inf, subnormals
// are produced, NaN becomes sign|0x7E00.
func FP32ToFP16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	abs := b & 0x7fffffff
	if abs > 0x7f800000 {
		return sign | 0x7e00
	}
	if abs >= 0x477ff000 { // ≥ 65520 rounds to Inf
		return sign | 0x7c00
	}
	if abs < 0x38800000 { // below the smallest normal half (2^-14)
		// value in units of 2^-24, rounded to nearest even
		m := abs&0x7fffff | 0x800000
		e := int(abs >> 23)
		if e < 102 { // < 2^-25: rounds to zero
			return sign
		}
		shift := uint(126 - e) // 113+13 - e
		q := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && q&1 == 1) {
			q++
		}
		return sign | uint16(q)
	}
	// normal: rebias exponent, round the 13 dropped mantissa bits to even
	v := abs - 112<<23
	q := v >> 13
	rem := v & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && q&1 == 1) {
		q++
	}
	return sign | uint16(q)
}

// BF16ToFP32 widens bfloat16 bits.
func BF16ToFP32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// FP32ToBF16 rounds to nearest even without flushing subnormals; NaN is
// forced quiet, as ggml_compute_fp32_to_bf16.
func FP32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}

// nearestInt is ggml's nearest_int: round half to even through the
// 1.5*2^23 trick, valid for |f| ≤ 4194303.
func nearestInt(f float32) int32 {
	// float32(f): once inlined, a caller's unrounded product a*b must not
	// fuse with this addition into an FMA (arm64 would otherwise do it).
	v := float32(f) + 12582912.0
	return int32(math.Float32bits(v)&0x7fffff) - 0x400000
}

// roundf is C roundf / lroundf: half away from zero.
func roundf(f float32) float32 { return float32(math.Round(float64(f))) }

// fp16Round returns d as ggml re-reads it after storing: half(fp16(d)).
func fp16Round(d float32) float32 { return FP16ToFP32(FP32ToFP16(d)) }
