package quant

// Q4_K (144 bytes: d, dmin, scales[12], qs[128]) and Q5_K (176 bytes: d,
// dmin, scales[12], qh[32], qs[128]) with 8 affine sub-blocks of 32, and
// Q6_K (210 bytes: ql[128], qh[64], scales[16], d) with 16 symmetric
// sub-blocks of 16.

// affineKSearch fits each 32-value sub-block of a Q4_K/Q5_K super-block as
// x ≈ scale*L - min with L in [0, nmax]. Without qw it is the _ref search
// (weights sqrt(mean x²)+|x|, make_qkx2_quants with the given rmin, rdelta,
// nstep); with qw the _impl search (weights qw*sqrt(sigma2+x²),
// make_qkx3_quants(-0.9, 0.05, 36)) that also returns the weight sums.
func affineKSearch(x, qw []float32, nmax int, rmin, rdelta float32, nstep int, L *[QK_K]uint8, scales, mins, sw *[8]float32) {
	var w [32]float32
	var aux [32]uint8
	if qw == nil {
		for j := range 8 {
			xs := x[32*j : 32*j+32]
			var sumX2 float32
			for _, v := range xs {
				sumX2 += float32(v * v)
			}
			avX := qxSqrt(sumX2 / 32)
			for l, v := range xs {
				w[l] = avX + qxAbs(v)
			}
			scales[j], mins[j] = makeQKX2Quants(32, nmax, xs, w[:], L[32*j:32*j+32], aux[:], rmin, rdelta, nstep, false)
		}
		return
	}
	sigma2 := kqSigma2x2(x)
	for j := range 8 {
		xs := x[32*j : 32*j+32]
		sw[j] = kqImatrixWeights(w[:], xs, qw[32*j:32*j+32], sigma2)
		scales[j], mins[j] = makeQKX3Quants(32, nmax, xs, w[:], L[32*j:32*j+32], aux[:], -0.9, 0.05, 36, false)
	}
}

// affineKBlock runs the Q4_K/Q5_K rule on one super-block up to the final
// L values; y gets d, dmin and the packed scales.
func affineKBlock(y []byte, x, qw []float32, nmax int, rmin, rdelta float32, nstep int, L *[QK_K]uint8) {
	var scales, mins, sw [8]float32
	affineKSearch(x, qw, nmax, rmin, rdelta, nstep, L, &scales, &mins, &sw)
	sc := y[4:16]
	if qw == nil {
		var maxScale, maxMin float32
		for j := range 8 {
			if scales[j] > maxScale {
				maxScale = scales[j]
			}
			if mins[j] > maxMin {
				maxMin = mins[j]
			}
		}
		var invScale, invMin float32
		if maxScale > 0 {
			invScale = 63 / maxScale
		}
		if maxMin > 0 {
			invMin = 63 / maxMin
		}
		for j := range 8 {
			ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
			lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
			kqPutScaleMin(sc, j, ls, lm)
		}
		kqPutF16(y[0:2], maxScale/63)
		kqPutF16(y[2:4], maxMin/63)
	} else {
		var Ls, Lm [8]uint8
		dBlock := makeQPQuants(8, 63, scales[:], Ls[:], sw[:])
		mBlock := makeQPQuants(8, 63, mins[:], Lm[:], sw[:])
		for j := range 8 {
			// ggml's Q5_K clamps to 63 here and Q4_K does not; they can
			// only differ on wrapped (negative-input) values.
			ls, lm := Ls[j], Lm[j]
			if nmax == 31 {
				ls, lm = min(63, ls), min(63, lm)
			}
			kqPutScaleMin(sc, j, ls, lm)
		}
		kqPutF16(y[0:2], dBlock)
		kqPutF16(y[2:4], mBlock)
	}
	d := kqGetF16(y[0:2])
	dmin := kqGetF16(y[2:4])
	lmax := int32(nmax)
	for j := range 8 {
		s, m := kqScaleMin(sc, j)
		dl := d * float32(s)
		if dl == 0 {
			continue // keep the search's L, as ggml does
		}
		dm := float32(dmin * float32(m)) // not fused into x+dm
		for i, v := range x[32*j : 32*j+32] {
			L[32*j+i] = uint8(max(0, min(lmax, nearestInt((v+dm)/dl))))
		}
	}
}

func quantBlockQ4K(y []byte, x, qw []float32) {
	y = y[:144]
	x = x[:QK_K]
	var L [QK_K]uint8
	affineKBlock(y, x, qw, 15, -1, 0.1, 20, &L)
	qs := y[16:144]
	for c := range 4 {
		for l := range 32 {
			qs[32*c+l] = L[64*c+l] | L[64*c+l+32]<<4
		}
	}
}

func quantBlockQ5K(y []byte, x, qw []float32) {
	y = y[:176]
	x = x[:QK_K]
	var L [QK_K]uint8
	affineKBlock(y, x, qw, 31, -0.5, 0.1, 15, &L)
	qh := y[16:48]
	qs := y[48:176]
	clear(qh)
	for c := range 4 {
		for l := range 32 {
			l1, l2 := L[64*c+l], L[64*c+l+32]
			if l1 > 15 {
				l1 -= 16
				qh[l] |= 1 << (2 * c)
			}
			if l2 > 15 {
				l2 -= 16
				qh[l] |= 2 << (2 * c)
			}
			qs[32*c+l] = l1 | l2<<4
		}
	}
}

// kqPutScaleMin packs sub-block j's 6-bit scale and min into the 12-byte
// Q4_K/Q5_K field, in ggml's order (j ascending).
func kqPutScaleMin(sc []byte, j int, ls, lm uint8) {
	if j < 4 {
		sc[j] = ls
		sc[j+4] = lm
		return
	}
	sc[j+4] = ls&0xf | lm&0xf<<4
	sc[j-4] |= ls >> 4 << 6
	sc[j] |= lm >> 4 << 6
}

// kqScaleMin unpacks sub-block j's scale and min (get_scale_min_k4).
func kqScaleMin(sc []byte, j int) (s, m uint8) {
	if j < 4 {
		return sc[j] & 63, sc[j+4] & 63
	}
	return sc[j+4]&0xf | sc[j-4]>>6<<4, sc[j+4]>>4 | sc[j]>>6<<4
}

func kqGetF16(b []byte) float32 { return FP16ToFP32(uint16(b[0]) | uint16(b[1])<<8) }

// q6KSearch finds each 16-value sub-block's symmetric scale with nmax 32
// (make_qx_quants, rmse_type 1): weights x² without qw, the raw importance
// weights with it. L gets values 0..63.
func q6KSearch(x, qw []float32, L *[QK_K]int8, scales *[16]float32) {
	for j := range 16 {
		var w []float32
		if qw != nil {
			w = qw[16*j : 16*j+16]
		}
		scales[j] = makeQXQuants(16, 32, x[16*j:16*j+16], L[16*j:16*j+16], 1, w)
	}
}

func quantBlockQ6K(y []byte, x, qw []float32) {
	y = y[:210]
	x = x[:QK_K]
	var L [QK_K]int8
	var scales [16]float32
	q6KSearch(x, qw, &L, &scales)
	var maxScale, maxAbs float32
	for _, s := range scales {
		if a := qxAbs(s); a > maxAbs {
			maxAbs, maxScale = a, s
		}
	}
	if maxAbs < groupMaxEps {
		clear(y)
		return
	}
	iscale := -128 / maxScale
	kqPutF16(y[208:210], 1/iscale)
	sc := y[192:208]
	for j, s := range scales {
		sc[j] = uint8(int8(min(127, nearestInt(float32(iscale*s)))))
	}
	d := kqGetF16(y[208:210])
	for j := range 16 {
		dl := d * float32(int8(sc[j]))
		if dl == 0 {
			continue
		}
		for i, v := range x[16*j : 16*j+16] {
			L[16*j+i] = int8(max(-32, min(31, nearestInt(v/dl))) + 32)
		}
	}
	ql := y[0:128]
	qh := y[128:192]
	for h := range 2 {
		for l := range 32 {
			j := 128*h + l
			q1, q2, q3, q4 := uint8(L[j]), uint8(L[j+32]), uint8(L[j+64]), uint8(L[j+96])
			ql[64*h+l] = q1&0xf | q3&0xf<<4
			ql[64*h+l+32] = q2&0xf | q4&0xf<<4
			qh[32*h+l] = q1>>4 | q2>>4<<2 | q3>>4<<4 | q4>>4<<6
		}
	}
}
