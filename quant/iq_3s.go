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
		weight     [bs]float32
		xval       [bs]float32
		waux       [bs]float32
		L, Laux    [bs]uint8
		onGrid     [bs4]bool
		onGridAux  [bs4]bool
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
		if qwbl != nil {
			imatrixWeights(weight[:], qwbl[bs*ib:bs*ib+bs], xb, sigma2)
		} else {
			squareWeights(weight[:], xb)
		}
		sqrtAll(waux[:], weight[:])
		for k := 0; k < bs8; k++ {
			blockSigns[k] = allSigns(xb[8*k:8*k+8], xval[8*k:8*k+8])
		}
		max := maxOf(xval[:])
		L = [bs]uint8{}
		if max == 0 {
			scales[ib] = 0
			continue
		}
		best := float32(0)
		scale := max / (2*kMaxQ - 1)
		onGrid = [bs4]bool{}
		for is := -9; is <= 9; is++ {
			id := (2*kMaxQ - 1 + float32(float32(is)*0.2)) / max
			thisScale := 1 / id
			for k := 0; k < bs4; k++ {
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
			// ggml re-maps every group here, on the grid or not.
			id := 1 / scale
			for k := 0; k < bs4; k++ {
				l := L[4*k : 4*k+4]
				var lv [4]uint8
				gi, nb := g.lookup(quantizeGroup(id, xval[4*k:4*k+4], lv[:], kMaxQ-1, 3))
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
				blockSigns[k] = ^blockSigns[k]
			}
		}
		for k := 0; k < bs4; k++ {
			gi := g.indexOf(L[4*k : 4*k+4])
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
	putF16(y, d*1.033)
	id := 1 / d
	for ib := 0; ib < QK_K/bs; ib += 2 {
		sc[ib/2] = subScaleCode(id, scales[ib], 15) | subScaleCode(id, scales[ib+1], 15)<<4
	}
}
