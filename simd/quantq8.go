package simd

import (
	"encoding/binary"
	"math"
)

// QuantQ8_0 quantizes whole blocks of 32 floats to Q8_0 (34 bytes each:
// half d, int8 qs[32]) exactly as ggml's quantize_row_q8_0_ref and quant's
// portable quantizer: amax is the running C MAX(amax, |x|), d = amax/127,
// id = d != 0 ? 1/d : 0, q = (int)roundf(x*id) (ties away from zero, NaN
// gives 0). len(src) must be a multiple of 32 and len(dst) 34 per block.
func QuantQ8_0(dst []byte, src []float32) {
	if len(src)%32 != 0 || len(dst) != len(src)/32*34 {
		panic("simd: QuantQ8_0: src is not whole blocks or dst does not match")
	}
	quantQ8_0(dst, src)
}

func quantQ8_0Generic(dst []byte, src []float32) {
	for b := 0; b < len(src)/32; b++ {
		x := src[32*b : 32*b+32]
		y := dst[34*b : 34*b+34]
		var amax float32
		for _, v := range x {
			if a := abs32(v); !(amax > a) {
				amax = a
			}
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(y, floatToHalf(d))
		for j, v := range x {
			y[2+j] = byte(roundToInt(v * id))
		}
	}
}

// roundToInt is C's (int)roundf(x) for |x| inside int32; NaN gives 0.
func roundToInt(x float32) int32 {
	if x != x {
		return 0
	}
	return int32(math.Round(float64(x)))
}
