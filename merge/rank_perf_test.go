package merge

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// oldSortByKey is the 3-pass sort the ranks used before rank.go took
// only the varying bits (kept for the before/after benchmark).

// sortByKey returns the indices 0..len(keys)-1 ordered by (key ascending,
// index ascending): a stable LSD radix sort on 31-bit keys (|x| bits), O(n),
// in three digits of 11, 11 and 9 bits. Digits that are equal for every key
// are skipped. The result aliases s's buffers and is valid until the next call.
func oldSortByKey(keys []uint32, s *Scratch) []uint64 {
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
	for d, shift := range [3]uint{32, 43, 54} {
		h := &hist[d]
		if oldSkipDigit(h, n) {
			continue
		}
		var pos uint32
		for i := range h {
			c := h[i]
			h[i] = pos
			pos += c
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
func oldSkipDigit(h *[2048]uint32, n int) bool {
	for _, c := range h {
		if c != 0 {
			return int(c) == n
		}
	}
	return true
}

// rankInputs are rows that exercise every path of sortByKey: narrow keys
// (exact in one or two passes), wide float magnitudes (coarse passes plus
// insertion), heavy ties, all-equal rows, and rows whose keys differ only in
// low bits under one far outlier (insertion over budget, exact fallback).
func rankInputs(r *rand.Rand, n int) map[string][]float32 {
	gen := func(f func(j int) float64) []float32 {
		x := make([]float32, n)
		for j := range x {
			x[j] = float32(f(j))
		}
		return x
	}
	return map[string][]float32{
		"gauss":     gen(func(int) float64 { return r.NormFloat64() * 0.01 }),
		"heavy":     gen(func(int) float64 { return r.NormFloat64() * 0.01 / math.Sqrt(r.ExpFloat64()) }),
		"wide":      gen(func(int) float64 { return r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15)) }),
		"quantized": gen(func(int) float64 { return float64(r.IntN(31)-15) * 0.001 * float64(1+r.IntN(3)) }),
		"levels3":   gen(func(int) float64 { return float64(r.IntN(7)-3) * 0.0625 }),
		"zeros":     gen(func(int) float64 { return 0 }),
		"signs":     gen(func(j int) float64 { return float64(1 - 2*(j&1)) }),
		"narrow":    gen(func(j int) float64 { return 1 + float64(r.IntN(1<<20))*0x1p-23 }),
		"outlier": gen(func(j int) float64 {
			if j == n/2 {
				return 0
			}
			return 1 + float64(r.IntN(1<<12))*0x1p-23
		}),
		"descending": gen(func(j int) float64 { return float64(n - j) }),
		"special": gen(func(j int) float64 {
			return float64(specials[r.IntN(len(specials))]) * float64(1+r.IntN(2))
		}),
	}
}

// TestSortByKeyMatchesOld holds the varying-bits sort to the previous
// three-pass sort on every kind of row and many lengths.
func TestSortByKeyMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	var s, old Scratch
	lengths := []int{1, 2, 3, 4, 5, 7, 31, 100, 255, 256, 257, 1000, 1024, 2816, 4096, 14336, 1 << 16, 1<<16 + 1}
	if testing.Short() {
		lengths = lengths[:len(lengths)-2]
	}
	for _, n := range lengths {
		for name, x := range rankInputs(r, n) {
			keys := make([]uint32, n)
			AbsKeys(keys, x)
			want := slices.Clone(oldSortByKey(keys, &old))
			got := sortByKey(keys, &s)
			if !slices.Equal(got, want) {
				t.Fatalf("%s n=%d: sortByKey differs from the three-pass sort", name, n)
			}
			checkRanks(t, fmt.Sprintf("%s n=%d", name, n), keys, want, &s)
		}
	}
}

// checkRanks holds rankByKey on keys to the order want of the three-pass sort.
func checkRanks(t *testing.T, name string, keys []uint32, want []uint64, s *Scratch) {
	t.Helper()
	rank := make([]uint32, len(keys))
	rankByKey(rank, keys, s)
	for q, v := range want {
		if rank[uint32(v)] != uint32(q) {
			t.Fatalf("%s: rank of %d is %d, want %d", name, uint32(v), rank[uint32(v)], q)
		}
	}
}

// TestRankRealMatchesOld holds rankByKey to the three-pass sort on real
// DELLA deltas (near-ties, exact ties and zeros), plus the same rows scaled
// into the subnormal range and up to huge magnitudes, where the coarse
// key's floor falls differently. Skips when the bench models are absent.
func TestRankRealMatchesOld(t *testing.T) {
	rows := realDeltas(t, 8)
	var s, old Scratch
	for i, x := range rows {
		for _, scale := range []float32{1, 0x1p-120, 0x1p100} {
			y := slices.Clone(x)
			for j := range y {
				y[j] *= scale
			}
			keys := make([]uint32, len(y))
			AbsKeys(keys, y)
			checkRanks(t, fmt.Sprintf("row %d x%g", i, scale), keys, oldSortByKey(keys, &old), &s)
		}
	}
}

// BenchmarkRank times the ranks of a 4096-element row of each kind (MB/s
// of float32 keys), cycling through 16 rows, against the previous
// three-pass sort plus the rank scatter. "outlier" rows take the fallback.
func BenchmarkRank(b *testing.B) {
	r := rand.New(rand.NewPCG(23, 24))
	const pool = 16
	for _, c := range []struct {
		name string
		n    int
	}{{"gauss", 4096}, {"heavy", 4096}, {"quantized", 4096}, {"outlier", 4096}, {"gauss", 1024}, {"quantized", 1024}, {"gauss", 2816}} {
		name, n := fmt.Sprintf("%s-%d", c.name, c.n), c.n
		var keys [pool][]uint32
		for i := range keys {
			keys[i] = make([]uint32, n)
			AbsKeys(keys[i], rankInputs(r, n)[c.name])
		}
		rank := make([]uint32, n)
		var s Scratch
		k := 0
		next := func() []uint32 { k = (k + 1) % pool; return keys[k] }
		b.Run(name+"/new", func(b *testing.B) {
			timeBest(b, int64(n)*4, 100, func() { rankByKey(rank, next(), &s) })
		})
		b.Run(name+"/old", func(b *testing.B) {
			timeBest(b, int64(n)*4, 100, func() {
				for q, v := range oldSortByKey(next(), &s) {
					rank[uint32(v)] = uint32(q)
				}
			})
		})
	}
}

// benchModels are the base and the three experts mergebench writes (and
// keeps) in the user cache folder.
var benchModels = []string{"m0", "m1", "m2", "m3"}

// realDeltas returns rows of expert minus base from mergebench's Q4_K_M
// models, as DELLA ranks them: dequantized expert row minus dequantized base
// row, rowsPer rows of each expert from each 2-D tensor of block 1. These
// have the many near-ties and exact zeros that synthetic rows lack. It skips
// when the models are absent (go run ./internal/cmd/mergebench -only requant
// -runs 1 writes them).
func realDeltas(tb testing.TB, rowsPer int) [][]float32 {
	dir, _ := os.UserCacheDir()
	dir = filepath.Join(dir, "ggufmerge", "bench")
	var ms []*gguf.Model
	for _, m := range benchModels {
		path := filepath.Join(dir, m+"-1024-8-2816-q4_k_m.gguf")
		if _, err := os.Stat(path); err != nil {
			tb.Skipf("no bench model %s (go run ./internal/cmd/mergebench -only requant -runs 1 writes it)", path)
		}
		g, err := gguf.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		defer g.Close()
		ms = append(ms, g)
	}
	var out [][]float32
	for _, t := range ms[0].Tensors {
		if len(t.Shape) != 2 || !strings.HasPrefix(t.Name, "blk.1.") {
			continue
		}
		base := readRows(tb, t, rowsPer)
		for _, m := range ms[1:] {
			for i, x := range readRows(tb, m.Tensor(t.Name), rowsPer) {
				for j := range x {
					x[j] -= base[i][j]
				}
				out = append(out, x)
			}
		}
	}
	return out
}

// readRows dequantizes the first k rows of t.
func readRows(tb testing.TB, t *gguf.Tensor, k int) [][]float32 {
	n, rb := int(t.RowLen()), t.RowBytes()
	raw := make([]byte, rb)
	rows := make([][]float32, min(k, int(t.Rows())))
	for i := range rows {
		if _, err := t.ReadAt(raw, int64(i)*rb); err != nil {
			tb.Fatal(err)
		}
		rows[i] = make([]float32, n)
		if err := quant.Dequantize(t.Type, rows[i], raw); err != nil {
			tb.Fatal(err)
		}
	}
	return rows
}

// BenchmarkRankReal times rankByKey on real delta rows (realDeltas) of each
// length, cycling through up to 32 rows spread over the tensors and experts.
// best-MB/s counts 4 bytes an element: ns/element = 4000 / best-MB/s.
func BenchmarkRankReal(b *testing.B) {
	byLen := map[int][][]uint32{}
	for _, x := range realDeltas(b, 32) {
		k := make([]uint32, len(x))
		AbsKeys(k, x)
		byLen[len(x)] = append(byLen[len(x)], k)
	}
	for _, n := range slices.Sorted(maps.Keys(byLen)) {
		all := byLen[n]
		var pool [][]uint32
		for i := 0; i < len(all) && len(pool) < 32; i += max(1, len(all)/32) {
			pool = append(pool, all[i])
		}
		rank := make([]uint32, n)
		var s Scratch
		k := 0
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			timeBest(b, int64(n)*4, 64, func() {
				k = (k + 1) % len(pool)
				rankByKey(rank, pool[k], &s)
			})
		})
	}
}
