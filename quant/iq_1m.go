package quant

import (
	"encoding/binary"
	"math"
)

// IQ1_M quantizer (ggml quantize_row_iq1_m_impl): 16-element sub-blocks of
// two 8-coordinate groups on the IQ1 grid, each group with its own shift
// (levels {-1,0,1}±1/8), 3-bit sub-block scales; the super-block scale is
// refitted by least squares and stored as fp16 in the top nibbles of the
// four scale words. The imatrix is optional.

func init() { registerQuant(IQ1_M, quantizeIQ1M, ImatrixOptional) }

const groupMaxEpsIQ1M = float32(1e-7) // GROUP_MAX_EPS_IQ1_M

func quantizeIQ1M(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ1.get()
	forEachSuperBlock(IQ1_M, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq1mBlock(g, y, x, qw)
	})
}

// iq1mShiftLevels returns the level values of group k (0 or 1) of a
// sub-block with shift code s: bit 1 of s is the first group's shift, bit 0
// the second's (0 = +1/8, 1 = −1/8).
func iq1mShiftLevels(s int8, k int) *[3]float32 {
	if k == 0 && s < 2 || k != 0 && s%2 == 0 {
		return &iq1XP
	}
	return &iq1XM
}

// iq1mBlock quantizes one super-block into y (56 bytes: qs[32] low index
// bytes, qh[16] = per group 3 high index bits and a shift bit, scales[8] =
// four uint16 of 4×3-bit scales with the fp16 super-scale in the top
// nibbles).
func iq1mBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const bs = 16 // IQ1M_BLOCK_SIZE
	masks := [4]uint8{0x00, 0x80, 0x08, 0x88}
	var (
		scales   [QK_K / bs]float32
		shifts   [QK_K / bs]int8
		weight   [bs]float32
		L        [bs]uint8
		idx      [bs]int
		index    [2]int
		sc       [4]uint16
		maxScale float32
	)
	clear(y)
	qs, qh := y[0:32], y[32:48]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/bs; ib++ {
		xb := xbl[bs*ib : bs*ib+bs]
		iqWeights(weight[:], xb, imatrixPart(qwbl, bs*ib, bs), sigma2)
		max := absMaxC(xb)
		if max < groupMaxEpsIQ1M {
			scales[ib], shifts[ib] = 0, 0
			continue
		}
		sortedOrder(xb, idx[:])
		scale, besti1, besti2, bestK := iq1mSplit(xb, weight[:], idx[:], max)
		if besti1 < 0 || besti2 < 0 || bestK < 0 {
			scales[ib], shifts[ib] = 0, 0
			continue
		}
		splitLevels(idx[:], besti1, besti2, L[:])
		if scale < 0 {
			for j := range L {
				L[j] = 2 - L[j]
			}
			scale = -scale
			bestK = 3 - bestK
		}
		xx := [4]*[3]float32{iq1mShiftLevels(int8(bestK), 0), iq1mShiftLevels(int8(bestK), 1)}
		scale = iq1MapGroups(g, xb, weight[:], L[:], xx, scale, index[:])
		qs[2*ib], qs[2*ib+1] = uint8(index[0]), uint8(index[1])
		qh[ib] = uint8(index[0]>>8) | uint8(index[1]>>8)<<4
		scales[ib], shifts[ib] = scale, int8(bestK)
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		return
	}
	d := maxScale / 15
	id := 1 / d
	var sumqx, sumq2 float32
	for ib := 0; ib < QK_K/bs; ib++ {
		l := subScaleCode(id, scales[ib], 7)
		sc[ib/4] |= uint16(l) << (3 * (ib % 4))
		qh[ib] |= masks[shifts[ib]]
		xb := xbl[bs*ib : bs*ib+bs]
		iqWeights(weight[:], xb, imatrixPart(qwbl, bs*ib, bs), sigma2)
		mult := float32(2*int32(l) + 1)
		for k := 0; k < bs/8; k++ {
			xx := iq1mShiftLevels(shifts[ib], k)
			gi := int(qs[2*ib+k]) + int(uint32(qh[ib])<<(8-4*k))&0x700
			for j, p := range g.point(gi) {
				w := weight[8*k+j]
				q := xx[(p-1)/2] * mult
				sumqx += float32(w * q * xb[8*k+j])
				sumq2 += float32(w * q * q)
			}
		}
	}
	if sumq2 > 0 {
		d = sumqx / sumq2
	}
	s := FP32ToFP16(d * 1.1125)
	sc[0] |= (s & 0x000f) << 12
	sc[1] |= (s & 0x00f0) << 8
	sc[2] |= (s & 0x0f00) << 4
	sc[3] |= s & 0xf000
	for i, v := range sc {
		binary.LittleEndian.PutUint16(y[48+2*i:], v)
	}
}

// iq1mSplit searches every split (i1, i2) of the sorted sub-block into
// levels 0/1/2 and every pair of group shifts k (0: ++, 1: +−, 2: −+,
// 3: −−) for the best weighted least-squares fit. Prefix sums are kept per
// 8-element half since each half has its own shift.
func iq1mSplit(xb, weight []float32, idx []int, max float32) (scale float32, besti1, besti2, bestK int) {
	const bs = 16
	var px, pw [2][bs + 1]float32
	for j, i := range idx {
		h := 0
		if i >= bs/2 {
			h = 1
		}
		px[h][j+1] = px[h][j] + float32(weight[i]*xb[i])
		px[1-h][j+1] = px[1-h][j]
		pw[h][j+1] = pw[h][j] + weight[i]
		pw[1-h][j+1] = pw[1-h][j]
	}
	txs := [2]float32{px[0][bs], px[1][bs]}
	tws := [2]float32{pw[0][bs], pw[1][bs]}
	xp, xm := &iq1XP, &iq1XM
	p2, m2 := xp[2], xm[2]
	cp1 := float32(xp[0]*xp[0]) - float32(xp[1]*xp[1])
	cp2 := float32(xp[1]*xp[1]) - float32(xp[2]*xp[2])
	cm1 := float32(xm[0]*xm[0]) - float32(xm[1]*xm[1])
	cm2 := float32(xm[1]*xm[1]) - float32(xm[2]*xm[2])
	// Terms that do not depend on the split, each rounded as ggml rounds it.
	tp0, tp1 := float32(txs[0]*p2), float32(txs[1]*p2)
	tm0, tm1 := float32(txs[0]*m2), float32(txs[1]*m2)
	tq2p0, tq2p1 := float32(tws[0]*p2*p2), float32(tws[1]*p2*p2)
	tq2m0, tq2m1 := float32(tws[0]*m2*m2), float32(tws[1]*m2*m2)
	bestScore := float32(-math.MaxFloat32)
	scale = max
	besti1, besti2, bestK = -1, -1, -1
	for i1 := 0; i1 <= bs; i1++ {
		x0, x1 := px[0][i1], px[1][i1]
		a0p, a1p := float32(tq2p0+float32(pw[0][i1]*cp1)), float32(tq2p1+float32(pw[1][i1]*cp1))
		a0m, a1m := float32(tq2m0+float32(pw[0][i1]*cm1)), float32(tq2m1+float32(pw[1][i1]*cm1))
		for i2 := i1; i2 <= bs; i2++ {
			sx0, sx1 := x0+px[0][i2], x1+px[1][i2]
			qxp0, qxm0 := tp0-sx0, tm0-sx0
			qxp1, qxm1 := tp1-sx1, tm1-sx1
			q2p0, q2m0 := a0p+float32(pw[0][i2]*cp2), a0m+float32(pw[0][i2]*cm2)
			q2p1, q2m1 := a1p+float32(pw[1][i2]*cp2), a1m+float32(pw[1][i2]*cm2)
			// k = 0: ++, 1: +−, 2: −+, 3: −− (first half, second half)
			for k, qx := range [4]float32{qxp0 + qxp1, qxp0 + qxm1, qxm0 + qxp1, qxm0 + qxm1} {
				q2 := [4]float32{q2p0 + q2p1, q2p0 + q2m1, q2m0 + q2p1, q2m0 + q2m1}[k]
				if q2 > 0 && qx*qx > bestScore*q2 {
					scale = qx / q2
					bestScore = scale * qx
					besti1, besti2, bestK = i1, i2, k
				}
			}
		}
	}
	return scale, besti1, besti2, bestK
}
