package quant

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// iqTypes are the grid quantizers of this file family, in ggml id order.
var iqTypes = []Type{IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, IQ1_M}

// iqRefInput is one generated matrix for the comparison with the real ggml.
type iqRefInput struct {
	name       string
	rows, cols int
	data       []float32
}

// iqRefInputs builds inputs beyond the golden 8x512 set: other seeds, a
// 64x4096 matrix, heavy tails, exact ties (which exercise the IQ1 sort
// order) and all-zero sub-blocks (which exercise ggml's skipped-block paths).
func iqRefInputs(short bool) []iqRefInput {
	gauss := func(name string, seed uint64, rows, cols int) iqRefInput {
		r := rand.New(rand.NewPCG(seed, 1))
		std := []float32{1, 0.02, 0.5, 0.1, 2, 0.01, 1e-3, 0.05}
		d := make([]float32, rows*cols)
		for i := range d {
			d[i] = float32(r.NormFloat64()) * std[(i/cols)%len(std)]
		}
		return iqRefInput{name, rows, cols, d}
	}
	heavy := func(seed uint64, rows, cols int) iqRefInput {
		r := rand.New(rand.NewPCG(seed, 2))
		d := make([]float32, rows*cols)
		for i := range d {
			chi := 0.0
			for k := 0; k < 3; k++ {
				z := r.NormFloat64()
				chi += z * z
			}
			v := r.NormFloat64() / math.Sqrt(chi/3) * 0.05 // Student-t, 3 dof
			if r.Float64() < 0.005 {
				v *= 40
			}
			d[i] = float32(v)
		}
		for row := 0; row < rows; row++ {
			d[row*cols+r.IntN(cols)] = float32((r.Float64() + 1) * 2.5 * float64(1-2*r.IntN(2)))
		}
		return iqRefInput{"heavy", rows, cols, d}
	}
	ties := func(seed uint64, rows, cols int) iqRefInput {
		r := rand.New(rand.NewPCG(seed, 3))
		d := make([]float32, rows*cols)
		for i := range d {
			d[i] = float32(r.IntN(5)-2) * 0.01
		}
		for row := 0; row < rows; row += 3 { // some constant 16/32-blocks
			c := float32(r.IntN(7)-3) * 0.25
			for j := 0; j < 32; j++ {
				d[row*cols+64+j] = c
			}
		}
		return iqRefInput{"ties", rows, cols, d}
	}
	sparse := func(seed uint64, rows, cols int) iqRefInput {
		r := rand.New(rand.NewPCG(seed, 4))
		d := make([]float32, rows*cols)
		for i := range d {
			if r.Float64() < 0.3 {
				d[i] = float32(r.NormFloat64())
			}
		}
		for row := 0; row < rows; row++ { // zero 16- and 32-element sub-blocks
			for b := 0; b < cols/16; b++ {
				if r.IntN(4) == 0 {
					clear(d[row*cols+16*b : row*cols+16*b+16])
				}
			}
		}
		return iqRefInput{"sparse", rows, cols, d}
	}
	in := []iqRefInput{
		gauss("gauss11", 11, 16, 1024),
		gauss("gauss12", 12, 8, 2048),
		heavy(14, 16, 2048),
		ties(15, 16, 1024),
		sparse(16, 16, 1024),
	}
	if !short {
		in = append(in, gauss("gauss64x4096", 13, 64, 4096))
	}
	return in
}

// iqImatrix returns per-column importance weights exp(N(0,1)); sparse sets
// one column in eight to exactly zero.
func iqImatrix(seed uint64, cols int, sparse bool) []float32 {
	r := rand.New(rand.NewPCG(seed, 5))
	w := make([]float32, cols)
	for i := range w {
		w[i] = float32(math.Exp(r.NormFloat64()))
		if sparse && r.IntN(8) == 0 {
			w[i] = 0
		}
	}
	return w
}

func iqWriteF32(t testing.TB, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIQQuantizeMatchesGGML quantizes generated matrices with our IQ1/IQ2/IQ3
// quantizers and with the real ggml (ggml_qref, one batch process so ggml
// builds each grid once) and requires identical bytes.
func TestIQQuantizeMatchesGGML(t *testing.T) {
	qref, err := exec.LookPath("ggml_qref")
	if err != nil {
		t.Skip("ggml_qref not on PATH (source ~/.cache/ggufmerge-ref/env.sh, see shared/tools/ref/README.md): skipping comparison with the real ggml")
	}
	dir := t.TempDir()
	type job struct {
		typ     Type
		in      iqRefInput
		imat    []float32
		label   string
		outPath string
	}
	var jobs []job
	var cmds strings.Builder
	for _, in := range iqRefInputs(testing.Short()) {
		inPath := filepath.Join(dir, in.name+".f32")
		iqWriteF32(t, inPath, in.data)
		imats := map[string][]float32{
			"imatrix":        iqImatrix(21, in.cols, false),
			"imatrix_sparse": iqImatrix(22, in.cols, true),
		}
		for name, w := range imats {
			iqWriteF32(t, filepath.Join(dir, in.name+"."+name+".f32"), w)
		}
		for _, typ := range iqTypes {
			variants := []string{"imatrix", "imatrix_sparse"}
			if Imatrix(typ) == ImatrixOptional {
				variants = append(variants, "")
			}
			for _, v := range variants {
				label := fmt.Sprintf("%s/%s", typ, in.name)
				if v != "" {
					label += "+" + v
				}
				out := filepath.Join(dir, strings.NewReplacer("/", "_", "+", "_").Replace(label)+".bin")
				fmt.Fprintf(&cmds, "quant %s %d %d %s %s", typ, in.rows, in.cols, inPath, out)
				if v != "" {
					fmt.Fprintf(&cmds, " --imatrix %s", filepath.Join(dir, in.name+"."+v+".f32"))
				}
				cmds.WriteString("\n")
				jobs = append(jobs, job{typ, in, imats[v], label, out})
			}
		}
	}
	cmd := exec.Command(qref, "batch")
	cmd.Stdin = strings.NewReader(cmds.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("ggml_qref batch: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for i := 0; sc.Scan(); i++ {
		var res struct {
			Op    string `json:"op"`
			Valid bool   `json:"valid"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil || res.Op != "quant" || !res.Valid {
			t.Fatalf("ggml_qref line %d (%s): %s %v\n%s", i, jobs[min(i, len(jobs)-1)].label, sc.Text(), err, stderr.String())
		}
	}
	for _, j := range jobs {
		t.Run(j.label, func(t *testing.T) {
			want, err := os.ReadFile(j.outPath)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(want))
			if err := Quantize(j.typ, got, j.in.data, j.in.cols, j.imat); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				bs := j.typ.TypeSize()
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%d of %d bytes differ from ggml; first at byte %d (block %d, byte %d): got %#02x, ggml %#02x",
							countDiff(got, want), len(want), i, i/bs, i%bs, got[i], want[i])
					}
				}
			}
		})
	}
}
