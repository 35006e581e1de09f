package quant

// Ternary types (BitNet b1.58 / TriLM): every value is (t-1)*d, t ∈ {0,1,2}.

func init() {
	registerDequant(TQ1_0, dequantTQ1_0)
	registerDequant(TQ2_0, dequantTQ2_0)
}

// pow3 are the multipliers that rotate trit n of a TQ1_0 byte to the top.
var pow3 = [5]uint8{1, 3, 9, 27, 81}

// trit extracts trit n of a TQ1_0 byte: the byte holds ceil(q·256/243), so
// multiplying by 3^n (mod 256) and taking the top of ·3 yields digit n.
func trit(b uint8, n int) float32 {
	q := b * pow3[n]
	return float32(int32(uint16(q)*3>>8) - 1)
}

// TQ1_0 (54 bytes): qs[48]; qh[4]; half d. Bytes 0..31 hold five trits each
// for elements 32n+m; bytes 32..47 for 160+16n+m; qh[j] holds four trits for
// 240+4n+j.
func dequantTQ1_0(dst []float32, src []byte) {
	for ; len(src) >= 54; src, dst = src[54:], dst[QK_K:] {
		b := (*[54]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[52:])
		for n := 0; n < 5; n++ {
			for m := 0; m < 32; m++ {
				y[32*n+m] = trit(b[m], n) * d
			}
		}
		for n := 0; n < 5; n++ {
			for m := 0; m < 16; m++ {
				y[160+16*n+m] = trit(b[32+m], n) * d
			}
		}
		for n := 0; n < 4; n++ {
			for j := 0; j < 4; j++ {
				y[240+4*n+j] = trit(b[48+j], n) * d
			}
		}
	}
}

// TQ2_0 (66 bytes): qs[64]; half d. For chunk c and bit pair l,
// element 128c+32l+m is (qs[32c+m] >> 2l) & 3, minus 1.
func dequantTQ2_0(dst []float32, src []byte) {
	for ; len(src) >= 66; src, dst = src[66:], dst[QK_K:] {
		b := (*[66]byte)(src)
		y := (*[QK_K]float32)(dst)
		d := halfAt(b[64:])
		for c := 0; c < 2; c++ {
			qs := (*[32]byte)(b[32*c:])
			yc := (*[128]float32)(y[128*c:])
			for m, q := range qs {
				yc[m] = float32(int32(q&3)-1) * d
				yc[32+m] = float32(int32(q>>2&3)-1) * d
				yc[64+m] = float32(int32(q>>4&3)-1) * d
				yc[96+m] = float32(int32(q>>6)-1) * d
			}
		}
	}
}
