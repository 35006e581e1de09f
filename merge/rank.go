package merge

import (
	"math/bits"
)

// sortByKey returns the items key<<32 | index of keys (|x| bits, 31 used)
// in (key ascending, index ascending) order: a stable LSD radix sort, O(n),
// in three digits of 11, 11 and 9 bits. Digits that are equal for every key
// are skipped. The result aliases s's buffers and is valid until the next call.
func sortByKey(keys []uint32, s *Scratch) []uint64 {
	return radixByKey(keys, nil, s)
}

// rankByKey sets rank[j] to the position of element j in the order of
// sortByKey. Real rows span about ten octaves of magnitude, and two
// elements seldom agree in the top 12 mantissa bits, so a 16-bit coarse key
// (the key above a floor 16 octaves under the largest, clamped to 0 below
// it) sorted in two 8-bit counting passes on 32-bit items (coarse << 16 |
// index), then one insertion pass on the full (key, index) that also writes
// the ranks, give the exact order. (Against the earlier two 10-bit passes
// on 64-bit items this measured only a few percent faster on real rows:
// each pass is bound by its stores, about 1 ns an element.) The floor does
// not affect the result, only the speed. A row whose keys crowd into one coarse
// bucket (many keys under the floor, or a few far outliers over a narrow
// bulk) would make the insertion pass slow; it falls back to the full sort,
// as do rows longer than 1<<16 (the index must fit 16 bits).
func rankByKey(rank, keys []uint32, s *Scratch) {
	n := len(keys)
	rank = rank[:n]
	if n > 1<<16 {
		radixByKey(keys, rank, s)
		return
	}
	items := sortCoarse(keys, keyMax(keys), s)
	if !insertionRanks(rank, items, keys, n/insertBudget) {
		radixByKey(keys, rank, s)
	}
}

// keyMax returns the largest key. Four independent accumulators let the
// loop run at several keys a cycle.
func keyMax(keys []uint32) uint32 {
	var h0, h1, h2, h3 uint32
	j := 0
	for ; j+4 <= len(keys); j += 4 {
		k := keys[j : j+4 : j+4]
		h0, h1, h2, h3 = max(h0, k[0]), max(h1, k[1]), max(h2, k[2]), max(h3, k[3])
	}
	for ; j < len(keys); j++ {
		h0 = max(h0, keys[j])
	}
	return max(h0, h1, h2, h3)
}

const (
	floorOctaves = 16 // the coarse key of rankByKey spans this many octaves under the largest key
	insertBudget = 4  // rankByKey gives up after n/insertBudget insertion moves (rows have ~n/50)
)

// sortCoarse returns the items coarse << 16 | j of keys (len <= 1<<16),
// stably sorted on the 16-bit coarse key: the key minus a floor (0 under
// it), shifted right to fit 16 bits. The floor is the start of the octave
// floorOctaves-1 under the largest key's (hi), so the coarse key keeps 12
// mantissa bits. Two counting passes on its bytes, the histograms
// counted while the items are built. Passes that would not move anything
// are skipped.
func sortCoarse(keys []uint32, hi uint32, s *Scratch) []uint32 {
	n := len(keys)
	a := growU32(s.u16[0], n)
	b := growU32(s.u16[1], n)
	s.u16[0], s.u16[1] = a, b
	floor := uint32(0)
	if e := hi >> 23; e >= floorOctaves {
		floor = (e - (floorOctaves - 1)) << 23
	}
	shift := uint(max(0, bits.Len32(hi-floor)-16))
	var h0, h1 [256]uint32
	a = a[:n]
	for j, k := range keys {
		k &= 0x7fffffff
		d := k - floor
		if k < floor {
			d = 0
		}
		c := d >> shift
		a[j] = c<<16 | uint32(j)
		h0[c&255]++
		h1[(c>>8)&255]++
	}
	if !skipByte(&h0, n) {
		countingPass(b, a, &h0, 16)
		a, b = b, a
	}
	if !skipByte(&h1, n) {
		countingPass(b, a, &h1, 24)
		a = b
	}
	return a
}

// skipByte reports whether one bucket holds every item.
func skipByte(h *[256]uint32, n int) bool {
	for _, c := range h {
		if c != 0 {
			return int(c) == n
		}
	}
	return true
}

// countingPass moves src to dst stably ordered by the byte v>>shift&255
// (shift 16 or 24), h holding the byte's counts. The two shifts get their
// own loops with a constant shift, two items an iteration.
func countingPass(dst, src []uint32, h *[256]uint32, shift uint) {
	var pos uint32
	for i, c := range h {
		h[i] = pos
		pos += c
	}
	dst = dst[:len(src)]
	if shift == 16 {
		scatterByte2(dst, src, h)
	} else {
		scatterByte3(dst, src, h)
	}
}

// scatterByte2 moves each item v of src to dst[h[byte 2 of v]++].
func scatterByte2(dst, src []uint32, h *[256]uint32) {
	j := 0
	for ; j+2 <= len(src); j += 2 {
		v, w := src[j], src[j+1]
		d := v >> 16 & 255
		p := h[d]
		dst[p] = v
		h[d] = p + 1
		e := w >> 16 & 255
		q := h[e]
		dst[q] = w
		h[e] = q + 1
	}
	for ; j < len(src); j++ {
		v := src[j]
		d := v >> 16 & 255
		p := h[d]
		dst[p] = v
		h[d] = p + 1
	}
}

// scatterByte3 moves each item v of src to dst[h[v>>24]++].
func scatterByte3(dst, src []uint32, h *[256]uint32) {
	j := 0
	for ; j+2 <= len(src); j += 2 {
		v, w := src[j], src[j+1]
		d := v >> 24
		p := h[d]
		dst[p] = v
		h[d] = p + 1
		e := w >> 24
		q := h[e]
		dst[q] = w
		h[e] = q + 1
	}
	for ; j < len(src); j++ {
		v := src[j]
		d := v >> 24
		p := h[d]
		dst[p] = v
		h[d] = p + 1
	}
}

// insertionRanks sorts the nearly sorted items (coarse << 16 | index) in
// place by (key, index) and writes each item's final position to
// rank[index]. It gives up (false) after budget moves, leaving rank partly
// written.
func insertionRanks(rank, items, keys []uint32, budget int) bool {
	full := func(a uint32) uint64 {
		j := a & 0xffff
		return uint64(keys[j]&0x7fffffff)<<32 | uint64(j)
	}
	var prev uint64
	for q, a := range items {
		v := full(a)
		if v >= prev {
			rank[uint32(v)] = uint32(q)
			prev = v
			continue
		}
		k := q
		for ; k > 0; k-- {
			w := full(items[k-1])
			if w < v {
				break
			}
			items[k] = items[k-1]
			rank[uint32(w)] = uint32(k)
		}
		items[k] = a
		rank[uint32(v)] = uint32(k)
		if budget -= q - k; budget < 0 {
			return false
		}
	}
	return true
}

// radixByKey sorts the items of keys; with rank != nil the last pass writes
// each item's position to rank instead (the items are then left unsorted).
func radixByKey(keys, rank []uint32, s *Scratch) []uint64 {
	n := len(keys)
	a := growU64(s.u64[0], n)
	b := growU64(s.u64[1], n)
	s.u64[0], s.u64[1] = a, b
	for j, k := range keys {
		a[j] = uint64(k&0x7fffffff)<<32 | uint64(j)
	}
	var hist [3][2048]uint32
	for _, k := range keys {
		k &= 0x7fffffff
		hist[0][k&2047]++
		hist[1][(k>>11)&2047]++
		hist[2][k>>22]++
	}
	last := -1
	for d := range hist {
		if !skipDigit(&hist[d], n) {
			last = d
		}
	}
	if last < 0 && rank != nil {
		for j := range rank {
			rank[j] = uint32(j) // all keys equal: index order
		}
	}
	for d, shift := range [3]uint{32, 43, 54} {
		h := &hist[d]
		if skipDigit(h, n) {
			continue
		}
		var pos uint32
		for i := range h {
			c := h[i]
			h[i] = pos
			pos += c
		}
		if d == last && rank != nil {
			for _, v := range a {
				dig := (v >> shift) & 2047
				rank[uint32(v)] = h[dig]
				h[dig]++
			}
			break
		}
		for _, v := range a {
			dig := (v >> shift) & 2047
			b[h[dig]] = v
			h[dig]++
		}
		a, b = b, a
	}
	return a
}

// skipDigit reports whether one bucket holds every key (the pass would not move anything).
func skipDigit(h *[2048]uint32, n int) bool {
	for _, c := range h {
		if c != 0 {
			return int(c) == n
		}
	}
	return true
}
