package quant

import (
	"math"

	"github.com/ggufmerge/ggufmerge/simd"
)

// Scalar conversions and rounding primitives shared by every quantizer
// (gguf-and-quants.md §3). All of them must give ggml's exact bits.

// groupMaxEps is GROUP_MAX_EPS: groups whose largest |x| is below it are zero.
const groupMaxEps = float32(1e-15)

// The fp16/bf16 scalar conversions live in simd (which may not import quant)
// beside its row kernels; quant re-exports them so its callers need no simd.

// FP16ToFP32 widens IEEE binary16 bits exactly.
func FP16ToFP32(h uint16) float32 { return simd.HalfToFloat(h) }

// FP32ToFP16 rounds to the nearest binary16, ties to even, as
// ggml_compute_fp32_to_fp16 (and F16C) do: overflow gives ±Inf, subnormals
// are produced, NaN becomes sign|0x7E00.
func FP32ToFP16(f float32) uint16 { return simd.FloatToHalf(f) }

// BF16ToFP32 widens bfloat16 bits.
func BF16ToFP32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// FP32ToBF16 rounds to nearest even without flushing subnormals; NaN is
// forced quiet, as ggml_compute_fp32_to_bf16.
func FP32ToBF16(f float32) uint16 { return simd.FloatToBF16(f) }

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
