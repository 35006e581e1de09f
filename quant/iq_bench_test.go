package quant

import "testing"

// BenchmarkIQQuantize measures each IQ quantizer on a 64x4096 Gaussian
// matrix with importance weights (the gauss64x4096 input of the ggml
// comparison test); bytes are the float32 input. The grids are built before
// the timer starts.
func BenchmarkIQQuantize(b *testing.B) {
	var in iqRefInput
	for _, v := range iqRefInputs(false) {
		if v.name == "gauss64x4096" {
			in = v
		}
	}
	imat := iqImatrix(21, in.cols, false)
	for _, typ := range iqTypes {
		b.Run(typ.String(), func(b *testing.B) {
			dst := make([]byte, in.rows*in.cols/QK_K*typ.TypeSize())
			if err := Quantize(typ, dst[:len(dst)/in.rows], in.data[:in.cols], in.cols, imat); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(4 * len(in.data)))
			b.ResetTimer()
			for b.Loop() {
				if err := Quantize(typ, dst, in.data, in.cols, imat); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIQGridInit measures building every IQ grid once (what the first
// quantization of a type pays).
func BenchmarkIQGridInit(b *testing.B) {
	for _, s := range iqGridSpecs {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				newIQGrid(s.kgrid, s.dim, s.bits, s.maxLevel, s.nwant)
			}
		})
	}
}
