package simd

import (
	"encoding/binary"
	"math"
)

// F16ToF32 widens little-endian IEEE binary16 values: dst[i] = half(src[2i:]).
// The conversion is exact; a NaN keeps its sign and payload bits (a
// signalling NaN stays signalling), as quant.FP16ToFP32 does.
// len(src) must be 2*len(dst).
func F16ToF32(dst []float32, src []byte) {
	if len(src) != 2*len(dst) {
		panic("simd: F16ToF32: len(src) != 2*len(dst)")
	}
	f16ToF32(dst, src)
}

// F32ToF16 rounds to binary16, nearest-even, little-endian into dst:
// overflow gives ±Inf, subnormals are produced and every NaN becomes
// sign|0x7E00, as ggml_compute_fp32_to_fp16 and quant.FP32ToFP16.
// len(dst) must be 2*len(src).
func F32ToF16(dst []byte, src []float32) {
	if len(dst) != 2*len(src) {
		panic("simd: F32ToF16: len(dst) != 2*len(src)")
	}
	f32ToF16(dst, src)
}

// BF16ToF32 widens little-endian bfloat16 values (bits << 16).
// len(src) must be 2*len(dst).
func BF16ToF32(dst []float32, src []byte) {
	if len(src) != 2*len(dst) {
		panic("simd: BF16ToF32: len(src) != 2*len(dst)")
	}
	bf16ToF32(dst, src)
}

// F32ToBF16 rounds to bfloat16, nearest-even without flushing subnormals;
// a NaN is made quiet ((bits>>16) | 0x40), as ggml_compute_fp32_to_bf16.
// len(dst) must be 2*len(src).
func F32ToBF16(dst []byte, src []float32) {
	if len(dst) != 2*len(src) {
		panic("simd: F32ToBF16: len(dst) != 2*len(src)")
	}
	f32ToBF16(dst, src)
}

// halfToFloat is the scalar binary16 → float32 widening (exact, NaN

// HalfToFloat widens one IEEE binary16 value to float32 (exact).
func HalfToFloat(h uint16) float32 { return halfToFloat(h) }

// FloatToHalf rounds one float32 to binary16 as ggml does: nearest-even,
// overflow to ±Inf, subnormals kept, NaN → sign|0x7E00.
func FloatToHalf(f float32) uint16 { return floatToHalf(f) }

// FloatToBF16 rounds one float32 to bfloat16: nearest-even, NaN forced quiet.
func FloatToBF16(f float32) uint16 { return floatToBF16(f) }

// payload kept).
func halfToFloat(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
	case man == 0:
		return math.Float32frombits(sign)
	}
	e := uint32(113) // subnormal: shift the leading one into the implicit bit
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

// floatToHalf rounds float32 to binary16, nearest-even.
func floatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	abs := b & 0x7fffffff
	switch {
	case abs > 0x7f800000:
		return sign | 0x7e00
	case abs >= 0x477ff000: // ≥ 65520 rounds to Inf
		return sign | 0x7c00
	case abs < 0x38800000: // result is subnormal or zero
		if abs < 0x33000000 { // < 2^-25 rounds to zero
			return sign
		}
		m := abs&0x7fffff | 0x800000
		shift := 126 - abs>>23
		q := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && q&1 == 1) {
			q++
		}
		return sign | uint16(q)
	}
	v := abs - 112<<23
	q := v >> 13
	rem := v & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && q&1 == 1) {
		q++
	}
	return sign | uint16(q)
}

// floatToBF16 rounds float32 to bfloat16 bits, nearest-even, NaN quiet.
func floatToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}

func f16ToF32Generic(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = halfToFloat(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func f32ToF16Generic(dst []byte, src []float32) {
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], floatToHalf(v))
	}
}

func bf16ToF32Generic(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(src[2*i:])) << 16)
	}
}

func f32ToBF16Generic(dst []byte, src []float32) {
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], floatToBF16(v))
	}
}
