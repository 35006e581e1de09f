package quant

import (
	"math/rand"
	"testing"
)

// Throughput of the dequantizers (every type) and of the simple
// quantizers, in MB/s of float32 data (b.SetBytes = 4 × elements).
// One row of benchCols values per iteration: 256 KiB of floats, so the
// working set stays in L2 and the numbers measure the code, not memory.

const benchCols = 64 * 1024

func benchInput() []float32 {
	r := rand.New(rand.NewSource(1))
	x := make([]float32, benchCols)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 0.02)
	}
	return x
}

// benchBlocks returns quantized data for t: ggml-style output of our own
// quantizer when there is one, random blocks with sane scales otherwise.
func benchBlocks(b *testing.B, typ Type, x []float32) []byte {
	rs, err := typ.RowSize(benchCols)
	if err != nil {
		b.Fatal(err)
	}
	if CanQuantize(typ) && Imatrix(typ) != ImatrixRequired {
		q := make([]byte, rs)
		if err := Quantize(typ, q, x, benchCols, nil); err != nil {
			b.Fatal(err)
		}
		return q
	}
	return randomBlocks(rand.New(rand.NewSource(2)), typ, int(rs)/typ.TypeSize())
}

func BenchmarkDequantize(b *testing.B) {
	x := benchInput()
	for _, typ := range Types() {
		for _, portable := range benchPaths(codecs[typ].fastDequant != nil) {
			b.Run(benchName(typ.String(), portable), func(b *testing.B) {
				q := benchBlocks(b, typ, x)
				y := make([]float32, benchCols)
				b.SetBytes(4 * benchCols)
				defer setPortable(portable)()
				b.ResetTimer()
				for b.Loop() {
					if err := Dequantize(typ, y, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchPaths lists the paths to measure: the default one, and the portable
// Go code too when an accelerated kernel is registered ("<type>-portable").
func benchPaths(hasFast bool) []bool {
	if hasFast {
		return []bool{false, true}
	}
	return []bool{false}
}

func benchName(name string, portable bool) string {
	if portable {
		return name + "-portable"
	}
	return name
}

// setPortable forces the portable implementations while measuring them and
// returns the restore function.
func setPortable(on bool) func() {
	old := portableOnly
	portableOnly = on
	return func() { portableOnly = old }
}

func BenchmarkQuantize(b *testing.B) {
	x := benchInput()
	imat := make([]float32, benchCols)
	for i := range imat {
		imat[i] = 1 + float32(i%7)
	}
	for _, typ := range myQuantTypes {
		for _, withW := range []bool{false, true} {
			if withW && Imatrix(typ) != ImatrixOptional {
				continue
			}
			name := typ.String()
			var w []float32
			if withW {
				name += "+imatrix"
				w = imat
			}
			for _, portable := range benchPaths(codecs[typ].fastQuant != nil) {
				b.Run(benchName(name, portable), func(b *testing.B) {
					rs, _ := typ.RowSize(benchCols)
					q := make([]byte, rs)
					b.SetBytes(4 * benchCols)
					defer setPortable(portable)()
					for b.Loop() {
						if err := Quantize(typ, q, x, benchCols, w); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
