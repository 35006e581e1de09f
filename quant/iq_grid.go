package quant

import (
	"math"
	"sync"
)

// Grid search structures of ggml's IQ1/IQ2/IQ3 quantizers (iq2xs_init_impl,
// iq3xs_init_impl). A grid point is a short vector of odd levels 2l+1; a
// "code" packs the levels l of one group, 2 bits per coordinate for the
// 8-coordinate grids (IQ1, IQ2) and 3 bits for the 4-coordinate grids (IQ3).
// A code on the grid maps to its grid index. An off-grid code maps to a
// neighbour list: every grid point whose squared distance to the code is
// among the nwant smallest distinct distances, ordered by (distance, index)
// exactly as ggml's qsort with its total-order comparison leaves them.

// iqGrid is one expanded grid with its code map and neighbour lists.
type iqGrid struct {
	dim    int    // coordinates per grid point: 8 or 4
	bits   uint   // bits per coordinate in a code: 2 or 3
	points []int8 // point j is points[dim*j : dim*j+dim], values 2l+1
	// fpoints and levels hold the same points as float32 values and as
	// levels l, for the distance loops.
	fpoints []float32
	levels  []uint8
	// index[code] is the grid index (≥ 0) of an on-grid code, or
	// -(1+offset) where neighbours[offset] is the count n of the code's
	// neighbour list and neighbours[offset+1 : offset+1+n] its grid indices.
	// Codes with a level above maxLevel are never produced by a quantizer
	// (they clamp every level to it) and hold noCode.
	index      []int32
	neighbours []uint16
}

// noCode marks codes a quantizer never looks up.
const noCode = math.MinInt32

// point returns grid point j.
func (g *iqGrid) point(j int) []int8 { return g.points[g.dim*j : g.dim*j+g.dim] }

// lookup returns the grid index of code, or -1 and the neighbour list of an
// off-grid code.
func (g *iqGrid) lookup(code int) (int, []uint16) {
	if code < 0 || code >= len(g.index) || g.index[code] == noCode {
		// only reachable from inputs ggml aborts on (|x| beyond nearest_int's
		// range, NaN): answer grid point 0 instead of panicking
		return 0, nil
	}
	v := g.index[code]
	if v >= 0 {
		return int(v), nil
	}
	off := int(-(v + 1))
	n := int(g.neighbours[off])
	return -1, g.neighbours[off+1 : off+1+n]
}

// newIQGrid expands kgrid (bits per coordinate, dim coordinates per entry)
// and precomputes the neighbour lists of every off-grid code whose levels
// are all ≤ maxLevel.
func newIQGrid(kgrid []uint16, dim int, bits uint, maxLevel, nwant int) *iqGrid {
	g := &iqGrid{dim: dim, bits: bits, points: make([]int8, dim*len(kgrid))}
	mask := uint16(1)<<bits - 1
	for k, v := range kgrid {
		for i := 0; i < dim; i++ {
			l := (v >> (bits * uint(i))) & mask
			g.points[dim*k+i] = int8(2*l + 1)
		}
	}
	g.fpoints = make([]float32, len(g.points))
	g.levels = make([]uint8, len(g.points))
	for i, p := range g.points {
		g.fpoints[i] = float32(p)
		g.levels[i] = uint8((p - 1) / 2)
	}
	nCodes := 1 << (bits * uint(dim))
	g.index = make([]int32, nCodes)
	for c := range g.index {
		g.index[c] = noCode
	}
	for k := range kgrid {
		g.index[g.codeOfPoint(k)] = int32(k)
	}
	// Squared distances are sums over the two halves of a code, so per code
	// two small tables (one entry per possible half) give every grid point's
	// distance in two lookups. A histogram over distance values then yields
	// the nwant smallest distinct ones without a sort.
	halfBits := bits * uint(dim/2)
	halfMask := 1<<halfBits - 1
	maxStep := 2 * int(mask)
	dist := make([]int32, len(kgrid))
	hist := make([]int32, dim*maxStep*maxStep+1)
	lo := make([]int32, 1<<halfBits)
	hi := make([]int32, 1<<halfBits)
	for c := 0; c < nCodes; c++ {
		if g.index[c] != noCode || !g.levelsAtMost(c, maxLevel) {
			continue
		}
		g.halfDistances(lo, c&halfMask)
		g.halfDistances(hi, c>>halfBits)
		for j, v := range kgrid {
			d2 := lo[int(v)&halfMask] + hi[int(v)>>halfBits]
			dist[j] = d2
			hist[d2]++
		}
		g.index[c] = -int32(len(g.neighbours)) - 1
		g.appendNeighbours(dist, hist, nwant)
	}
	return g
}

// halfDistances sets t[v] to the squared distance between the levels of
// half-code v and those of half-code h (dim/2 coordinates each).
func (g *iqGrid) halfDistances(t []int32, h int) {
	mask := 1<<g.bits - 1
	for v := range t {
		d2 := int32(0)
		for i := 0; i < g.dim/2; i++ {
			d := int32(2 * ((v>>(g.bits*uint(i)))&mask - (h>>(g.bits*uint(i)))&mask))
			d2 += d * d
		}
		t[v] = d2
	}
}

// appendNeighbours appends the count and the indices of every grid point in
// the nwant smallest distinct distances, ascending by (distance, index), and
// clears hist.
func (g *iqGrid) appendNeighbours(dist, hist []int32, nwant int) {
	start := len(g.neighbours)
	g.neighbours = append(g.neighbours, 0)
	have := 0
	for d := range hist {
		if hist[d] == 0 {
			continue
		}
		if have < nwant {
			for j, dj := range dist {
				if dj == int32(d) {
					g.neighbours = append(g.neighbours, uint16(j))
				}
			}
			have++
		}
		hist[d] = 0
	}
	g.neighbours[start] = uint16(len(g.neighbours) - start - 1)
}

// codeOfPoint packs the levels of grid point j into its code.
func (g *iqGrid) codeOfPoint(j int) int {
	c := 0
	for i, p := range g.point(j) {
		c |= int((p-1)/2) << (g.bits * uint(i))
	}
	return c
}

// levelsAtMost reports whether every level packed in code is ≤ max.
func (g *iqGrid) levelsAtMost(code, max int) bool {
	mask := 1<<g.bits - 1
	for i := 0; i < g.dim; i++ {
		if (code>>(g.bits*uint(i)))&mask > max {
			return false
		}
	}
	return true
}

// lazyGrid builds a grid on first use; ggml_quantize_init does the same
// once per type (IQ1_S and IQ1_M share one grid, as in ggml).
type lazyGrid struct {
	once  sync.Once
	grid  *iqGrid
	build func() *iqGrid
}

func (l *lazyGrid) get() *iqGrid {
	l.once.Do(func() { l.grid = l.build() })
	return l.grid
}

// Neighbour counts (nwant) and grids per type follow ggml's init functions.
// Every IQ1/IQ2 quantizer clamps levels to 0..2 and every IQ3 quantizer to
// 0..7, which bounds the codes that need a neighbour list.
var (
	gridIQ2XXS = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_2bit_256[:], 8, 2, 2, 2) }}
	gridIQ2XS  = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_2bit_512[:], 8, 2, 2, 2) }}
	gridIQ2S   = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_2bit_1024[:], 8, 2, 2, 1) }}
	gridIQ1    = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_1bit_2048[:], 8, 2, 2, 3) }}
	gridIQ3XXS = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_256[:], 4, 3, 7, 2) }}
	gridIQ3S   = &lazyGrid{build: func() *iqGrid { return newIQGrid(kgrid_512[:], 4, 3, 7, 3) }}
)

// indexOf is the grid index of the levels L, which the quantizers only ask
// for levels taken from the grid; ggml aborts otherwise, we return 0.
func (g *iqGrid) indexOf(L []uint8) int {
	code := groupCode(L, g.bits)
	if code < len(g.index) && g.index[code] >= 0 {
		return int(g.index[code])
	}
	return 0
}
