package merge

import (
	"errors"
	"fmt"

	"github.com/ggufmerge/ggufmerge/simd"
)

// sparsifier prunes (and rescales) one model's task vector, row by row.
// Methods that need per-tensor statistics first see every row through
// observeRow, in row order, once per pass.
type sparsifier interface {
	wantPass() bool
	maxPasses() int
	observeRow(row int64, delta []float32, s *Scratch)
	endPass() // called after every pass, also by sparsifiers that did not take part
	// apply returns the sparsified delta of one row, written to dst or, when
	// nothing changes, delta itself.
	apply(dst, delta []float32, row int64, s *Scratch) []float32
}

// rescaleMode is how survivors of a random drop are rescaled.
type rescaleMode int

const (
	rescaleNone rescaleMode = iota // rescale: false
	rescaleProb                    // divide each survivor by its keep probability (paper, DELLA repo)
	rescaleL1                      // one factor per tensor restoring sum |delta| (mergekit >= 0.1)
)

// errEpsilon is the reference's message for a DELLA window leaving (0, 1).
var errEpsilon = errors.New("Epsilon must be chosen such that density +/- epsilon is in (0, 1)")

// l1State accumulates the L1 norms before and after masking, of one 2-D
// slice (mergekit's tensor).
type l1State struct {
	before, after float64
	scale         float32
	scaled        bool
}

// l1Groups is one l1State per 2-D slice of the tensor.
type l1Groups struct {
	lay  *layout
	g    []l1State
	done bool
}

func newL1Groups(lay *layout) l1Groups { return l1Groups{lay: lay, g: make([]l1State, lay.groups)} }

func (l *l1Groups) at(row int64) *l1State { return &l.g[l.lay.group(row)] }

func (l *l1Groups) finish() {
	for i := range l.g {
		l.g[i].finish()
	}
	l.done = true
}

// finish fixes the factor; like the reference, tiny norms leave the mask unscaled.
func (l *l1State) finish() {
	if l.before < 1e-7 || l.after < 1e-7 {
		l.scaled = false
		return
	}
	l.scale, l.scaled = float32(l.before/l.after), true
}

func (l *l1State) apply(dst []float32) {
	if l.scaled {
		Scale(dst, dst, l.scale)
	}
}

// keepAll is density >= 1: the delta is unchanged.
type keepAll struct{}

func (keepAll) wantPass() bool                        { return false }
func (keepAll) maxPasses() int                        { return 0 }
func (keepAll) observeRow(int64, []float32, *Scratch) {}
func (keepAll) endPass()                              {}
func (keepAll) apply(_, delta []float32, _ int64, _ *Scratch) []float32 {
	return delta
}

// dropAll is DELLA's density <= 0: the delta becomes zero.
type dropAll struct{}

func (dropAll) wantPass() bool                        { return false }
func (dropAll) maxPasses() int                        { return 0 }
func (dropAll) observeRow(int64, []float32, *Scratch) {}
func (dropAll) endPass()                              {}
func (dropAll) apply(dst, _ []float32, _ int64, _ *Scratch) []float32 {
	clear(dst)
	return dst
}

// bernoulli is DARE: keep each element independently with probability d.
type bernoulli struct {
	model int
	p     float32
	mode  rescaleMode
	rng   Uniforms
	pass  bool
	l1    l1Groups
}

func newBernoulli(lay *layout, model int, d float64, mode rescaleMode, rng Uniforms) sparsifier {
	if d >= 1 {
		return keepAll{}
	}
	return &bernoulli{model: model, p: f32(d), mode: mode, rng: rng, pass: mode == rescaleL1, l1: newL1Groups(lay)}
}

func (b *bernoulli) wantPass() bool { return b.pass }
func (b *bernoulli) maxPasses() int {
	if b.mode == rescaleL1 {
		return 1
	}
	return 0
}

func (b *bernoulli) observeRow(row int64, delta []float32, s *Scratch) {
	u := s.floats(slotU, len(delta))
	b.rng.Fill(u, b.model, row, 0)
	m := s.floats(slotTmp, len(delta))
	KeepBelow(m, delta, u, b.p)
	before, after := sumAbs2(delta, m)
	l := b.l1.at(row)
	l.before += before
	l.after += after
}

func (b *bernoulli) endPass() {
	if b.pass {
		b.pass = false
		b.l1.finish()
	}
}

func (b *bernoulli) apply(dst, delta []float32, row int64, s *Scratch) []float32 {
	u := s.floats(slotU, len(delta))
	b.rng.Fill(u, b.model, row, 0)
	if b.mode == rescaleProb {
		KeepBelowDiv(dst, delta, u, b.p)
		return dst
	}
	KeepBelow(dst, delta, u, b.p)
	if b.mode == rescaleL1 {
		b.l1.at(row).apply(dst)
	}
	return dst
}

// magprune is DELLA's MagPrune: within each row, the element of ascending
// |delta| rank r (1..n, ties by index) is kept with probability
// (d-eps) + 2eps(r-1)/(n-1).
type magprune struct {
	model        int
	ptab         []float32 // keep probability by 0-based rank, for one-element rows (and tests)
	lo, eps, den float32   // the probabilities as simd.MagPrune computes them for longer rows
	mode         rescaleMode
	rng          Uniforms
	pass         bool
	l1           l1Groups
}

func newMagprune(lay *layout, model int, d, eps float64, mode rescaleMode, rng Uniforms) (sparsifier, error) {
	if d >= 1 {
		return keepAll{}, nil
	}
	if d <= 0 {
		return dropAll{}, nil
	}
	if d+eps >= 1 || d-eps <= 0 {
		return nil, errEpsilon
	}
	var ptab []float32
	if lay.rowLen == 1 {
		ptab = magpruneProbs(1, d, eps)
	}
	return &magprune{model: model, ptab: ptab,
		lo: f32(d - eps), eps: f32(eps), den: float32(lay.rowLen - 1),
		mode: mode, rng: rng, pass: mode == rescaleL1, l1: newL1Groups(lay)}, nil
}

// magpruneProbs computes the keep probability of each 0-based rank in float32
// in the reference's order: (d-eps) + ((r-1)/(n-1) * 2) * eps. A one-element
// row, where the reference divides 0 by 0, keeps with probability d.
func magpruneProbs(n int, d, eps float64) []float32 {
	p := make([]float32, n)
	if n == 1 {
		p[0] = f32(d)
		return p
	}
	lo, e, den := f32(d-eps), f32(eps), float32(n-1)
	for q := range p {
		t := float32(float32(q)/den) * 2
		p[q] = lo + float32(t*e)
	}
	return p
}

func (m *magprune) wantPass() bool { return m.pass }
func (m *magprune) maxPasses() int {
	if m.mode == rescaleL1 {
		return 1
	}
	return 0
}

// ranks returns the 0-based |delta| rank of each element (ties by index).
func ranks(delta []float32, s *Scratch) []uint32 {
	n := len(delta)
	s.u32 = growU32(s.u32, 2*n)
	keys, rank := s.u32[:n], s.u32[n:]
	AbsKeys(keys, delta)
	rankByKey(rank, keys, s)
	return rank
}

// probs fills the per-element keep probabilities of one row from its ranks.
func (m *magprune) probs(delta []float32, s *Scratch) []float32 {
	rank := ranks(delta, s)
	p := s.floats(slotP, len(delta))
	for j, q := range rank {
		p[j] = m.ptab[q]
	}
	return p
}

// drop writes the pruned row to dst, each survivor divided by its keep
// probability when div. simd.MagPrune computes the probabilities from the
// ranks exactly as magpruneProbs does; a one-element row (0/0) uses ptab.
func (m *magprune) drop(dst, delta []float32, row int64, s *Scratch, div bool) {
	u := s.floats(slotU, len(delta))
	m.rng.Fill(u, m.model, row, 0)
	switch {
	case len(delta) > 1:
		simd.MagPrune(dst, delta, ranks(delta, s), u, m.lo, m.eps, m.den, div)
	case div:
		KeepBelowEachDiv(dst, delta, u, m.probs(delta, s))
	default:
		KeepBelowEach(dst, delta, u, m.probs(delta, s))
	}
}

func (m *magprune) observeRow(row int64, delta []float32, s *Scratch) {
	k := s.floats(slotTmp, len(delta))
	m.drop(k, delta, row, s, false)
	before, after := sumAbs2(delta, k)
	l := m.l1.at(row)
	l.before += before
	l.after += after
}

func (m *magprune) endPass() {
	if m.pass {
		m.pass = false
		m.l1.finish()
	}
}

func (m *magprune) apply(dst, delta []float32, row int64, s *Scratch) []float32 {
	m.drop(dst, delta, row, s, m.mode == rescaleProb)
	if m.mode == rescaleL1 {
		m.l1.at(row).apply(dst)
	}
	return dst
}

// magnitude is TIES's trim: keep exactly k = floor(d*numel) elements of
// largest |delta| of each 2-D slice, ties going to the lower flat index.
type magnitude struct {
	lay  *layout
	sels []*rankSelect // per 2-D slice
	buf  histBuf
	l1   bool
	l1g  l1Groups
}

func newMagnitude(lay *layout, d float64, l1 bool) (sparsifier, error) {
	if d >= 1 {
		return keepAll{}, nil
	}
	numel := lay.groupNumel()
	k := int64(d * float64(numel))
	if k <= 0 {
		return nil, fmt.Errorf("density %g keeps none of the %d elements (mergekit: \"not gonna zero out the whole tensor\"); raise density", d, numel)
	}
	m := &magnitude{lay: lay, l1: l1, l1g: newL1Groups(lay)}
	for range lay.groups {
		sel := newRankSelect(uint64(numel), []uint64{uint64(k)}, true, l1)
		sel.flip = ^uint32(0) // observeRow passes bits(|x|); the order is descending
		m.sels = append(m.sels, sel)
	}
	return m, nil
}

func (m *magnitude) wantPass() bool { return anyWants(m.sels) }
func (m *magnitude) maxPasses() int { return 3 }

func anyWants(sels []*rankSelect) bool {
	for _, s := range sels {
		if s.wantPass() {
			return true
		}
	}
	return false
}

func (m *magnitude) observeRow(row int64, delta []float32, s *Scratch) {
	s.u32 = growU32(s.u32, len(delta))
	AbsKeys(s.u32, delta)
	m.sels[m.lay.group(row)].observe(s.u32, m.lay.groupFirst(row), &m.buf)
}

func (m *magnitude) endPass() {
	if m.wantPass() || !m.l1 || m.l1g.done {
		return
	}
	for g, sel := range m.sels {
		m.l1g.g[g].before, m.l1g.g[g].after = sel.total, sel.cuts[0].sum
	}
	m.l1g.finish()
}

func (m *magnitude) apply(dst, delta []float32, row int64, _ *Scratch) []float32 {
	c := &m.sels[m.lay.group(row)].cuts[0]
	split, lo, hi := c.bounds(m.lay.groupFirst(row), len(delta))
	// The keys are ^a (a = bits of |x|, below 2^31): ^a < e <=> a >= 2^32 - e.
	keepBand(dst[:split], delta[:split], 1<<32-lo, 1<<32)
	keepBand(dst[split:], delta[split:], 1<<32-hi, 1<<32)
	if m.l1 {
		m.l1g.at(row).apply(dst)
	}
	return dst
}

// outliers is Model Breadcrumbs: in ascending |delta| order (ties by index)
// over each 2-D slice, keep ranks n_bot .. N-n_top-1. The reference's
// Python slice [n_bot:-n_top] is empty when n_top == 0 and zeroes the whole
// tensor; we keep the intended ranks (see the package README).
type outliers struct {
	lay  *layout
	sels []*rankSelect
	buf  histBuf
	l1   bool
	l1g  l1Groups
}

// breadcrumbsRange returns n_bot and n_top as the reference computes them.
func breadcrumbsRange(numel int64, d, gamma float64) (nBot, nTop int64) {
	target := int64(d * float64(numel))
	nTop = int64(gamma * float64(numel))
	nBot = numel - target - nTop
	if nBot < 0 {
		nTop += nBot
		nBot = 0
	}
	return nBot, nTop
}

func newOutliers(lay *layout, d, gamma float64, l1 bool) sparsifier {
	if d >= 1 {
		return keepAll{}
	}
	numel := lay.groupNumel()
	nBot, nTop := breadcrumbsRange(numel, d, gamma)
	o := &outliers{lay: lay, l1: l1, l1g: newL1Groups(lay)}
	for range lay.groups {
		o.sels = append(o.sels, newRankSelect(uint64(numel), []uint64{uint64(nBot), uint64(numel - nTop)}, false, l1))
	}
	return o
}

func (o *outliers) wantPass() bool { return anyWants(o.sels) }
func (o *outliers) maxPasses() int { return 3 }

func (o *outliers) observeRow(row int64, delta []float32, s *Scratch) {
	s.u32 = growU32(s.u32, len(delta))
	AbsKeys(s.u32, delta)
	o.sels[o.lay.group(row)].observe(s.u32, o.lay.groupFirst(row), &o.buf)
}

func (o *outliers) endPass() {
	if o.wantPass() || !o.l1 || o.l1g.done {
		return
	}
	for g, sel := range o.sels {
		o.l1g.g[g].before = sel.total
		o.l1g.g[g].after = sel.cuts[1].sum - sel.cuts[0].sum
	}
	o.l1g.finish()
}

func (o *outliers) apply(dst, delta []float32, row int64, _ *Scratch) []float32 {
	first, n := o.lay.groupFirst(row), len(delta)
	sel := o.sels[o.lay.group(row)]
	// Kept: not among the first n_bot, among the first N-n_top. Each cut's
	// bound changes at its split, so the row is cut at both splits.
	sb, bLo, bHi := sel.cuts[0].bounds(first, n)
	st, tLo, tHi := sel.cuts[1].bounds(first, n)
	cuts := [4]int{0, min(sb, st), max(sb, st), n}
	for i := 0; i < 3; i++ {
		j0, j1 := cuts[i], cuts[i+1]
		lo, hi := bHi, tHi
		if j0 < sb {
			lo = bLo
		}
		if j0 < st {
			hi = tLo
		}
		keepBand(dst[j0:j1], delta[j0:j1], lo, hi)
	}
	if o.l1 {
		o.l1g.at(row).apply(dst)
	}
	return dst
}
