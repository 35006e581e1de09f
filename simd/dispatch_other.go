//go:build (!amd64 && !arm64) || purego

package simd

// Without assembly every kernel is its generic twin.

func f16ToF32(dst []float32, src []byte)  { f16ToF32Generic(dst, src) }
func f32ToF16(dst []byte, src []float32)  { f32ToF16Generic(dst, src) }
func bf16ToF32(dst []float32, src []byte) { bf16ToF32Generic(dst, src) }
func f32ToBF16(dst []byte, src []float32) { f32ToBF16Generic(dst, src) }

func dequantQ8_0(dst []float32, src []byte) { dequantQ8_0Generic(dst, src) }
func dequantQ4_0(dst []float32, src []byte) { dequantQ4_0Generic(dst, src) }
func dequantQ4_1(dst []float32, src []byte) { dequantQ4_1Generic(dst, src) }
func dequantQ5_0(dst []float32, src []byte) { dequantQ5_0Generic(dst, src) }
func dequantQ5_1(dst []float32, src []byte) { dequantQ5_1Generic(dst, src) }
func dequantQ4_K(dst []float32, src []byte) { dequantQ4_KGeneric(dst, src) }
func dequantQ5_K(dst []float32, src []byte) { dequantQ5_KGeneric(dst, src) }
func dequantQ6_K(dst []float32, src []byte) { dequantQ6_KGeneric(dst, src) }

func add(dst, a, b []float32)                                  { addGeneric(dst, a, b) }
func sub(dst, a, b []float32)                                  { subGeneric(dst, a, b) }
func scale(dst, x []float32, a float32)                        { scaleGeneric(dst, x, a) }
func addScaled(dst, x []float32, a float32)                    { addScaledGeneric(dst, x, a) }
func weightedSum(dst []float32, rows [][]float32, w []float32) { weightedSumGeneric(dst, rows, w) }
func tiesFuse(dst []float32, rows [][]float32, w []float32, normalize bool) {
	tiesFuseGeneric(dst, rows, w, normalize)
}
func magPrune(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool) {
	magPruneGeneric(dst, delta, rank, u, lo, eps, den, rescale)
}
func divScalar(dst, x []float32, a float32)   { divScalarGeneric(dst, x, a) }
func sumRows(dst []float32, rows [][]float32) { sumRowsGeneric(dst, rows) }
func electWeightedMean(dst []float32, tv [][]float32, w []float32) {
	electWeightedMeanGeneric(dst, tv, w)
}
func keepBelow(dst, x, u []float32, p float32, div bool) { keepBelowGeneric(dst, x, u, p, div) }
func keepBelowEach(dst, x, u, p []float32, div bool)     { keepBelowEachGeneric(dst, x, u, p, div) }
func absKeys(keys []uint32, x []float32)                 { absKeysGeneric(keys, x) }
func sumAbs64(x []float32) float64                       { return sumAbs64Generic(x) }
func philoxUniforms(u []float32, k0, k1, c1, c2, c3 uint32, col0 int) {
	philoxUniformsGeneric(u, k0, k1, c1, c2, c3, col0)
}

func absMax(x []float32) float32     { return absMaxGeneric(x) }
func sum(x []float32) float32        { return sumGeneric(x) }
func sumAbs(x []float32) float32     { return sumAbsGeneric(x) }
func sumSquares(x []float32) float32 { return sumSquaresGeneric(x) }
func dot(x, y []float32) float32     { return dotGeneric(x, y) }

func quantQ8_0(dst []byte, src []float32) { quantQ8_0Generic(dst, src) }
