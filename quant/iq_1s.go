package quant

import (
	"encoding/binary"
	"math"
)

// IQ1_S quantizer (ggml quantize_row_iq1_s_impl): 32-element sub-blocks of
// four 8-coordinate groups on the 2048-point ternary grid; each sub-block
// has a 3-bit scale and a shift bit choosing levels {-1,0,1}±1/8. The
// three-way split of each sub-block is found exhaustively on its sorted
// values. The imatrix is required.

func init() { registerQuant(IQ1_S, quantizeIQ1S, ImatrixRequired) }

const (
	groupMaxEpsIQ1S = float32(1e-12) // GROUP_MAX_EPS_IQ1_S
	iq1Delta        = float32(0.125) // IQ1S_DELTA = IQ1M_DELTA
)

// Level values of the two shifts: x_p for shift +1, x_m for shift −1.
var (
	iq1XP = [3]float32{-1 + iq1Delta, iq1Delta, 1 + iq1Delta}
	iq1XM = [3]float32{-1 - iq1Delta, -iq1Delta, 1 - iq1Delta}
)

func quantizeIQ1S(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ1.get()
	forEachSuperBlock(IQ1_S, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq1sBlock(g, y, x, qw)
	})
}

// sortedOrder sets idx to the positions of x in ascending order of value,
// equal values in position order: what glibc's qsort (a stable merge sort
// for these small arrays) leaves with ggml's value-only comparison.
func sortedOrder(x []float32, idx []int) {
	for j := range idx {
		idx[j] = j
	}
	for j := 1; j < len(idx); j++ {
		v := idx[j]
		k := j
		for k > 0 && x[idx[k-1]] > x[v] {
			idx[k] = idx[k-1]
			k--
		}
		idx[k] = v
	}
}

// iq1BestNeighbour is iq1_find_best_neighbour2: the neighbour with the
// smallest Σ w·(scale·xx[l] − x)², its levels written to L. ggml falls back
// to a search over the whole grid (reading past its input) and then aborts
// when every distance is NaN or ≥ FLT_MAX; that needs non-finite input, for
// which we take the first neighbour instead.
func iq1BestNeighbour(g *iqGrid, nb []uint16, xb, w []float32, scale float32, xx *[3]float32, L []uint8) int {
	// scale·xx[l] takes three values; ggml forms the same products per element.
	sq := [3]float32{float32(scale * xx[0]), float32(scale * xx[1]), float32(scale * xx[2])}
	x, wv := (*[8]float32)(xb), (*[8]float32)(w)
	best := float32(math.MaxFloat32)
	gi := int(nb[0])
	for _, j := range nb {
		l := (*[8]uint8)(g.levels[8*int(j):])
		d0, d1, d2, d3 := sq[l[0]]-x[0], sq[l[1]]-x[1], sq[l[2]]-x[2], sq[l[3]]-x[3]
		d4, d5, d6, d7 := sq[l[4]]-x[4], sq[l[5]]-x[5], sq[l[6]]-x[6], sq[l[7]]-x[7]
		s := float32(wv[0] * d0 * d0)
		s += float32(wv[1] * d1 * d1)
		s += float32(wv[2] * d2 * d2)
		s += float32(wv[3] * d3 * d3)
		s += float32(wv[4] * d4 * d4)
		s += float32(wv[5] * d5 * d5)
		s += float32(wv[6] * d6 * d6)
		s += float32(wv[7] * d7 * d7)
		if s < best {
			best, gi = s, int(j)
		}
	}
	setLevels(g, gi, L)
	return gi
}

// iq1MapGroups puts each 8-group of the sub-block xb on the grid: its
// levels L when they are a grid point, else the neighbour nearest at scale
// with the group's level values xx[k]. The grid indices go to index. When a
// group had to move, it returns the least-squares scale of the new points
// if that is positive, else scale. IQ1_S uses one set of level values for
// the sub-block, IQ1_M one per group.
func iq1MapGroups(g *iqGrid, xb, w []float32, L []uint8, xx [4]*[3]float32, scale float32, index []int) float32 {
	allOnGrid := true
	for k := range index {
		gi, nb := g.lookup(groupCode(L[8*k:8*k+8], 2))
		if gi < 0 {
			allOnGrid = false
			gi = iq1BestNeighbour(g, nb, xb[8*k:8*k+8], w[8*k:8*k+8], scale, xx[k], L[8*k:8*k+8])
		}
		index[k] = gi
	}
	if allOnGrid {
		return scale
	}
	var sumqx, sumq2 float32
	for k, gi := range index {
		iq1GroupSums(g, gi, xx[k], w[8*k:8*k+8], xb[8*k:8*k+8], &sumqx, &sumq2)
	}
	if sumqx > 0 && sumq2 > 0 {
		return sumqx / sumq2
	}
	return scale
}

// iq1GroupSums adds Σ w·q·x and Σ w·q·q of grid point gi with level values xx.
func iq1GroupSums(g *iqGrid, gi int, xx *[3]float32, w, xb []float32, sumqx, sumq2 *float32) {
	for j, p := range g.point(gi) {
		q := xx[(p-1)/2]
		*sumqx += float32(w[j] * q * xb[j])
		*sumq2 += float32(w[j] * q * q)
	}
}

// iq1sBlock quantizes one super-block into y (50 bytes: fp16 d, qs[32] low
// index bytes, 8 uint16 qh = 4×3 high index bits | scale<<12 | shift<<15).
func iq1sBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const bs = 32 // IQ1S_BLOCK_SIZE
	var (
		scales   [QK_K / bs]float32
		shifts   [QK_K / bs]int8
		weight   [bs]float32
		L        [bs]uint8
		idx      [bs]int
		sumx     [bs + 1]float32
		sumw     [bs + 1]float32
		index    [bs / 8]int
		qh       [QK_K / bs]uint16
		maxScale float32
	)
	clear(y)
	qs := y[2:34]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/bs; ib++ {
		xb := xbl[bs*ib : bs*ib+bs]
		imatrixWeights(weight[:], qwbl[bs*ib:bs*ib+bs], xb, sigma2)
		max := absMaxC(xb)
		if max < groupMaxEpsIQ1S {
			scales[ib], shifts[ib] = 0, 1
			continue
		}
		sortedOrder(xb, idx[:])
		for j, i := range idx {
			sumx[j+1] = sumx[j] + float32(weight[i]*xb[i])
			sumw[j+1] = sumw[j] + weight[i]
		}
		scale, besti1, besti2, bestShift := iq1sSplit(&sumx, &sumw, max)
		if besti1 < 0 || besti2 < 0 || bestShift == 0 {
			scales[ib], shifts[ib] = 0, 1
			continue
		}
		splitLevels(idx[:], besti1, besti2, L[:])
		if scale < 0 {
			for j := range L {
				L[j] = 2 - L[j]
			}
			scale, bestShift = -scale, -bestShift
		}
		xx := &iq1XP
		if bestShift != 1 {
			xx = &iq1XM
		}
		scale = iq1MapGroups(g, xb, weight[:], L[:], [4]*[3]float32{xx, xx, xx, xx}, scale, index[:])
		h := uint16(0)
		for k := 0; k < bs/8; k++ {
			qs[(bs/8)*ib+k] = uint8(index[k])
			h |= uint16(index[k]>>8) << (3 * k)
		}
		qh[ib] = h
		scales[ib], shifts[ib] = scale, int8(bestShift)
		maxScale = cMax(maxScale, scale)
	}
	if maxScale != 0 {
		d := maxScale / 15
		putHalf(y, d*1.125)
		id := 1 / d
		for ib := range scales {
			l := uint16(subScaleCode(id, scales[ib], 7))
			if shifts[ib] == -1 {
				l |= 8
			}
			qh[ib] |= l << 12
		}
	}
	for ib, h := range qh {
		binary.LittleEndian.PutUint16(y[34+2*ib:], h)
	}
}

// iq1sSplit searches every split (i1, i2) of the sorted sub-block into
// levels 0/1/2 and both shifts for the best weighted least-squares fit,
// from the prefix sums of w·x and w in sorted order.
func iq1sSplit(sumx, sumw *[33]float32, max float32) (scale float32, besti1, besti2, bestShift int) {
	const bs = 32
	p0, p1, p2 := iq1XP[0], iq1XP[1], iq1XP[2]
	m0, m1, m2 := iq1XM[0], iq1XM[1], iq1XM[2]
	bestScore := float32(-math.MaxFloat32)
	scale = max
	besti1, besti2 = -1, -1
	for i1 := 0; i1 <= bs; i1++ {
		x1, w1 := sumx[i1]-sumx[0], sumw[i1]-sumw[0]
		for i2 := i1; i2 <= bs; i2++ {
			x2, w2 := sumx[i2]-sumx[i1], sumw[i2]-sumw[i1]
			x3, w3 := sumx[bs]-sumx[i2], sumw[bs]-sumw[i2]
			sumqx := float32(float32(x1*p0)+float32(x2*p1)) + float32(x3*p2)
			sumq2 := float32(float32(w1*p0*p0)+float32(w2*p1*p1)) + float32(w3*p2*p2)
			if sumq2 > 0 && sumqx*sumqx > bestScore*sumq2 {
				scale = sumqx / sumq2
				bestScore = scale * sumqx
				besti1, besti2, bestShift = i1, i2, 1
			}
			sumqx = float32(float32(x1*m0)+float32(x2*m1)) + float32(x3*m2)
			sumq2 = float32(float32(w1*m0*m0)+float32(w2*m1*m1)) + float32(w3*m2*m2)
			if sumq2 > 0 && sumqx*sumqx > bestScore*sumq2 {
				scale = sumqx / sumq2
				bestScore = scale * sumqx
				besti1, besti2, bestShift = i1, i2, -1
			}
		}
	}
	return scale, besti1, besti2, bestShift
}

// splitLevels gives level 0 to the i1 smallest values, 1 to the next
// i2−i1 and 2 to the rest (idx is the ascending order).
func splitLevels(idx []int, i1, i2 int, L []uint8) {
	for j, i := range idx {
		switch {
		case j < i1:
			L[i] = 0
		case j < i2:
			L[i] = 1
		default:
			L[i] = 2
		}
	}
}
