package simd

import "math/bits"

// PhiloxUniforms fills u with the uniforms merge.Philox draws: for
// j = col0 + k,
//
//	w    = Philox4x32-10(counter (j/4, c1, c2, c3), key (k0, k1))
//	u[k] = float32(w[j%4] >> 8) * 2^-24
//
// Philox4x32-10 is Salmon et al. (SC'11), the Random123 generator. Each
// result is a multiple of 2^-24 in [0, 1). col0 must be >= 0.
func PhiloxUniforms(u []float32, k0, k1, c1, c2, c3 uint32, col0 int) {
	if col0 < 0 {
		panic("simd: PhiloxUniforms: negative col0")
	}
	philoxUniforms(u, k0, k1, c1, c2, c3, col0)
}

const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

// philox4x32 runs the 10 rounds on counter c with key (k0, k1).
func philox4x32(c [4]uint32, k0, k1 uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		if r > 0 {
			k0 += philoxW0
			k1 += philoxW1
		}
		hi0, lo0 := bits.Mul32(philoxM0, c[0])
		hi1, lo1 := bits.Mul32(philoxM1, c[2])
		c = [4]uint32{hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0}
	}
	return c
}

func philoxUniformsGeneric(u []float32, k0, k1, c1, c2, c3 uint32, col0 int) {
	const scale = 1.0 / (1 << 24)
	j := col0
	for k := 0; k < len(u); {
		w := philox4x32([4]uint32{uint32(j >> 2), c1, c2, c3}, k0, k1)
		for lane := j & 3; lane < 4 && k < len(u); lane++ {
			u[k] = float32(w[lane]>>8) * scale
			k++
			j++
		}
	}
}
