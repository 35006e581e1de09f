package quant

import (
	"encoding/binary"
	"math"
)

// Quantizers of the 32-element legacy types Q4_0, Q4_1, Q5_0, Q5_1
// (gguf-and-quants.md §5.2 and §5.5). Without an imatrix ggml runs the
// quantize_row_*_ref block rule over all rows; with one it runs the
// per-row *_impl, which weights each element by qw*sqrt(sigma2 + x²) with
// sigma2 the row's mean square.

func init() {
	registerQuant(Q4_0, quantizeLegacy(Q4_0, quantBlockQ4_0, quantBlockQ4_0W), ImatrixOptional)
	registerQuant(Q4_1, quantizeLegacy(Q4_1, quantBlockQ4_1, quantBlockQ4_1W), ImatrixOptional)
	registerQuant(Q5_0, quantizeLegacy(Q5_0, quantBlockQ5_0, quantBlockQ5_0W), ImatrixOptional)
	registerQuant(Q5_1, quantizeLegacy(Q5_1, quantBlockQ5_1, quantBlockQ5_1W), ImatrixOptional)
}

const qkLegacy = 32

// legacyWeighted quantizes one block with per-element weights w.
type legacyWeighted func(y []byte, x, w []float32)

// quantizeLegacy builds the quantFunc of a legacy type from its block rules.
func quantizeLegacy(t Type, ref func(y []byte, x []float32), weighted legacyWeighted) quantFunc {
	ts := t.TypeSize()
	return func(dst []byte, src []float32, nPerRow int, imatrix []float32) {
		if imatrix == nil {
			for b := 0; b*qkLegacy < len(src); b++ {
				ref(dst[b*ts:(b+1)*ts], src[b*qkLegacy:(b+1)*qkLegacy])
			}
			return
		}
		var w [qkLegacy]float32
		rowBytes := nPerRow / qkLegacy * ts
		for r := 0; r*nPerRow < len(src); r++ {
			x := src[r*nPerRow : (r+1)*nPerRow]
			y := dst[r*rowBytes : (r+1)*rowBytes]
			sigma2 := lgRowSigma2(x)
			for b := 0; b < nPerRow/qkLegacy; b++ {
				xb := x[b*qkLegacy : (b+1)*qkLegacy]
				qw := imatrix[b*qkLegacy : (b+1)*qkLegacy]
				imatrixWeights(w[:], qw, xb, sigma2)
				weighted(y[b*ts:(b+1)*ts], xb, w[:])
			}
		}
	}
}

// lgRowSigma2 is the mean square of a whole row, summed in order.
func lgRowSigma2(x []float32) float32 { return sumSquares(x) / float32(len(x)) }

// lgMinMax is the block min and max starting from ±FLT_MAX.
func lgMinMax(x []float32) (lo, hi float32) {
	lo, hi = math.MaxFloat32, -math.MaxFloat32
	for _, v := range x {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

// Each block rule writes the scale (and the min of the _1 types), sets the
// 32 levels and packs them: nibbles for Q4, nibbles and a word of fifth
// bits for Q5.

// lgPackQ4 stores q[j] | q[j+16]<<4 in the 16 bytes qs.
func lgPackQ4(qs []byte, q *[qkLegacy]uint8) {
	for j := range 16 {
		qs[j] = q[j]&0xf | q[j+16]<<4
	}
}

// lgPackQ5 stores the low nibbles in qs and gathers bit 4 of every level
// into the word qh.
func lgPackQ5(qh, qs []byte, q *[qkLegacy]uint8) {
	lgPackQ4(qs, q)
	var h uint32
	for j := range qkLegacy {
		h |= uint32(q[j]>>4&1) << j
	}
	binary.LittleEndian.PutUint32(qh, h)
}

// lgSymLevelsW is the imatrix rule of Q4_0/Q5_0: make_qx_quants with
// nmax = half and the given weights.
func lgSymLevelsW(y []byte, x, w []float32, half int, q *[qkLegacy]uint8) {
	var L [qkLegacy]int8
	putHalf(y[0:2], makeQXQuants(qkLegacy, half, x, L[:], 1, w))
	for j, l := range L {
		q[j] = uint8(l)
	}
}

// lgAffineLevelsW is the imatrix rule of Q4_1/Q5_1: make_qkx3_quants with
// the given weights.
func lgAffineLevelsW(y []byte, x, w []float32, nmax int, q *[qkLegacy]uint8) {
	var aux [qkLegacy]uint8
	d, theMin := makeQKX3Quants(qkLegacy, nmax, x, w, q[:], aux[:], -0.9, 0.05, 36, false)
	putHalf(y[0:2], d)
	putHalf(y[2:4], -theMin)
}

// The plain rules keep their constants inline: shared with the width as a
// parameter, these 32-element loops ran 6-17% slower.

// quantBlockQ4_0: d = maxv/-8 with maxv the value of largest magnitude.
func quantBlockQ4_0(y []byte, x []float32) {
	x = x[:qkLegacy]
	maxv, _ := qxMaxAbs(x)
	d := maxv / -8
	id := invOrZero(d)
	putHalf(y[0:2], d)
	var q [qkLegacy]uint8
	for j, v := range x {
		// C: MIN(15, (int8_t)(x*id + 8.5f)), a truncating conversion.
		q[j] = uint8(min(15, int32(float32(v*id)+8.5)))
	}
	lgPackQ4(y[2:18], &q)
}

func quantBlockQ5_0(y []byte, x []float32) {
	x = x[:qkLegacy]
	maxv, _ := qxMaxAbs(x)
	d := maxv / -16
	id := invOrZero(d)
	putHalf(y[0:2], d)
	var q [qkLegacy]uint8
	for j, v := range x {
		q[j] = uint8(min(31, int32(float32(v*id)+16.5)))
	}
	lgPackQ5(y[2:6], y[6:22], &q)
}

// quantBlockQ4_1: d = (max-min)/15, m = min.
func quantBlockQ4_1(y []byte, x []float32) {
	x = x[:qkLegacy]
	lo, hi := lgMinMax(x)
	d := (hi - lo) / 15
	id := invOrZero(d)
	putHalf(y[0:2], d)
	putHalf(y[2:4], lo)
	var q [qkLegacy]uint8
	for j, v := range x {
		q[j] = uint8(min(15, int32(float32((v-lo)*id)+0.5)))
	}
	lgPackQ4(y[4:20], &q)
}

func quantBlockQ5_1(y []byte, x []float32) {
	x = x[:qkLegacy]
	lo, hi := lgMinMax(x)
	d := (hi - lo) / 31
	id := invOrZero(d)
	putHalf(y[0:2], d)
	putHalf(y[2:4], lo)
	var q [qkLegacy]uint8
	for j, v := range x {
		q[j] = uint8(int32(float32((v-lo)*id) + 0.5)) // no clamp in ggml
	}
	lgPackQ5(y[4:8], y[8:24], &q)
}

func quantBlockQ4_0W(y []byte, x, w []float32) {
	var q [qkLegacy]uint8
	lgSymLevelsW(y, x, w, 8, &q)
	lgPackQ4(y[2:18], &q)
}

func quantBlockQ5_0W(y []byte, x, w []float32) {
	var q [qkLegacy]uint8
	lgSymLevelsW(y, x, w, 16, &q)
	lgPackQ5(y[2:6], y[6:22], &q)
}

func quantBlockQ4_1W(y []byte, x, w []float32) {
	var q [qkLegacy]uint8
	lgAffineLevelsW(y, x, w, 15, &q)
	lgPackQ4(y[4:20], &q)
}

func quantBlockQ5_1W(y []byte, x, w []float32) {
	var q [qkLegacy]uint8
	lgAffineLevelsW(y, x, w, 31, &q)
	lgPackQ5(y[4:8], y[8:24], &q)
}
