package simd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
)

// Golden data from the real ggml (shared/golden/quant, see its README):
// <type>/<case>.bin are ggml's quantized bytes and <case>.f32 what ggml's
// to_float made of them; inputs/<dist>.f32 are the source floats.

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func goldenCases(t *testing.T, dir, typ string) []string {
	t.Helper()
	bins, err := filepath.Glob(filepath.Join(dir, typ, "*.bin"))
	if err != nil || len(bins) == 0 {
		t.Fatalf("no golden cases for %s in %s", typ, dir)
	}
	return bins
}

func TestGoldenDequant(t *testing.T) {
	dir := sharedtest.Dir(t, "golden/quant")
	typeDir := map[string]string{"Q8_0": "q8_0", "Q4_0": "q4_0", "Q4_1": "q4_1", "Q5_0": "q5_0",
		"Q5_1": "q5_1", "Q4_K": "q4_K", "Q5_K": "q5_K", "Q6_K": "q6_K"}
	for _, k := range dequantKernels {
		t.Run(k.name, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T) {
				for _, bin := range goldenCases(t, dir, typeDir[k.name]) {
					src := readFile(t, bin)
					want := floatsFrom(readFile(t, strings.TrimSuffix(bin, ".bin")+".f32"))
					got := make([]float32, len(want))
					k.fast(got, src)
					compareF32(t, filepath.Base(bin), got, want, sameBits)
				}
			})
		})
	}
}

func TestGoldenHalf(t *testing.T) {
	dir := sharedtest.Dir(t, "golden/quant")
	type conv struct {
		typ     string
		widen   func([]float32, []byte)
		narrows func([]byte, []float32)
	}
	for _, c := range []conv{{"f16", F16ToF32, F32ToF16}, {"bf16", BF16ToF32, F32ToBF16}} {
		t.Run(c.typ, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T) {
				for _, bin := range goldenCases(t, dir, c.typ) {
					q := readFile(t, bin)
					name := strings.TrimSuffix(filepath.Base(bin), ".bin")
					want := floatsFrom(readFile(t, strings.TrimSuffix(bin, ".bin")+".f32"))
					got := make([]float32, len(want))
					c.widen(got, q)
					compareF32(t, c.typ+"/"+name+" widen", got, want, sameBits)

					input := floatsFrom(readFile(t, filepath.Join(dir, "inputs", name+".f32")))
					out := make([]byte, 2*len(input))
					c.narrows(out, input)
					if !bytes.Equal(out, q) {
						t.Fatalf("%s/%s: narrowing the input differs from ggml's bytes", c.typ, name)
					}
				}
			})
		})
	}
}
