package quant

import "encoding/binary"

// Q4_K (144 bytes: d, dmin, scales[12], qs[128]) and Q5_K (176 bytes: d,
// dmin, scales[12], qh[32], qs[128]) with 8 affine sub-blocks of 32, and
// Q6_K (210 bytes: ql[128], qh[64], scales[16], d) with 16 symmetric
// sub-blocks of 16.

// kSearch picks the implementation of the sub-block scale searches of
// Q4_K/Q5_K (affine8: make_qkx2_quants, or make_qkx3_quants when p.V3, on
// each x[32j:32j+32] with weights w[32j:32j+32]) and Q6_K (sym16:
// make_qx_quants(16, nmax, rmse_type 1) on each x[16j:16j+16], weights w
// or x² when nil), the step where nearly all the time goes. The block rules
// are methods on it, so one copy of the weights, super-block scales,
// re-quantization and packing serves both sets. affine8 and sym16 are in
// simd_hooks.go: with simd set they run simd's lane-parallel searches
// (the same bits), otherwise qkxSearch8 and qxSearch16 below. A flag, not
// function values: Go must assume that a function value's pointer
// arguments escape, which put every block's arrays on the heap (10-20%
// slower).
type kSearch struct{ simd bool }

var portableSearch = kSearch{}

// qkxParams are the make_qkx2_quants/make_qkx3_quants search parameters
// (the same fields as simd.QKXParams).
type qkxParams struct {
	Nmax   int     // largest level
	Rmin   float32 // first trial offset
	Rdelta float32 // trial step
	Nstep  int     // trials are is = 0..Nstep
	UseMad bool    // absolute instead of squared error
	V3     bool    // make_qkx3_quants
}

func qkxSearch8(x, w []float32, L []uint8, p qkxParams, scales, mins *[8]float32) {
	var aux [32]uint8
	for j := range 8 {
		s := 32 * j
		scales[j], mins[j] = makeQKXQuants(32, p.Nmax, x[s:s+32], w[s:s+32], L[s:s+32], aux[:],
			p.Rmin, p.Rdelta, p.Nstep, p.UseMad, p.V3)
	}
}

func qxSearch16(x, w []float32, L []int8, nmax int, scales *[16]float32) {
	for j := range 16 {
		var wj []float32
		if w != nil {
			wj = w[16*j : 16*j+16]
		}
		scales[j] = makeQXQuants(16, nmax, x[16*j:16*j+16], L[16*j:16*j+16], 1, wj)
	}
}

// The _ref searches of Q4_K and Q5_K; with an imatrix both use
// make_qkx3_quants(-0.9, 0.05, 36).
var (
	q4KParams = qkxParams{Nmax: 15, Rmin: -1, Rdelta: 0.1, Nstep: 20}
	q5KParams = qkxParams{Nmax: 31, Rmin: -0.5, Rdelta: 0.1, Nstep: 15}
)

// affineKWeights sets the search weights of a Q4_K/Q5_K super-block:
// sqrt(mean x²)+|x| per sub-block without qw, qw*sqrt(sigma2+x²) with it
// (then sw gets each sub-block's weight sum).
func affineKWeights(w *[QK_K]float32, x, qw []float32, sw *[8]float32) {
	if qw == nil {
		for j := range 8 {
			xs := x[32*j : 32*j+32]
			var sumX2 float32
			for _, v := range xs {
				sumX2 += float32(v * v)
			}
			avX := qxSqrt(sumX2 / 32)
			for l, v := range xs {
				w[32*j+l] = avX + fabsf(v)
			}
		}
		return
	}
	sigma2 := kqSigma2x2(x)
	for j := range 8 {
		sw[j] = kqImatrixWeights(w[32*j:32*j+32], x[32*j:32*j+32], qw[32*j:32*j+32], sigma2)
	}
}

// affineKBlock runs the Q4_K/Q5_K rule on one super-block up to the final
// L values; y gets d, dmin and the packed scales. qw nil is the _ref rule
// with the search parameters p, otherwise the _impl rule.
func (s kSearch) affineKBlock(y []byte, x, qw []float32, p qkxParams, L *[QK_K]uint8) {
	var w [QK_K]float32
	var scales, mins, sw [8]float32
	affineKWeights(&w, x, qw, &sw)
	if qw != nil {
		p.Rmin, p.Rdelta, p.Nstep, p.V3 = -0.9, 0.05, 36, true
	}
	s.affine8(x, w[:], L[:], p, &scales, &mins)
	if qw == nil {
		affineKScalesRef(y, &scales, &mins)
	} else {
		affineKScalesImpl(y, &scales, &mins, &sw, p.Nmax)
	}
	s.affineKRequant(L, y, x, p.Nmax)
}

// affineKScalesRef quantizes the sub-block scales and mins to 6 bits
// against their maxima (quantize_row_q4_K_ref / q5_K_ref).
func affineKScalesRef(y []byte, scales, mins *[8]float32) {
	maxScale, maxMin := kqMaxScaleMin(scales[:], mins[:])
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	for j := range 8 {
		ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
		lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
		kqPutScaleMin(y[4:16], j, ls, lm)
	}
	putHalf(y[0:2], maxScale/63)
	putHalf(y[2:4], maxMin/63)
}

// affineKScalesImpl quantizes the sub-block scales and mins with
// make_qp_quants weighted by the sub-block weight sums (the _impl rule).
func affineKScalesImpl(y []byte, scales, mins, sw *[8]float32, nmax int) {
	var Ls, Lm [8]uint8
	dBlock := makeQPQuants(8, 63, scales[:], Ls[:], sw[:])
	mBlock := makeQPQuants(8, 63, mins[:], Lm[:], sw[:])
	for j := range 8 {
		// ggml's Q5_K clamps to 63 here and Q4_K does not; they can
		// only differ on wrapped (negative-input) values.
		ls, lm := Ls[j], Lm[j]
		if nmax == 31 {
			ls, lm = min(63, ls), min(63, lm)
		}
		kqPutScaleMin(y[4:16], j, ls, lm)
	}
	putHalf(y[0:2], dBlock)
	putHalf(y[2:4], mBlock)
}

// affineKRequant re-quantizes x with the fp16-rounded scales stored in y.
func (s kSearch) affineKRequant(L *[QK_K]uint8, y []byte, x []float32, nmax int) {
	d := kqGetF16(y[0:2])
	dmin := kqGetF16(y[2:4])
	var dl, dm [8]float32
	for j := range 8 {
		sc, m := kqScaleMin(y[4:16], j)
		dl[j] = d * float32(sc)
		dm[j] = float32(dmin * float32(m)) // rounded: never fused into x+dm
	}
	s.requant(L[:], x, dm[:], dl[:], 0, int32(nmax), 0)
}

func (s kSearch) blockQ4K(y []byte, x, qw []float32) {
	y = y[:144]
	x = x[:QK_K]
	var L [QK_K]uint8
	s.affineKBlock(y, x, qw, q4KParams, &L)
	qs := y[16:144]
	for c := range 4 {
		for k := range 4 {
			j := 64*c + 8*k
			binary.LittleEndian.PutUint64(qs[32*c+8*k:], kqLE64(L[j:])|kqLE64(L[j+32:])<<4)
		}
	}
}

func (s kSearch) blockQ5K(y []byte, x, qw []float32) {
	y = y[:176]
	x = x[:QK_K]
	var L [QK_K]uint8
	s.affineKBlock(y, x, qw, q5KParams, &L)
	qh := y[16:48]
	qs := y[48:176]
	for k := range 4 {
		var h uint64
		for c := range 4 {
			j := 64*c + 8*k
			l1, l2 := kqLE64(L[j:]), kqLE64(L[j+32:])
			h |= (l1>>4&kqBytes01)<<(2*c) | (l2>>4&kqBytes01)<<(2*c+1)
			binary.LittleEndian.PutUint64(qs[32*c+8*k:], l1&kqBytes0f|(l2&kqBytes0f)<<4)
		}
		binary.LittleEndian.PutUint64(qh[8*k:], h)
	}
}

// kqPutScaleMin packs sub-block j's 6-bit scale and min into the 12-byte
// Q4_K/Q5_K field, in ggml's order (j ascending).
func kqPutScaleMin(sc []byte, j int, ls, lm uint8) {
	if j < 4 {
		sc[j] = ls
		sc[j+4] = lm
		return
	}
	sc[j+4] = ls&0xf | lm&0xf<<4
	sc[j-4] |= ls >> 4 << 6
	sc[j] |= lm >> 4 << 6
}

// kqScaleMin unpacks sub-block j's scale and min (get_scale_min_k4).
func kqScaleMin(sc []byte, j int) (s, m uint8) {
	if j < 4 {
		return sc[j] & 63, sc[j+4] & 63
	}
	return sc[j+4]&0xf | sc[j-4]>>6<<4, sc[j+4]>>4 | sc[j]>>6<<4
}

func kqGetF16(b []byte) float32 { return FP16ToFP32(uint16(b[0]) | uint16(b[1])<<8) }

// blockQ6K: each 16-value sub-block gets a symmetric scale with nmax 32
// (weights x² without qw, the raw importance weights with it), then an
// int8 scale against the largest; L holds values 0..63.
func (s kSearch) blockQ6K(y []byte, x, qw []float32) {
	y = y[:210]
	x = x[:QK_K]
	var L [QK_K]int8
	var scales [16]float32
	s.sym16(x, qw, L[:], 32, &scales)
	maxScale, maxAbs := qxMaxAbs(scales[:])
	if maxAbs < groupMaxEps {
		clear(y)
		return
	}
	iscale := -128 / maxScale
	putHalf(y[208:210], 1/iscale)
	sc := y[192:208]
	for j, v := range scales {
		sc[j] = uint8(int8(min(127, nearestInt(float32(iscale*v)))))
	}
	d := kqGetF16(y[208:210])
	var dl [16]float32
	for j := range 16 {
		dl[j] = d * float32(int8(sc[j]))
	}
	s.requantInt8(L[:], x, nil, dl[:], -32, 31, 32)
	q6KPack(y, &L)
}

// q6KPack stores the 6-bit levels: low nibbles in ql, high 2 bits in qh,
// eight levels at a time.
func q6KPack(y []byte, L *[QK_K]int8) {
	y = y[:192]
	for h := range 2 {
		for c := range 4 {
			j := 128*h + 8*c
			q1, q2, q3, q4 := kqLE64s(L, j), kqLE64s(L, j+32), kqLE64s(L, j+64), kqLE64s(L, j+96)
			binary.LittleEndian.PutUint64(y[64*h+8*c:], q1&kqBytes0f|(q3&kqBytes0f)<<4)
			binary.LittleEndian.PutUint64(y[64*h+8*c+32:], q2&kqBytes0f|(q4&kqBytes0f)<<4)
			binary.LittleEndian.PutUint64(y[128+32*h+8*c:], q1>>4&kqBytes03|(q2>>4&kqBytes03)<<2|
				(q3>>4&kqBytes03)<<4|(q4>>4&kqBytes03)<<6)
		}
	}
}
