//go:build !purego

package simd

// load sets s.x = x and s.w = w (x² when w is nil) transposed (element i of
// sub-block j at [16*i+j]), and with cube s.aux = s.w*s.x.
func (s *qxState) load(x, w []float32, cube bool) {
	xa := (*[256]float32)(x)
	for j := 0; j < 16; j++ {
		for i := 0; i < 16; i++ {
			v := xa[16*j+i]
			s.x[16*i+j] = v
			if w != nil {
				s.w[16*i+j] = w[16*j+i]
			} else {
				s.w[16*i+j] = v * v
			}
			if cube {
				s.aux[16*i+j] = s.w[16*i+j] * v
			}
		}
	}
}

// store copies the per-lane scales and the levels l+nmax out of s, with
// all-zero sub-blocks (inactive lanes) set to scale 0 and levels 0.
func (s *qxState) store(L []int8, nmax int, scales *[16]float32) {
	La := (*[256]int8)(L)
	for j := 0; j < 16; j++ {
		if s.active[j] == 0 {
			scales[j] = 0
			for i := 0; i < 16; i++ {
				La[16*j+i] = 0
			}
			continue
		}
		scales[j] = s.scale[j]
		for i := 0; i < 16; i++ {
			La[16*j+i] = int8(int32(s.l[16*i+j]) + int32(nmax))
		}
	}
}
