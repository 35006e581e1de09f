package quant

import (
	"encoding/binary"
	"math"
)

// Unquantized element types. ggml's to_float exists only for F16 and BF16
// (and F32 is a plain copy); the integer types and F64 have no to_float in
// ggml at all. We convert them the way a C cast to float does: F64 is
// rounded to the nearest float32 (narrowing, so large or very precise values
// change), integers are converted exactly up to 2^24 and rounded to nearest
// even beyond that.

func init() {
	registerDequant(F32, dequantF32)
	registerDequant(F16, dequantF16)
	registerDequant(BF16, dequantBF16)
	registerDequant(F64, dequantF64)
	registerDequant(I8, dequantI8)
	registerDequant(I16, dequantI16)
	registerDequant(I32, dequantI32)
	registerDequant(I64, dequantI64)
}

// halfAt reads the little-endian fp16 at b[0:2] and widens it. The normal
// case is done inline; zeros, subnormals, Inf and NaN go to FP16ToFP32.
func halfAt(b []byte) float32 {
	return halfToFloat(uint16(b[0]) | uint16(b[1])<<8)
}

// halfToFloat is FP16ToFP32 with the common normal-number path small
// enough to inline in the per-element F16 loop.
func halfToFloat(h uint16) float32 {
	if e := h & 0x7c00; e != 0 && e != 0x7c00 {
		return math.Float32frombits(uint32(h&0x8000)<<16 | (uint32(h&0x7fff)<<13 + 112<<23))
	}
	return FP16ToFP32(h)
}

// The element loops below go 8 values at a time through array pointers so
// the compiler drops the bounds checks; a short tail loop finishes.

func dequantF32(dst []float32, src []byte) {
	for ; len(dst) >= 8; src, dst = src[32:], dst[8:] {
		s := (*[32]byte)(src)
		d := (*[8]float32)(dst)
		for k := range d {
			d[k] = math.Float32frombits(binary.LittleEndian.Uint32(s[4*k:]))
		}
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

func dequantF16(dst []float32, src []byte) {
	for ; len(dst) >= 8; src, dst = src[16:], dst[8:] {
		s := (*[16]byte)(src)
		d := (*[8]float32)(dst)
		for k := range d {
			h := uint16(s[2*k]) | uint16(s[2*k+1])<<8
			// halfToFloat, written out: the call would not be inlined here
			if e := h & 0x7c00; e != 0 && e != 0x7c00 {
				d[k] = math.Float32frombits(uint32(h&0x8000)<<16 | (uint32(h&0x7fff)<<13 + 112<<23))
			} else {
				d[k] = FP16ToFP32(h)
			}
		}
	}
	for i := range dst {
		dst[i] = halfAt(src[2*i:])
	}
}

func dequantBF16(dst []float32, src []byte) {
	for ; len(dst) >= 8; src, dst = src[16:], dst[8:] {
		s := (*[16]byte)(src)
		d := (*[8]float32)(dst)
		for k := range d {
			d[k] = math.Float32frombits((uint32(s[2*k]) | uint32(s[2*k+1])<<8) << 16)
		}
	}
	for i := range dst {
		dst[i] = math.Float32frombits((uint32(src[2*i]) | uint32(src[2*i+1])<<8) << 16)
	}
}

func dequantF64(dst []float32, src []byte) {
	src = src[:8*len(dst)]
	for i := range dst {
		dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
	}
}

func dequantI8(dst []float32, src []byte) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = float32(int8(src[i]))
	}
}

func dequantI16(dst []float32, src []byte) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] = float32(int16(binary.LittleEndian.Uint16(src[2*i:])))
	}
}

func dequantI32(dst []float32, src []byte) {
	src = src[:4*len(dst)]
	for i := range dst {
		dst[i] = float32(int32(binary.LittleEndian.Uint32(src[4*i:])))
	}
}

func dequantI64(dst []float32, src []byte) {
	src = src[:8*len(dst)]
	for i := range dst {
		dst[i] = float32(int64(binary.LittleEndian.Uint64(src[8*i:])))
	}
}
