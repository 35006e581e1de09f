//go:build (amd64 || arm64) && !purego

package simd

// qkxSearch16 runs the kernel of QKXSearch8 (AVX2 or NEON) twice, on
// sub-blocks 0-7 and 8-15, with 16 values per lane (qkxState.n).
func qkxSearch16Fast() bool { return useAsm }

func qkxSearch16(x, w []float32, L []uint8, p QKXParams, scales, mins *[16]float32) {
	if !useAsm {
		qkxSearch16Generic(x, w, L, p, scales, mins)
		return
	}
	var s qkxState
	s.setParams(p, 16)
	for h := 0; h < 2; h++ {
		for j := 0; j < 8; j++ {
			b := 16 * (8*h + j)
			for i := 0; i < 16; i++ {
				s.x[8*i+j] = x[b+i]
				s.w[8*i+j] = w[b+i]
			}
		}
		qkxSearch8Asm(&s)
		for j := 0; j < 8; j++ {
			b := 16 * (8*h + j)
			scales[8*h+j], mins[8*h+j] = s.scale[j], -s.minv[j]
			for i := 0; i < 16; i++ {
				L[b+i] = uint8(int32(s.l[8*i+j]))
			}
		}
	}
}
