package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkQuantizeK measures the portable quantizers of the legacy and
// K-quant types on Gaussian rows of 4096 (throughput = float32 input bytes),
// without and with an importance matrix.
func BenchmarkQuantizeK(b *testing.B) {
	const cols, rows = 4096, 16
	x := kqGauss(1, rows*cols, 0.02)
	rng := rand.New(rand.NewPCG(2, 2))
	imat := make([]float32, cols)
	for i := range imat {
		imat[i] = float32(math.Exp(rng.NormFloat64()))
	}
	for _, typ := range kqTypes {
		rs, _ := typ.RowSize(cols)
		dst := make([]byte, rows*int(rs))
		for _, w := range []struct {
			suffix string
			imat   []float32
		}{{"", nil}, {"+imatrix", imat}} {
			b.Run(typ.String()+w.suffix, func(b *testing.B) {
				b.SetBytes(int64(4 * len(x)))
				for b.Loop() {
					if err := Quantize(typ, dst, x, cols, w.imat); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
