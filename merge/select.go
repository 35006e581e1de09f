package merge

import (
	"math"
	"slices"
)

// rankSelect finds, over all elements of a tensor streamed in flat index
// order, the boundary between the first q elements and the rest in the order
// (key ascending, index ascending), for one or more q. It never holds the
// tensor: a radix select on the 32-bit keys in two passes (high 16 bits, then
// the low 16 bits of the elements in the chosen bucket), plus a third pass
// only when equal keys straddle a boundary and the bucket was too large to
// remember its elements' indices.
//
// Optionally it also returns the sum of the values behind the keys over the
// first q elements (for the L1 rescale) with no extra pass.
//
// A stage ends by itself when its n-th element has been seen, so several
// selections over consecutive row ranges (the 2-D slices of a 3-D tensor)
// can share one histogram buffer, one at a time.
type rankSelect struct {
	n        uint64 // elements in the tensor (or group)
	cuts     []rankCut
	stage    int    // 0 high histogram, 1 low histogram or pairs, 2 locate, 3 done
	inverted bool   // keys are ^bits(|x|) (largest first) instead of bits(|x|)
	flip     uint32 // XORed into every key observed (saves the caller a pass)
	sums     bool   // accumulate value sums
	pairMax  uint64

	seen  uint64  // elements seen in the current stage
	total float64 // sum of all values (when sums)

	// When fracNonzero >= 0 the single cut's target is set at the end of the
	// first stage to floor(nonzero * fracNonzero), nonzero counting the
	// elements whose value is not 0 (SCE's top-k of the variance).
	fracNonzero float64
	nonzero     uint64
}

// histBuf is the high-bits histogram, lent to one selection at a time.
type histBuf struct {
	hist []uint64
	hsum []float64
}

func (h *histBuf) reset(sums bool) {
	if h.hist == nil {
		h.hist = make([]uint64, 1<<16)
	}
	clear(h.hist)
	if sums {
		if h.hsum == nil {
			h.hsum = make([]float64, 1<<16)
		}
		clear(h.hsum)
	}
}

type rankCut struct {
	q         uint64
	none, all bool // q == 0 / q == n

	hi       uint32 // bucket (key >> 16) holding the q-th element
	below    uint64 // elements in lower buckets
	belowSum float64

	count   uint64   // elements in the bucket
	pairs   []uint64 // (low16 << 48) | index, when the bucket is small
	collect bool
	lowHist []uint64
	lowSum  []float64

	v      uint32 // key of the q-th element (0-based)
	need   uint64 // elements with key v among the first q
	seen   uint64
	cutIdx uint64  // among key-v elements, those with index < cutIdx are in the first q
	sum    float64 // sum of the values of the first q elements
}

const (
	defaultPairMax = 1 << 20 // remember up to this many (low, index) pairs per cut: 8 MiB
	indexMask      = 1<<48 - 1
)

func newRankSelect(n uint64, qs []uint64, inverted, sums bool) *rankSelect {
	r := &rankSelect{n: n, inverted: inverted, sums: sums, pairMax: defaultPairMax, fracNonzero: -1}
	r.cuts = make([]rankCut, len(qs))
	for i, q := range qs {
		r.cuts[i] = rankCut{q: q, none: q == 0, all: q >= n}
	}
	return r
}

// value returns the magnitude a key stands for.
func (r *rankSelect) value(key uint32) float64 {
	if r.inverted {
		key = ^key
	}
	return float64(math.Float32frombits(key))
}

func (r *rankSelect) wantPass() bool { return r.stage < 3 }

// observe feeds the keys of consecutive elements starting at flat index
// first (within the selection). The stage's work is finished when the last
// element arrives; buf must stay unused by others until then.
func (r *rankSelect) observe(keys []uint32, first uint64, buf *histBuf) {
	switch r.stage {
	case 0:
		if r.seen == 0 {
			buf.reset(r.sums)
		}
		for _, k := range keys {
			buf.hist[(k^r.flip)>>16]++
		}
		if r.fracNonzero >= 0 {
			for _, k := range keys {
				if r.value(k^r.flip) != 0 {
					r.nonzero++
				}
			}
		}
		if r.sums {
			for _, k := range keys {
				k ^= r.flip
				buf.hsum[k>>16] += r.value(k)
			}
		}
	case 1:
		for c := range r.cuts {
			r.cuts[c].observeLow(r, keys, first)
		}
	case 2:
		for c := range r.cuts {
			r.cuts[c].observeLocate(keys, first, r.flip)
		}
	default:
		return
	}
	r.seen += uint64(len(keys))
	if r.seen >= r.n {
		r.finishStage(buf)
	}
}

func (c *rankCut) active() bool { return !c.none && !c.all }

func (c *rankCut) observeLow(r *rankSelect, keys []uint32, first uint64) {
	if !c.active() {
		return
	}
	// Buffers are made when the selection's rows arrive, not when its bucket
	// is chosen, so stacked slices hold them one at a time.
	switch {
	case c.collect && c.pairs == nil:
		c.pairs = make([]uint64, 0, c.count)
	case !c.collect && c.lowHist == nil:
		c.lowHist = make([]uint64, 1<<16)
		if r.sums {
			c.lowSum = make([]float64, 1<<16)
		}
	}
	for j, k := range keys {
		if k ^= r.flip; k>>16 != c.hi {
			continue
		}
		if c.collect {
			c.pairs = append(c.pairs, uint64(k&0xffff)<<48|(first+uint64(j)))
		} else {
			c.lowHist[k&0xffff]++
			if r.sums {
				c.lowSum[k&0xffff] += r.value(k)
			}
		}
	}
}

func (c *rankCut) observeLocate(keys []uint32, first uint64, flip uint32) {
	if !c.active() || c.seen > c.need {
		return
	}
	for j, k := range keys {
		if k^flip != c.v {
			continue
		}
		if c.seen == c.need {
			c.cutIdx = first + uint64(j)
		}
		c.seen++
		if c.seen > c.need {
			return
		}
	}
}

// finishStage closes a stage and decides whether another pass is needed.
func (r *rankSelect) finishStage(buf *histBuf) {
	r.seen = 0
	switch r.stage {
	case 0:
		if r.fracNonzero >= 0 {
			q := uint64(float64(r.nonzero) * r.fracNonzero)
			r.cuts[0] = rankCut{q: q, none: q == 0, all: q >= r.n}
		}
		r.endHigh(buf)
		r.stage = 1
		if !r.anyActive() {
			r.stage = 3
		}
	case 1:
		locate := false
		for c := range r.cuts {
			if r.cuts[c].endLow(r) {
				locate = true
			}
		}
		r.stage = 2
		if !locate {
			r.stage = 3
		}
	case 2:
		r.stage = 3
	}
}

func (r *rankSelect) anyActive() bool {
	for _, c := range r.cuts {
		if c.active() {
			return true
		}
	}
	return false
}

// endHigh picks each cut's bucket from the high-bits histogram.
func (r *rankSelect) endHigh(buf *histBuf) {
	if r.sums {
		for _, s := range buf.hsum {
			r.total += s
		}
	}
	for ci := range r.cuts {
		c := &r.cuts[ci]
		if c.all {
			c.sum = r.total
		}
		if !c.active() {
			continue
		}
		var cum uint64
		var sum float64
		for b, h := range buf.hist {
			if cum+h > c.q {
				c.hi, c.below, c.belowSum = uint32(b), cum, sum
				if h <= r.pairMax {
					c.collect = true
				}
				c.count = h
				break
			}
			cum += h
			if r.sums {
				sum += buf.hsum[b]
			}
		}
	}
}

// endLow fixes the cut key; it returns true when a locate pass is needed.
func (c *rankCut) endLow(r *rankSelect) bool {
	if !c.active() {
		return false
	}
	rank := c.q - c.below
	if c.collect {
		slices.Sort(c.pairs)
		p := c.pairs[rank]
		c.v = c.hi<<16 | uint32(p>>48)
		c.cutIdx = p & indexMask
		c.sum = c.belowSum
		if r.sums {
			for _, q := range c.pairs[:rank] {
				c.sum += r.value(c.hi<<16 | uint32(q>>48))
			}
		}
		c.pairs = nil
		return false
	}
	var cum uint64
	sum := c.belowSum
	for l, h := range c.lowHist {
		if cum+h > rank {
			c.v = c.hi<<16 | uint32(l)
			c.need = rank - cum
			if r.sums {
				c.sum = sum + float64(c.need)*r.value(c.v)
			}
			break
		}
		cum += h
		if r.sums {
			sum += c.lowSum[l]
		}
	}
	c.lowHist, c.lowSum = nil, nil
	// need == 0: no key-v element is among the first q; cutIdx 0 says so.
	return c.need > 0
}

// bounds describes the cut over one row of n elements starting at flat index
// first: element j of the row is among the first q exactly when its key is
// below lo for j < split and below hi for j >= split (the key-v elements
// with index < cutIdx are in, so lo = v+1 and hi = v). Bounds are int64 so
// that "below 2^32" (every key) and "below 0" (none) can be said.
func (c *rankCut) bounds(first uint64, n int) (split int, lo, hi int64) {
	switch {
	case c.none:
		return 0, 0, 0
	case c.all:
		return 0, 1 << 32, 1 << 32
	}
	split = n
	if c.cutIdx < first+uint64(n) {
		split = int(c.cutIdx - min(c.cutIdx, first))
	}
	return split, int64(c.v) + 1, int64(c.v)
}

// inFirst reports whether the element (key, index) is among the first q.
func (c *rankCut) inFirst(key uint32, idx uint64) bool {
	switch {
	case c.none:
		return false
	case c.all:
		return true
	}
	return key < c.v || (key == c.v && idx < c.cutIdx)
}
