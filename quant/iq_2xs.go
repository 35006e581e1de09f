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
		blockSigns [2]uint8
		q2         [QK_K / 8]uint16
		maxScale   float32
		sigma2     = float32(sumSquares(xbl) / QK_K)
	)
	for ib := 0; ib < QK_K/16; ib++ {
		xb := xbl[16*ib : 16*ib+16]
		s := iqSub{g: g, n: 16, maxL: kMaxQ - 1}
		imatrixWeights(s.weight[:16], qwbl[16*ib:16*ib+16], xb, sigma2)
		s.evenSigns(xb, blockSigns[:])
		max := maxOf(s.xval[:16])
		if max < groupMaxEps {
			scales[ib] = 0
			continue
		}
		scale := foldSign(s.fit(max, 9, 0.1), blockSigns[:], 127)
		for k := 0; k < 2; k++ {
			q2[2*ib+k] = uint16(g.indexOf(s.L[8*k:8*k+8])) | uint16(blockSigns[k])<<9
		}
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	clear(y)
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putHalf(y, d)
	id := 1 / d
	for ib := 0; ib < QK_K/16; ib++ {
		y[66+ib/2] |= subScaleCode(id, scales[ib], 15) << (4 * (ib % 2))
	}
	for i, v := range q2 {
		binary.LittleEndian.PutUint16(y[2+2*i:], v)
	}
}
