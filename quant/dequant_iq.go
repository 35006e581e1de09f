package quant

import (
	"encoding/binary"
	"math"
)

// Dequantizers of the lattice ("i-quant") types IQ1_S, IQ1_M, IQ2_XXS,
// IQ2_XS, IQ2_S, IQ3_XXS and IQ3_S. Each group of 8 (or 4) values is a grid
// entry whose byte j is coordinate j; signs come as bit masks. ggml writes
// db*grid*(±1.0f); multiplying by -1 is an exact negation, so we flip the
// sign bit (without a branch: the signs are random).

func init() {
	registerDequant(IQ2_XXS, dequantIQ2_XXS)
	registerDequant(IQ2_XS, dequantIQ2_XS)
	registerDequant(IQ2_S, dequantIQ2_S)
	registerDequant(IQ3_XXS, dequantIQ3_XXS)
	registerDequant(IQ3_S, dequantIQ3_S)
	registerDequant(IQ1_S, dequantIQ1_S)
	registerDequant(IQ1_M, dequantIQ1_M)
}

// iq1sDelta is IQ1S_DELTA, the offset added to every ternary grid value.
const iq1sDelta = float32(0.125)

// signedGrid8 writes y[j] = ±dl*grid byte j for the 8 bytes of g, negating
// where bit j of signs is set.
func signedGrid8(y *[8]float32, dl float32, g uint64, signs uint8) {
	for j := range y {
		v := math.Float32bits(dl * float32(uint8(g>>(8*j))))
		y[j] = math.Float32frombits(v ^ uint32(signs>>j&1)<<31)
	}
}

// signedGrid4 is signedGrid8 for a 4-byte grid entry and sign bits off..off+3.
func signedGrid4(y *[4]float32, dl float32, g uint32, signs uint8, off int) {
	for j := range y {
		v := math.Float32bits(dl * float32(uint8(g>>(8*j))))
		y[j] = math.Float32frombits(v ^ uint32(signs>>(off+j)&1)<<31)
	}
}

// IQ2_XXS (66 bytes): half d; then per 32 values two u32: a0 holds four
// 8-bit grid indices, a1 four 7-bit sign codes and a 4-bit scale on top.
func dequantIQ2_XXS(dst []float32, src []byte) {
	for ; len(src) >= 66; src, dst = src[66:], dst[QK_K:] {
		b := (*[66]byte)(src)
		d := halfAt(b[0:])
		for ib := 0; ib < 8; ib++ {
			p := (*[8]byte)(b[2+8*ib:])
			a1 := binary.LittleEndian.Uint32(p[4:])
			db := d * (0.5 + float32(a1>>28)) * 0.25
			for l := 0; l < 4; l++ {
				signs := ksigns_iq2xs[a1>>(7*uint(l))&127]
				signedGrid8((*[8]float32)(dst[32*ib+8*l:]), db, iq2xxs_grid[p[l]], signs)
			}
		}
	}
}

// IQ2_XS (74 bytes): half d; u16 qs[32] (9-bit grid index, 7-bit sign code);
// scales[8] with two 4-bit scales per 32 values.
func dequantIQ2_XS(dst []float32, src []byte) {
	for ; len(src) >= 74; src, dst = src[74:], dst[QK_K:] {
		b := (*[74]byte)(src)
		d := halfAt(b[0:])
		for ib := 0; ib < 8; ib++ {
			sc := b[66+ib]
			db := [2]float32{
				d * (0.5 + float32(sc&0xf)) * 0.25,
				d * (0.5 + float32(sc>>4)) * 0.25,
			}
			for l := 0; l < 4; l++ {
				w := binary.LittleEndian.Uint16(b[2+2*(4*ib+l):])
				signedGrid8((*[8]float32)(dst[32*ib+8*l:]), db[l/2], iq2xs_grid[w&511], ksigns_iq2xs[w>>9])
			}
		}
	}
}

// IQ2_S (82 bytes): half d; qs[64] (32 low index bytes, then 32 sign bytes);
// qh[8] (2 high index bits per group of 8); scales[8].
func dequantIQ2_S(dst []float32, src []byte) {
	for ; len(src) >= 82; src, dst = src[82:], dst[QK_K:] {
		b := (*[82]byte)(src)
		d := halfAt(b[0:])
		for ib := 0; ib < 8; ib++ {
			sc := b[74+ib]
			db := [2]float32{
				d * (0.5 + float32(sc&0xf)) * 0.25,
				d * (0.5 + float32(sc>>4)) * 0.25,
			}
			qh := uint16(b[66+ib])
			for l := 0; l < 4; l++ {
				idx := uint16(b[2+4*ib+l]) | (qh>>(2*uint(l))&3)<<8
				signedGrid8((*[8]float32)(dst[32*ib+8*l:]), db[l/2], iq2s_grid[idx], b[34+4*ib+l])
			}
		}
	}
}

// IQ3_XXS (98 bytes): half d; qs[64] 8-bit grid indices (4 values each);
// then per 32 values a u32 with four 7-bit sign codes and a 4-bit scale.
func dequantIQ3_XXS(dst []float32, src []byte) {
	for ; len(src) >= 98; src, dst = src[98:], dst[QK_K:] {
		b := (*[98]byte)(src)
		d := halfAt(b[0:])
		for ib := 0; ib < 8; ib++ {
			a := binary.LittleEndian.Uint32(b[66+4*ib:])
			db := d * (0.5 + float32(a>>28)) * 0.5
			qs := (*[8]byte)(b[2+8*ib:])
			for l := 0; l < 4; l++ {
				signs := ksigns_iq2xs[a>>(7*uint(l))&127]
				y := dst[32*ib+8*l:]
				signedGrid4((*[4]float32)(y), db, iq3xxs_grid[qs[2*l]], signs, 0)
				signedGrid4((*[4]float32)(y[4:]), db, iq3xxs_grid[qs[2*l+1]], signs, 4)
			}
		}
	}
}

// IQ3_S (110 bytes): half d; qs[64] low index bytes; qh[8] ninth index bits;
// signs[32] explicit sign bits; scales[4] with a 4-bit odd scale per 32 values.
func dequantIQ3_S(dst []float32, src []byte) {
	for ; len(src) >= 110; src, dst = src[110:], dst[QK_K:] {
		b := (*[110]byte)(src)
		d := halfAt(b[0:])
		for s := 0; s < 8; s++ {
			dl := d * float32(1+2*int32(b[106+s/2]>>(4*uint(s%2))&0xf))
			qh := uint16(b[66+s])
			qs := (*[8]byte)(b[2+8*s:])
			for l := 0; l < 4; l++ {
				signs := b[74+4*s+l]
				i1 := uint16(qs[2*l]) | (qh>>(2*uint(l))&1)<<8
				i2 := uint16(qs[2*l+1]) | (qh>>(2*uint(l)+1)&1)<<8
				y := dst[32*s+8*l:]
				signedGrid4((*[4]float32)(y), dl, iq3s_grid[i1], signs, 0)
				signedGrid4((*[4]float32)(y[4:]), dl, iq3s_grid[i2], signs, 4)
			}
		}
	}
}

// iq1Grid8 writes y[j] = dl*(grid byte j as int8 + delta).
func iq1Grid8(y *[8]float32, dl float32, g uint64, delta float32) {
	for j := range y {
		y[j] = dl * (float32(int8(g>>(8*j))) + delta)
	}
}

// IQ1_S (50 bytes): half d; qs[32] low index bytes; u16 qh[8]: per 32
// values three 3-bit high index parts, a 3-bit scale and the delta sign.
func dequantIQ1_S(dst []float32, src []byte) {
	for ; len(src) >= 50; src, dst = src[50:], dst[QK_K:] {
		b := (*[50]byte)(src)
		d := halfAt(b[0:])
		for ib := 0; ib < 8; ib++ {
			h := binary.LittleEndian.Uint16(b[34+2*ib:])
			dl := d * float32(2*int32(h>>12&7)+1)
			delta := iq1sDelta
			if h&0x8000 != 0 {
				delta = -iq1sDelta
			}
			for l := 0; l < 4; l++ {
				idx := uint16(b[2+4*ib+l]) | (h>>(3*uint(l))&7)<<8
				iq1Grid8((*[8]float32)(dst[32*ib+8*l:]), dl, iq1s_grid[idx], delta)
			}
		}
	}
}

// IQ1_M (56 bytes): qs[32]; qh[16] (3 high index bits and a delta sign per
// group of 8); scales[8] = four u16 holding 3-bit sub-scales and, in their
// top nibbles, the fp16 super-block scale.
func dequantIQ1_M(dst []float32, src []byte) {
	for ; len(src) >= 56; src, dst = src[56:], dst[QK_K:] {
		b := (*[56]byte)(src)
		var sc [4]uint16
		for k := range sc {
			sc[k] = binary.LittleEndian.Uint16(b[48+2*k:])
		}
		d := halfToFloat(sc[0]>>12 | sc[1]>>8&0x00f0 | sc[2]>>4&0x0f00 | sc[3]&0xf000)
		for ib := 0; ib < 8; ib++ {
			shift := 6 * uint(ib%2)
			dl1 := d * float32(2*int32(sc[ib/2]>>shift&7)+1)
			dl2 := d * float32(2*int32(sc[ib/2]>>(shift+3)&7)+1)
			for k := 0; k < 4; k++ {
				h := uint16(b[32+2*ib+k/2]) >> (4 * uint(k%2)) // this group's nibble of qh
				idx := uint16(b[4*ib+k]) | (h&7)<<8
				delta := iq1sDelta
				if h&8 != 0 {
					delta = -iq1sDelta
				}
				dl := dl1
				if k >= 2 {
					dl = dl2
				}
				iq1Grid8((*[8]float32)(dst[32*ib+8*k:]), dl, iq1s_grid[idx], delta)
			}
		}
	}
}
