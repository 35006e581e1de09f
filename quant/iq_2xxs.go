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
		blockSigns [4]uint8
		q2         [QK_K / 16]uint32
		maxScale   float32
	)
	clear(y)
	sigma2 := float32(sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/32; ib++ {
		xb := xbl[32*ib : 32*ib+32]
		s := iqSub{g: g, n: 32, maxL: kMaxQ - 1}
		imatrixWeights(s.weight[:], qwbl[32*ib:32*ib+32], xb, sigma2)
		s.evenSigns(xb, blockSigns[:])
		max := maxOf(s.xval[:])
		if max < groupMaxEps {
			scales[ib] = 0
			continue
		}
		// IQ2_XXS centres its fan on a first fit of the levels 0..kMaxQ.
		scale := makeQPQuants(32, kMaxQ+1, s.xval[:], s.L[:], s.weight[:])
		effMax := scale * kMaxQ
		if effMax <= 0 {
			scales[ib] = 0
			continue
		}
		scale = s.search(scale, effMax, 6, 0.1)
		if scale > 0 {
			scale = s.refit(scale, true)
		}
		scale = foldSign(scale, blockSigns[:], 127)
		for k := 0; k < 4; k++ {
			q2[2*ib] |= uint32(g.indexOf(s.L[8*k:8*k+8])) << (8 * k)
			q2[2*ib+1] |= uint32(blockSigns[k]) << (7 * k)
		}
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putHalf(y, d)
	id := 1 / d
	for ib := 0; ib < QK_K/32; ib++ {
		q2[2*ib+1] |= uint32(subScaleCode(id, scales[ib], 15)) << 28
	}
	for i, v := range q2 {
		binary.LittleEndian.PutUint32(y[2+4*i:], v)
	}
}
