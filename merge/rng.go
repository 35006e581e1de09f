package merge

import (
	"hash/fnv"

	"github.com/ggufmerge/ggufmerge/simd"
)

// DefaultSeed is the seed used when the user gives none (printed by the CLI).
const DefaultSeed uint64 = 42

// Uniforms supplies the random numbers of the random methods (dare_*,
// della*). Implementations must be pure functions of their arguments so that
// results do not depend on chunking or goroutines.
type Uniforms interface {
	// Fill sets u[j] to the uniform in [0, 1) drawn for element col0+j of
	// row `row` of input `model` of the tensor the source was made for.
	Fill(u []float32, model int, row int64, col0 int)
}

// Philox is the default generator: Philox4x32-10 (Salmon et al., SC'11, the
// Random123 generator that cuRAND and PyTorch's CUDA backend use), counter
// based, so any element's draw is computed directly.
//
// For tensor T, seed s, input i, row r and column j:
//
//	key     = (k0, k1) = the two 32-bit halves of mix64(s ^ mix64(FNV-1a-64(T)))
//	counter = (j/4, low32(r), high32(r), i)
//	u       = (word j%4 of Philox4x32-10(counter, key)) >> 8, times 2^-24
//
// mix64 is the SplitMix64 finalizer. u is a multiple of 2^-24 in [0, 1), so
// "keep ⇔ u < p" keeps with probability within 2^-24 of p.
type Philox struct{ k0, k1 uint32 }

// NewPhilox returns the generator for one tensor.
func NewPhilox(seed uint64, tensor string) Philox {
	h := fnv.New64a()
	h.Write([]byte(tensor))
	k := mix64(seed ^ mix64(h.Sum64()))
	return Philox{k0: uint32(k), k1: uint32(k >> 32)}
}

// mix64 is the SplitMix64 output function (Steele, Lea, Flood 2014).
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

const (
	philoxM0 = 0xD2511F53
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9
	philoxW1 = 0xBB67AE85
)

// philox4x32 runs the 10-round Philox4x32 bijection on counter c with key k:
// the scalar definition the known-answer tests and simd's kernel are held to.
func philox4x32(c [4]uint32, k0, k1 uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		p0 := uint64(philoxM0) * uint64(c[0])
		p1 := uint64(philoxM1) * uint64(c[2])
		c = [4]uint32{uint32(p1>>32) ^ c[1] ^ k0, uint32(p1), uint32(p0>>32) ^ c[3] ^ k1, uint32(p0)}
		k0 += philoxW0
		k1 += philoxW1
	}
	return c
}

// Fill implements Uniforms, whole rows at a time in simd.PhiloxUniforms
// (the same draws as the scalar philox4x32, eight blocks per step).
func (p Philox) Fill(u []float32, model int, row int64, col0 int) {
	simd.PhiloxUniforms(u, p.k0, p.k1, uint32(row), uint32(uint64(row)>>32), uint32(model), col0)
}
