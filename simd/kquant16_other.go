//go:build (!amd64 && !arm64) || purego

package simd

func qkxSearch16(x, w []float32, L []uint8, p QKXParams, scales, mins *[16]float32) {
	qkxSearch16Generic(x, w, L, p, scales, mins)
}

func qkxSearch16Fast() bool { return false }
