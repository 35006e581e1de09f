package quant

// IQ2_S quantizer (ggml quantize_row_iq2_s_impl): 16-element sub-blocks of
// two 8-coordinate groups on the 1024-point grid, 8 explicit sign bits per
// group, 4-bit sub-block scales. The imatrix is optional.

func init() { registerQuant(IQ2_S, quantizeIQ2S, ImatrixOptional) }

// groupMaxEpsIQ2S is GROUP_MAX_EPS_IQ2_S.
const groupMaxEpsIQ2S = float32(1e-8)

func quantizeIQ2S(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ2S.get()
	forEachSuperBlock(IQ2_S, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq2sBlock(g, y, x, qw)
	})
}

// iq2sBlock quantizes one super-block into y (82 bytes: fp16 d, qs[64] =
// 32 low grid-index bytes then 32 sign bytes, qh[8] with the 2 high index
// bits per group, scales[8] of nibbles).
func iq2sBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const kMaxQ = 3
	var (
		scales     [QK_K / 16]float32
		blockSigns [2]uint8
		maxScale   float32
	)
	clear(y)
	qs, qh, sc := y[2:66], y[66:74], y[74:82]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	for ib := 0; ib < QK_K/16; ib++ {
		xb := xbl[16*ib : 16*ib+16]
		s := iqSub{g: g, n: 16, maxL: kMaxQ - 1}
		if qwbl != nil {
			imatrixWeights(s.weight[:16], qwbl[16*ib:16*ib+16], xb, sigma2)
		} else {
			for i, v := range xb {
				s.weight[i] = float32(0.25*sigma2) + float32(v*v)
			}
		}
		s.allSigns(xb, blockSigns[:])
		max := maxOf(s.xval[:16])
		if max < groupMaxEpsIQ2S {
			scales[ib] = 0
			continue
		}
		scale := foldSign(s.fit(max, 9, 0.1), blockSigns[:], 0xff)
		for k := 0; k < 2; k++ {
			gi := g.indexOf(s.L[8*k : 8*k+8])
			i8 := 2*ib + k
			qs[i8] = uint8(gi)
			qh[i8/4] |= uint8(gi>>8) << (2 * (i8 % 4))
			qs[QK_K/8+i8] = blockSigns[k]
		}
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putHalf(y, d*0.9875)
	id := 1 / d
	for ib := 0; ib < QK_K/16; ib++ {
		sc[ib/2] |= subScaleCode(id, scales[ib], 15) << (4 * (ib % 2))
	}
}
