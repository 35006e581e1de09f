package quant

import (
	"encoding/binary"
	"math"
)

// Quantizers that work block by block with one absmax-derived scale and no
// search: F32 (copy), F16, BF16, Q8_0, Q8_1, Q1_0, Q2_0, TQ1_0, TQ2_0 — the
// quantize_row_*_ref functions ggml_quantize_chunk calls for these types.
// None reads importance weights, and every row is independent, so each
// quantizer simply walks all blocks of src.

func init() {
	registerQuant(F32, quantF32, ImatrixIgnored)
	registerQuant(F16, quantF16, ImatrixIgnored)
	registerQuant(BF16, quantBF16, ImatrixIgnored)
	registerQuant(Q8_0, quantQ8_0, ImatrixIgnored)
	registerQuant(Q8_1, quantQ8_1, ImatrixIgnored)
	registerQuant(Q1_0, quantQ1_0, ImatrixIgnored)
	registerQuant(Q2_0, quantQ2_0, ImatrixIgnored)
	registerQuant(TQ1_0, quantTQ1_0, ImatrixIgnored)
	registerQuant(TQ2_0, quantTQ2_0, ImatrixIgnored)
}

// fabsf clears the sign bit, as C fabsf does (also for NaN and -0).
func fabsf(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

// cRoundToInt is (int)roundf(x) for the values these quantizers produce
// (|x| well inside int32); NaN gives 0.
func cRoundToInt(x float32) int32 {
	if x != x {
		return 0
	}
	return int32(math.Round(float64(x)))
}

// putHalf stores fp16(v) little-endian at b[0:2].
func putHalf(b []byte, v float32) {
	binary.LittleEndian.PutUint16(b, FP32ToFP16(v))
}

// invOrZero is 1/d, or 0 for d == 0 (ggml's id = d ? 1.0f/d : 0.0f).
func invOrZero(d float32) float32 {
	if d != 0 {
		return 1 / d
	}
	return 0
}

// absMaxC is the running max of |x| written as C's MAX(amax, fabsf(v)),
// i.e. amax > a ? amax : a (a NaN can enter, as in C). Where ggml instead
// writes if (ax > amax), NaN never enters: that is qxMaxAbs.
func absMaxC(x []float32) float32 {
	var amax float32
	for _, v := range x {
		a := fabsf(v)
		if !(amax > a) {
			amax = a
		}
	}
	return amax
}

func quantF32(dst []byte, src []float32, _ int, _ []float32) {
	dst = dst[:4*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
	}
}

func quantF16(dst []byte, src []float32, _ int, _ []float32) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], toHalf(v))
	}
}

// toHalf is FP32ToFP16 with the normal-range case (results 2^-14 ..
// 65504) done inline: rebias the exponent and round the 13 dropped
// mantissa bits to nearest even by adding 0xFFF plus the kept lowest bit.
// Zeros, subnormals, overflow and NaN go to FP32ToFP16.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	abs := b & 0x7fffffff
	if abs-0x38800000 < 0x477ff000-0x38800000 {
		v := abs - 112<<23
		return uint16(b>>16)&0x8000 | uint16((v+0xfff+(v>>13)&1)>>13)
	}
	return FP32ToFP16(f)
}

func quantBF16(dst []byte, src []float32, _ int, _ []float32) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], FP32ToBF16(v))
	}
}

// Q8_0: d = amax/127; q = roundf(x/d) (half away from zero).
func quantQ8_0(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 32; src, dst = src[32:], dst[34:] {
		x := (*[32]float32)(src)
		b := (*[34]byte)(dst)
		d := absMaxC(x[:]) / 127
		id := invOrZero(d)
		putHalf(b[0:], d)
		for j, v := range x {
			b[2+j] = byte(cRoundToInt(v * id))
		}
	}
}

// Q8_1: as Q8_0 plus s = fp16(Σq * d) (quantize_row_q8_1_ref; ggml_quantize_chunk
// does not offer Q8_1, it is the activation format of the dot products).
func quantQ8_1(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 32; src, dst = src[32:], dst[36:] {
		x := (*[32]float32)(src)
		b := (*[36]byte)(dst)
		d := absMaxC(x[:]) / 127
		id := invOrZero(d)
		putHalf(b[0:], d)
		var sum int32
		for j, v := range x {
			q := int8(cRoundToInt(v * id))
			b[4+j] = byte(q)
			sum += int32(q)
		}
		putHalf(b[2:], float32(sum)*d)
	}
}

// Q1_0 (128 values): d = Σ|x| / 128 summed in order; bit j = x[j] >= 0.
func quantQ1_0(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 128; src, dst = src[128:], dst[18:] {
		x := (*[128]float32)(src)
		b := (*[18]byte)(dst)
		var sum float32
		for _, v := range x {
			sum += fabsf(v)
		}
		putHalf(b[0:], sum/128)
		for j := 0; j < 16; j++ {
			var q byte
			for k := 0; k < 8; k++ {
				if x[8*j+k] >= 0 {
					q |= 1 << k
				}
			}
			b[2+j] = q
		}
	}
}

// Q2_0 (64 values): d = amax; q = clamp(roundf(x/d)+1, 0, 3).
func quantQ2_0(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 64; src, dst = src[64:], dst[18:] {
		x := (*[64]float32)(src)
		b := (*[18]byte)(dst)
		_, amax := qxMaxAbs(x[:]) // never NaN, so amax > 0 is amax != 0
		id := invOrZero(amax)
		putHalf(b[0:], amax)
		for j := 0; j < 16; j++ {
			var q byte
			for k := 0; k < 4; k++ {
				v := min(max(cRoundToInt(x[4*j+k]*id)+1, 0), 3)
				q |= byte(v) << (2 * k)
			}
			b[2+j] = q
		}
	}
}

// ternary is lroundf(x*id) + 1: the trit 0, 1 or 2 of x (-1, 0, +1 times d).
func ternary(x, id float32) uint8 {
	return uint8(cRoundToInt(x*id) + 1)
}

// tq1Pack turns the base-3 number q (< 243) into the byte whose top bits
// the dequantizer reads digit by digit: ceil(q*256/243).
func tq1Pack(q uint8) byte { return byte((uint16(q)*256 + 242) / 243) }

// TQ1_0 (256 values → 54 bytes): d = amax; bytes 0..31 pack elements
// m+32n (n = 0..4, first trit most significant), bytes 32..47 elements
// 160+m+16n, qh[j] elements 240+j+4m (m = 0..3, then a zero trit).
func quantTQ1_0(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= QK_K; src, dst = src[QK_K:], dst[54:] {
		x := (*[QK_K]float32)(src)
		b := (*[54]byte)(dst)
		d := absMaxC(x[:])
		id := invOrZero(d)
		putHalf(b[52:], d)
		for m := 0; m < 32; m++ {
			var q uint8
			for n := 0; n < 5; n++ {
				q = q*3 + ternary(x[m+32*n], id)
			}
			b[m] = tq1Pack(q)
		}
		for m := 0; m < 16; m++ {
			var q uint8
			for n := 0; n < 5; n++ {
				q = q*3 + ternary(x[160+m+16*n], id)
			}
			b[32+m] = tq1Pack(q)
		}
		for j := 0; j < 4; j++ {
			var q uint8
			for m := 0; m < 4; m++ {
				q = q*3 + ternary(x[240+j+4*m], id)
			}
			b[48+j] = tq1Pack(q * 3)
		}
	}
}

// TQ2_0 (256 values → 66 bytes): d = amax; qs[32c+m] holds the trits of
// elements 128c+m+32n in bit pairs n = 0..3.
func quantTQ2_0(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= QK_K; src, dst = src[QK_K:], dst[66:] {
		x := (*[QK_K]float32)(src)
		b := (*[66]byte)(dst)
		d := absMaxC(x[:])
		id := invOrZero(d)
		putHalf(b[64:], d)
		for c := 0; c < 2; c++ {
			for m := 0; m < 32; m++ {
				var q uint8
				for n := 0; n < 4; n++ {
					q += (ternary(x[128*c+m+32*n], id) & 3) << (2 * n)
				}
				b[32*c+m] = q
			}
		}
	}
}
