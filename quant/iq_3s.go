package quant

// IQ3_S quantizer (ggml quantize_row_iq3_s_impl, block size 32):
// 32-element sub-blocks of eight 4-coordinate groups on the 512-point grid
// (9-bit indices), 8 explicit sign bits per 8 values, 4-bit sub-block
// scales. The imatrix is optional.

func init() { registerQuant(IQ3_S, quantizeIQ3S, ImatrixOptional) }

func quantizeIQ3S(dst []byte, src []float32, nPerRow int, imatrix []float32) {
	g := gridIQ3S.get()
	forEachSuperBlock(IQ3_S, dst, src, nPerRow, imatrix, func(y []byte, x, qw []float32) {
		iq3sBlock(g, y, x, qw)
	})
}

// iq3sBlock quantizes one super-block into y (110 bytes: fp16 d, qs[64]
// low index bytes, qh[8] high index bits, signs[32], scales[4] nibbles).
func iq3sBlock(g *iqGrid, y []byte, xbl, qwbl []float32) {
	const (
		kMaxQ = 8
		bs    = 32     // IQ3S_BLOCK_SIZE
		bs4   = bs / 4 // groups per sub-block
		bs8   = bs / 8 // sign bytes per sub-block
	)
	var (
		scales     [QK_K / bs]float32
		blockSigns [bs8]uint8
		maxScale   float32
	)
	clear(y)
	qs, qh, signs, sc := y[2:66], y[66:74], y[74:106], y[106:110]
	sigma2 := float32(2 * sumSquares(xbl) / QK_K)
	// ggml advances its qs and signs write positions only for sub-blocks that
	// are not all zero (a skipped one leaves them in place) while qh is
	// indexed by the sub-block number; the layout below reproduces that.
	nDone := 0
	for ib := 0; ib < QK_K/bs; ib++ {
		xb := xbl[bs*ib : bs*ib+bs]
		s := iqSub{g: g, n: bs, maxL: kMaxQ - 1}
		iqWeights(s.weight[:bs], xb, imatrixPart(qwbl, bs*ib, bs), sigma2)
		s.allSigns(xb, blockSigns[:])
		max := maxOf(s.xval[:bs])
		if max == 0 {
			scales[ib] = 0
			continue
		}
		// ggml starts IQ3_S with every group off the grid (the zero
		// onGrid), so the second pass also runs when no trial is accepted.
		scale := s.search(max/(2*kMaxQ-1), max, 9, 0.2)
		if !s.allOnGrid() && scale > 0 {
			scale = s.refit(scale, true)
		}
		scale = foldSign(scale, blockSigns[:], 0xff)
		for k := 0; k < bs4; k++ {
			gi := g.indexOf(s.L[4*k : 4*k+4])
			qs[nDone*bs4+k] = uint8(gi)
			j := ib*bs4 + k
			qh[j/8] |= uint8(gi>>8) << (j % 8)
		}
		copy(signs[nDone*bs8:], blockSigns[:])
		nDone++
		scales[ib] = scale
		maxScale = cMax(maxScale, scale)
	}
	if maxScale == 0 {
		return
	}
	d := maxScale / 31
	putHalf(y, d*1.033)
	id := 1 / d
	for ib := 0; ib < QK_K/bs; ib += 2 {
		sc[ib/2] = subScaleCode(id, scales[ib], 15) | subScaleCode(id, scales[ib+1], 15)<<4
	}
}
