package quant

import "encoding/binary"

// Dequantizers of the types with small blocks (32, 64 or 128 elements and
// one scale): ggml's dequantize_row_q4_0 … _q8_0, _q1_0, _q2_0, _iq4_nl,
// and the runtime-only Q8_1. Each walks the input one block at a time
// through fixed-size array pointers so the compiler drops bounds checks;
// int→float conversions and the order of float operations follow the C
// source, with products that are then added wrapped in float32() so arm64
// cannot fuse them into FMA.

func init() {
	registerDequant(Q4_0, dequantQ4_0)
	registerDequant(Q4_1, dequantQ4_1)
	registerDequant(Q5_0, dequantQ5_0)
	registerDequant(Q5_1, dequantQ5_1)
	registerDequant(Q8_0, dequantQ8_0)
	registerDequant(Q8_1, dequantQ8_1)
	registerDequant(Q1_0, dequantQ1_0)
	registerDequant(Q2_0, dequantQ2_0)
	registerDequant(IQ4_NL, dequantIQ4_NL)
}

// Q4_0: half d; qs[16]; y = (q-8)*d, which is IQ4_NL with the evenly
// spaced levels -8..7.
func dequantQ4_0(dst []float32, src []byte) { dequantNibbleLevels(dst, src, &q4Levels) }

// q4Levels[q] is float32(q-8), the Q4_0 value of nibble q.
var q4Levels = func() (l [16]float32) {
	for i := range l {
		l[i] = float32(i - 8)
	}
	return
}()

// IQ4_NL: half d; qs[16]; nibbles index the non-linear kvalues_iq4nl table.
func dequantIQ4_NL(dst []float32, src []byte) { dequantNibbleLevels(dst, src, &iq4Levels) }

// dequantNibbleLevels decodes blocks of half d and qs[16] whose nibbles
// index levels: low nibbles are elements 0..15, high nibbles 16..31, and
// y = levels[q]*d (one rounding, as ggml's int-to-float then multiply).
func dequantNibbleLevels(dst []float32, src []byte, levels *[16]float32) {
	for ; len(src) >= 18; src, dst = src[18:], dst[32:] {
		b := (*[18]byte)(src)
		y := (*[32]float32)(dst)
		d := halfAt(b[0:])
		for j := 0; j < 16; j++ {
			q := b[2+j]
			y[j] = levels[q&0xf] * d
			y[j+16] = levels[q>>4] * d
		}
	}
}

// Q4_1: half d; half m; qs[16]; y = q*d + m.
func dequantQ4_1(dst []float32, src []byte) {
	for ; len(src) >= 20; src, dst = src[20:], dst[32:] {
		b := (*[20]byte)(src)
		y := (*[32]float32)(dst)
		d := halfAt(b[0:])
		m := halfAt(b[2:])
		for j := 0; j < 16; j++ {
			q := b[4+j]
			y[j] = float32(float32(q&0xf)*d) + m
			y[j+16] = float32(float32(q>>4)*d) + m
		}
	}
}

// Q5_0: half d; u32 qh; qs[16]; fifth bit of element j is bit j of qh.
func dequantQ5_0(dst []float32, src []byte) {
	for ; len(src) >= 22; src, dst = src[22:], dst[32:] {
		b := (*[22]byte)(src)
		y := (*[32]float32)(dst)
		d := halfAt(b[0:])
		qh := binary.LittleEndian.Uint32(b[2:])
		for j := 0; j < 16; j++ {
			q0, q1 := q5Pair(b[6+j], qh, j)
			y[j] = float32(q0-16) * d
			y[j+16] = float32(q1-16) * d
		}
	}
}

// Q5_1: half d; half m; u32 qh; qs[16]; y = q*d + m.
func dequantQ5_1(dst []float32, src []byte) {
	for ; len(src) >= 24; src, dst = src[24:], dst[32:] {
		b := (*[24]byte)(src)
		y := (*[32]float32)(dst)
		d := halfAt(b[0:])
		m := halfAt(b[2:])
		qh := binary.LittleEndian.Uint32(b[4:])
		for j := 0; j < 16; j++ {
			q0, q1 := q5Pair(b[8+j], qh, j)
			y[j] = float32(float32(q0)*d) + m
			y[j+16] = float32(float32(q1)*d) + m
		}
	}
}

// q5Pair is the 5-bit values of elements j and j+16: the nibbles of q with
// bits j and j+16 of qh as their fifth bits.
func q5Pair(q byte, qh uint32, j int) (q0, q1 int32) {
	h0 := int32(qh>>j<<4) & 0x10
	h1 := int32(qh>>(j+12)) & 0x10
	return int32(q&0xf) | h0, int32(q>>4) | h1
}

// Q8_0: half d; int8 qs[32].
func dequantQ8_0(dst []float32, src []byte) {
	for ; len(src) >= 34; src, dst = src[34:], dst[32:] {
		b := (*[34]byte)(src)
		int8Block((*[32]float32)(dst), (*[32]byte)(b[2:]), halfAt(b[0:]))
	}
}

// Q8_1: half d; half s (= d*Σq, unused here); int8 qs[32]. ggml has no
// to_float for this runtime-only type; the values are qs*d as for Q8_0.
func dequantQ8_1(dst []float32, src []byte) {
	for ; len(src) >= 36; src, dst = src[36:], dst[32:] {
		b := (*[36]byte)(src)
		int8Block((*[32]float32)(dst), (*[32]byte)(b[4:]), halfAt(b[0:]))
	}
}

// int8Block sets y = qs*d for the int8 values qs.
func int8Block(y *[32]float32, qs *[32]byte, d float32) {
	for j, q := range qs {
		y[j] = float32(int8(q)) * d
	}
}

// Q1_0 (128 elements): half d; qs[16]; bit j set → +d, clear → -d.
func dequantQ1_0(dst []float32, src []byte) {
	for ; len(src) >= 18; src, dst = src[18:], dst[128:] {
		b := (*[18]byte)(src)
		y := (*[128]float32)(dst)
		d := halfAt(b[0:])
		pm := [2]float32{-d, d}
		for j := 0; j < 16; j++ {
			q := b[2+j]
			for k := 0; k < 8; k++ {
				y[8*j+k] = pm[q>>k&1]
			}
		}
	}
}

// Q2_0 (64 elements): half d; qs[16]; element j is 2 bits at qs[j/4] >> 2(j%4),
// value (q-1)*d with q-1 ∈ {-1, 0, 1, 2}.
func dequantQ2_0(dst []float32, src []byte) {
	for ; len(src) >= 18; src, dst = src[18:], dst[64:] {
		b := (*[18]byte)(src)
		y := (*[64]float32)(dst)
		d := halfAt(b[0:])
		for j := 0; j < 16; j++ {
			q := b[2+j]
			y[4*j+0] = float32(int32(q&3)-1) * d
			y[4*j+1] = float32(int32(q>>2&3)-1) * d
			y[4*j+2] = float32(int32(q>>4&3)-1) * d
			y[4*j+3] = float32(int32(q>>6)-1) * d
		}
	}
}
