package quant

import "encoding/binary"

// IQ2_XS quantizer (ggml quantize_row_iq2_xs_impl): 16-element sub-blocks of
// two 8-coordinate groups on the 512-point grid, 7 sign bits per group
// (parity fix), 4-bit sub-block scales. The imatrix is required.

func init() { registerQuant(IQ2_XS, quantizeIQ2XS, ImatrixRequired) }

func quantizeIQ2XS(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ2XS.get()
	forEachSuperBlock(IQ2_XS, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq2xsBlock(g, y, x, qw)
	})
}

// iq2xsBlock quantizes one 256-element super-block into y (74 bytes:
// fp16 d, 32 uint16 grid index | signs<<9, 8 bytes of scale nibbles).
func iq2xsBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const kMaxQ = 3
	var (
		scales     [QK_K / 16]float32
		weight     [16]float32
		xval       [16]float32
		waux       [16]float32
		L, Laux    [16]uint8
		onGrid     [2]bool
		onGridAux  [2]bool
		blockSigns [2]uint8
		q2         [QK_K / 8]uint16
		maxScale   float32
		sigma2     = float32(sumSquares(xbl) / QK_K)
	)
	for ib := 0; ib < QK_K/16; ib++ {
		xb := xbl[16*ib : 16*ib+16]
		imatrixWeights(weight[:], qwbl[16*ib:16*ib+16], xb, sigma2)
		sqrtAll(waux[:], weight[:])
		for k := 0; k < 2; k++ {
			blockSigns[k] = evenSigns(xb[8*k:8*k+8], weight[8*k:8*k+8], xval[8*k:8*k+8])
		}
		max := maxOf(xval[:])
		L = [16]uint8{}
		if max < groupMaxEps {
			scales[ib] = 0
			continue
		}
		best := float32(0)
		scale := max / (2*kMaxQ - 1)
		onGrid = [2]bool{true, true}
		for is := -9; is <= 9; is++ {
			id := (2*kMaxQ - 1 + float32(float32(is)*0.1)) / max
			thisScale := 1 / id
			for k := 0; k < 2; k++ {
				la := Laux[8*k : 8*k+8]
				gi, nb := g.lookup(quantizeGroup(id, xval[8*k:8*k+8], la, kMaxQ-1, 2))
				onGridAux[k] = gi >= 0
				if gi < 0 {
					bestNeighbour(g, nb, xval[8*k:8*k+8], waux[8*k:8*k+8], thisScale, la)
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
		if (!onGrid[0] || !onGrid[1]) && scale > 0 {
			id := 1 / scale
			for k := 0; k < 2; k++ {
				if onGrid[k] {
					continue
				}
				l := L[8*k : 8*k+8]
				gi, nb := g.lookup(quantizeGroup(id, xval[8*k:8*k+8], l, kMaxQ-1, 2))
				if gi < 0 {
					bestNeighbour(g, nb, xval[8*k:8*k+8], waux[8*k:8*k+8], scale, l)
				}
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
		for k := 0; k < 2; k++ {
			q2[2*ib+k] = uint16(g.indexOf(L[8*k:8*k+8])) | uint16(blockSigns[k])<<9
		}
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	clear(y)
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putF16(y, d)
	id := 1 / d
	for ib := 0; ib < QK_K/16; ib++ {
		y[66+ib/2] |= subScaleCode(id, scales[ib], 15) << (4 * (ib % 2))
	}
	for i, v := range q2 {
		binary.LittleEndian.PutUint16(y[2+2*i:], v)
	}
}
