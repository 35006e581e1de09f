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
// sortByKey. Float magnitudes vary in about 28 of their 31 bits, but two
// elements seldom agree in the top 20 varying ones, so two counting passes
// on those bits and one insertion pass that also writes the ranks give the
// exact order (items compare as (key, index)) in two thirds of the work of
// the full three-pass sort. A row with many keys that differ only below
// those bits (a few far outliers over a narrow bulk) would make the
// insertion pass slow; it falls back to the full sort.
func rankByKey(rank, keys []uint32, s *Scratch) {
	rank = rank[:len(keys)]
	vary := varyingBits(keys)
	if vary == 0 {
		for j := range rank {
			rank[j] = uint32(j) // all keys equal (or a single key): index order
		}
		return
	}
	hi := bits.Len32(vary)
	items := sortCoarse(keys, max(0, hi-coarseBits), hi, s)
	if !insertionRanks(rank, items, len(keys)/insertBudget) {
		radixByKey(keys, rank, s)
	}
}

// varyingBits returns the bits (of the low 31) in which some keys differ.
// Four independent accumulators let the loop run at several keys a cycle.
func varyingBits(keys []uint32) uint32 {
	var o0, o1, o2, o3 uint32
	a0, a1, a2, a3 := ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)
	j := 0
	for ; j+4 <= len(keys); j += 4 {
		k := keys[j : j+4 : j+4]
		o0, o1, o2, o3 = o0|k[0], o1|k[1], o2|k[2], o3|k[3]
		a0, a1, a2, a3 = a0&k[0], a1&k[1], a2&k[2], a3&k[3]
	}
	for ; j < len(keys); j++ {
		o0, a0 = o0|keys[j], a0&keys[j]
	}
	return ((o0 | o1 | o2 | o3) ^ (a0 & a1 & a2 & a3)) & 0x7fffffff
}

const (
	coarseBits   = 20 // key bits the two counting passes of rankByKey sort on
	insertBudget = 4  // rankByKey gives up after n/insertBudget insertion moves (rows have ~n/100)
)

// sortCoarse returns the items of keys stably sorted on key bits [lo, hi),
// hi-lo <= 22 (two digits of at most 11 bits), in two counting passes. The histograms are counted while the
// items are built, each in its own array.
func sortCoarse(keys []uint32, lo, hi int, s *Scratch) []uint64 {
	n := len(keys)
	a := growU64(s.u64[0], n)
	b := growU64(s.u64[1], n)
	s.u64[0], s.u64[1] = a, b
	w0 := (hi - lo + 1) / 2
	s0, s1 := uint(32+lo)&63, uint(32+lo+w0)&63
	m0, m1 := uint64(1)<<w0-1, uint64(1)<<(hi-lo-w0)-1
	var h0, h1 [2048]uint32
	for j, k := range keys {
		v := uint64(k&0x7fffffff)<<32 | uint64(j)
		a[j] = v
		h0[(v>>s0)&m0&2047]++
		h1[(v>>s1)&m1&2047]++
	}
	countingPass(b, a, &h0, s0, m0)
	countingPass(a, b, &h1, s1, m1)
	return a
}

// countingPass moves src to dst stably ordered by the digit (v>>shift)&mask,
// h holding the digit's counts.
func countingPass(dst, src []uint64, h *[2048]uint32, shift uint, mask uint64) {
	var pos uint32
	for i, c := range h[:mask+1] {
		h[i] = pos
		pos += c
	}
	dst = dst[:len(src)]
	for _, v := range src {
		d := (v >> shift) & mask & 2047
		dst[h[d]] = v
		h[d]++
	}
}

// insertionRanks sorts the nearly sorted items in place and writes each
// item's final position to rank[index]. It gives up (false) after budget
// moves, leaving rank partly written.
func insertionRanks(rank []uint32, items []uint64, budget int) bool {
	var prev uint64
	for q, v := range items {
		if v >= prev {
			rank[uint32(v)] = uint32(q)
			prev = v
			continue
		}
		k := q
		for ; k > 0 && items[k-1] > v; k-- {
			items[k] = items[k-1]
			rank[uint32(items[k])] = uint32(k)
		}
		items[k] = v
		rank[uint32(v)] = uint32(k)
		prev = items[q]
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
