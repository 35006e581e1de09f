package quant

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
)

// goldenCase is one entry of shared/golden/quant/manifest.json: bytes and
// floats produced by the real ggml (x86-64, no FMA) for one type and input.
type goldenCase struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	TypeID      int    `json:"type_id"`
	Rows        int    `json:"rows"`
	Cols        int    `json:"cols"`
	Imatrix     bool   `json:"imatrix"`
	ImatrixFile string `json:"imatrix_file"`
	Input       string `json:"input"`
	Quant       string `json:"quant"`
	Dequant     string `json:"dequant"`
	Status      string `json:"status"`
}

func loadGolden(t *testing.T) (string, []goldenCase) {
	t.Helper()
	dir := sharedtest.Dir(t, "golden/quant")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return dir, m.Cases
}

func readF32(t testing.TB, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

func goldenType(t *testing.T, c goldenCase) Type {
	t.Helper()
	typ, err := ParseType(c.Type)
	if err != nil || int(typ) != c.TypeID {
		t.Fatalf("manifest type %s (id %d) does not match our table: %v", c.Type, c.TypeID, err)
	}
	return typ
}

// TestGoldenDequantize checks every golden case's dequantized floats bit for
// bit (so -0 and exact zeros count).
func TestGoldenDequantize(t *testing.T) {
	dir, cases := loadGolden(t)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			typ := goldenType(t, c)
			q, err := os.ReadFile(filepath.Join(dir, c.Quant))
			if err != nil {
				t.Fatal(err)
			}
			want := readF32(t, filepath.Join(dir, c.Dequant))
			got := make([]float32, len(want))
			if err := Dequantize(typ, got, q); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("element %d (row %d col %d): got %g (%#08x), ggml %g (%#08x)", i, i/c.Cols, i%c.Cols,
						got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
			}
		})
	}
}

// TestGoldenQuantize checks every golden case's quantized bytes against ggml.
func TestGoldenQuantize(t *testing.T) {
	dir, cases := loadGolden(t)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			typ := goldenType(t, c)
			src := readF32(t, filepath.Join(dir, c.Input))
			var imat []float32
			if c.Imatrix {
				imat = readF32(t, filepath.Join(dir, c.ImatrixFile))
			}
			want, err := os.ReadFile(filepath.Join(dir, c.Quant))
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(want))
			if err := Quantize(typ, got, src, c.Cols, imat); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				rs := len(want) / c.Rows
				bs := typ.TypeSize()
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%d of %d bytes differ; first at byte %d (row %d, block %d, byte %d in block): got %#02x, ggml %#02x",
							countDiff(got, want), len(want), i, i/rs, (i%rs)/bs, (i%rs)%bs, got[i], want[i])
					}
				}
			}
		})
	}
}

func countDiff(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
