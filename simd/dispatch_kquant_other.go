//go:build (!amd64 && !arm64) || purego

package simd

func qkxSearch8(x, w []float32, L []uint8, p QKXParams, scales, mins *[8]float32) {
	qkxSearch8Generic(x, w, L, p, scales, mins)
}

func qxSearch16(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	qxSearch16Generic(x, w, L, nmax, scales)
}
