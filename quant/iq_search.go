package quant

// The scale search shared by the IQ2 and IQ3 quantizers (the middle of
// ggml's quantize_row_iq2_xxs/_xs/_s_impl and iq3_xxs/_s_impl). A sub-block
// of |x| is cut into groups of g.dim values and every group has to become a
// grid point. ggml tries a fan of inverse scales, maps each group to the
// grid at that scale (its rounded levels when they are a grid point, else
// the nearest neighbour), keeps the trial with the best weighted
// least-squares fit, and then may map the groups again with the fitted
// scale. The types differ only in the fan, in which groups that second pass
// maps, and in how they pack the result, so those stay with the callers.

// iqSub is one sub-block (at most 32 values) being fitted to a grid. The
// zero value of onGrid (every group off the grid) is what ggml's IQ3_S
// starts from; fit starts from every group on it.
type iqSub struct {
	g    *iqGrid
	n    int   // values in the sub-block: 16 or 32
	maxL int32 // highest level: kMaxQ−1

	xval              [32]float32 // |x| of the sub-block (the caller fills it)
	weight            [32]float32 // its weights (the caller fills them)
	waux              [32]float32 // sqrt(weight), for the neighbour search
	L, Laux           [32]uint8   // best levels so far, and the trial's
	onGrid, onGridAux [8]bool     // per group: were its rounded levels on the grid
}

// assumeOnGrid marks every group as on the grid, ggml's start for the
// types that skip the second pass when no trial scale is accepted.
func (s *iqSub) assumeOnGrid() {
	for k := range s.n / s.g.dim {
		s.onGrid[k] = true
	}
}

// allOnGrid reports whether the accepted trial left every group on the grid.
func (s *iqSub) allOnGrid() bool {
	return allTrue(s.onGrid[:s.n/s.g.dim])
}

// fit is the search of IQ2_XS, IQ2_S and IQ3_XXS: the fan starts at the
// scale max/(2·maxL+1), and the second pass maps again only the groups the
// best trial left off the grid.
func (s *iqSub) fit(max float32, nStep int, step float32) float32 {
	s.assumeOnGrid()
	scale := s.search(max/float32(2*s.maxL+1), max, nStep, step)
	if !s.allOnGrid() && scale > 0 {
		scale = s.refit(scale, false)
	}
	return scale
}

// search tries the inverse scales (2·maxL+1 + is·step)/max for is from
// −nStep to nStep and returns the least-squares scale of the best trial,
// whose levels go to L and whose grid flags go to onGrid. When no trial is
// accepted, L and onGrid keep what the caller put there and scale is
// returned unchanged.
func (s *iqSub) search(scale, max float32, nStep int, step float32) float32 {
	n := s.n
	sqrtAll(s.waux[:n], s.weight[:n])
	base := float32(2*s.maxL + 1)
	best := float32(0)
	for is := -nStep; is <= nStep; is++ {
		id := (base + float32(float32(is)*step)) / max
		thisScale := 1 / id
		s.mapGroups(&s.Laux, &s.onGridAux, id, thisScale, true)
		sumqx, sumq2 := oddSums(s.weight[:n], s.xval[:n], s.Laux[:n])
		if sumq2 > 0 && sumqx*sumqx > best*sumq2 {
			scale = sumqx / sumq2
			best = scale * sumqx
			s.L, s.onGrid = s.Laux, s.onGridAux
		}
	}
	return scale
}

// refit maps groups again with the fitted scale and returns the
// least-squares scale of the new levels (scale itself when their Σw·q² is
// not positive). ggml's IQ2_XXS and IQ3_S map every group here
// (everyGroup); IQ2_XS, IQ2_S and IQ3_XXS only the groups whose rounded
// levels were off the grid.
func (s *iqSub) refit(scale float32, everyGroup bool) float32 {
	s.mapGroups(&s.L, &s.onGrid, 1/scale, scale, everyGroup)
	if sumqx, sumq2 := oddSums(s.weight[:s.n], s.xval[:s.n], s.L[:s.n]); sumq2 > 0 {
		return sumqx / sumq2
	}
	return scale
}

// mapGroups sets the levels of the groups in L for the inverse scale id:
// a group's rounded levels when they are a grid point (whose levels they
// then are), else those of its neighbour nearest at scale. It records in
// onGrid whether the rounded levels were on the grid; without everyGroup
// it maps only the groups onGrid marks as off the grid. One call maps all
// groups: a call per group costs a few percent of the whole search.
func (s *iqSub) mapGroups(L *[32]uint8, onGrid *[8]bool, id, scale float32, everyGroup bool) {
	g, d := s.g, s.g.dim
	for k := range s.n / d {
		if !everyGroup && onGrid[k] {
			continue
		}
		l, x := L[d*k:d*k+d], s.xval[d*k:d*k+d]
		gi, nb := g.lookup(quantizeGroup(id, x, l, s.maxL, g.bits))
		onGrid[k] = gi >= 0
		if gi < 0 {
			bestNeighbour(g, nb, x, s.waux[d*k:d*k+d], scale, l)
		}
	}
}

// evenSigns writes |x| of the sub-block xb to xval and the 7-bit sign code
// of each 8-group to signs (see evenSigns8).
func (s *iqSub) evenSigns(xb []float32, signs []uint8) {
	for k := range signs {
		signs[k] = evenSigns8(xb[8*k:8*k+8], s.weight[8*k:8*k+8], s.xval[8*k:8*k+8])
	}
}

// allSigns writes |x| of the sub-block xb to xval and the 8 sign bits of
// each 8-group to signs.
func (s *iqSub) allSigns(xb []float32, signs []uint8) {
	for k := range signs {
		signs[k] = allSigns8(xb[8*k:8*k+8], s.xval[8*k:8*k+8])
	}
}

// foldSign returns |scale| and, when scale is negative, inverts the sign
// bits (mask: the bits a sign code holds): ggml stores only positive
// sub-block scales and moves a negative fit into the signs.
func foldSign(scale float32, signs []uint8, mask uint8) float32 {
	if scale < 0 {
		for k := range signs {
			signs[k] = ^signs[k] & mask
		}
		return -scale
	}
	return scale
}
