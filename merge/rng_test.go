package merge

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Random123 known-answer vectors for Philox4x32-10 (counter, key, output).
func TestPhiloxKnownAnswers(t *testing.T) {
	cases := []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)}, [2]uint32{^uint32(0), ^uint32(0)},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		if got := philox4x32(c.ctr, c.key[0], c.key[1]); got != c.want {
			t.Errorf("philox4x32(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

// A draw depends only on (seed, tensor, model, row, column): any offset and
// length of a Fill gives the same numbers, and each key part changes them.
func TestPhiloxAddressing(t *testing.T) {
	p := NewPhilox(7, "blk.0.attn_q.weight")
	whole := make([]float32, 103)
	p.Fill(whole, 2, 5, 0)
	for _, cut := range [][2]int{{0, 1}, {1, 7}, {3, 64}, {61, 103}} {
		part := make([]float32, cut[1]-cut[0])
		p.Fill(part, 2, 5, cut[0])
		for j := range part {
			if part[j] != whole[cut[0]+j] {
				t.Fatalf("Fill at %d differs at %d", cut[0], j)
			}
		}
	}
	other := func(q Philox, model int, row int64) {
		t.Helper()
		u := make([]float32, len(whole))
		q.Fill(u, model, row, 0)
		same := 0
		for j := range u {
			if u[j] == whole[j] {
				same++
			}
		}
		if same > 2 {
			t.Errorf("stream (model %d, row %d) shares %d of %d draws", model, row, same, len(u))
		}
	}
	other(p, 3, 5)
	other(p, 2, 6)
	other(p, 2, 5+1<<32)
	other(NewPhilox(8, "blk.0.attn_q.weight"), 2, 5)
	other(NewPhilox(7, "blk.0.attn_k.weight"), 2, 5)
}

// Uniformity: 64-bin chi-square over 2^20 draws, and the mean.
func TestPhiloxUniform(t *testing.T) {
	const n, bins = 1 << 20, 64
	u := make([]float32, 4096)
	p := NewPhilox(DefaultSeed, "x")
	var hist [bins]float64
	var sum float64
	for row := int64(0); row < n/4096; row++ {
		p.Fill(u, 1, row, 0)
		for _, v := range u {
			if v < 0 || v >= 1 {
				t.Fatalf("uniform %v outside [0,1)", v)
			}
			hist[int(v*bins)]++
			sum += float64(v)
		}
	}
	var chi float64
	e := float64(n) / bins
	for _, h := range hist {
		chi += (h - e) * (h - e) / e
	}
	// 63 degrees of freedom: mean 63, sd ~11.2; 120 is beyond 5 sd.
	if chi > 120 {
		t.Errorf("chi-square %v over %d bins", chi, bins)
	}
	if mean := sum / n; math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("mean %v", mean)
	}
}

// randomDeltas returns a base and a model whose delta has distinct magnitudes.
func randomPair(r *rand.Rand, n int) (base, x []float32) {
	base, x = make([]float32, n), make([]float32, n)
	for j := range x {
		base[j] = float32(r.NormFloat64())
		x[j] = base[j] + float32(r.NormFloat64()*0.01)
	}
	return base, x
}

// DELLA keeps the element of rank r with probability p_r: the kept fraction
// of each rank decile, over many rows, is within 4 sigma of the mean p.
func TestDellaKeepRateByRank(t *testing.T) {
	const n, nrows = 200, 2000
	const d, eps = 0.5, 0.2
	r := rand.New(rand.NewPCG(1, 2))
	base, x := randomPair(r, n*nrows)
	j := job{method: "della_linear", shape: []int64{n, nrows}, in: [][]float32{base, x},
		params: []Params{nil, {"weight": num(1), "density": num(d), "epsilon": num(eps)}},
		global: Params{"rescale": num(0)}, seed: 99}
	out := run(t, j.merger(t), j.in, 64, 2)
	ptab := magpruneProbs(n, d, eps)
	var kept, expect, variance [10]float64
	var total float64
	keys := make([]uint32, n)
	var s Scratch
	for row := 0; row < nrows; row++ {
		delta := make([]float32, n)
		Sub(delta, x[row*n:(row+1)*n], base[row*n:(row+1)*n])
		AbsKeys(keys, delta)
		for q, v := range sortByKey(keys, &s) {
			jj := int(uint32(v))
			dec := q * 10 / n
			p := float64(ptab[q])
			expect[dec] += p
			variance[dec] += p * (1 - p)
			if out[row*n+jj] != base[row*n+jj] {
				kept[dec]++
				total++
			}
		}
	}
	for dec := range kept {
		z := (kept[dec] - expect[dec]) / math.Sqrt(variance[dec])
		t.Logf("rank decile %d: kept %.4f, expected %.4f (z %+.2f)", dec, kept[dec]/(n*nrows/10), expect[dec]/(n*nrows/10), z)
		if math.Abs(z) > 4 {
			t.Errorf("decile %d: z = %.2f", dec, z)
		}
	}
	if f := total / (n * nrows); math.Abs(f-d) > 0.005 {
		t.Errorf("overall density %v, want %v", f, d)
	}
}

// With rescale_mode prob each survivor is divided by its keep probability,
// so the pruned delta is unbiased: averaged over many seeds it is the delta.
func TestRescaleProbUnbiased(t *testing.T) {
	const n, seeds = 64, 4000
	r := rand.New(rand.NewPCG(3, 4))
	base, x := randomPair(r, n)
	delta := make([]float32, n)
	Sub(delta, x, base)
	for _, c := range []struct {
		method string
		per    Params
		p      func(q int) float64
	}{
		{"della_linear", Params{"density": num(0.4), "epsilon": num(0.2)},
			func(q int) float64 { return float64(magpruneProbs(n, 0.4, 0.2)[q]) }},
		{"dare_linear", Params{"density": num(0.3)}, func(int) float64 { return 0.3 }},
	} {
		c.per["weight"] = num(1)
		sum := make([]float64, n)
		for seed := uint64(0); seed < seeds; seed++ {
			j := job{method: c.method, shape: []int64{n}, in: [][]float32{base, x},
				params: []Params{nil, c.per}, seed: seed}
			out := run(t, j.merger(t), j.in, 1, 1)
			for k := range out {
				sum[k] += float64(out[k] - base[k])
			}
		}
		keys := make([]uint32, n)
		AbsKeys(keys, delta)
		var s Scratch
		worst := 0.0
		for q, v := range sortByKey(keys, &s) {
			k := int(uint32(v))
			p := c.p(q)
			sigma := math.Abs(float64(delta[k])) * math.Sqrt((1-p)/p/seeds)
			z := (sum[k]/seeds - float64(delta[k])) / sigma
			worst = max(worst, math.Abs(z))
		}
		t.Logf("%s: largest |z| of the mean over %d seeds vs the delta, %d elements: %.2f", c.method, seeds, n, worst)
		if worst > 4.5 {
			t.Errorf("%s: mean over seeds is biased (|z| up to %.2f)", c.method, worst)
		}
	}
}

// rescale_mode l1 keeps the L1 norm of each model's task vector.
func TestRescaleL1KeepsNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	_, delta := randomPair(r, 300*40)
	base, x := make([]float32, len(delta)), delta // a zero base: out is exactly the pruned delta
	for _, m := range []string{"della_linear", "dare_linear", "ties", "breadcrumbs"} {
		j := job{method: m, shape: []int64{300, 40}, in: [][]float32{base, x},
			params: []Params{nil, {"weight": num(1), "density": num(0.35), "epsilon": num(0.1), "gamma": num(0.05)}},
			global: Params{"rescale": num(1), "rescale_mode": {Str: "l1"}}, seed: 1}
		out := j.do(t)
		var before, after float64
		kept := 0
		for k := range out {
			before += math.Abs(float64(delta[k]))
			if d := out[k] - base[k]; d != 0 {
				after += math.Abs(float64(d))
				kept++
			}
		}
		if math.Abs(after/before-1) > 1e-5 {
			t.Errorf("%s: L1 after/before = %v", m, after/before)
		}
		t.Logf("%s: kept %.3f of the elements, L1 ratio %.7f", m, float64(kept)/float64(len(out)), after/before)
	}
}
