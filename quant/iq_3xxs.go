package quant

import "encoding/binary"

// IQ3_XXS quantizer (ggml quantize_row_iq3_xxs_impl with grid size 256):
// 32-element sub-blocks of eight 4-coordinate groups on the 256-point grid,
// 7 sign bits per 8 values (parity fix), 4-bit sub-block scales packed with
// the signs. The imatrix is optional.

func init() { registerQuant(IQ3_XXS, quantizeIQ3XXS, ImatrixOptional) }

// groupMaxEpsIQ3XXS is GROUP_MAX_EPS_IQ3_XXS.
const groupMaxEpsIQ3XXS = float32(1e-8)

func quantizeIQ3XXS(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ3XXS.get()
	forEachSuperBlock(IQ3_XXS, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq3xxsBlock(g, y, x, qw)
	})
}

// iq3xxsBlock quantizes one super-block into y (98 bytes: fp16 d, 64 grid
// indices, 8 uint32 of 4×7 sign bits | scale<<28).
func iq3xxsBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const kMaxQ = 8
	var (
		scales         [QK_K / 32]float32
		weight         [32]float32
		xval           [32]float32
		waux           [32]float32
		L, Laux        [32]uint8
		onGrid         [8]bool
		onGridAux      [8]bool
		blockSigns     [4]uint8
		scalesAndSigns [QK_K / 32]uint32
		maxScale       float32
	)
	clear(y)
	qs := y[2:66]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/32; ib++ {
		xb := xbl[32*ib : 32*ib+32]
		if qwbl != nil {
			imatrixWeights(weight[:], qwbl[32*ib:32*ib+32], xb, sigma2)
		} else {
			squareWeights(weight[:], xb)
		}
		sqrtAll(waux[:], weight[:])
		for k := 0; k < 4; k++ {
			blockSigns[k] = evenSigns(xb[8*k:8*k+8], weight[8*k:8*k+8], xval[8*k:8*k+8])
		}
		max := maxOf(xval[:])
		L = [32]uint8{}
		if max < groupMaxEpsIQ3XXS {
			scales[ib] = 0
			continue
		}
		best := float32(0)
		scale := max / (2*kMaxQ - 1)
		onGrid = [8]bool{true, true, true, true, true, true, true, true}
		for is := -15; is <= 15; is++ {
			id := (2*kMaxQ - 1 + float32(float32(is)*0.2)) / max
			thisScale := 1 / id
			for k := 0; k < 8; k++ {
				la := Laux[4*k : 4*k+4]
				gi, nb := g.lookup(quantizeGroup(id, xval[4*k:4*k+4], la, kMaxQ-1, 3))
				onGridAux[k] = gi >= 0
				if gi < 0 {
					bestNeighbour(g, nb, xval[4*k:4*k+4], waux[4*k:4*k+4], thisScale, la)
				}
			}
			sumqx, sumq2 := oddSums(weight[:], xval[:], Laux[:])
			if sumq2 > 0 && sumqx*sumqx > best*sumq2 {
				scale = sumqx / sumq2
				best = scale * sumqx
				L = Laux
				onGrid = onGridAux
			}
		}
		if !allTrue(onGrid[:]) && scale > 0 {
			id := 1 / scale
			for k := 0; k < 8; k++ {
				if onGrid[k] {
					continue
				}
				l := L[4*k : 4*k+4]
				gi, nb := g.lookup(quantizeGroup(id, xval[4*k:4*k+4], l, kMaxQ-1, 3))
				if gi < 0 {
					gi = bestNeighbour(g, nb, xval[4*k:4*k+4], waux[4*k:4*k+4], scale, l)
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
		for k := 0; k < 8; k++ {
			qs[8*ib+k] = uint8(g.indexOf(L[4*k : 4*k+4]))
		}
		scalesAndSigns[ib] = uint32(blockSigns[0]) | uint32(blockSigns[1])<<7 |
			uint32(blockSigns[2])<<14 | uint32(blockSigns[3])<<21
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		clear(y) // ggml drops the staged indices of such a block
		return
	}
	d := maxScale / 31
	putF16(y, d*1.0125)
	id := 1 / d
	for ib := 0; ib < QK_K/32; ib++ {
		scalesAndSigns[ib] |= uint32(subScaleCode(id, scales[ib], 15)) << 28
		binary.LittleEndian.PutUint32(y[66+4*ib:], scalesAndSigns[ib])
	}
}

func allTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}
