package merge

import (
	"hash/fnv"
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

// philox4x32 runs the 10-round Philox4x32 bijection on counter c with key k.
func philox4x32(c [4]uint32, k0, k1 uint32) [4]uint32 {
	a, b, d, e := philoxBlock(c[0], c[1], c[2], c[3], k0, k1)
	return [4]uint32{a, b, d, e}
}

// philoxBlock is philox4x32 on scalars (kept in registers).
func philoxBlock(c0, c1, c2, c3, k0, k1 uint32) (uint32, uint32, uint32, uint32) {
	for r := 0; r < 10; r++ {
		p0 := uint64(philoxM0) * uint64(c0)
		p1 := uint64(philoxM1) * uint64(c2)
		c0, c1, c2, c3 = uint32(p1>>32)^c1^k0, uint32(p1), uint32(p0>>32)^c3^k1, uint32(p0)
		k0 += philoxW0
		k1 += philoxW1
	}
	return c0, c1, c2, c3
}

// Fill implements Uniforms.
func (p Philox) Fill(u []float32, model int, row int64, col0 int) {
	const scale = 1.0 / (1 << 24)
	c1, c2, c3 := uint32(row), uint32(uint64(row)>>32), uint32(model)
	j, k := col0, 0
	// Whole groups of four first, then any partial group at either end.
	for ; j&3 != 0 && k < len(u); j, k = j+1, k+1 {
		u[k] = p.one(j, c1, c2, c3)
	}
	for ; k+4 <= len(u); j, k = j+4, k+4 {
		a, b, c, d := philoxBlock(uint32(j>>2), c1, c2, c3, p.k0, p.k1)
		v := u[k : k+4 : k+4]
		v[0] = float32(a>>8) * scale
		v[1] = float32(b>>8) * scale
		v[2] = float32(c>>8) * scale
		v[3] = float32(d>>8) * scale
	}
	for ; k < len(u); j, k = j+1, k+1 {
		u[k] = p.one(j, c1, c2, c3)
	}
}

// one returns the draw for column j alone.
func (p Philox) one(j int, c1, c2, c3 uint32) float32 {
	w := philox4x32([4]uint32{uint32(j >> 2), c1, c2, c3}, p.k0, p.k1)
	return float32(w[j&3]>>8) * (1.0 / (1 << 24))
}
