//go:build (!amd64 && !arm64) || purego

package simd

func q3Search16(x []float32, L []int8, nmax int, scales *[16]float32) {
	q3Search16Generic(x, L, nmax, scales)
}

func requant(L []uint8, x, m, d []float32, lo, hi, bias int32) {
	requantGeneric(L, x, m, d, lo, hi, bias)
}
