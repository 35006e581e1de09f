package simd

// Q3_K scale search without importance weights, vectorized across
// sub-blocks: the 16 sub-blocks of 16 values of a super-block each run
// ggml's make_q3_quants with do_rmse in one float32 lane, in ggml's
// sequential order (the scalar form is q3Scalar below, the same as quant's
// makeQ3Quants). Lanes keep refining while any lane changed, up to ggml's
// 5 rounds: a round in which a lane changed nothing leaves its state as it
// was, so repeating it changes nothing either, and a lane that ggml would
// have stopped gives the same result when it runs on.

// Q3Search16 runs make_q3_quants(16, nmax, x, L, do_rmse=true) on the 16
// sub-blocks x[16j:16j+16] (len(x) == len(L) == 256). L receives l+nmax for
// l in [-nmax, nmax-1]; scales receives each sub-block's scale.
func Q3Search16(x []float32, L []int8, nmax int, scales *[16]float32) {
	if len(x) != 256 || len(L) != 256 {
		panic("simd: Q3Search16: x and L must hold 256 values")
	}
	if nmax < 1 || nmax > 127 {
		panic("simd: Q3Search16: nmax out of range")
	}
	q3Search16(x, L, nmax, scales)
}

func q3Search16Generic(x []float32, L []int8, nmax int, scales *[16]float32) {
	for j := 0; j < 16; j++ {
		scales[j] = q3Scalar(x[16*j:16*j+16], L[16*j:16*j+16], int32(nmax))
	}
}

// q3Scalar is make_q3_quants with do_rmse for one sub-block.
func q3Scalar(x []float32, L []int8, nmax int32) float32 {
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
	iscale := float32(-nmax) / maxv
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampQX(nearestInt(float32(iscale*v)), nmax)
		L[i] = int8(l)
		w := v * v
		fl := float32(l)
		sumlx += float32(float32(w*v) * fl)
		suml2 += float32(float32(w*fl) * fl)
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := v * v
			li := float32(L[i])
			slx := sumlx - float32(float32(w*v)*li)
			if !(slx > 0) {
				continue
			}
			sl2 := suml2 - float32(float32(w*li)*li)
			newL := clampQX(nearestInt(float32(v*sl2)/slx), nmax)
			if newL == int32(L[i]) {
				continue
			}
			fn := float32(newL)
			slx += float32(float32(w*v) * fn)
			sl2 += float32(float32(w*fn) * fn)
			if sl2 > 0 && slx*slx*suml2 > sumlx*sumlx*sl2 {
				L[i] = int8(newL)
				sumlx, suml2 = slx, sl2
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i := range L {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// Q3Search16x2 is Q3Search16 on two super-blocks (on amd64 and arm64 the
// two interleave, which fills the latency of each one's dependency chain).
func Q3Search16x2(x0, x1 []float32, L0, L1 []int8, nmax int, scales0, scales1 *[16]float32) {
	if len(x0) != 256 || len(L0) != 256 || len(x1) != 256 || len(L1) != 256 {
		panic("simd: Q3Search16x2: x and L must hold 256 values")
	}
	if nmax < 1 || nmax > 127 {
		panic("simd: Q3Search16x2: nmax out of range")
	}
	q3Search16x2(x0, x1, L0, L1, nmax, scales0, scales1)
}
