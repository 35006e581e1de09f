package merge

// sortByKey returns the items key<<32 | index of keys (|x| bits, 31 used)
// in (key ascending, index ascending) order: a stable LSD radix sort, O(n),
// in three digits of 11, 11 and 9 bits. Digits that are equal for every key
// are skipped. The result aliases s's buffers and is valid until the next call.
func sortByKey(keys []uint32, s *Scratch) []uint64 {
	return radixByKey(keys, nil, s)
}

// rankByKey sets rank[j] to the position of element j in the order of
// sortByKey: the last counting pass stores positions instead of moving items.
func rankByKey(rank, keys []uint32, s *Scratch) {
	radixByKey(keys, rank[:len(keys)], s)
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
