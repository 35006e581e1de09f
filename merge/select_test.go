package merge

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// quantized returns values with many exact ties (like dequantized weights).
func quantized(r *rand.Rand, n, levels int) []float32 {
	x := make([]float32, n)
	for j := range x {
		x[j] = float32(r.IntN(2*levels+1)-levels) * 0.0625
	}
	return x
}

// bruteTopK keeps the k largest |x|, ties to the lower index.
func bruteTopK(x []float32, k int) []float32 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(float64(x[idx[a]])) > math.Abs(float64(x[idx[b]])) })
	out := make([]float32, len(x))
	for _, i := range idx[:k] {
		out[i] = x[i]
	}
	return out
}

// TIES through the streaming radix select equals a full stable sort, with
// and without the (low, index) pair path, on data full of ties.
func TestTiesSelectMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		n, rowLen, levels int
		d                 float64
		pairMax           uint64
	}{
		{4000, 50, 5, 0.3, defaultPairMax},
		{4000, 50, 5, 0.3, 3}, // histogram path, then the locate pass
		{4000, 40, 1000, 0.77, 3},
		{999, 999, 2, 0.5, 0},
		{1200, 30, 0, 0.5, 2}, // all zero: the cut falls inside the zeros
		{5000, 100, 3, 0.999, 5},
	} {
		x := quantized(r, c.n, c.levels)
		k := int(c.d * float64(c.n))
		nrows := int64(c.n / c.rowLen)
		lay := &layout{rowLen: c.rowLen, rows: nrows, groupRows: nrows, groups: 1}
		sp, err := newMagnitude(lay, c.d, false)
		if err != nil {
			t.Fatal(err)
		}
		m := sp.(*magnitude)
		m.sels[0].pairMax = c.pairMax
		var s Scratch
		passes := 0
		for m.wantPass() {
			for row := 0; row*c.rowLen < c.n; row++ {
				m.observeRow(int64(row), x[row*c.rowLen:(row+1)*c.rowLen], &s)
			}
			m.endPass()
			passes++
		}
		got := make([]float32, c.n)
		for row := 0; row*c.rowLen < c.n; row++ {
			m.apply(got[row*c.rowLen:(row+1)*c.rowLen], x[row*c.rowLen:(row+1)*c.rowLen], int64(row), &s)
		}
		near(t, "ties top-k", got, bruteTopK(x, k), 0)
		t.Logf("n %d levels %d d %v pairMax %d: %d passes", c.n, c.levels, c.d, c.pairMax, passes)
	}
}

// Breadcrumbs keeps ascending ranks n_bot..N-n_top-1 (stable by index).
func TestBreadcrumbsMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	x := quantized(r, 3000, 7)
	for _, c := range []struct{ d, gamma float64 }{{0.5, 0.1}, {0.9, 0.2}, {0.3, 0}, {0.2, 0.01}} {
		j := job{method: "breadcrumbs", shape: []int64{60, 50}, in: [][]float32{make([]float32, len(x)), x},
			params: []Params{nil, {"weight": num(1), "density": num(c.d), "gamma": num(c.gamma)}}}
		got := j.do(t)
		nBot, nTop := breadcrumbsRange(int64(len(x)), c.d, c.gamma)
		idx := make([]int, len(x))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(float64(x[idx[a]])) < math.Abs(float64(x[idx[b]])) })
		want := make([]float32, len(x))
		for _, i := range idx[nBot : int64(len(x))-nTop] {
			want[i] = x[i]
		}
		near(t, "breadcrumbs", got, want, 0)
	}
}

func TestSortByKeyStable(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var s Scratch
	for _, n := range []int{1, 2, 17, 4096, 10000} {
		for _, levels := range []int{0, 3, 1 << 20} {
			x := quantized(r, n, levels)
			if levels > 1000 {
				for j := range x {
					x[j] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15)))
				}
			}
			keys := make([]uint32, n)
			AbsKeys(keys, x)
			got := sortByKey(keys, &s)
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			sort.SliceStable(want, func(a, b int) bool { return math.Abs(float64(x[want[a]])) < math.Abs(float64(x[want[b]])) })
			for q := range want {
				if int(uint32(got[q])) != want[q] {
					t.Fatalf("n %d levels %d: position %d holds %d, want %d", n, levels, q, uint32(got[q]), want[q])
				}
			}
		}
	}
}

// DELLA with many tied magnitudes (quantized weights): every rank gets its
// own probability, ties in index order, whatever the row block size.
func TestDellaTiesAndChunking(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	base := quantized(r, 64*33, 4)
	x := quantized(r, 64*33, 4)
	for _, m := range []string{"della", "della_linear", "dare_ties", "ties", "breadcrumbs_ties"} {
		j := job{method: m, shape: []int64{64, 33}, in: [][]float32{base, x, slices.Clone(base)},
			params: []Params{nil, {"weight": num(0.6), "density": num(0.4), "epsilon": num(0.3)},
				{"weight": num(0.5), "density": num(0.6), "epsilon": num(0.1)}},
			global: Params{"rescale_mode": {Str: "l1"}}, seed: 5}
		j.in[2][3] += 1
		j.do(t) // demands identical bits for three chunkings / goroutine counts
	}
}

func TestShapeRules(t *testing.T) {
	m, _ := Lookup("ties")
	spec := func(name string, shapes ...[]int64) TensorSpec {
		s := TensorSpec{Name: name, Base: 0, Shapes: shapes, Params: make([]Params, len(shapes))}
		for i := range shapes {
			s.Models = append(s.Models, []string{"base.gguf", "a.gguf", "b.gguf"}[i])
			s.Params[i] = w(1)
		}
		return s
	}
	expectErr := func(s TensorSpec, parts ...string) {
		t.Helper()
		_, err := m.NewTensor(s)
		if err == nil {
			t.Fatalf("no error, want %q", parts)
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q lacks %q", err, p)
			}
		}
	}
	expectErr(spec("blk.0.attn_q.weight", []int64{8, 4}, []int64{8, 5}), "a.gguf", "blk.0.attn_q.weight", "[8 5]", "[8 4]")
	expectErr(spec("blk.0.attn_q.weight", nil, []int64{8, 4}), "blk.0.attn_q.weight", "a.gguf", "base.gguf")
	expectErr(spec("token_embd.weight", []int64{8, 100}, []int64{8, 90}), "token_embd.weight", "a.gguf", "[8 90]")
	expectErr(spec("token_embd.weight", []int64{8, 100}, []int64{9, 100}), "[9 100]")

	// A larger vocabulary is cut to the base's rows, with a warning.
	var warned []string
	s := spec("token_embd.weight", []int64{4, 3}, []int64{4, 5})
	s.Warn = func(msg string) { warned = append(warned, msg) }
	tm, err := m.NewTensor(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "first 3 rows") {
		t.Errorf("warnings %q", warned)
	}
	if got := tm.Shape(); !slices.Equal(got, []int64{4, 3}) {
		t.Errorf("shape %v", got)
	}
	out := run(t, tm, [][]float32{make([]float32, 12), {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5}}, 2, 1)
	near(t, "truncated embedding", out, []float32{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, 0)

	// Only in the base: the base passes through unchanged.
	tm, err = m.NewTensor(spec("rope_freqs.weight", []int64{16}, nil))
	if err != nil || tm.Identity() != 0 {
		t.Fatalf("base-only tensor: %v, identity %d", err, tm.Identity())
	}
}

func TestTiesKeepsNothingIsAnError(t *testing.T) {
	m, _ := Lookup("ties")
	_, err := m.NewTensor(TensorSpec{Name: "blk.0.attn_norm.weight", Base: 0, Models: []string{"b", "a"},
		Shapes: [][]int64{{8}, {8}}, Params: []Params{nil, {"weight": num(1), "density": num(0.1)}}})
	if err == nil || !strings.Contains(err.Error(), "keeps none of the 8 elements") || !strings.Contains(err.Error(), "blk.0.attn_norm.weight") {
		t.Fatalf("error %v", err)
	}
}

func TestProtocolMisuse(t *testing.T) {
	j := job{method: "ties", shape: []int64{4, 2}, in: [][]float32{make([]float32, 8), {1, 2, 3, 4, 5, 6, 7, 8}},
		params: []Params{nil, {"weight": num(1), "density": num(0.5)}}}
	tm := j.merger(t)
	var s Scratch
	b := &RowBlock{FirstRow: 0, Rows: 2, RowLen: 4, In: j.in}
	if err := tm.Merge(make([]float32, 8), b, &s); err == nil {
		t.Error("Merge before the statistics passes did not fail")
	}
	if err := tm.Observe(&RowBlock{FirstRow: 1, Rows: 1, RowLen: 4, In: [][]float32{j.in[0][4:], j.in[1][4:]}}); err == nil {
		t.Error("out-of-order Observe did not fail")
	}
}

// offsetRand shifts rows, so a slice merged alone sees the uniforms it sees
// inside the stacked tensor.
type offsetRand struct {
	u   Uniforms
	off int64
}

func (o offsetRand) Fill(u []float32, model int, row int64, col0 int) {
	o.u.Fill(u, model, row+o.off, col0)
}

// A 3-D tensor (experts stacked by GGUF) merges as mergekit merges each
// expert: every per-tensor statistic is per 2-D slice.
func TestStackedSlicesAreSeparateTensors(t *testing.T) {
	const n, r, e = 16, 6, 3
	rng := rand.New(rand.NewPCG(15, 16))
	in := make([][]float32, 4)
	for i := range in {
		in[i] = quantized(rng, n*r*e, 6)
		for k := range in[i] {
			in[i][k] *= float32(1 + i*(k/(n*r)))
		}
	}
	uni := make(tableRand, r*e)
	for k := range uni {
		uni[k] = make([]float32, n)
		for j := range uni[k] {
			uni[k][j] = rng.Float32()
		}
	}
	per := []Params{nil, {"weight": num(1), "density": num(0.4), "epsilon": num(0.2)},
		{"weight": num(0.5), "density": num(0.3), "epsilon": num(0.1)}, {"weight": num(0.7), "density": num(0.6), "epsilon": num(0.3)}}
	l1 := Params{"rescale": num(1), "rescale_mode": {Str: "l1"}}
	for _, c := range []struct {
		method string
		global Params
		models int
	}{
		{"ties", l1, 3}, {"breadcrumbs", l1, 3}, {"della", l1, 3}, {"dare_linear", l1, 3},
		{"slerp", Params{"t": num(0.3)}, 1}, {"nuslerp", nil, 2}, {"model_stock", nil, 3},
		{"sce", Params{"select_topk": num(0.4)}, 3}, {"ramplus_tl", Params{"epsilon": num(0.1)}, 3},
	} {
		whole := job{method: c.method, shape: []int64{n, r, e}, in: in[:c.models+1], params: per[:c.models+1],
			global: c.global, rand: uni}.do(t)
		for s := 0; s < e; s++ {
			part := make([][]float32, c.models+1)
			for i := range part {
				part[i] = in[i][s*n*r : (s+1)*n*r]
			}
			got := job{method: c.method, shape: []int64{n, r}, in: part, params: per[:c.models+1],
				global: c.global, rand: offsetRand{uni, int64(s * r)}}.do(t)
			near(t, c.method+" slice", whole[s*n*r:(s+1)*n*r], got, 0)
		}
	}
}
