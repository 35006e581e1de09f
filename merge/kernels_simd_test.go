package merge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ggufmerge/ggufmerge/simd"
)

// The plain loops the kernels had before they ran on package simd: the
// reference every kernel (and every simd implementation) must match bit
// for bit, NaNs excepted in their payload.

func refSub(dst, a, b []float32) {
	for j := range dst {
		dst[j] = a[j] - b[j]
	}
}

func refAdd(dst, a, b []float32) {
	for j := range dst {
		dst[j] = a[j] + b[j]
	}
}

func refScale(dst, x []float32, a float32) {
	for j := range dst {
		dst[j] = x[j] * a
	}
}

func refDivScalar(dst, x []float32, a float32) {
	for j := range dst {
		dst[j] = x[j] / a
	}
}

func refAddScaled(dst, x []float32, a float32) {
	for j := range dst {
		dst[j] += float32(a * x[j])
	}
}

func refCombine2(dst, x, y []float32, a, b float32) {
	for j := range dst {
		dst[j] = float32(a*x[j]) + float32(b*y[j])
	}
}

func refWeightedSum(dst []float32, xs [][]float32, w []float32) {
	refScale(dst, xs[0], w[0])
	for i, x := range xs[1:] {
		refAddScaled(dst, x, w[i+1])
	}
}

func refSumRows(dst []float32, xs [][]float32) {
	copy(dst, xs[0])
	for _, x := range xs[1:] {
		for j := range dst {
			dst[j] += x[j]
		}
	}
}

func refKeepBelow(dst, x, u []float32, p float32, div bool) {
	for j := range dst {
		switch {
		case u[j] >= p:
			dst[j] = 0
		case div:
			dst[j] = x[j] / p
		default:
			dst[j] = x[j]
		}
	}
}

func refKeepBelowEach(dst, x, u, p []float32, div bool) {
	for j := range dst {
		switch {
		case u[j] >= p[j]:
			dst[j] = 0
		case div:
			dst[j] = x[j] / p[j]
		default:
			dst[j] = x[j]
		}
	}
}

func refAbsKeys(keys []uint32, x []float32) {
	for j := range keys {
		keys[j] = math.Float32bits(x[j]) &^ (1 << 31)
	}
}

// refElectFuse is the tiled ElectFuse as it was (sum started from row 0).
func refElectFuse(dst []float32, wd [][]float32, w []float32, normalize bool) {
	s := make([]float32, len(dst))
	d := make([]float32, len(dst))
	copy(s, wd[0])
	for _, x := range wd[1:] {
		for j := range s {
			s[j] += x[j]
		}
	}
	clear(dst)
	for i, x := range wd {
		for j := range dst {
			if v := x[j]; (s[j] >= 0 && v > 0) || (s[j] < 0 && v < 0) {
				dst[j] += v
				d[j] += w[i]
			}
		}
	}
	if normalize {
		for j := range dst {
			if d[j] == 0 {
				d[j] = 1
			}
			dst[j] /= d[j]
		}
	}
}

func refElectWeightedMean(dst []float32, tv [][]float32, w []float32) {
	for j := range dst {
		var s float32
		for i := range tv {
			s += tv[i][j]
		}
		var mixed, div float32
		for i := range tv {
			v := tv[i][j]
			if (s >= 0 && v > 0) || (s < 0 && v < 0) {
				mixed += float32(v * w[i])
				div += w[i]
			}
		}
		dst[j] = mixed / max(div, 1e-6)
	}
}

// refPhiloxFill is Philox.Fill as it was: one scalar block per four columns.
func refPhiloxFill(p Philox, u []float32, model int, row int64, col0 int) {
	c1, c2, c3 := uint32(row), uint32(uint64(row)>>32), uint32(model)
	for k := range u {
		j := col0 + k
		w := philox4x32([4]uint32{uint32(j >> 2), c1, c2, c3}, p.k0, p.k1)
		u[k] = float32(w[j&3]>>8) * (1.0 / (1 << 24))
	}
}

// special values every kernel must treat like the reference.
var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32,
	-math.MaxFloat32, 0.5, -0.5, 1e-38, 3e38}

// kernelInput draws a vector: mostly normal values, some zeros, ties,
// and (when special) NaNs, infinities, subnormals and extremes.
func kernelInput(r *rand.Rand, n int, special bool) []float32 {
	x := make([]float32, n)
	for j := range x {
		switch k := r.IntN(16); {
		case k == 0:
			x[j] = 0
		case k == 1:
			x[j] = float32(r.IntN(5)-2) * 0.5
		case k == 2 && special:
			x[j] = specials[r.IntN(len(specials))]
		default:
			x[j] = float32(r.NormFloat64())
		}
	}
	return x
}

// sameBits compares two results; a NaN only has to meet a NaN.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for j := range want {
		g, w := got[j], want[j]
		if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
			t.Fatalf("%s: element %d of %d is %v (%08x), want %v (%08x)", what, j, len(want), g,
				math.Float32bits(g), w, math.Float32bits(w))
		}
	}
}

// forEachImpl runs f with every simd kernel set this CPU has.
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	for _, name := range simd.Impls() {
		t.Run(name, func(t *testing.T) {
			restore, ok := simd.Select(name)
			if !ok {
				t.Skipf("%s not available", name)
			}
			defer restore()
			f(t)
		})
	}
}

// kernelLengths covers every tail length around the vector widths, at
// every start offset 0..7 into the inputs.
func kernelLengths(short bool) []int {
	var ns []int
	for n := 0; n <= 70; n++ {
		ns = append(ns, n)
	}
	if !short {
		ns = append(ns, 255, 256, 257, 1000, 4096, 4099)
	}
	return ns
}

// TestKernelsMatchReference runs each exported kernel against its plain
// reference loop on many lengths and offsets, with and without special
// values, on every simd implementation.
func TestKernelsMatchReference(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, n := range kernelLengths(testing.Short()) {
			for off := 0; off < 8; off++ {
				for _, special := range []bool{false, true} {
					checkKernels(t, r, n, off, special)
				}
			}
		}
	})
}

type kernelCase struct {
	name     string
	got, ref func(dst []float32)
}

func checkKernels(t *testing.T, r *rand.Rand, n, off int, special bool) {
	in := func() []float32 { return kernelInput(r, n+off, special)[off:] }
	a, b, c, d := in(), in(), in(), in()
	u, p := make([]float32, n), make([]float32, n)
	for j := range u {
		u[j], p[j] = float32(r.IntN(1<<24))/(1<<24), 0.2+0.6*r.Float32()
		if r.IntN(8) == 0 {
			u[j] = p[j] // u == p drops
		}
	}
	rows := [][]float32{a, b, c, d}
	w := []float32{0.7, -0.3, 1.2, 0.25}
	s, q := specials[r.IntN(len(specials))], 0.2+0.6*r.Float32()
	if !special {
		s = 0.37
	}
	cases := []kernelCase{
		{"Sub", func(o []float32) { Sub(o, a, b) }, func(o []float32) { refSub(o, a, b) }},
		{"Add", func(o []float32) { Add(o, a, b) }, func(o []float32) { refAdd(o, a, b) }},
		{"Scale", func(o []float32) { Scale(o, a, s) }, func(o []float32) { refScale(o, a, s) }},
		{"DivScalar", func(o []float32) { DivScalar(o, a, s) }, func(o []float32) { refDivScalar(o, a, s) }},
		{"AddScaled", func(o []float32) { copy(o, c); AddScaled(o, a, s) },
			func(o []float32) { copy(o, c); refAddScaled(o, a, s) }},
		{"Combine2", func(o []float32) { Combine2(o, a, b, s, 0.7) }, func(o []float32) { refCombine2(o, a, b, s, 0.7) }},
		{"KeepBelow", func(o []float32) { KeepBelow(o, a, u, q) }, func(o []float32) { refKeepBelow(o, a, u, q, false) }},
		{"KeepBelowDiv", func(o []float32) { KeepBelowDiv(o, a, u, q) }, func(o []float32) { refKeepBelow(o, a, u, q, true) }},
		{"KeepBelowEach", func(o []float32) { KeepBelowEach(o, a, u, p) },
			func(o []float32) { refKeepBelowEach(o, a, u, p, false) }},
		{"KeepBelowEachDiv", func(o []float32) { KeepBelowEachDiv(o, a, u, p) },
			func(o []float32) { refKeepBelowEach(o, a, u, p, true) }},
		{"AbsKeys", func(o []float32) { absKeysAsFloats(o, a, AbsKeys) },
			func(o []float32) { absKeysAsFloats(o, a, refAbsKeys) }},
	}
	for k := 1; k <= len(rows); k++ {
		rs, ws := rows[:k], w[:k]
		cases = append(cases,
			kernelCase{fmt.Sprint("WeightedSum/", k), func(o []float32) { WeightedSum(o, rs, ws) },
				func(o []float32) { refWeightedSum(o, rs, ws) }},
			kernelCase{fmt.Sprint("SumRows/", k), func(o []float32) { SumRows(o, rs) },
				func(o []float32) { refSumRows(o, rs) }},
			kernelCase{fmt.Sprint("ElectFuse/", k), func(o []float32) { ElectFuse(o, rs, ws, true) },
				func(o []float32) { refElectFuse(o, rs, ws, true) }},
			kernelCase{fmt.Sprint("ElectFuseRaw/", k), func(o []float32) { ElectFuse(o, rs, ws, false) },
				func(o []float32) { refElectFuse(o, rs, ws, false) }},
			kernelCase{fmt.Sprint("ElectWeightedMean/", k), func(o []float32) { ElectWeightedMean(o, rs, ws) },
				func(o []float32) { refElectWeightedMean(o, rs, ws) }},
		)
	}
	got, want := make([]float32, n), make([]float32, n)
	for _, kc := range cases {
		for j := range got {
			got[j], want[j] = 12345, 12345
		}
		kc.got(got)
		kc.ref(want)
		sameBits(t, fmt.Sprintf("%s n=%d off=%d special=%v", kc.name, n, off, special), got, want)
	}
}

func absKeysAsFloats(o, x []float32, f func([]uint32, []float32)) {
	k := make([]uint32, len(o))
	f(k, x)
	for j := range k {
		o[j] = math.Float32frombits(k[j])
	}
}

// TestPhiloxFillMatchesScalar compares Fill (simd.PhiloxUniforms) with
// the scalar generator on every column offset and length around the
// vector width, rows beyond 2^32 and several models.
func TestPhiloxFillMatchesScalar(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		p := NewPhilox(DefaultSeed, "blk.3.ffn_down.weight")
		r := rand.New(rand.NewPCG(5, 6))
		for trial := 0; trial < 300; trial++ {
			n := r.IntN(300)
			if trial%50 == 0 {
				n = 4096 + r.IntN(8)
			}
			col0 := r.IntN(64)
			if trial%7 == 0 {
				col0 = 1<<33 + r.IntN(64) // counter word wraps
			}
			row := r.Int64N(1 << 40)
			model := r.IntN(5)
			got, want := make([]float32, n), make([]float32, n)
			p.Fill(got, model, row, col0)
			refPhiloxFill(p, want, model, row, col0)
			sameBits(t, fmt.Sprintf("Fill n=%d col0=%d row=%d model=%d", n, col0, row, model), got, want)
		}
	})
}

// TestMagPruneMatchesTable holds DELLA's drop (simd.MagPrune on the ranks)
// to the table path it replaced: keep probabilities from magpruneProbs by
// rank (ranks from the three-pass sort), then KeepBelowEach(Div), on every
// simd implementation, many row lengths, densities and special values.
func TestMagPruneMatchesTable(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(43, 44))
		var s, old Scratch
		for _, n := range append(kernelLengths(testing.Short()), 2, 3) {
			if n == 0 {
				continue
			}
			for trial := 0; trial < 4; trial++ {
				d := 0.1 + 0.8*r.Float64()
				eps := min(d, 1-d) * r.Float64() * 0.99
				delta := kernelInput(r, n, trial&1 == 1)
				u := make([]float32, n)
				for j := range u {
					u[j] = float32(r.IntN(1<<24)) / (1 << 24)
				}
				m := &magprune{ptab: magpruneProbs(n, d, eps), lo: f32(d - eps), eps: f32(eps),
					den: float32(n - 1), rng: tableRand{u}}
				keys := make([]uint32, n)
				refAbsKeys(keys, delta)
				p := make([]float32, n)
				for q, v := range oldSortByKey(keys, &old) {
					p[uint32(v)] = m.ptab[q]
				}
				for _, div := range []bool{false, true} {
					got, want := make([]float32, n), make([]float32, n)
					m.drop(got, delta, 0, &s, div)
					refKeepBelowEach(want, delta, u, p, div)
					sameBits(t, fmt.Sprintf("drop n=%d d=%g eps=%g div=%v", n, d, eps, div), got, want)
				}
			}
		}
	})
}

// TestKeepBand checks the branch-free band mask against its definition on
// special values and bounds at the ends of the key range.
func TestKeepBand(t *testing.T) {
	r := rand.New(rand.NewPCG(45, 46))
	x := kernelInput(r, 999, true)
	keys := make([]uint32, len(x))
	refAbsKeys(keys, x)
	bounds := []int64{0, 1, 1 << 31, 1 << 32, int64(math.Float32bits(1)), int64(math.Float32bits(float32(math.Inf(1)))) + 1}
	for range 20 {
		bounds = append(bounds, int64(keys[r.IntN(len(keys))]), int64(keys[r.IntN(len(keys))])+1)
	}
	got, want := make([]float32, len(x)), make([]float32, len(x))
	for _, lo := range bounds {
		for _, hi := range bounds {
			for j, k := range keys {
				want[j] = 0
				if lo <= int64(k) && int64(k) < hi {
					want[j] = x[j]
				}
			}
			keepBand(got, x, lo, hi)
			for j := range got {
				if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
					t.Fatalf("keepBand [%d, %d): element %d is %v, want %v", lo, hi, j, got[j], want[j])
				}
			}
		}
	}
}

// TestDellaOneElementRows: rows of one element keep with probability d and
// are rescaled by 1/d (the reference's 0/0 rank normalisation, README
// decision 2), the path that does not go through simd.MagPrune.
func TestDellaOneElementRows(t *testing.T) {
	const rowsN = 64
	r := rand.New(rand.NewPCG(47, 48))
	base, x := randomPair(r, rowsN)
	u := make(tableRand, rowsN)
	for i := range u {
		u[i] = []float32{float32(i) / rowsN}
	}
	j := job{method: "della_linear", shape: []int64{1, rowsN}, in: [][]float32{base, x},
		params: []Params{nil, {"weight": num(1), "density": num(0.6), "epsilon": num(0.1)}}, rand: u}
	got := j.do(t)
	d := f32(0.6)
	for i := range got {
		want := base[i]
		if u[i][0] < d {
			want = base[i] + (x[i]-base[i])/d
		}
		if math.Float32bits(got[i]) != math.Float32bits(want) {
			t.Fatalf("row %d: %v, want %v", i, got[i], want)
		}
	}
}
