package quant

import "encoding/binary"

// IQ2_XXS quantizer (ggml quantize_row_iq2_xxs_impl): 32-element sub-blocks
// of four 8-coordinate groups on the 256-point grid, 7 sign bits per group
// (parity fix), 4-bit sub-block scales packed with the signs. The imatrix is
// required.

func init() { registerQuant(IQ2_XXS, quantizeIQ2XXS, ImatrixRequired) }

func quantizeIQ2XXS(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ2XXS.get()
	forEachSuperBlock(IQ2_XXS, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq2xxsBlock(g, y, x, qw)
	})
}

// iq2xxsBlock quantizes one super-block into y (66 bytes: fp16 d, then per
// sub-block one uint32 of 4 grid indices and one uint32 of 4×7 sign bits |
// scale<<28).
func iq2xxsBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const kMaxQ = 3
	var (
		scales     [QK_K / 32]float32
		weight     [32]float32
		xval       [32]float32
		waux       [32]float32
		L, Laux    [32]uint8
		blockSigns [4]uint8
		q2         [QK_K / 16]uint32
		maxScale   float32
	)
	clear(y)
	sigma2 := float32(sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/32; ib++ {
		xb := xbl[32*ib : 32*ib+32]
		imatrixWeights(weight[:], qwbl[32*ib:32*ib+32], xb, sigma2)
		sqrtAll(waux[:], weight[:])
		for k := 0; k < 4; k++ {
			blockSigns[k] = evenSigns(xb[8*k:8*k+8], weight[8*k:8*k+8], xval[8*k:8*k+8])
		}
		max := maxOf(xval[:])
		if max < groupMaxEps {
			scales[ib] = 0
			L = [32]uint8{}
			continue
		}
		scale := makeQPQuants(32, kMaxQ+1, xval[:], L[:], weight[:])
		effMax := scale * kMaxQ
		if effMax <= 0 {
			scales[ib] = 0
			L = [32]uint8{}
			continue
		}
		best := float32(0)
		for is := -6; is <= 6; is++ {
			id := (2*kMaxQ - 1 + float32(float32(is)*0.1)) / effMax
			thisScale := 1 / id
			for k := 0; k < 4; k++ {
				la := Laux[8*k : 8*k+8]
				gi, nb := g.lookup(quantizeGroup(id, xval[8*k:8*k+8], la, kMaxQ-1, 2))
				if gi < 0 {
					bestNeighbour(g, nb, xval[8*k:8*k+8], waux[8*k:8*k+8], thisScale, la)
				}
			}
			sumqx, sumq2 := oddSums(weight[:], xval[:], Laux[:])
			if sumq2 > 0 && sumqx*sumqx > best*sumq2 {
				scale = sumqx / sumq2
				best = scale * sumqx
				L = Laux
			}
		}
		if scale > 0 {
			id := 1 / scale
			for k := 0; k < 4; k++ {
				l := L[8*k : 8*k+8]
				var lv [8]uint8
				gi, nb := g.lookup(quantizeGroup(id, xval[8*k:8*k+8], lv[:], kMaxQ-1, 2))
				if gi < 0 {
					gi = bestNeighbour(g, nb, xval[8*k:8*k+8], waux[8*k:8*k+8], scale, l)
				}
				setLevels(g, gi, l)
			}
			if sumqx, sumq2 := oddSums(weight[:], xval[:], L[:]); sumq2 > 0 {
				scale = sumqx / sumq2
			}
		}
		if scale < 0 {
			scale = -scale
			for k := range blockSigns {
				blockSigns[k] = ^blockSigns[k] & 127
			}
		}
		for k := 0; k < 4; k++ {
			q2[2*ib] |= uint32(g.indexOf(L[8*k:8*k+8])) << (8 * k)
			q2[2*ib+1] |= uint32(blockSigns[k]) << (7 * k)
		}
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putF16(y, d)
	id := 1 / d
	for ib := 0; ib < QK_K/32; ib++ {
		q2[2*ib+1] |= uint32(subScaleCode(id, scales[ib], 15)) << 28
	}
	for i, v := range q2 {
		binary.LittleEndian.PutUint32(y[2+4*i:], v)
	}
}
