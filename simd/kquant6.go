package simd

// Q6_K scale search, vectorized across sub-blocks: the 16 sub-blocks of 16
// values of a super-block each run ggml's make_qx_quants with rmse_type 1
// in one float32 lane, in ggml's sequential order (the scalar form is
// qxScalar below, the same as quant's makeQXQuants).

// groupMaxEps is ggml's GROUP_MAX_EPS: sub-blocks below it are all zero.
const groupMaxEps = float32(1e-15)

// QXSearch16 runs make_qx_quants(16, nmax, x, L, rmse_type=1, w) on the 16
// sub-blocks x[16j:16j+16] (len(x) == len(L) == 256): w holds the
// importance weights (256) or is nil for ggml's x² weights. L receives
// l+nmax for l in [-nmax, nmax-1]; scales receives each sub-block's scale.
func QXSearch16(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	if len(x) != 256 || len(L) != 256 || (w != nil && len(w) != 256) {
		panic("simd: QXSearch16: x, L (and w) must hold 256 values")
	}
	if nmax < 1 || nmax > 127 {
		panic("simd: QXSearch16: nmax out of range")
	}
	qxSearch16(x, w, L, nmax, scales)
}

func qxSearch16Generic(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	for j := 0; j < 16; j++ {
		var wj []float32
		if w != nil {
			wj = w[16*j : 16*j+16]
		}
		scales[j] = qxScalar(x[16*j:16*j+16], wj, L[16*j:16*j+16], int32(nmax))
	}
}

func clampQX(l, nmax int32) int32 { return max(-nmax, min(nmax-1, l)) }

// qxScalar is make_qx_quants with rmse_type 1 for one sub-block.
func qxScalar(x, qw []float32, L []int8, nmax int32) float32 {
	var maxv, amax float32
	for _, v := range x {
		if ax := abs32(v); ax > amax {
			amax, maxv = ax, v
		}
	}
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	var wbuf [256]float32
	w := wbuf[:len(x)]
	if qw != nil {
		copy(w, qw)
	} else {
		for i, v := range x {
			w[i] = v * v
		}
	}
	iscale := float32(-nmax) / maxv
	levels := func(iscale float32) {
		for i, v := range x {
			L[i] = int8(nmax + clampQX(nearestInt(float32(iscale*v)), nmax))
		}
	}
	trial := func(iscale float32) (sumlx, suml2 float32) {
		for i, v := range x {
			fl := float32(clampQX(nearestInt(float32(iscale*v)), nmax))
			sumlx += float32(float32(w[i]*v) * fl)
			suml2 += float32(float32(w[i]*fl) * fl)
		}
		return sumlx, suml2
	}
	levels(iscale)
	sumlx, suml2 := trial(iscale)
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := -9; is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / maxv
		sumlx, suml2 = trial(iscale)
		if suml2 > 0 && sumlx*sumlx > best*suml2 {
			levels(iscale)
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}
