package quant

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tests of the Q4_0..Q5_1 and Q2_K..Q6_K quantizers beyond the golden
// files: a differential test against the real ggml on many more inputs
// (when the reference toolkit is installed) and properties that hold
// without it.

var kqTypes = []Type{Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K}

// kqInput is one test matrix.
type kqInput struct {
	name       string
	rows, cols int
	x          []float32
}

// kqInputs are stress inputs for the scale searches: ties on a coarse grid,
// all-positive and all-negative sub-blocks, sparse and zero blocks, constant
// runs, outliers, values whose squares are subnormal, large values.
func kqInputs() []kqInput {
	const rows, cols = 16, 1024
	rng := rand.New(rand.NewPCG(7, 11))
	gen := func(name string, f func(r, c int) float64) kqInput {
		in := kqInput{name: name, rows: rows, cols: cols, x: make([]float32, rows*cols)}
		for r := range rows {
			for c := range cols {
				in.x[r*cols+c] = float32(f(r, c))
			}
		}
		return in
	}
	rowScale := func(r int) float64 { return math.Pow(10, float64(r%8)-4) } // 1e-4 .. 1e3
	return []kqInput{
		gen("gauss", func(r, c int) float64 { return rng.NormFloat64() * rowScale(r) }),
		gen("grid", func(r, c int) float64 { return math.Round(rng.NormFloat64()*4) / 8 }),
		gen("positive", func(r, c int) float64 { return 0.1 + rng.Float64()*float64(r+1) }),
		gen("negative", func(r, c int) float64 { return -0.5 - rng.Float64() }),
		gen("sparse", func(r, c int) float64 {
			if rng.IntN(10) > 0 || (c/32)%3 == 0 {
				return 0
			}
			return rng.NormFloat64()
		}),
		gen("steps", func(r, c int) float64 { return float64((c/16)%5-2) * 0.3 * float64(r%3+1) }),
		gen("outliers", func(r, c int) float64 {
			v := rng.NormFloat64() * 0.02
			if rng.IntN(64) == 0 {
				v *= 300
			}
			return v
		}),
		gen("subnormal", func(r, c int) float64 {
			// x² underflows float32 (1e-20..1e-30); rows alternate scales.
			return rng.NormFloat64() * []float64{1e-20, 1e-25, 1e-30, 3e-8}[r%4]
		}),
		gen("large", func(r, c int) float64 { return rng.NormFloat64() * 2000 }),
	}
}

// kqImatrices are per-column importance weights: dense, with 25% zeros,
// and with whole 32-column groups zero.
func kqImatrices(cols int) map[string][]float32 {
	rng := rand.New(rand.NewPCG(3, 5))
	dense := make([]float32, cols)
	zeros := make([]float32, cols)
	groups := make([]float32, cols)
	for i := range cols {
		dense[i] = float32(math.Exp(rng.NormFloat64()))
		zeros[i] = dense[i]
		if rng.IntN(4) == 0 {
			zeros[i] = 0
		}
		groups[i] = dense[i]
		if (i/32)%4 == 1 {
			groups[i] = 0
		}
	}
	return map[string][]float32{"imatrix": dense, "imatrix0": zeros, "imatrixgroups": groups}
}

func kqWriteF32(t testing.TB, path string, x []float32) {
	t.Helper()
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// kqQref finds the reference ggml_qref tool or skips.
func kqQref(t *testing.T) string {
	if p, err := exec.LookPath("ggml_qref"); err == nil {
		return p
	}
	home := os.Getenv("REF_HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(h, ".cache", "ggufmerge-ref")
		}
	}
	p := filepath.Join(home, "bin", "ggml_qref")
	if _, err := os.Stat(p); err != nil {
		t.Skip("ggml_qref (reference toolkit, shared/tools/ref/setup.sh) not installed: skipping comparison with the real ggml")
	}
	return p
}

// TestQuantizeMatchesGGML quantizes the stress inputs with and without
// importance weights, here and with the real ggml (ggml_qref batch), and
// requires identical bytes.
func TestQuantizeMatchesGGML(t *testing.T) {
	qref := kqQref(t)
	dir := t.TempDir()
	inputs := kqInputs()
	imats := kqImatrices(inputs[0].cols)
	for _, in := range inputs {
		kqWriteF32(t, filepath.Join(dir, in.name+".f32"), in.x)
	}
	for name, w := range imats {
		kqWriteF32(t, filepath.Join(dir, name+".f32"), w)
	}
	type job struct {
		typ  Type
		in   kqInput
		imat string
		out  string
	}
	var jobs []job
	var cmds strings.Builder
	for _, typ := range kqTypes {
		for _, in := range inputs {
			for _, im := range []string{"", "imatrix", "imatrix0", "imatrixgroups"} {
				j := job{typ: typ, in: in, imat: im, out: fmt.Sprintf("%s-%s-%s.bin", typ, in.name, im)}
				jobs = append(jobs, j)
				fmt.Fprintf(&cmds, "quant %s %d %d %s.f32 %s", typ, in.rows, in.cols, in.name, j.out)
				if im != "" {
					fmt.Fprintf(&cmds, " --imatrix %s.f32", im)
				}
				cmds.WriteByte('\n')
			}
		}
	}
	cmd := exec.Command(qref, "batch")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(cmds.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ggml_qref batch: %v\n%s", err, out)
	}
	for _, j := range jobs {
		t.Run(fmt.Sprintf("%s/%s/%s", j.typ, j.in.name, j.imat), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, j.out))
			if err != nil {
				t.Fatal(err)
			}
			var w []float32
			if j.imat != "" {
				w = imats[j.imat]
			}
			got := make([]byte, len(want))
			if err := Quantize(j.typ, got, j.in.x, j.in.cols, w); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for got[i] == want[i] {
					i++
				}
				bs := j.typ.TypeSize()
				t.Fatalf("%d of %d bytes differ from ggml; first in block %d, byte %d: got %#02x, ggml %#02x",
					countDiff(got, want), len(want), i/bs, i%bs, got[i], want[i])
			}
		})
	}
}

// kqRoundTrip quantizes x (rows of cols) and dequantizes it back.
func kqRoundTrip(t testing.TB, typ Type, x []float32, cols int, imat []float32) ([]byte, []float32) {
	t.Helper()
	rs, err := typ.RowSize(int64(cols))
	if err != nil {
		t.Fatal(err)
	}
	q := make([]byte, len(x)/cols*int(rs))
	if err := Quantize(typ, q, x, cols, imat); err != nil {
		t.Fatal(err)
	}
	y := make([]float32, len(x))
	if err := Dequantize(typ, y, q); err != nil {
		t.Fatal(err)
	}
	return q, y
}

func kqGauss(seed uint64, n int, std float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * std)
	}
	return x
}

// relRMSE is the RMS error relative to the RMS of x.
func relRMSE(x, y []float32) float64 {
	var e, s float64
	for i := range x {
		d := float64(x[i]) - float64(y[i])
		e += d * d
		s += float64(x[i]) * float64(x[i])
	}
	return math.Sqrt(e / s)
}

// TestQuantizeRMSE bounds the round-trip error on Gaussian rows, with and
// without importance weights (all ones). Measured relative RMSE (without /
// with imatrix): q4_0 .0856/.0812, q4_1 .0780/.0696, q5_0 .0423/.0400,
// q5_1 .0378/.0339, q2_K .2955/.2669, q3_K .1511/.1447, q4_K .0712/.0705,
// q5_K .0361/.0354, q6_K .0178/.0173. The bounds are ~15% above: they catch
// a broken search or scale, the byte comparisons catch the rest.
func TestQuantizeRMSE(t *testing.T) {
	bound := map[Type]float64{Q4_0: 0.099, Q4_1: 0.090, Q5_0: 0.049, Q5_1: 0.044,
		Q2_K: 0.34, Q3_K: 0.175, Q4_K: 0.082, Q5_K: 0.042, Q6_K: 0.021}
	const cols = 4096
	x := kqGauss(42, 8*cols, 0.02)
	ones := make([]float32, cols)
	for i := range ones {
		ones[i] = 1
	}
	for _, typ := range kqTypes {
		for _, imat := range [][]float32{nil, ones} {
			_, y := kqRoundTrip(t, typ, x, cols, imat)
			if e := relRMSE(x, y); !(e < bound[typ]) {
				t.Errorf("%s (imatrix %v): relative RMSE %.4f, want < %.3f", typ, imat != nil, e, bound[typ])
			}
		}
	}
}

// TestImatrixLowersWeightedError: with strongly varying importance weights
// the weighted path must fit the heavy columns better than the unweighted
// one, measured by the weighted squared error over many rows.
func TestImatrixLowersWeightedError(t *testing.T) {
	const cols = 1024
	x := kqGauss(9, 16*cols, 1)
	rng := rand.New(rand.NewPCG(10, 1))
	w := make([]float32, cols)
	for i := range w {
		w[i] = float32(math.Exp(2 * rng.NormFloat64()))
	}
	werr := func(y []float32) float64 {
		var s float64
		for i := range x {
			d := float64(x[i] - y[i])
			s += float64(w[i%cols]) * d * d
		}
		return s
	}
	for _, typ := range kqTypes {
		_, plain := kqRoundTrip(t, typ, x, cols, nil)
		_, weighted := kqRoundTrip(t, typ, x, cols, w)
		if a, b := werr(plain), werr(weighted); !(b < a) {
			t.Errorf("%s: weighted error with imatrix %.4g, without %.4g", typ, b, a)
		}
	}
}

// TestQuantizeEdgeRows: all-zero rows and blocks stay exactly zero,
// constant rows come back close, tiny values and imatrices with zeros give
// finite output, and nothing produces NaN or Inf.
func TestQuantizeEdgeRows(t *testing.T) {
	const cols = 512
	rows := [][]float32{
		make([]float32, cols), // zero
		kqConst(cols, 0.3), kqConst(cols, -3.25), kqConst(cols, 1e-3), kqConst(cols, 100),
		kqGauss(1, cols, 1e-6), kqGauss(2, cols, 1e-9), kqGauss(3, cols, 1e-20), // fp16 underflow of scales
		kqGauss(4, cols, 1000),
	}
	var x []float32
	for _, r := range rows {
		x = append(x, r...)
	}
	imats := kqImatrices(cols)
	for _, typ := range kqTypes {
		for _, im := range []string{"", "imatrix0", "imatrixgroups"} {
			_, y := kqRoundTrip(t, typ, x, cols, imats[im])
			for i, v := range y {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("%s %s: element %d (row %d) is %g", typ, im, i, i/cols, v)
				}
			}
			for i, v := range y[:cols] {
				if math.Float32bits(v) != 0 && math.Float32bits(v) != 1<<31 {
					t.Fatalf("%s %s: zero row element %d came back as %g", typ, im, i, v)
				}
			}
			// 1e-3 is near fp16 underflow for Q6_K's 16-value scales
			// (d ≈ c/4096): allow 10% there, 2% elsewhere.
			tol := []float64{1: 0.02, 2: 0.02, 3: 0.10, 4: 0.02}
			for r := 1; r <= 4; r++ {
				c := float64(rows[r][0])
				for i, v := range y[r*cols : (r+1)*cols] {
					if w := imats[im]; w != nil && w[i] == 0 {
						continue // weight 0: ggml is free to (and does) drop it
					}
					if math.Abs(float64(v)-c) > tol[r]*math.Abs(c) {
						t.Fatalf("%s %s: constant row %g element %d came back as %g", typ, im, c, i, v)
					}
				}
			}
			// Tiny rows: the fp16 scales go subnormal or zero, so ggml's
			// error can exceed the values themselves (Q4_K/Q5_K: ~3x at
			// 1e-6), but nothing may blow up.
			for r := 5; r <= 7; r++ {
				var xm, ym float64
				for i := range cols {
					xm = max(xm, math.Abs(float64(rows[r][i])))
					ym = max(ym, math.Abs(float64(y[r*cols+i])))
				}
				if !(ym <= 16*xm) {
					t.Errorf("%s %s: tiny row %d max|x| %g became max|y| %g", typ, im, r, xm, ym)
				}
			}
		}
	}
}

func kqConst(n int, c float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = c
	}
	return x
}

// kqRequantStable lists the types for which quantizing the dequantized
// output gives back the same bytes (TestRequantizeDequantized logs every
// type). It holds for Q4_0..Q5_1 at every scale tried: the block's extreme
// value dequantizes exactly to the scale's end point, so the same d comes
// back. It does not hold for the K-quants: their scales come from a
// weighted search whose optimum moves once the values sit on the grid
// (about 0.2% of Q2_K bytes, 0.5% of Q4_K, 2-11% of Q3_K/Q5_K/Q6_K change).
var kqRequantStable = map[Type]bool{Q4_0: true, Q4_1: true, Q5_0: true, Q5_1: true}

// TestRequantizeDequantized quantizes, dequantizes and quantizes again, and
// reports which types reproduce their bytes; for those listed in
// kqRequantStable it is required.
func TestRequantizeDequantized(t *testing.T) {
	const cols = 1024
	for _, typ := range kqTypes {
		n, total := 0, 0
		for seed, std := range []float64{0.05, 1, 300, 1e-4} {
			x := kqGauss(uint64(5+seed), 16*cols, std)
			q, y := kqRoundTrip(t, typ, x, cols, nil)
			q2, _ := kqRoundTrip(t, typ, y, cols, nil)
			n += countDiff(q, q2)
			total += len(q)
		}
		t.Logf("%s: requantizing the dequantized values changes %d of %d bytes", typ, n, total)
		if kqRequantStable[typ] && n != 0 {
			t.Errorf("%s: requantizing its own dequantized output changed %d bytes", typ, n)
		}
	}
}

// FuzzQuantizeK: any finite input of moderate size quantizes without panic
// to blocks that dequantize to finite values, with and without weights.
func FuzzQuantizeK(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint8(0), false)
	f.Add(bytes.Repeat([]byte{0x3f, 0x80, 0, 0}, 64), uint8(4), true)
	f.Fuzz(func(t *testing.T, raw []byte, ti uint8, withImatrix bool) {
		typ := kqTypes[int(ti)%len(kqTypes)]
		x := make([]float32, QK_K)
		w := make([]float32, QK_K)
		for i := range x {
			if 4*i+4 <= len(raw) {
				v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
				if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 1e4 {
					v = 0
				}
				x[i] = v
				w[i] = fabsf(v)
			}
		}
		var imat []float32
		if withImatrix {
			imat = w
		}
		_, y := kqRoundTrip(t, typ, x, QK_K, imat)
		for i, v := range y {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s: element %d is %g (input %g)", typ, i, v, x[i])
			}
		}
	})
}

// TestQ3KPairsOddBlocks checks the fast Q3_K quantizer, which searches two
// super-blocks at a time, on odd block counts and rows of one block
// against the portable rule, on every simd kernel set.
func TestQ3KPairsOddBlocks(t *testing.T) {
	forEachSimdImpl(t, func(t *testing.T) {
		for _, blocks := range []int{1, 2, 3, 5} {
			for _, nPerRow := range []int{256, 256 * blocks} {
				x := kqGauss(uint64(blocks), blocks*256, 0.02)
				got, want := make([]byte, blocks*110), make([]byte, blocks*110)
				quantizeQ3KPairs(got, x, nPerRow, nil)
				quantizeK(Q3_K, quantBlockQ3K)(want, x, nPerRow, nil)
				if !bytes.Equal(got, want) {
					t.Fatalf("%d blocks, rows of %d: bytes differ from the portable rule", blocks, nPerRow)
				}
			}
		}
	})
}
