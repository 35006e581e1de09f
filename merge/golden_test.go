package merge

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Golden vectors: shared/golden/merge/golden.json, computed by the reference
// Python functions (mergekit 0.1.4 / the DELLA repo) on torch 1.13 CPU
// float32, random masks replaced by injected uniforms with keep ⇔ u < p.
//
// Sparsification vectors are reproduced through the real methods: one model
// against a zero base with weight 1, so the merged tensor equals the pruned
// (and rescaled) task vector.

// prune runs method on the golden input x (2 rows of 5) as a single task vector.
func prune(t *testing.T, g golden, method string, per Params, global Params) []float32 {
	t.Helper()
	x := g.flat(t, "input_x")
	per["weight"] = num(1)
	j := job{method: method, shape: []int64{5, 2}, in: [][]float32{make([]float32, 10), x},
		params: []Params{nil, per}, global: global, rand: tableRand(rows(g.flat(t, "uniforms_u"), 5))}
	return j.do(t)
}

func TestGoldenSparsify(t *testing.T) {
	g := loadGolden(t)
	off := Params{"rescale": num(0)}
	cases := []struct {
		key, method string
		per, global Params
	}{
		{"magnitude_d0.5", "ties", Params{"density": num(0.5)}, nil},
		{"magnitude_d0.5_l1", "ties", Params{"density": num(0.5)}, Params{"rescale": num(1)}},
		{"magnitude_d0.35", "ties", Params{"density": num(0.35)}, nil},
		{"outliers_d0.6_g0.1", "breadcrumbs", Params{"density": num(0.6), "gamma": num(0.1)}, nil},
		{"della_d0.6_e0.1_norescale", "della_linear", Params{"density": num(0.6), "epsilon": num(0.1)}, off},
		{"della_d0.6_e0.1_l1", "della_linear", Params{"density": num(0.6), "epsilon": num(0.1)},
			Params{"rescale_mode": {Str: "l1"}}},
		{"dellarepo_rank_magnitude_d0.6_eps0.1_rescale", "della_linear",
			Params{"density": num(0.6), "epsilon": num(0.1)}, nil},
		{"dare_d0.6_l1", "dare_linear", Params{"density": num(0.6)}, Params{"rescale_mode": {Str: "l1"}}},
		{"dellarepo_dare_d0.6_rescale", "dare_linear", Params{"density": num(0.6)}, nil},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			// Pruning by a mask is exact; the L1 factor is a float64 ratio
			// rounded once, where the reference divides float32 sums.
			tol := 0.0
			if strings.HasSuffix(c.key, "l1") {
				tol = 1e-6
			}
			near(t, c.key, prune(t, g, c.method, c.per, c.global), g.flat(t, c.key), tol)
		})
	}
	// della also elects and normalizes; with one model that changes nothing.
	got := prune(t, g, "della", Params{"density": num(0.6), "epsilon": num(0.1)}, nil)
	near(t, "della (elect, one model)", got, g.flat(t, "dellarepo_rank_magnitude_d0.6_eps0.1_rescale"), 0)
}

func TestGoldenDellaProbs(t *testing.T) {
	g := loadGolden(t)
	x := rows(g.flat(t, "input_x"), 5)
	want := rows(g.flat(t, "della_probs_d0.6_e0.1"), 5)
	m := &magprune{ptab: magpruneProbs(5, 0.6, 0.1)}
	var s Scratch
	for r := range x {
		near(t, "probs row", slices.Clone(m.probs(x[r], &s)), want[r], 0)
	}
	// 1-D tensor: the whole vector is one row.
	m = &magprune{ptab: magpruneProbs(4, 0.5, 0.2)}
	near(t, "1-D probs", m.probs(g.flat(t, "della_1d_input"), &s), g.flat(t, "della_1d_probs_d0.5_e0.2"), 0)
}

func TestGoldenDella1D(t *testing.T) {
	g := loadGolden(t)
	// Uniforms from merge-methods.md §12 (not stored in the JSON).
	j := job{method: "della_linear", shape: []int64{4},
		in:     [][]float32{make([]float32, 4), g.flat(t, "della_1d_input")},
		params: []Params{nil, {"weight": num(1), "density": num(0.5), "epsilon": num(0.2)}},
		global: Params{"rescale_mode": {Str: "l1"}},
		rand:   tableRand{{0.2, 0.6, 0.45, 0.9}}}
	near(t, "della_1d_l1", j.do(t), g.flat(t, "della_1d_l1"), 1e-6)
}

func TestGoldenDellaEpsilonError(t *testing.T) {
	g := loadGolden(t)
	want := g["della_error_d0.9_e0.1"].(string)
	j := job{method: "della", shape: []int64{5, 2}, in: [][]float32{make([]float32, 10), g.flat(t, "input_x")},
		params: []Params{nil, {"weight": num(1), "density": num(0.9), "epsilon": num(0.1)}}}
	m, _ := Lookup("della")
	_, err := m.NewTensor(j.spec())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want it to contain %q", err, want)
	}
	// density 1 means no pruning: epsilon is not validated, as in the reference.
	j.params[1]["density"] = num(1)
	if _, err := m.NewTensor(j.spec()); err != nil {
		t.Fatal(err)
	}
}

func TestGoldenTiesTie(t *testing.T) {
	g := loadGolden(t)
	x := g.flat(t, "ties_tie_input")
	j := job{method: "ties", shape: []int64{int64(len(x))}, in: [][]float32{make([]float32, len(x)), x},
		params: []Params{nil, {"weight": num(1), "density": num(0.5)}}}
	near(t, "ties_tie_magnitude_d0.5", j.do(t), g.flat(t, "ties_tie_magnitude_d0.5"), 0)
}

func TestGoldenBreadcrumbs(t *testing.T) {
	g := loadGolden(t)
	x := g.flat(t, "outliers_input_1..20")
	bc := func(d, gamma float64) []float32 {
		j := job{method: "breadcrumbs", shape: []int64{20}, in: [][]float32{make([]float32, 20), x},
			params: []Params{nil, {"weight": num(1), "density": num(d), "gamma": num(gamma)}}}
		return j.do(t)
	}
	near(t, "outliers_d0.5_g0.1_n20", bc(0.5, 0.1), g.flat(t, "outliers_d0.5_g0.1_n20"), 0)
	near(t, "outliers_d0.9_g0.2_n20", bc(0.9, 0.2), g.flat(t, "outliers_d0.9_g0.2_n20(n_bot<0 adjust)"), 0)

	// The reference zeroes everything when n_top == 0 (slice [n_bot:-0]).
	// We keep the intended ranks n_bot..N-1: here the 10 largest.
	bug := g.flat(t, "outliers_d0.5_g0.01_n20(n_top=0 -> all zero bug)")
	for _, v := range bug {
		if v != 0 {
			t.Fatal("golden no longer shows the reference bug; revisit the fix")
		}
	}
	want := slices.Clone(x)
	clear(want[:10])
	near(t, "breadcrumbs n_top=0 (fixed)", bc(0.5, 0.01), want, 0)

	// Same bug on the 2x5 input with gamma 0: keep the 7 largest.
	xs := g.flat(t, "input_x")
	for _, v := range g.flat(t, "outliers_d0.7_g0.0") {
		if v != 0 {
			t.Fatal("golden outliers_d0.7_g0.0 no longer all zero")
		}
	}
	j := job{method: "breadcrumbs", shape: []int64{5, 2}, in: [][]float32{make([]float32, 10), xs},
		params: []Params{nil, {"weight": num(1), "density": num(0.7), "gamma": num(0)}}}
	want = slices.Clone(xs)
	for k, v := range xs {
		if math.Abs(float64(v)) < 0.1 { // the 3 smallest: 0.01, 0.03, 0.05
			want[k] = 0
		}
	}
	near(t, "breadcrumbs gamma 0 (fixed)", j.do(t), want, 0)
}

// gtaJob is the golden GTA setup: base B and models B + delta_i, weights w.
func gtaJob(t *testing.T, g golden, method string, global Params) job {
	base := g.flat(t, "gta_base")
	deltas := rows(g.flat(t, "gta_deltas"), 6)
	ws := g.flat(t, "gta_weights")
	j := job{method: method, shape: []int64{3, 2}, in: [][]float32{base}, params: []Params{nil}, global: global}
	for i, d := range deltas {
		x := make([]float32, 6)
		Add(x, base, d)
		j.in = append(j.in, x)
		j.params = append(j.params, w(float64(ws[i])))
	}
	return j
}

func TestGoldenGTA(t *testing.T) {
	g := loadGolden(t)
	cases := []struct {
		key, method string
		global      Params
	}{
		{"gta_sum_norm_l1.0", "ties", nil},
		{"gta_sum_norm_l1.0", "della", nil},
		{"gta_sum_nonorm_l1.0", "ties", Params{"normalize": num(0)}},
		{"gta_sum_nonorm_l1.0", "dare_ties", nil},
		{"gta_sum_nonorm_l1.0", "breadcrumbs_ties", nil},
		{"gta_noconsensus_nonorm_l1.1", "task_arithmetic", Params{"lambda": num(1.1)}},
		{"gta_noconsensus_norm_l1.0", "task_arithmetic", Params{"normalize": num(1)}},
		{"gta_noconsensus_norm_l1.0", "della_linear", Params{"normalize": num(1)}},
		{"gta_noconsensus_nonorm_l1.1", "dare_linear", Params{"lambda": num(1.1)}},
		{"gta_noconsensus_nonorm_l1.1", "breadcrumbs", Params{"lambda": num(1.1)}},
	}
	for _, c := range cases {
		t.Run(c.key+"/"+c.method, func(t *testing.T) {
			// density defaults to 1: no pruning, so every GTA method reduces to its fuse.
			// X - B is not exactly delta in float32, hence the small tolerance.
			near(t, c.key, gtaJob(t, g, c.method, c.global).do(t), g.flat(t, c.key), 2e-7)
		})
	}
}

func TestGoldenElectMask(t *testing.T) {
	g := loadGolden(t)
	deltas := rows(g.flat(t, "gta_deltas"), 6)
	ws := g.flat(t, "gta_weights")
	wd := make([][]float32, len(deltas))
	for i, d := range deltas {
		wd[i] = make([]float32, 6)
		Scale(wd[i], d, ws[i])
	}
	want := rows(g.flat(t, "get_mask_sum"), 6)
	// The mask of model i is where ElectFuse counts it: isolate model i by
	// giving only it weight 1 in the divisor (normalize=false sums values).
	for i := range wd {
		got := make([]float32, 6)
		for j := range got {
			var s float32
			for k := range wd {
				s += wd[k][j]
			}
			v := wd[i][j]
			if (s >= 0 && v > 0) || (s < 0 && v < 0) {
				got[j] = 1
			}
		}
		near(t, "get_mask_sum", got, want[i], 0)
	}
	// And ElectFuse sums exactly those entries.
	out := make([]float32, 6)
	ElectFuse(out, wd, ws, false)
	for j := range out {
		var s float32
		for i := range wd {
			s += wd[i][j] * want[i][j]
		}
		if out[j] != s {
			t.Fatalf("ElectFuse[%d] = %v, masked sum %v", j, out[j], s)
		}
	}
}

func TestGoldenSlerp(t *testing.T) {
	g := loadGolden(t)
	sl := func(tt float64, shape []int64, a, b []float32) []float32 {
		j := job{method: "slerp", shape: shape, in: [][]float32{a, b}, params: []Params{nil, nil},
			global: Params{"t": num(tt)}}
		return j.do(t)
	}
	near(t, "slerp_t0.3_orth", sl(0.3, []int64{2, 2}, []float32{1, 0, 0, 1}, []float32{0, 1, 1, 0}),
		g.flat(t, "slerp_t0.3_orth"), 1e-6)
	c := []float32{1, 2, 3, 4}
	near(t, "slerp_t0.3_colinear(2x)", sl(0.3, []int64{2, 2}, c, []float32{2, 4, 6, 8}),
		g.flat(t, "slerp_t0.3_colinear(2x)"), 1e-6)
	near(t, "slerp_t0.25_vec", sl(0.25, []int64{3}, []float32{1, 2, 3}, []float32{-1, 0.5, 2}),
		g.flat(t, "slerp_t0.25_vec"), 1e-6)
}

func TestGoldenNuslerp(t *testing.T) {
	g := loadGolden(t)
	// Inputs are not stored in the JSON: [1,2,3] / [-1,0.5,2] are the slerp
	// vector (§12); the second rows, [0.5,-1,2] and [1,1,1], were recovered by
	// solving the column-wise golden for its inputs and reproduce all three vectors.
	v0 := []float32{1, 2, 3, 0.5, -1, 2}
	v1 := []float32{-1, 0.5, 2, 1, 1, 1}
	nu := func(shape []int64, a, b []float32, w0, w1 float64, global Params) []float32 {
		j := job{method: "nuslerp", shape: shape, in: [][]float32{a, b}, params: []Params{w(w0), w(w1)},
			global: global, base: -1}
		return j.do(t)
	}
	// t = w1/(w0+w1).
	near(t, "nuslerp_t0.25_flat", nu([]int64{3}, v0[:3], v1[:3], 3, 1, nil), g.flat(t, "nuslerp_t0.25_flat"), 1e-6)
	near(t, "nuslerp_t0.4_rowvecs", nu([]int64{3, 2}, v0, v1, 3, 2, Params{"nuslerp_flatten": num(0)}),
		g.flat(t, "nuslerp_t0.4_rowvecs(dim=-1)"), 1e-6)
	near(t, "nuslerp_t0.4_colvecs", nu([]int64{3, 2}, v0, v1, 3, 2,
		Params{"nuslerp_flatten": num(0), "nuslerp_row_wise": num(1)}),
		g.flat(t, "nuslerp_t0.4_colvecs(dim=0)"), 1e-6)

	// With a base, nuslerp interpolates the task vectors: base + nuslerp(X1-B, X2-B).
	base := []float32{0.25, -0.5, 1, 2, 0, -1}
	x0, x1 := make([]float32, 6), make([]float32, 6)
	Add(x0, base, v0)
	Add(x1, base, v1)
	j := job{method: "nuslerp", shape: []int64{3, 2}, in: [][]float32{base, x0, x1},
		params: []Params{nil, w(3), w(2)}, global: Params{"nuslerp_flatten": num(0)}}
	want := g.flat(t, "nuslerp_t0.4_rowvecs(dim=-1)")
	Add(want, want, base)
	near(t, "nuslerp with base", j.do(t), want, 1e-6)
}

func TestGoldenModelStock(t *testing.T) {
	g := loadGolden(t)
	near(t, "model_stock", gtaJob(t, g, "model_stock", nil).do(t), g.flat(t, "model_stock"), 1e-6)
	near(t, "model_stock_filterwise", gtaJob(t, g, "model_stock", Params{"filter_wise": num(1)}).do(t),
		g.flat(t, "model_stock_filterwise"), 1e-6)
}

func TestGoldenSCE(t *testing.T) {
	g := loadGolden(t)
	near(t, "sce_topk1.0", gtaJob(t, g, "sce", nil).do(t), g.flat(t, "sce_topk1.0"), 1e-6)
	near(t, "sce_topk0.5", gtaJob(t, g, "sce", Params{"select_topk": num(0.5)}).do(t), g.flat(t, "sce_topk0.5"), 1e-6)

	// The weights themselves.
	j := gtaJob(t, g, "sce", nil)
	tm := j.merger(t)
	run(t, tm, j.in, 2, 1)
	near(t, "sce_weights", tm.(*rowTensor).state.(*sceTensor).w[0], g.flat(t, "sce_weights"), 1e-6)
}

func TestGoldenNearswapRAM(t *testing.T) {
	g := loadGolden(t)
	j := gtaJob(t, g, "nearswap", Params{"t": num(0.15)})
	j.in, j.params = j.in[:2], j.params[:2]
	near(t, "nearswap_t0.15", j.do(t), g.flat(t, "nearswap_t0.15"), 1e-6)

	// The RAM vectors carry the label eps1e-5, but their numbers are what the
	// reference gives for the first two golden models with an epsilon that
	// drops the 0.1-sized entries (any epsilon in [0.100000024, 0.2) does;
	// with 1e-5 every entry counts and [0][1] would be 0.85). We reproduce
	// them with those inputs and epsilon 0.15.
	for _, m := range []string{"ram", "ramplus_tl"} {
		j := gtaJob(t, g, m, Params{"epsilon": num(0.15)})
		j.in, j.params = j.in[:3], j.params[:3]
		key := map[string]string{"ram": "ram_eps1e-5", "ramplus_tl": "ramplus_tl"}[m]
		near(t, key, j.do(t), g.flat(t, key), 1e-6)
	}
}

// TestGoldenFuseKernels feeds the golden deltas straight to the fuse kernels
// (the methods see X - B, which rounds): the fuse itself is bit-exact.
func TestGoldenFuseKernels(t *testing.T) {
	g := loadGolden(t)
	base := g.flat(t, "gta_base")
	deltas := rows(g.flat(t, "gta_deltas"), 6)
	ws := g.flat(t, "gta_weights")
	wd := make([][]float32, len(deltas))
	var wsum float32
	for i, d := range deltas {
		wd[i] = make([]float32, 6)
		Scale(wd[i], d, ws[i])
		wsum += ws[i]
	}
	out := make([]float32, 6)
	check := func(key string) {
		t.Helper()
		Add(out, base, out)
		near(t, key, out, g.flat(t, key), 0)
	}
	ElectFuse(out, wd, ws, true)
	check("gta_sum_norm_l1.0")
	ElectFuse(out, wd, ws, false)
	check("gta_sum_nonorm_l1.0")
	ElectFuseCount(out, wd, ws, true)
	check("gta_count_norm_l1.0")
	SumRows(out, wd)
	DivScalar(out, out, wsum)
	check("gta_noconsensus_norm_l1.0")
	SumRows(out, wd)
	Scale(out, out, 1.1)
	check("gta_noconsensus_nonorm_l1.1")
}
