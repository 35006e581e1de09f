package quant

import "encoding/binary"

// IQ4_NL and IQ4_XS quantizers: ggml's quantize_iq4_nl / quantize_iq4_xs,
// both built on quantize_row_iq4_nl_impl with ntry = 7 (the path
// llama-quantize takes, with or without an importance matrix). IQ4_NL is a
// "super-block" of one 32-value block with an fp16 scale; IQ4_XS groups
// eight such blocks under one fp16 scale and 6-bit per-block scales.

func init() {
	registerQuant(IQ4_NL, quantIQ4_NL, ImatrixOptional)
	registerQuant(IQ4_XS, quantIQ4_XS, ImatrixOptional)
}

// iq4Tries is ntry of quantize_iq4_nl / quantize_iq4_xs.
const iq4Tries = 7

// bestIndexInt8 is best_index_int8 over the kvalues_iq4nl levels: the
// index of the level nearest x, ties going to the upper one. ggml's binary
// search ends at mu = the number of levels ≤ x; the levels are integers, so
// that count depends only on floor(x) and comes from iq4Below.
func bestIndexInt8(x float32) uint8 {
	if x <= -127 {
		return 0
	}
	if !(x < 113) { // also NaN, which ggml's search walks up to 15
		return 15
	}
	fl := int32(x) // in (-127, 113): truncation, then floor
	if float32(fl) > x {
		fl--
	}
	mu := iq4Below[uint8(fl+127)]
	// the tie-break is data-dependent: keep it a conditional move
	best := mu
	if x-iq4Levels[(mu-1)&15] < iq4Levels[mu&15]-x {
		best = mu - 1
	}
	return best
}

// iq4Levels is kvalues_iq4nl as float32 (C converts the int8 levels on use).
var iq4Levels = func() (l [16]float32) {
	for i, v := range kvalues_iq4nl {
		l[i] = float32(v)
	}
	return
}()

// iq4Below[i] is the number of kvalues_iq4nl levels ≤ i-127 (i < 241; the
// table has 256 entries so a uint8 index needs no bounds check).
var iq4Below = func() (t [256]uint8) {
	for i := range 241 {
		for _, v := range kvalues_iq4nl {
			if int(v) <= i-127 {
				t[i]++
			}
		}
	}
	return
}()

// iq4Sums is Σw·q·x and Σw·q² for the levels nearest id*x, summed in order.
func iq4Sums(x, w *[32]float32, id float32) (sumqx, sumq2 float32) {
	for j, v := range x {
		q := iq4Levels[bestIndexInt8(float32(id*v))&15]
		sumqx += float32(w[j] * q * v)
		sumq2 += float32(w[j] * q * q)
	}
	return
}

// iq4BlockScale is the scale search for one 32-value block: start from
// d = max/127, then try the 15 scales (itry-127)/max and keep the weighted
// least-squares scale with the best Σwqx²/Σwq². Blocks whose largest
// |x| is below GROUP_MAX_EPS get 0.
func iq4BlockScale(x, w *[32]float32) float32 {
	maxv, amax := qxMaxAbs(x[:])
	if amax < groupMaxEps {
		return 0
	}
	v0 := float32(kvalues_iq4nl[0])
	d := -maxv / v0
	sumqx, sumq2 := iq4Sums(x, w, 1/d)
	d = 0
	if sumq2 > 0 {
		d = sumqx / sumq2
	}
	best := d * sumqx
	for itry := -iq4Tries; itry <= iq4Tries; itry++ {
		id := float32(itry+int(kvalues_iq4nl[0])) / maxv
		sumqx, sumq2 = iq4Sums(x, w, id)
		if sumq2 > 0 && float32(sumqx*sumqx) > float32(best*sumq2) {
			d = sumqx / sumq2
			best = d * sumqx
		}
	}
	return d
}

// iq4Sigma2 is 2·Σx²/n over a super-block.
func iq4Sigma2(x []float32) float32 {
	return float32(sumSquares(x) * (2 / float32(len(x)))) // rounded before sigma2 + x² (no FMA)
}

// iq4Pack writes the 4-bit level indices of 32 values: low nibbles hold
// elements 0..15, high nibbles 16..31.
func iq4Pack(qs *[16]byte, x *[32]float32, id float32) {
	for j := 0; j < 16; j++ {
		qs[j] = bestIndexInt8(float32(id*x[j])) | bestIndexInt8(float32(id*x[j+16]))<<4
	}
}

// quantIQ4_NL: per 32-value block, d = the searched scale stored as fp16;
// levels are chosen again with the unrounded 1/d.
func quantIQ4_NL(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	var w [32]float32
	for col := 0; len(src) >= 32; src, dst, col = src[32:], dst[18:], (col+32)%nPerRow {
		x := (*[32]float32)(src)
		b := (*[18]byte)(dst)
		iqWeights(w[:], x[:], imatrixPart(imatrix, col, 32), iq4Sigma2(x[:]))
		d := iq4BlockScale(x, &w)
		putHalf(b[0:], d)
		iq4Pack((*[16]byte)(b[2:]), x, invOrZero(d))
	}
}

// quantIQ4_XS: block scales as IQ4_NL, then a super-block scale
// d = -maxscale/32 (the block scale of largest magnitude) and per-block
// 6-bit l = clamp(round(scale/d), -32, 31); levels are chosen with 1/(d·l)
// using the unrounded d.
func quantIQ4_XS(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	var w [32]float32
	var scales [8]float32
	for col := 0; len(src) >= QK_K; src, dst, col = src[QK_K:], dst[136:], (col+QK_K)%nPerRow {
		x := (*[QK_K]float32)(src)
		b := (*[136]byte)(dst)
		sigma2 := iq4Sigma2(x[:])
		for ib := range scales {
			xb := (*[32]float32)(x[32*ib:])
			iqWeights(w[:], xb[:], imatrixPart(imatrix, col+32*ib, 32), sigma2)
			scales[ib] = iq4BlockScale(xb, &w)
		}
		maxScale, _ := qxMaxAbs(scales[:])
		d := -maxScale / 32
		putHalf(b[0:], d)
		id := invOrZero(d)
		var sh uint16
		clear(b[4:8])
		for ib, s := range scales {
			l := min(max(nearestInt(float32(id*s)), -32), 31)
			iq4Pack((*[16]byte)(b[8+16*ib:]), (*[32]float32)(x[32*ib:]), invOrZero(d*float32(l)))
			l += 32
			b[4+ib/2] |= byte(l&0xf) << (4 * (ib % 2))
			sh |= uint16(l>>4) << (2 * ib)
		}
		binary.LittleEndian.PutUint16(b[2:], sh)
	}
}
