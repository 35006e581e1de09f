package simd

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

type dequantKernel struct {
	name         string
	bytes, elems int
	fast, ref    func(dst []float32, src []byte)
	halves       []int // byte offsets of fp16 scales inside a block
}

var dequantKernels = []dequantKernel{
	{"Q8_0", q8_0Bytes, q8_0Elems, DequantQ8_0, dequantQ8_0Generic, []int{0}},
	{"Q4_0", q4_0Bytes, q4_0Elems, DequantQ4_0, dequantQ4_0Generic, []int{0}},
	{"Q4_1", q4_1Bytes, q4_1Elems, DequantQ4_1, dequantQ4_1Generic, []int{0, 2}},
	{"Q5_0", q5_0Bytes, q5_0Elems, DequantQ5_0, dequantQ5_0Generic, []int{0}},
	{"Q5_1", q5_1Bytes, q5_1Elems, DequantQ5_1, dequantQ5_1Generic, []int{0, 2}},
	{"Q4_K", q4_KBytes, q4_KElems, DequantQ4_K, dequantQ4_KGeneric, []int{0, 2}},
	{"Q5_K", q5_KBytes, q5_KElems, DequantQ5_K, dequantQ5_KGeneric, []int{0, 2}},
	{"Q6_K", q6_KBytes, q6_KElems, DequantQ6_K, dequantQ6_KGeneric, []int{208}},
}

// randBlocks fills src with random blocks. Scales are mostly ordinary
// halves, sometimes any bit pattern (NaN, Inf, subnormal, ±0).
func randBlocks(r *rand.Rand, src []byte, k dequantKernel) {
	for i := range src {
		src[i] = byte(r.Uint32())
	}
	for b := 0; b+k.bytes <= len(src); b += k.bytes {
		for _, off := range k.halves {
			h := uint16(r.Uint32())
			switch r.IntN(8) {
			case 0: // keep raw bits
			case 1:
				h = []uint16{0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0x0001, 0x83ff}[r.IntN(8)]
			default:
				h = floatToHalf(float32(r.NormFloat64() * 0.01))
			}
			binary.LittleEndian.PutUint16(src[b+off:], h)
		}
	}
}

var blockCounts = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64}

func TestDequant(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, k := range dequantKernels {
		t.Run(k.name, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T) {
				for _, nb := range blockCounts {
					for off := 0; off < 8; off++ {
						src, _ := byteBuf(nb*k.bytes, off)
						randBlocks(r, src, k)
						got, full := f32Buf(nb*k.elems, off)
						want := make([]float32, nb*k.elems)
						k.fast(got, src)
						k.ref(want, src)
						compareF32(t, k.name, got, want, sameOrNaN)
						checkGuardF32(t, full, off+nb*k.elems)
					}
				}
			})
		})
	}
}

func TestDequantPanics(t *testing.T) {
	for _, k := range dequantKernels {
		for _, c := range []struct{ dst, src int }{{k.elems, k.bytes - 1}, {k.elems - 1, k.bytes}, {k.elems + 1, k.bytes}} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s accepted dst %d, src %d", k.name, c.dst, c.src)
					}
				}()
				k.fast(make([]float32, c.dst), make([]byte, c.src))
			}()
		}
	}
}
