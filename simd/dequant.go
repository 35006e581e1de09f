package simd

import "encoding/binary"

// Block dequantizers: src holds whole ggml blocks, dst receives their
// elements, computed with exactly the float32 operations of ggml's
// dequantize_row_* (gguf-and-quants.md §4), so the result is bit-identical
// to ggml and to package quant's portable code.

// Block geometry (bytes per block, elements per block). quant/types.go is
// the project's table; simd cannot import it, and quant's tests check
// that these agree.
const (
	q8_0Bytes, q8_0Elems = 34, 32
	q4_0Bytes, q4_0Elems = 18, 32
	q4_1Bytes, q4_1Elems = 20, 32
	q5_0Bytes, q5_0Elems = 22, 32
	q5_1Bytes, q5_1Elems = 24, 32
	q4_KBytes, q4_KElems = 144, 256
	q5_KBytes, q5_KElems = 176, 256
	q6_KBytes, q6_KElems = 210, 256
)

func checkBlocks(name string, dst []float32, src []byte, bytes, elems int) {
	if len(src)%bytes != 0 || len(dst) != len(src)/bytes*elems {
		panic("simd: " + name + ": src is not whole blocks or dst does not match")
	}
}

// DequantQ8_0 expands Q8_0 blocks (half d; int8 qs[32]): y = float32(q)*d.
func DequantQ8_0(dst []float32, src []byte) {
	checkBlocks("DequantQ8_0", dst, src, q8_0Bytes, q8_0Elems)
	dequantQ8_0(dst, src)
}

// DequantQ4_0 expands Q4_0 blocks (half d; u8 qs[16]): y = float32(q-8)*d,
// low nibbles first.
func DequantQ4_0(dst []float32, src []byte) {
	checkBlocks("DequantQ4_0", dst, src, q4_0Bytes, q4_0Elems)
	dequantQ4_0(dst, src)
}

// DequantQ4_1 expands Q4_1 blocks (half d, m; u8 qs[16]): y = float32(q)*d + m.
func DequantQ4_1(dst []float32, src []byte) {
	checkBlocks("DequantQ4_1", dst, src, q4_1Bytes, q4_1Elems)
	dequantQ4_1(dst, src)
}

// DequantQ5_0 expands Q5_0 blocks (half d; u32 qh; u8 qs[16]): y = float32(q-16)*d.
func DequantQ5_0(dst []float32, src []byte) {
	checkBlocks("DequantQ5_0", dst, src, q5_0Bytes, q5_0Elems)
	dequantQ5_0(dst, src)
}

// DequantQ5_1 expands Q5_1 blocks (half d, m; u32 qh; u8 qs[16]): y = float32(q)*d + m.
func DequantQ5_1(dst []float32, src []byte) {
	checkBlocks("DequantQ5_1", dst, src, q5_1Bytes, q5_1Elems)
	dequantQ5_1(dst, src)
}

// DequantQ4_K expands Q4_K super-blocks: y = float32(d1*q) - m1 with
// d1 = d*sc and m1 = dmin*m per 32-element sub-block.
func DequantQ4_K(dst []float32, src []byte) {
	checkBlocks("DequantQ4_K", dst, src, q4_KBytes, q4_KElems)
	dequantQ4_K(dst, src)
}

// DequantQ5_K expands Q5_K super-blocks, as Q4_K with a fifth bit from qh.
func DequantQ5_K(dst []float32, src []byte) {
	checkBlocks("DequantQ5_K", dst, src, q5_KBytes, q5_KElems)
	dequantQ5_K(dst, src)
}

// DequantQ6_K expands Q6_K super-blocks: y = float32(d*sc)*q per
// 16-element group.
func DequantQ6_K(dst []float32, src []byte) {
	checkBlocks("DequantQ6_K", dst, src, q6_KBytes, q6_KElems)
	dequantQ6_K(dst, src)
}

func half(b []byte) float32 { return halfToFloat(binary.LittleEndian.Uint16(b)) }

func dequantQ8_0Generic(dst []float32, src []byte) {
	for b := 0; b < len(src)/q8_0Bytes; b++ {
		x := src[b*q8_0Bytes : (b+1)*q8_0Bytes]
		y := dst[b*q8_0Elems : (b+1)*q8_0Elems]
		d := half(x)
		for j := range y {
			y[j] = float32(int8(x[2+j])) * d
		}
	}
}

func dequantQ4_0Generic(dst []float32, src []byte) {
	for b := 0; b < len(src)/q4_0Bytes; b++ {
		x := src[b*q4_0Bytes : (b+1)*q4_0Bytes]
		y := dst[b*q4_0Elems : (b+1)*q4_0Elems]
		d := half(x)
		for j, q := range x[2:18] {
			y[j] = float32(int(q&0xf)-8) * d
			y[j+16] = float32(int(q>>4)-8) * d
		}
	}
}

func dequantQ4_1Generic(dst []float32, src []byte) {
	for b := 0; b < len(src)/q4_1Bytes; b++ {
		x := src[b*q4_1Bytes : (b+1)*q4_1Bytes]
		y := dst[b*q4_1Elems : (b+1)*q4_1Elems]
		d, m := half(x), half(x[2:])
		for j, q := range x[4:20] {
			y[j] = float32(float32(q&0xf)*d) + m
			y[j+16] = float32(float32(q>>4)*d) + m
		}
	}
}

func dequantQ5_0Generic(dst []float32, src []byte) {
	for b := 0; b < len(src)/q5_0Bytes; b++ {
		x := src[b*q5_0Bytes : (b+1)*q5_0Bytes]
		y := dst[b*q5_0Elems : (b+1)*q5_0Elems]
		d := half(x)
		qh := binary.LittleEndian.Uint32(x[2:])
		for j, q := range x[6:22] {
			h0 := int(qh>>j&1) << 4
			h1 := int(qh>>(j+16)&1) << 4
			y[j] = float32(int(q&0xf)|h0-16) * d
			y[j+16] = float32(int(q>>4)|h1-16) * d
		}
	}
}

func dequantQ5_1Generic(dst []float32, src []byte) {
	for b := 0; b < len(src)/q5_1Bytes; b++ {
		x := src[b*q5_1Bytes : (b+1)*q5_1Bytes]
		y := dst[b*q5_1Elems : (b+1)*q5_1Elems]
		d, m := half(x), half(x[2:])
		qh := binary.LittleEndian.Uint32(x[4:])
		for j, q := range x[8:24] {
			h0 := int(qh>>j&1) << 4
			h1 := int(qh>>(j+16)&1) << 4
			y[j] = float32(float32(int(q&0xf)|h0)*d) + m
			y[j+16] = float32(float32(int(q>>4)|h1)*d) + m
		}
	}
}

// scaleMinK4 unpacks the 6-bit scale and min of sub-block j from the 12
// packed bytes of a Q4_K/Q5_K block (get_scale_min_k4).
func scaleMinK4(j int, s []byte) (sc, m uint8) {
	if j < 4 {
		return s[j] & 63, s[j+4] & 63
	}
	return s[j+4]&0xf | (s[j-4]>>6)<<4, s[j+4]>>4 | (s[j]>>6)<<4
}

func dequantQ4_KGeneric(dst []float32, src []byte) {
	for b := 0; b < len(src)/q4_KBytes; b++ {
		x := src[b*q4_KBytes : (b+1)*q4_KBytes]
		y := dst[b*q4_KElems : (b+1)*q4_KElems]
		d, dmin := half(x), half(x[2:])
		scales, qs := x[4:16], x[16:144]
		for c := 0; c < 4; c++ {
			sc1, m1 := scaleMinK4(2*c, scales)
			sc2, m2 := scaleMinK4(2*c+1, scales)
			d1, mm1 := d*float32(sc1), dmin*float32(m1)
			d2, mm2 := d*float32(sc2), dmin*float32(m2)
			q, out := qs[32*c:32*c+32], y[64*c:64*c+64]
			for l, v := range q {
				out[l] = float32(d1*float32(v&0xf)) - mm1
				out[l+32] = float32(d2*float32(v>>4)) - mm2
			}
		}
	}
}

func dequantQ5_KGeneric(dst []float32, src []byte) {
	for b := 0; b < len(src)/q5_KBytes; b++ {
		x := src[b*q5_KBytes : (b+1)*q5_KBytes]
		y := dst[b*q5_KElems : (b+1)*q5_KElems]
		d, dmin := half(x), half(x[2:])
		scales, qh, qs := x[4:16], x[16:48], x[48:176]
		for c := 0; c < 4; c++ {
			sc1, m1 := scaleMinK4(2*c, scales)
			sc2, m2 := scaleMinK4(2*c+1, scales)
			d1, mm1 := d*float32(sc1), dmin*float32(m1)
			d2, mm2 := d*float32(sc2), dmin*float32(m2)
			u1, u2 := byte(1)<<(2*c), byte(2)<<(2*c)
			q, out := qs[32*c:32*c+32], y[64*c:64*c+64]
			for l, v := range q {
				lo, hi := v&0xf, v>>4
				if qh[l]&u1 != 0 {
					lo += 16
				}
				if qh[l]&u2 != 0 {
					hi += 16
				}
				out[l] = float32(d1*float32(lo)) - mm1
				out[l+32] = float32(d2*float32(hi)) - mm2
			}
		}
	}
}

func dequantQ6_KGeneric(dst []float32, src []byte) {
	for b := 0; b < len(src)/q6_KBytes; b++ {
		x := src[b*q6_KBytes : (b+1)*q6_KBytes]
		y := dst[b*q6_KElems : (b+1)*q6_KElems]
		ql, qh, sc := x[0:128], x[128:192], x[192:208]
		d := half(x[208:])
		for h := 0; h < 2; h++ {
			l4, h4, s8, out := ql[64*h:], qh[32*h:], sc[8*h:], y[128*h:]
			for l := 0; l < 32; l++ {
				is := l / 16
				q1 := int(l4[l]&0xf|(h4[l]>>0&3)<<4) - 32
				q2 := int(l4[l+32]&0xf|(h4[l]>>2&3)<<4) - 32
				q3 := int(l4[l]>>4|(h4[l]>>4&3)<<4) - 32
				q4 := int(l4[l+32]>>4|(h4[l]>>6&3)<<4) - 32
				out[l] = float32(d*float32(int8(s8[is]))) * float32(q1)
				out[l+32] = float32(d*float32(int8(s8[is+2]))) * float32(q2)
				out[l+64] = float32(d*float32(int8(s8[is+4]))) * float32(q3)
				out[l+96] = float32(d*float32(int8(s8[is+6]))) * float32(q4)
			}
		}
	}
}
