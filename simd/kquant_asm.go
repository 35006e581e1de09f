//go:build (amd64 || arm64) && !purego

package simd

// qkxState is the working memory of qkxSearch8Asm. Every [256]float32
// array is transposed: element i of sub-block (lane) j sits at [8*i+j], so
// one 8-lane vector holds element i of all eight sub-blocks. The offsets
// are fixed in kquant_amd64.s and kquant_arm64.s (checked by
// TestQKXStateLayout).
type qkxState struct {
	x, w [256]float32 // inputs
	xm   [256]float32 // x - min, for the current best min
	l    [256]float32 // best levels so far (small integers, as floats)
	aux  [256]float32 // levels of the current trial
	// per-lane state
	minv, maxv, sumW, sumX, scale, best, rng, active [8]float32
	// parameters
	nmax, rmin, rdelta float32
	nstep, useMad, v3  int32
	n                  int32 // values per sub-block: 32, or 16 (Q2_K, see kquant16_asm.go)
}

// qkxSearch8Asm runs the whole search on s (AVX2 or NEON).
//
//go:noescape
func qkxSearch8Asm(s *qkxState)

func qkxSearch8(x, w []float32, L []uint8, p QKXParams, scales, mins *[8]float32) {
	if !useAsm {
		qkxSearch8Generic(x, w, L, p, scales, mins)
		return
	}
	var s qkxState
	for j := 0; j < 8; j++ {
		for i := 0; i < 32; i++ {
			s.x[8*i+j] = x[32*j+i]
			s.w[8*i+j] = w[32*j+i]
		}
	}
	s.setParams(p, 32)
	qkxSearch8Asm(&s)
	for j := 0; j < 8; j++ {
		scales[j], mins[j] = s.scale[j], -s.minv[j]
		for i := 0; i < 32; i++ {
			L[32*j+i] = uint8(int32(s.l[8*i+j]))
		}
	}
}

// setParams stores the search parameters p and the sub-block length n.
func (s *qkxState) setParams(p QKXParams, n int32) {
	s.n = n
	s.nmax, s.rmin, s.rdelta = float32(p.Nmax), p.Rmin, p.Rdelta
	s.nstep = int32(max(-1, min(p.Nstep, 1<<20)))
	if p.UseMad {
		s.useMad = 1
	}
	if p.V3 {
		s.v3 = 1
	}
}

// qxState is the working memory of qxSearch16Asm: element i of sub-block
// (lane) j at [16*i+j], so element i of all 16 sub-blocks is two 8-lane
// vectors. Offsets fixed in kquant6_*.s (checked by TestQXStateLayout).
type qxState struct {
	x, w   [256]float32 // inputs (w = x² without importance weights)
	l, aux [256]float32 // best and trial levels l in [-nmax, nmax-1], as floats
	// per-lane state
	maxv, scale, best, active [16]float32
	// clamp bounds as vectors, and nmax
	lo, hi [8]int32 // -nmax, nmax-1
	nmax   float32
}

// qxSearch16Asm runs the Q6_K search on s (AVX2 or NEON).
//
//go:noescape
func qxSearch16Asm(s *qxState)

func qxSearch16(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	if !useAsm {
		qxSearch16Generic(x, w, L, nmax, scales)
		return
	}
	var s qxState
	s.load(x, w, false)
	s.setNmax(nmax)
	qxSearch16Asm(&s)
	s.store(L, nmax, scales)
}

// setNmax sets the clamp bounds -nmax, nmax-1.
func (s *qxState) setNmax(nmax int) {
	for k := range s.lo {
		s.lo[k], s.hi[k] = int32(-nmax), int32(nmax-1)
	}
	s.nmax = float32(nmax)
}

// q3Search16Asm runs the Q3_K make_q3_quants search on s (AVX2 or NEON):
// x, w = x² and aux = x²·x in, levels (l in [-nmax, nmax-1]) in l, scale
// and active out; maxv and best are scratch.
//
//go:noescape
func q3Search16Asm(s *qxState)

func q3Search16(x []float32, L []int8, nmax int, scales *[16]float32) {
	if !useAsm {
		q3Search16Generic(x, L, nmax, scales)
		return
	}
	var s qxState
	s.load(x, nil, true)
	s.setNmax(nmax)
	q3Search16Asm(&s)
	s.store(L, nmax, scales)
}

// requantAsm is RequantLevels on groups of n (a multiple of 16) values; m
// holds one min per group (zeros for none).
//
//go:noescape
func requantAsm(L *uint8, x, m, d *float32, groups, n int, lo, hi, bias int32)

func requant(L []uint8, x, m, d []float32, lo, hi, bias int32) {
	if !useAsm {
		requantGeneric(L, x, m, d, lo, hi, bias)
		return
	}
	var zeros [16]float32
	if m == nil {
		if len(d) > len(zeros) {
			m = make([]float32, len(d))
		} else {
			m = zeros[:len(d)]
		}
	}
	requantAsm(&L[0], &x[0], &m[0], &d[0], len(d), len(x)/len(d), lo, hi, bias)
}
