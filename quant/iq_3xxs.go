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
		blockSigns     [4]uint8
		scalesAndSigns [QK_K / 32]uint32
		maxScale       float32
	)
	clear(y)
	qs := y[2:66]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/32; ib++ {
		xb := xbl[32*ib : 32*ib+32]
		s := iqSub{g: g, n: 32, maxL: kMaxQ - 1}
		iqWeights(s.weight[:], xb, imatrixPart(qwbl, 32*ib, 32), sigma2)
		s.evenSigns(xb, blockSigns[:])
		max := maxOf(s.xval[:])
		if max < groupMaxEpsIQ3XXS {
			scales[ib] = 0
			continue
		}
		scale := foldSign(s.fit(max, 15, 0.2), blockSigns[:], 127)
		for k := 0; k < 8; k++ {
			qs[8*ib+k] = uint8(g.indexOf(s.L[4*k : 4*k+4]))
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
	putHalf(y, d*1.0125)
	id := 1 / d
	for ib := 0; ib < QK_K/32; ib++ {
		scalesAndSigns[ib] |= uint32(subScaleCode(id, scales[ib], 15)) << 28
		binary.LittleEndian.PutUint32(y[66+4*ib:], scalesAndSigns[ib])
	}
}
