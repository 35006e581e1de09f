package quant

import "math"

// Scale-search helpers shared by the K-quants, the imatrix paths of
// Q4_0..Q5_1 and the IQ quantizers (gguf-and-quants.md §5.3, the make_*_quants
// functions of ggml-quants.c). Each one is a pure function of one group's
// values, so a vectorized caller can run independent groups side by side.
//
// Bit-exactness rules followed throughout:
//   - every operation is float32, in ggml's evaluation order;
//   - every product that is then added (or passed to nearestInt, which adds
//     the rounding constant) is wrapped in float32(...) so Go cannot fuse it
//     into an FMA on arm64;
//   - integers enter float expressions through float32(int) where C converts.

// qxSqrt is sqrtf: sqrt of the exact float64 widening, rounded once to
// float32, equals the correctly rounded float32 square root.
func qxSqrt(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// qxWeight is the per-element weight of make_qx_quants when no explicit
// weights are given.
func qxWeight(x float32, rmseType int) float32 {
	switch rmseType {
	case 1:
		return x * x
	case 2:
		return 1
	case 3:
		return fabsf(x)
	}
	return qxSqrt(fabsf(x))
}

// qxMaxAbs returns the first value of largest magnitude and that
// magnitude (0, 0 when all are 0 or NaN).
func qxMaxAbs(x []float32) (maxv, amax float32) {
	for _, v := range x {
		if ax := fabsf(v); ax > amax {
			amax, maxv = ax, v
		}
	}
	return maxv, amax
}

// clampQX is max(-nmax, min(nmax-1, l)).
func clampQX(l, nmax int32) int32 { return max(-nmax, min(nmax-1, l)) }

// makeQXQuants finds a symmetric scale for n values: L gets l+nmax with
// l in [-nmax, nmax-1] and x ≈ scale*l. rmseType 0 is the plain max scale,
// ±1..4 choose the weights (x², 1, |x|, sqrt|x|) when qw is nil; a negative
// rmseType returns right after the first weighted fit. This is
// make_qx_quants.
func makeQXQuants(n, nmax int, x []float32, L []int8, rmseType int, qw []float32) float32 {
	x = x[:n]
	L = L[:n]
	maxv, amax := qxMaxAbs(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	nm := int32(nmax)
	iscale := float32(-nmax) / maxv
	if rmseType == 0 {
		qxLevels(L, x, iscale, nm)
		return 1 / iscale
	}
	returnEarly := rmseType < 0
	if returnEarly {
		rmseType = -rmseType
	}
	// The weights do not change between the trial scales: compute them once.
	var wbuf [32]float32
	var w []float32
	if n <= len(wbuf) {
		w = wbuf[:n]
	} else {
		w = make([]float32, n)
	}
	w = w[:n]
	if qw != nil {
		copy(w, qw[:n])
	} else {
		for i, v := range x {
			w[i] = qxWeight(v, rmseType)
		}
	}
	qxLevels(L, x, iscale, nm)
	sumlx, suml2 := qxTrial(x, w, iscale, nm)
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	if returnEarly {
		if suml2 > 0 {
			return 0.5 * (scale + 1/iscale)
		}
		return 1 / iscale
	}
	best := scale * sumlx
	for is := -9; is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / maxv
		sumlx, suml2 = qxTrial(x, w, iscale, nm)
		if suml2 > 0 && sumlx*sumlx > best*suml2 {
			qxLevels(L, x, iscale, nm)
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// qxLevels sets L[i] = nmax + clamp(nearest_int(iscale*x[i]), -nmax, nmax-1).
func qxLevels(L []int8, x []float32, iscale float32, nmax int32) {
	L = L[:len(x)]
	for i, v := range x {
		L[i] = int8(nmax + clampQX(nearestInt(float32(iscale*v)), nmax))
	}
}

// qxTrial returns Σw·x·l and Σw·l·l for l = clamp(nearest_int(iscale*x),
// -nmax, nmax-1), summed in ggml's order. A leaf function so its values
// stay in registers.
func qxTrial(x, w []float32, iscale float32, nmax int32) (sumlx, suml2 float32) {
	w = w[:len(x)]
	for i, v := range x {
		fl := float32(clampQX(nearestInt(float32(iscale*v)), nmax))
		sumlx += float32(w[i] * v * fl)
		suml2 += float32(w[i] * fl * fl)
	}
	return sumlx, suml2
}

// makeQ3Quants is make_q3_quants (Q3_K without imatrix): a symmetric scale
// refined element by element with weights x² when doRmse. L gets l+nmax.
func makeQ3Quants(n, nmax int, x []float32, L []int8, doRmse bool) float32 {
	x = x[:n]
	L = L[:n]
	maxv, amax := qxMaxAbs(x)
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	nm := int32(nmax)
	iscale := float32(-nmax) / maxv
	if !doRmse {
		for i, v := range x {
			L[i] = int8(clampQX(nearestInt(float32(iscale*v)), nm) + nm)
		}
		return 1 / iscale
	}
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampQX(nearestInt(float32(iscale*v)), nm)
		L[i] = int8(l)
		w := v * v
		fl := float32(l)
		sumlx += float32(w * v * fl)
		suml2 += float32(w * fl * fl)
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := v * v
			li := float32(L[i])
			slx := sumlx - float32(w*v*li)
			if !(slx > 0) {
				continue
			}
			sl2 := suml2 - float32(w*li*li)
			newL := clampQX(nearestInt(v*sl2/slx), nm)
			if newL == int32(L[i]) {
				continue
			}
			fn := float32(newL)
			slx += float32(w * v * fn)
			sl2 += float32(w * fn * fn)
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

// makeQKX2Quants fits x ≈ scale*L - theMin with L in [0, nmax] by a weighted
// search over nstep+1 trial scales (make_qkx2_quants). Laux is scratch.
// useMad selects the absolute instead of the squared error.
func makeQKX2Quants(n, nmax int, x, weights []float32, L, Laux []uint8, rmin, rdelta float32, nstep int, useMad bool) (scale, theMin float32) {
	return makeQKXQuants(n, nmax, x, weights, L, Laux, rmin, rdelta, nstep, useMad, false)
}

// makeQKX3Quants is make_qkx3_quants: makeQKX2Quants with weights x² when
// weights is nil and max <= min as the degenerate test.
func makeQKX3Quants(n, nmax int, x, weights []float32, L, Laux []uint8, rmin, rdelta float32, nstep int, useMad bool) (scale, theMin float32) {
	if weights == nil {
		var wbuf [32]float32
		var w []float32
		if n <= len(wbuf) {
			w = wbuf[:n]
		} else {
			w = make([]float32, n)
		}
		for i, v := range x[:n] {
			w[i] = v * v
		}
		weights = w
	}
	return makeQKXQuants(n, nmax, x, weights, L, Laux, rmin, rdelta, nstep, useMad, true)
}

// makeQKXQuants is the common body of make_qkx2_quants and make_qkx3_quants;
// they differ only in the degenerate-range test (max == min vs max <= min,
// which differ only for NaN input).
func makeQKXQuants(n, nmax int, x, weights []float32, L, Laux []uint8, rmin, rdelta float32, nstep int, useMad, v3 bool) (scale, theMin float32) {
	x = x[:n]
	weights = weights[:n]
	L = L[:n]
	minv, maxv := x[0], x[0]
	sumW := weights[0]
	sumX := sumW * x[0]
	for i := 1; i < n; i++ {
		v := x[i]
		if v < minv {
			minv = v
		}
		if v > maxv {
			maxv = v
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * v)
	}
	if minv > 0 {
		minv = 0
	}
	if (!v3 && maxv == minv) || (v3 && maxv <= minv) {
		clear(L)
		return 0, -minv
	}
	// x[i]-min only changes when a trial is accepted; caching it is exact.
	var dbuf [32]float32
	var xm []float32
	if n <= len(dbuf) {
		xm = dbuf[:n]
	} else {
		xm = make([]float32, n)
	}
	xm = xm[:n]
	for i, v := range x {
		xm[i] = v - minv
	}
	rng := maxv - minv
	iscale := float32(nmax) / rng
	scale = 1 / iscale
	qkxLevels(L, xm, iscale, int32(nmax))
	bestErr := qkxError(L, x, weights, scale, minv, useMad)
	if nstep < 1 {
		return scale, -minv
	}
	Laux = Laux[:n]
	for is := 0; is <= nstep; is++ {
		iscale = (rmin + float32(rdelta*float32(is)) + float32(nmax)) / rng
		sumL, sumL2, sumXL := qkxTrial(Laux, xm, x, weights, iscale, int32(nmax))
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if !(D > 0) {
			continue
		}
		thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
		thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
		if thisMin > 0 {
			thisMin = 0
			thisScale = sumXL / sumL2
		}
		curErr := qkxError(Laux, x, weights, thisScale, thisMin, useMad)
		if curErr < bestErr {
			copy(L, Laux)
			bestErr = curErr
			scale = thisScale
			// ggml's later trials measure from the new min.
			minv = thisMin
			rng = maxv - minv
			for i, v := range x {
				xm[i] = v - minv
			}
		}
	}
	return scale, -minv
}

// The three loops of the make_qkx search are small leaf functions so the
// compiler keeps their few values in registers.

// qkxLevels sets L[i] = clamp(nearest_int(iscale*xm[i]), 0, nmax).
func qkxLevels(L []uint8, xm []float32, iscale float32, nmax int32) {
	L = L[:len(xm)]
	for i, v := range xm {
		L[i] = uint8(max(0, min(nmax, nearestInt(float32(iscale*v)))))
	}
}

// qkxTrial quantizes with one trial iscale into L and returns the weighted
// sums Σw·l, Σw·l², Σw·l·x in ggml's order.
func qkxTrial(L []uint8, xm, x, w []float32, iscale float32, nmax int32) (sumL, sumL2, sumXL float32) {
	L = L[:len(xm)]
	x = x[:len(xm)]
	w = w[:len(xm)]
	for i, d := range xm {
		l := max(0, min(nmax, nearestInt(float32(iscale*d))))
		L[i] = uint8(l)
		wi := w[i]
		fl := float32(l)
		sumL += float32(wi * fl)
		sumL2 += float32(wi * fl * fl)
		sumXL += float32(wi * fl * x[i])
	}
	return sumL, sumL2, sumXL
}

// qkxError is Σ w·err(scale·L + min − x), err = |·| or (·)².
func qkxError(L []uint8, x, w []float32, scale, minv float32, useMad bool) float32 {
	L = L[:len(x)]
	w = w[:len(x)]
	var e float32
	if useMad {
		for i, v := range x {
			diff := float32(scale*float32(L[i])) + minv - v
			e += float32(w[i] * fabsf(diff))
		}
		return e
	}
	for i, v := range x {
		diff := float32(scale*float32(L[i])) + minv - v
		e += float32(w[i] * float32(diff*diff))
	}
	return e
}

// makeQPQuants quantizes non-negative values (sub-block scales or mins) to
// L in [0, nmax] with a single positive scale, weighted by qw
// (make_qp_quants). Like ggml, L holds the low byte of the chosen integer.
func makeQPQuants(n, nmax int, x []float32, L []uint8, qw []float32) float32 {
	x = x[:n]
	L = L[:n]
	qw = qw[:n]
	var maxv float32
	for _, v := range x {
		if !(maxv > v) { // C's MAX(max, x), including its NaN and -0 behaviour
			maxv = v
		}
	}
	if maxv < groupMaxEps {
		clear(L)
		return 0
	}
	nm := int32(nmax)
	iscale := float32(nmax) / maxv
	for i, v := range x {
		L[i] = uint8(nearestInt(float32(iscale * v)))
	}
	scale := 1 / iscale
	var bestMSE float32
	for i, v := range x {
		diff := v - float32(scale*float32(L[i]))
		bestMSE += float32(qw[i] * diff * diff)
	}
	for is := -4; is <= 4; is++ {
		if is == 0 {
			continue
		}
		iscaleIs := (float32(0.1*float32(is)) + float32(nmax)) / maxv
		scaleIs := 1 / iscaleIs
		var mse float32
		for i, v := range x {
			l := min(nm, nearestInt(float32(iscaleIs*v)))
			diff := v - float32(scaleIs*float32(l))
			mse += float32(qw[i] * diff * diff)
		}
		if mse < bestMSE {
			bestMSE = mse
			iscale = iscaleIs
		}
	}
	var sumlx, suml2 float32
	for i, v := range x {
		l := min(nm, nearestInt(float32(iscale*v)))
		L[i] = uint8(l)
		w := qw[i]
		fl := float32(l)
		sumlx += float32(w * v * fl)
		suml2 += float32(w * fl * fl)
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := qw[i]
			li := float32(L[i])
			slx := sumlx - float32(w*v*li)
			sl2 := suml2 - float32(w*li*li)
			if !(slx > 0 && sl2 > 0) {
				continue
			}
			newL := min(nm, nearestInt(v*sl2/slx))
			if newL == int32(L[i]) {
				continue
			}
			fn := float32(newL)
			slx += float32(w * v * fn)
			sl2 += float32(w * fn * fn)
			if slx*slx*suml2 > sumlx*sumlx*sl2 {
				L[i] = uint8(newL)
				sumlx, suml2 = slx, sl2
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}
