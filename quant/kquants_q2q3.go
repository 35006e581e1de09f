package quant

import "encoding/binary"

// Q2_K (84 bytes: scales[16], qs[64], d, dmin) and Q3_K (110 bytes:
// hmask[32], qs[64], scales[12], d), both with 16 sub-blocks of 16.

// q2KSearch fits each 16-value sub-block affinely with nmax 3. Without qw it
// is the _ref search (weights |x|, make_qkx2_quants with mean absolute error);
// with qw the _impl search (weights qw*sqrt(sigma2+x²), make_qkx3_quants)
// that also returns the weight sums. The searches themselves run in
// s.affine16.
func (s kSearch) q2KSearch(x, qw []float32, L *[QK_K]uint8, scales, mins, sw *[16]float32) {
	var w [QK_K]float32
	p := q2KParams
	if qw == nil {
		for i, v := range x[:QK_K] {
			w[i] = fabsf(v)
		}
	} else {
		p = q2KParamsImpl
		sigma2 := kqSigma2(x)
		for j := range 16 {
			sw[j] = kqImatrixWeights(w[16*j:16*j+16], x[16*j:16*j+16], qw[16*j:16*j+16], sigma2)
		}
	}
	s.affine16(x, w[:], L[:], p, scales, mins)
}

// Q2_K's searches: make_qkx2_quants(-0.5, 0.1, 15, mad) for _ref,
// make_qkx3_quants(-0.9, 0.05, 36) with importance weights for _impl.
var (
	q2KParams     = qkxParams{Nmax: 3, Rmin: -0.5, Rdelta: 0.1, Nstep: 15, UseMad: true}
	q2KParamsImpl = qkxParams{Nmax: 3, Rmin: -0.9, Rdelta: 0.05, Nstep: 36, V3: true}
)

// qkxSearch16 is make_qkx2_quants (make_qkx3_quants when p.V3) on each of
// the 16 sub-blocks x[16j:16j+16] with weights w[16j:16j+16].
func qkxSearch16(x, w []float32, L []uint8, p qkxParams, scales, mins *[16]float32) {
	var aux [16]uint8
	for j := range 16 {
		s := 16 * j
		scales[j], mins[j] = makeQKXQuants(16, p.Nmax, x[s:s+16], w[s:s+16], L[s:s+16], aux[:],
			p.Rmin, p.Rdelta, p.Nstep, p.UseMad, p.V3)
	}
}

// quantBlockQ2K is the portable Q2_K block rule.
func quantBlockQ2K(y []byte, x, qw []float32) { portableSearch.blockQ2K(y, x, qw) }

func (s kSearch) blockQ2K(y []byte, x, qw []float32) {
	y = y[:84]
	x = x[:QK_K]
	var L [QK_K]uint8
	var scales, mins, sw [16]float32
	s.q2KSearch(x, qw, &L, &scales, &mins, &sw)
	sc := y[0:16]
	if qw == nil {
		q2KScalesRef(y, &scales, &mins)
	} else {
		var Ls, Lm [16]uint8
		dm := makeQPQuants(16, 15, scales[:], Ls[:], sw[:])
		mm := makeQPQuants(16, 15, mins[:], Lm[:], sw[:])
		putHalf(y[80:82], dm)
		putHalf(y[82:84], mm)
		for j := range 16 {
			sc[j] = Ls[j] | Lm[j]<<4
		}
	}
	d := kqGetF16(y[80:82])
	dmin := kqGetF16(y[82:84])
	var dl, ml [16]float32
	for j := range 16 {
		dl[j] = d * float32(sc[j]&0xf)
		ml[j] = float32(dmin * float32(sc[j]>>4)) // rounded: never fused into x+ml
	}
	s.requant(L[:], x, ml[:], dl[:], 0, 3, 0)
	kqPack2(y[16:80], &L)
}

// q2KScalesRef quantizes the sub-block scales and mins to 4 bits against
// their maxima (quantize_row_q2_K_ref).
func q2KScalesRef(y []byte, scales, mins *[16]float32) {
	maxScale, maxMin := kqMaxScaleMin(scales[:], mins[:])
	sc := y[0:16]
	if maxScale > 0 {
		iscale := 15 / maxScale
		for j := range 16 {
			sc[j] = uint8(nearestInt(float32(iscale * scales[j])))
		}
		putHalf(y[80:82], maxScale/15)
	} else {
		clear(sc)
		putHalf(y[80:82], 0)
	}
	if maxMin > 0 {
		iscale := 15 / maxMin
		for j := range 16 {
			sc[j] |= uint8(nearestInt(float32(iscale*mins[j])) << 4)
		}
		putHalf(y[82:84], maxMin/15)
	} else {
		putHalf(y[82:84], 0)
	}
}

// q3KSearch finds each sub-block's symmetric scale with nmax 4; L gets
// values 0..7. Without qw: make_q3_quants; with qw: make_qx_quants weighted
// by qw*sqrt(sigma2+x²) (s.sym16, Q6_K's search), also returning the
// weight sums. Both searches run in kSearch methods (portable or simd).
func (s kSearch) q3KSearch(x, qw []float32, L *[QK_K]int8, scales, sw *[16]float32) {
	if qw == nil {
		s.q3Sym16(x, L[:], scales)
		return
	}
	sigma2 := kqSigma2x2(x)
	var w [QK_K]float32
	for j := range 16 {
		sw[j] = kqImatrixWeights(w[16*j:16*j+16], x[16*j:16*j+16], qw[16*j:16*j+16], sigma2)
	}
	s.sym16(x, w[:], L[:], 4, scales)
}

// q3Sym16 is make_q3_quants(16, 4, do_rmse) on each x[16j:16j+16].
func q3Sym16(x []float32, L []int8, scales *[16]float32) {
	for j := range 16 {
		scales[j] = makeQ3Quants(16, 4, x[16*j:16*j+16], L[16*j:16*j+16], true)
	}
}

// kqSigma2Raw is Σx² over a super-block (ggml divides after doubling for
// Q3_K..Q5_K, so the sum is needed on its own).
func kqSigma2Raw(x []float32) float32 {
	var s float32
	for _, v := range x[:QK_K] {
		s += float32(v * v)
	}
	return s
}

// quantBlockQ3K is the portable Q3_K block rule.
func quantBlockQ3K(y []byte, x, qw []float32) { portableSearch.blockQ3K(y, x, qw) }

func (s kSearch) blockQ3K(y []byte, x, qw []float32) {
	var L [QK_K]int8
	var scales, sw [16]float32
	s.q3KSearch(x[:QK_K], qw, &L, &scales, &sw)
	s.finishQ3K(y, x, qw, &L, &scales, &sw)
}

// finishQ3K is the Q3_K rule after the sub-block search: super-block and
// sub-block scales, re-quantization, packing.
func (s kSearch) finishQ3K(y []byte, x, qw []float32, L *[QK_K]int8, scales, sw *[16]float32) {
	y = y[:110]
	x = x[:QK_K]
	sc := y[96:108]
	clear(sc)
	if qw == nil {
		maxScale, _ := qxMaxAbs(scales[:])
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j, s := range scales {
				l := int8(nearestInt(float32(iscale * s)))
				q3KPutScale(sc, j, max(-32, min(31, l))+32)
			}
			putHalf(y[108:110], 1/iscale)
		} else {
			putHalf(y[108:110], 0)
		}
	} else {
		var Ls [16]int8
		dBlock := makeQXQuants(16, 32, scales[:], Ls[:], 1, sw[:])
		for j, l := range Ls {
			q3KPutScale(sc, j, l)
		}
		putHalf(y[108:110], dBlock)
	}
	d := kqGetF16(y[108:110])
	var dl [16]float32
	for j := range 16 {
		dl[j] = d * float32(q3KScale(sc, j))
	}
	s.requantInt8(L[:], x, nil, dl[:], -4, 3, 4)
	q3KPackBits(y, L)
}

// q3KPackBits stores the levels 0..7: bit 2 of L[32k+m] as bit k of
// hmask[m], the low 2 bits in qs as kqPack2 does, eight levels at a time.
func q3KPackBits(y []byte, L *[QK_K]int8) {
	y = y[:96]
	for c := range 4 {
		var h uint64
		for k := range 8 {
			h |= (kqLE64s(L, 32*k+8*c) >> 2 & kqBytes01) << k
		}
		binary.LittleEndian.PutUint64(y[8*c:], h)
	}
	for h := range 2 {
		for c := range 4 {
			j := 128*h + 8*c
			q := kqLE64s(L, j)&kqBytes03 | (kqLE64s(L, j+32)&kqBytes03)<<2 |
				(kqLE64s(L, j+64)&kqBytes03)<<4 | (kqLE64s(L, j+96)&kqBytes03)<<6
			binary.LittleEndian.PutUint64(y[32+32*h+8*c:], q)
		}
	}
}

// q3KPutScale ORs the 6-bit scale l (0..63) of sub-block j into the
// 12-byte Q3_K scale field (zeroed beforehand).
func q3KPutScale(sc []byte, j int, l int8) {
	if j < 8 {
		sc[j] = uint8(l) & 0xf
	} else {
		sc[j-8] |= (uint8(l) & 0xf) << 4
	}
	sc[j%4+8] |= uint8(l>>4) << (2 * (j / 4))
}

// q3KScale unpacks sub-block j's signed scale (-32..31).
func q3KScale(sc []byte, j int) int8 {
	var lo uint8
	if j < 8 {
		lo = sc[j] & 0xf
	} else {
		lo = sc[j-8] >> 4
	}
	return int8(lo|(sc[8+j%4]>>(2*(j/4))&3)<<4) - 32
}
