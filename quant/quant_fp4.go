package quant

import (
	"math"
)

// MXFP4 and NVFP4 quantizers (quantize_row_mxfp4_ref / _nvfp4_ref). Both
// pick, for every value, the nearest of the 16 E2M1 codes times the block
// scale; they differ in how the scale is chosen and stored.

func init() {
	registerQuant(MXFP4, quantMXFP4, ImatrixIgnored)
	registerQuant(NVFP4, quantNVFP4, ImatrixIgnored)
}

// fp4Levels holds kvalues_fp4[i]*d for one scale d: the same float32
// products best_index_mxfp4 computes for every element, made once per block.
type fp4Levels [16]float32

func newFP4Levels(d float32) (l fp4Levels) {
	for i, k := range kvalues_fp4 {
		l[i] = float32(k) * d
	}
	return
}

// best is best_index_mxfp4: the first i minimising |l[i] - x|. Only half
// of the table can win: for x ≥ 0 every negative level i ≥ 8 has error
// |l[i]| + x ≥ x = the error of level 0, which comes first, and for x < 0
// the same holds for the positive levels 1..7 (and for -0, i = 8); float
// rounding is monotone, so these ties never become strict wins.
func (l *fp4Levels) best(x float32) uint8 {
	bestErr := fabsf(l[0] - x)
	best := uint8(0)
	if x >= 0 {
		for i := 1; i < 8; i++ {
			if e := fabsf(l[i] - x); e < bestErr {
				best, bestErr = uint8(i), e
			}
		}
		return best
	}
	for i := 9; i < 16; i++ {
		if e := fabsf(l[i] - x); e < bestErr {
			best, bestErr = uint8(i), e
		}
	}
	return best // NaN compares false everywhere: 0, as in C
}

// log2f is C's log2f: the float64 logarithm of the exact widening rounded
// once to float32. (The flooring in mxfp4Exponent only depends on whether
// values just below a power of two round up to it; TestLog2fBoundaries
// checks those against the correctly rounded result.)
func log2f(x float32) float32 { return float32(math.Log2(float64(x))) }

// mxfp4Exponent is ggml's (uint8_t)(floorf(log2f(amax)) - 2 + 127), or 0
// when amax is not positive. The float→uint8 cast goes through int32 and
// keeps the low byte, as x86 compilers do for out-of-range values.
func mxfp4Exponent(amax float32) uint8 {
	if !(amax > 0) {
		return 0
	}
	e := float32(math.Floor(float64(log2f(amax)))) - 2 + 127
	if e != e || e > math.MaxInt32 || e < math.MinInt32 {
		return 0 // NaN/Inf: cvttss2si's 0x80000000 has low byte 0
	}
	return uint8(int32(e))
}

// MXFP4 (32 values → 17 bytes): e = E8M0 exponent so that amax/2^(e-127)
// lands in [4, 8); d = 2^(e-128) (half scale, kvalues are doubled).
func quantMXFP4(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 32; src, dst = src[32:], dst[17:] {
		x := (*[32]float32)(src)
		b := (*[17]byte)(dst)
		_, amax := qxMaxAbs(x[:])
		e := mxfp4Exponent(amax)
		lv := newFP4Levels(e8m0Half(e))
		b[0] = e
		for j := 0; j < 16; j++ {
			b[1+j] = lv.best(x[j]) | lv.best(x[j+16])<<4
		}
	}
}

// fp32ToUE4M3 is ggml_fp32_to_ue4m3: non-positive and NaN → 0, clamp at
// 448, subnormals rounded half up, normals rounded half up on the fourth
// mantissa bit; anything from 2^8 up encodes as 0x7E (448).
func fp32ToUE4M3(x float32) uint8 {
	if !(x > 0) {
		return 0
	}
	if x > 448 {
		x = 448
	}
	bits := math.Float32bits(x)
	exp := int32(bits>>23&0xff) - 127 + 7
	man := int32(bits >> 20 & 7)
	if exp <= 0 {
		m := int32(float32(x*512) + 0.5) // truncation toward zero, x > 0
		if m > 7 {
			m = 7
		}
		if m < 1 {
			return 0
		}
		return uint8(m)
	}
	if exp >= 15 {
		return 0x7e
	}
	man += int32(bits >> 19 & 1)
	if man > 7 {
		man = 0
		exp++
		if exp >= 15 {
			return 0x7e
		}
	}
	return uint8(exp<<3 | man)
}

// NVFP4 (64 values → 36 bytes): four sub-blocks of 16, each with scale
// ue4m3(amax/6); qs[8s+j] = code(x[16s+j]) | code(x[16s+8+j])<<4.
func quantNVFP4(dst []byte, src []float32, _ int, _ []float32) {
	for ; len(src) >= 64; src, dst = src[64:], dst[36:] {
		b := (*[36]byte)(dst)
		for s := 0; s < 4; s++ {
			x := (*[16]float32)(src[16*s:])
			_, amax := qxMaxAbs(x[:])
			ue := fp32ToUE4M3(amax / 6)
			b[s] = ue
			lv := newFP4Levels(ue4m3Table[ue])
			for j := 0; j < 8; j++ {
				b[4+8*s+j] = lv.best(x[j]) | lv.best(x[j+8])<<4
			}
		}
	}
}
