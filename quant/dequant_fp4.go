package quant

import "math"

// FP4 (E2M1) types: MXFP4 with one E8M0 power-of-two scale per 32 values and
// NVFP4 with one UE4M3 scale per 16 values. kvalues_fp4 holds twice the E2M1
// values, so both scale decoders return half the scale (as ggml does).

func init() {
	registerDequant(MXFP4, dequantMXFP4)
	registerDequant(NVFP4, dequantNVFP4)
}

// e8m0Half is ggml_e8m0_to_fp32_half: 2^(e-128), built from bits so that
// e = 0 and 1 give the float32 subnormals 2^-128 and 2^-127. e = 255 gives
// 2^127 (ggml does not treat it as NaN either).
func e8m0Half(e uint8) float32 {
	if e < 2 {
		return math.Float32frombits(0x00200000 << e)
	}
	return math.Float32frombits(uint32(e-1) << 23)
}

// ue4m3Table[x] is ggml_ue4m3_to_fp32(x): the UE4M3 value times 0.5. Bit 7
// is ignored except that 0x7F (the NaN code) decodes to 0 like 0x00.
var ue4m3Table = func() (t [256]float32) {
	for x := range t {
		if x == 0 || x == 0x7f {
			continue
		}
		exp, man := x>>3&0xf, x&7
		var raw float64
		if exp == 0 {
			raw = math.Ldexp(float64(man), -9)
		} else {
			raw = math.Ldexp(float64(8+man)/8, exp-7)
		}
		t[x] = float32(raw) * 0.5 // exact: at most 4 significant bits
	}
	return
}()

// MXFP4 (17 bytes): u8 e; qs[16]; low nibbles are elements 0..15.
func dequantMXFP4(dst []float32, src []byte) {
	for ; len(src) >= 17; src, dst = src[17:], dst[32:] {
		b := (*[17]byte)(src)
		y := (*[32]float32)(dst)
		d := e8m0Half(b[0])
		for j := 0; j < 16; j++ {
			q := b[1+j]
			y[j] = float32(kvalues_fp4[q&0xf]) * d
			y[j+16] = float32(kvalues_fp4[q>>4]) * d
		}
	}
}

// NVFP4 (36 bytes, 64 values): u8 d[4] (UE4M3); qs[32]. Sub-block s owns
// qs[8s..8s+7]; low nibbles are its elements 0..7, high nibbles 8..15.
func dequantNVFP4(dst []float32, src []byte) {
	for ; len(src) >= 36; src, dst = src[36:], dst[64:] {
		b := (*[36]byte)(src)
		y := (*[64]float32)(dst)
		for s := 0; s < 4; s++ {
			d := ue4m3Table[b[s]]
			qs := (*[8]byte)(b[4+8*s:])
			ys := (*[16]float32)(y[16*s:])
			for j, q := range qs {
				ys[j] = float32(kvalues_fp4[q&0xf]) * d
				ys[j+8] = float32(kvalues_fp4[q>>4]) * d
			}
		}
	}
}
