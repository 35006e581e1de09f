package quant

import (
	"encoding/binary"
	"math"
)

// Dequantizers of the 256-element super-block types with sub-block scales:
// the K-quants (dequantize_row_q2_K … _q6_K, _q8_K) and IQ4_XS. The
// per-sub-block scale products (d*sc, dmin*m) are hoisted exactly where the
// C code computes them, so every element sees the same float32 value.

func init() {
	registerDequant(Q2_K, dequantQ2_K)
	registerDequant(Q3_K, dequantQ3_K)
	registerDequant(Q4_K, dequantQ4_K)
	registerDequant(Q5_K, dequantQ5_K)
	registerDequant(Q6_K, dequantQ6_K)
	registerDequant(Q8_K, dequantQ8_K)
	registerDequant(IQ4_XS, dequantIQ4_XS)
}

// Q2_K (84 bytes): scales[16] (low nibble scale, high nibble min); qs[64];
// half d; half dmin. 16 groups of 16; y = d*sc*q - dmin*m.
func dequantQ2_K(dst []float32, src []byte) {
	for ; len(src) >= 84; src, dst = src[84:], dst[QK_K:] {
		b := (*[84]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[80:])
		dmin := halfAt(b[82:])
		for g := 0; g < 16; g++ {
			// group g covers elements 16g..16g+15: chunk n = g/8 of 128,
			// bit pair j = (g%8)/2, and the upper 16 bytes of qs when g is odd.
			sc := b[g]
			dl := d * float32(sc&0xf)
			ml := float32(dmin * float32(sc>>4)) // float32(): keep the product rounded (no FMSUB below)
			qs := (*[16]byte)(b[16+32*(g/8)+16*(g%2):])
			shift := uint(2 * (g % 8 / 2))
			yg := (*[16]float32)(y[16*g:])
			for l, q := range qs {
				yg[l] = float32(dl*float32(q>>shift&3)) - ml
			}
		}
	}
}

// q3kScales unpacks Q3_K's 16 signed 6-bit scales (already minus 32):
// low 4 bits from scales[0..7] nibbles, high 2 bits from scales[8..11].
func q3kScales(s *[12]byte) (out [16]int32) {
	for g := 0; g < 16; g++ {
		lo := s[g%8] >> (4 * uint(g/8)) & 0xf
		hi := s[8+g%4] >> (2 * uint(g/4)) & 3
		out[g] = int32(lo|hi<<4) - 32
	}
	return
}

// Q3_K (110 bytes): hmask[32]; qs[64]; scales[12]; half d. A clear hmask bit
// subtracts 4 from the 2-bit value; y = d*sc*q.
func dequantQ3_K(dst []float32, src []byte) {
	for ; len(src) >= 110; src, dst = src[110:], dst[QK_K:] {
		b := (*[110]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[108:])
		scales := q3kScales((*[12]byte)(b[96:]))
		hm := (*[32]byte)(b[0:])
		for g := 0; g < 16; g++ {
			n, j, half := g/8, g%8/2, 16*(g%2)
			dl := d * float32(scales[g])
			qs := (*[16]byte)(b[32+32*n+half:])
			hmg := (*[16]byte)(hm[half:])
			mask := byte(1) << uint(4*n+j)
			shift := uint(2 * j)
			yg := (*[16]float32)(y[16*g:])
			for l, q := range qs {
				v := int32(q >> shift & 3)
				if hmg[l]&mask == 0 {
					v -= 4
				}
				yg[l] = dl * float32(v)
			}
		}
	}
}

// scaleMinK4 is get_scale_min_k4: the 6-bit scale and min of sub-block j
// (0..7) packed into the 12 scale bytes of Q4_K and Q5_K.
func scaleMinK4(j int, s *[12]byte) (sc, m uint8) {
	if j < 4 {
		return s[j] & 63, s[j+4] & 63
	}
	return s[j+4]&0xf | (s[j-4]>>6)<<4, s[j+4]>>4 | (s[j]>>6)<<4
}

// Q4_K (144 bytes): half d; half dmin; scales[12]; qs[128]. Eight groups of
// 32; group 2c uses the low nibbles of qs[32c..32c+31], group 2c+1 the high.
func dequantQ4_K(dst []float32, src []byte) {
	for ; len(src) >= 144; src, dst = src[144:], dst[QK_K:] {
		b := (*[144]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[0:])
		dmin := halfAt(b[2:])
		scales := (*[12]byte)(b[4:])
		for c := 0; c < 4; c++ {
			sc, m := scaleMinK4(2*c, scales)
			d1, m1 := d*float32(sc), float32(dmin*float32(m))
			sc, m = scaleMinK4(2*c+1, scales)
			d2, m2 := d*float32(sc), float32(dmin*float32(m))
			qs := (*[32]byte)(b[16+32*c:])
			y1 := (*[32]float32)(y[64*c:])
			y2 := (*[32]float32)(y[64*c+32:])
			for l, q := range qs {
				y1[l] = float32(d1*float32(q&0xf)) - m1
				y2[l] = float32(d2*float32(q>>4)) - m2
			}
		}
	}
}

// Q5_K (176 bytes): half d; half dmin; scales[12]; qh[32]; qs[128]. As Q4_K
// with a fifth bit: bit 2c of qh[l] for group 2c, bit 2c+1 for group 2c+1.
func dequantQ5_K(dst []float32, src []byte) {
	for ; len(src) >= 176; src, dst = src[176:], dst[QK_K:] {
		b := (*[176]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[0:])
		dmin := halfAt(b[2:])
		scales := (*[12]byte)(b[4:])
		qh := (*[32]byte)(b[16:])
		for c := 0; c < 4; c++ {
			sc, m := scaleMinK4(2*c, scales)
			d1, m1 := d*float32(sc), float32(dmin*float32(m))
			sc, m = scaleMinK4(2*c+1, scales)
			d2, m2 := d*float32(sc), float32(dmin*float32(m))
			qs := (*[32]byte)(b[48+32*c:])
			y1 := (*[32]float32)(y[64*c:])
			y2 := (*[32]float32)(y[64*c+32:])
			s1, s2 := uint(2*c), uint(2*c+1)
			for l, q := range qs {
				h := qh[l]
				q1 := q&0xf | (h>>s1&1)<<4
				q2 := q>>4 | (h>>s2&1)<<4
				y1[l] = float32(d1*float32(q1)) - m1
				y2[l] = float32(d2*float32(q2)) - m2
			}
		}
	}
}

// Q6_K (210 bytes): ql[128]; qh[64]; int8 scales[16]; half d. Per 128-element
// half n: element 32k+l (k = quarter) takes 4 low bits from ql[64n+l+32(k&1)]
// (low nibble for k < 2), 2 high bits from qh[32n+l] >> 2k, minus 32.
func dequantQ6_K(dst []float32, src []byte) {
	for ; len(src) >= 210; src, dst = src[210:], dst[QK_K:] {
		b := (*[210]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[208:])
		for n := 0; n < 2; n++ {
			ql := (*[64]byte)(b[64*n:])
			qh := (*[32]byte)(b[128+32*n:])
			sc := (*[8]byte)(b[192+8*n:])
			yn := (*[128]float32)(y[128*n:])
			for l := 0; l < 32; l++ {
				is := l / 16
				h := qh[l]
				q1 := int32(ql[l]&0xf|(h&3)<<4) - 32
				q2 := int32(ql[l+32]&0xf|(h>>2&3)<<4) - 32
				q3 := int32(ql[l]>>4|(h>>4&3)<<4) - 32
				q4 := int32(ql[l+32]>>4|(h>>6)<<4) - 32
				yn[l] = d * float32(int8(sc[is])) * float32(q1)
				yn[l+32] = d * float32(int8(sc[is+2])) * float32(q2)
				yn[l+64] = d * float32(int8(sc[is+4])) * float32(q3)
				yn[l+96] = d * float32(int8(sc[is+6])) * float32(q4)
			}
		}
	}
}

// Q8_K (292 bytes): float32 d; int8 qs[256]; int16 bsums[16] (unused).
// ggml's to_float table has no entry; this is dequantize_row_q8_K.
func dequantQ8_K(dst []float32, src []byte) {
	for ; len(src) >= 292; src, dst = src[292:], dst[QK_K:] {
		b := (*[292]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := math.Float32frombits(binary.LittleEndian.Uint32(b[0:]))
		for j := range y {
			y[j] = d * float32(int8(b[4+j]))
		}
	}
}

// IQ4_XS (136 bytes): half d; u16 scales_h; scales_l[4]; qs[128]. Group ib
// has a 6-bit scale (low 4 bits from scales_l, high 2 from scales_h) - 32.
func dequantIQ4_XS(dst []float32, src []byte) {
	for ; len(src) >= 136; src, dst = src[136:], dst[QK_K:] {
		b := (*[136]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[0:])
		sh := binary.LittleEndian.Uint16(b[2:])
		for ib := 0; ib < 8; ib++ {
			ls := int32(b[4+ib/2]>>(4*uint(ib%2))&0xf) | int32(sh>>(2*uint(ib))&3)<<4
			dl := d * float32(ls-32)
			qs := (*[16]byte)(b[8+16*ib:])
			yg := (*[32]float32)(y[32*ib:])
			for j, q := range qs {
				yg[j] = dl * float32(kvalues_iq4nl[q&0xf])
				yg[j+16] = dl * float32(kvalues_iq4nl[q>>4])
			}
		}
	}
}
