package quant

import "encoding/binary"

// K-quant quantizers Q2_K..Q6_K (gguf-and-quants.md §5.4, §5.5): 256-value
// super-blocks of 16 or 32-value sub-blocks. Without an imatrix ggml runs
// quantize_row_*_ref over all rows; with one it runs quantize_row_*_impl per
// row, which for these types is also block by block with the block's slice
// of the importance weights.
//
// Every block rule is split the same way:
//  1. search: an independent scale (and min) search per sub-block, where
//     nearly all the time goes. kSearch.affine8 (Q4_K/Q5_K, 8 sub-blocks of
//     32), kSearch.sym16 (Q6_K), q2KSearch and q3KSearch (16 of 16) fill L,
//     scales and mins from one super-block; each sub-block only reads its
//     own values, so a SIMD version can run one sub-block per lane, each
//     lane keeping ggml's sequential order of operations (simd_hooks.go
//     plugs simd's into the kSearch of the fast quantizers);
//  2. the super-block scale(s) and the packed sub-block scales;
//  3. re-quantization of every value with the fp16-rounded scales;
//  4. bit packing.

func init() {
	registerQuant(Q2_K, quantizeK(Q2_K, quantBlockQ2K), ImatrixOptional)
	registerQuant(Q3_K, quantizeK(Q3_K, quantBlockQ3K), ImatrixOptional)
	registerQuant(Q4_K, quantizeK(Q4_K, portableSearch.blockQ4K), ImatrixOptional)
	registerQuant(Q5_K, quantizeK(Q5_K, portableSearch.blockQ5K), ImatrixOptional)
	registerQuant(Q6_K, quantizeK(Q6_K, portableSearch.blockQ6K), ImatrixOptional)
}

// kBlockFunc quantizes one super-block x into y; qw is nil (the _ref rule)
// or the block's importance weights (the _impl rule).
type kBlockFunc func(y []byte, x, qw []float32)

func quantizeK(t Type, block kBlockFunc) quantFunc {
	ts := t.TypeSize()
	return func(dst []byte, src []float32, nPerRow int, imatrix []float32) {
		for b := 0; b*QK_K < len(src); b++ {
			var qw []float32
			if imatrix != nil {
				off := b * QK_K % nPerRow
				qw = imatrix[off : off+QK_K]
			}
			block(dst[b*ts:(b+1)*ts], src[b*QK_K:(b+1)*QK_K], qw)
		}
	}
}

// kqSigma2 is Σx²/256 over a super-block, summed in order. Go turns the
// division into a multiplication by 1/256, so the result is rounded
// explicitly to keep it out of a fused multiply-add with x² later.
func kqSigma2(x []float32) float32 {
	return float32(kqSigma2Raw(x) / QK_K)
}

// kqSigma2x2 is 2*Σx²/256, the sigma2 of Q3_K..Q5_K.
func kqSigma2x2(x []float32) float32 {
	return float32(2 * kqSigma2Raw(x) / QK_K)
}

// kqImatrixWeights sets w = qw*sqrt(sigma2 + x²) and returns Σw.
func kqImatrixWeights(w, x, qw []float32, sigma2 float32) float32 {
	w = w[:len(x)]
	qw = qw[:len(x)]
	var sum float32
	for l, v := range x {
		w[l] = qw[l] * qxSqrt(sigma2+float32(v*v))
	}
	for _, v := range w {
		sum += v
	}
	return sum
}

// kqPack2 stores the low 2 bits of L (values 0..3), four values 32 apart
// per byte (Q2_K and Q3_K qs), eight bytes at a time.
func kqPack2(qs []byte, L *[QK_K]uint8) {
	qs = qs[:QK_K/4]
	for h := range 2 {
		for c := range 4 {
			j := 128*h + 8*c
			q := kqLE64(L[j:]) | kqLE64(L[j+32:])<<2 | kqLE64(L[j+64:])<<4 | kqLE64(L[j+96:])<<6
			binary.LittleEndian.PutUint64(qs[32*h+8*c:], q)
		}
	}
}

// kqLE64 reads 8 bytes little-endian (one load).
func kqLE64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// kqLE64s is kqLE64 on levels held as int8.
func kqLE64s(L *[QK_K]int8, i int) uint64 {
	b := L[i : i+8 : i+8]
	return uint64(uint8(b[0])) | uint64(uint8(b[1]))<<8 | uint64(uint8(b[2]))<<16 | uint64(uint8(b[3]))<<24 |
		uint64(uint8(b[4]))<<32 | uint64(uint8(b[5]))<<40 | uint64(uint8(b[6]))<<48 | uint64(uint8(b[7]))<<56
}

// Byte-lane masks for the packing above.
const (
	kqBytes01 = 0x0101010101010101
	kqBytes03 = 0x0303030303030303
	kqBytes0f = 0x0f0f0f0f0f0f0f0f
)

// requantLevels is the last step of the K-quant rules: for each group g of
// n = len(x)/len(d) values with d[g] != 0, L = clamp(nearest_int(x/d[g])
// (or (x+m[g])/d[g] when m is not nil), lo, hi) + bias; groups with
// d[g] == 0 keep the search's L, as ggml does. kSearch.requant picks simd's
// RequantLevels (the same bytes) in the fast quantizers.
func requantLevels[T int8 | uint8](L []T, x, m, d []float32, lo, hi, bias int32) {
	n := len(x) / len(d)
	for g, dg := range d {
		if dg == 0 {
			continue
		}
		xs, Ls := x[n*g:n*g+n], L[n*g:n*g+n]
		if m == nil {
			for i, v := range xs {
				Ls[i] = T(max(lo, min(hi, nearestInt(v/dg))) + bias)
			}
			continue
		}
		mg := m[g]
		for i, v := range xs {
			Ls[i] = T(max(lo, min(hi, nearestInt((v+mg)/dg))) + bias)
		}
	}
}

// kqMaxScaleMin returns the largest sub-block scale and min, starting from
// 0 (negative and NaN values never win), as the _ref rules compute them.
func kqMaxScaleMin(scales, mins []float32) (maxScale, maxMin float32) {
	for j := range scales {
		if scales[j] > maxScale {
			maxScale = scales[j]
		}
		if mins[j] > maxMin {
			maxMin = mins[j]
		}
	}
	return maxScale, maxMin
}
