package merge

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
)

// tableRand injects fixed uniforms: row r, column j gets u[r][j] for every model.
type tableRand [][]float32

func (t tableRand) Fill(u []float32, _ int, row int64, col0 int) { copy(u, t[row][col0:]) }

// golden is shared/golden/merge/golden.json.
type golden map[string]any

func loadGolden(t *testing.T) golden {
	t.Helper()
	dir := sharedtest.Dir(t, "golden/merge")
	b, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// flat returns a golden array flattened to float32, in row-major order.
func (g golden) flat(t *testing.T, key string) []float32 {
	t.Helper()
	v, ok := g[key]
	if !ok {
		t.Fatalf("golden has no %q", key)
	}
	return flatten(v)
}

func flatten(v any) []float32 {
	switch x := v.(type) {
	case float64:
		return []float32{float32(x)}
	case bool:
		if x {
			return []float32{1}
		}
		return []float32{0}
	case []any:
		var out []float32
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}

// rows splits a flat slice into rows of n.
func rows(x []float32, n int) [][]float32 {
	var out [][]float32
	for len(x) > 0 {
		out = append(out, x[:n])
		x = x[n:]
	}
	return out
}

// near compares within tol relative to max(1, |want|); tol 0 demands equal values.
func near(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for j := range want {
		g, w := float64(got[j]), float64(want[j])
		if math.Abs(g-w) > tol*math.Max(1, math.Abs(w)) || math.IsNaN(g) != math.IsNaN(w) {
			t.Errorf("%s[%d] = %.9g, want %.9g (tol %g)\n got  %v\n want %v", what, j, g, w, tol, got, want)
			return
		}
	}
}

// run drives a merger through the executor protocol: statistics passes with
// blocks of chunk rows, then Merge on the given number of goroutines, each
// taking every workers-th block.
func run(t testing.TB, tm TensorMerger, in [][]float32, chunk, workers int) []float32 {
	t.Helper()
	shape := tm.Shape()
	n := int(shape[0])
	total := int64(1)
	for _, d := range shape[1:] {
		total *= d
	}
	block := func(first int64, rowsN int) *RowBlock {
		b := &RowBlock{FirstRow: first, Rows: rowsN, RowLen: n, In: make([][]float32, len(in))}
		for _, i := range tm.Inputs() {
			b.In[i] = in[i][int(first)*n : (int(first)+rowsN)*n]
		}
		return b
	}
	for pass := 0; tm.WantPass(); pass++ {
		if pass >= tm.MaxPasses() {
			t.Fatalf("more than MaxPasses()=%d passes", tm.MaxPasses())
		}
		for r := int64(0); r < total; r += int64(chunk) {
			if err := tm.Observe(block(r, int(min(int64(chunk), total-r)))); err != nil {
				t.Fatal(err)
			}
		}
		if err := tm.EndPass(); err != nil {
			t.Fatal(err)
		}
	}
	out := make([]float32, int(total)*n)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var s Scratch
			k := 0
			for r := int64(0); r < total; r += int64(chunk) {
				if k%workers == w {
					rn := int(min(int64(chunk), total-r))
					if err := tm.Merge(out[int(r)*n:(int(r)+rn)*n], block(r, rn), &s); err != nil {
						errs <- err
						return
					}
				}
				k++
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return out
}

// job is one tensor merge set up for a test: input 0 is the base.
type job struct {
	method string
	shape  []int64
	in     [][]float32
	params []Params
	global Params
	base   int
	rand   Uniforms
	seed   uint64
}

func (j job) spec() TensorSpec {
	s := TensorSpec{Name: "blk.0.test.weight", Global: j.global, Base: j.base, Rand: j.rand, Seed: j.seed}
	for i, x := range j.in {
		s.Models = append(s.Models, "m"+string(rune('0'+i)))
		if x == nil {
			s.Shapes = append(s.Shapes, nil)
		} else {
			s.Shapes = append(s.Shapes, j.shape)
		}
	}
	s.Params = make([]Params, len(j.in))
	copy(s.Params, j.params)
	return s
}

func (j job) merger(t testing.TB) TensorMerger {
	t.Helper()
	m, ok := Lookup(j.method)
	if !ok {
		t.Fatalf("no method %s", j.method)
	}
	tm, err := m.NewTensor(j.spec())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// do runs the job with one row per block on one goroutine, the whole
// tensor as one block, and two-row blocks on three goroutines, and demands
// the same bits from all three.
func (j job) do(t testing.TB) []float32 {
	t.Helper()
	a := run(t, j.merger(t), j.in, 1, 1)
	for _, c := range [][2]int{{1 << 30, 1}, {2, 3}} {
		b := run(t, j.merger(t), j.in, c[0], c[1])
		for k := range a {
			if math.Float32bits(a[k]) != math.Float32bits(b[k]) {
				t.Fatalf("chunking %v changed element %d: %v vs %v", c, k, a[k], b[k])
			}
		}
	}
	return a
}

func num(x float64) Value { return Value{Num: x} }

func w(x float64) Params { return Params{"weight": num(x)} }
