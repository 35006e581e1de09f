//go:build (!amd64 && !arm64) || purego

package simd

func q3Search16x2(x0, x1 []float32, L0, L1 []int8, nmax int, scales0, scales1 *[16]float32) {
	q3Search16(x0, L0, nmax, scales0)
	q3Search16(x1, L1, nmax, scales1)
}
