package quant

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// FuzzDequantize: arbitrary bytes of any type id never panic, whole blocks
// always dequantize, and an accelerated dequantizer (when one is
// registered) gives the portable result bit for bit (NaNs aside).
func FuzzDequantize(f *testing.F) {
	for _, typ := range Types() {
		f.Add(uint8(typ), bytes.Repeat([]byte{0x5a, 0x3c, 0xff, 0x00, 0x81}, typ.TypeSize()))
	}
	f.Fuzz(func(t *testing.T, id uint8, data []byte) {
		typ := Type(id)
		if !typ.Valid() {
			if err := Dequantize(typ, nil, data); err == nil {
				t.Fatalf("type id %d accepted", id)
			}
			return
		}
		ts, bs := typ.TypeSize(), typ.BlockSize()
		n := min(len(data)/ts, 64)
		data = data[:n*ts]
		got := make([]float32, n*bs)
		if err := Dequantize(typ, got, data); err != nil {
			t.Fatal(err)
		}
		if codecs[typ].fastDequant == nil {
			return
		}
		want := make([]float32, len(got))
		portableOnly = true
		err := Dequantize(typ, want, data)
		portableOnly = false
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !sameFloat32(got[i], want[i]) {
				t.Fatalf("%s element %d: fast %#08x, portable %#08x", typ, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
			}
		}
	})
}

// FuzzRoundTrip quantizes arbitrary float32 input (including NaN, Inf and
// huge values) with each of the simple quantizers: it must not panic, must
// be deterministic, fast and portable paths must agree, and when the input
// is in a sane range dequant(quant(x)) must respect the format's bound.
func FuzzRoundTrip(f *testing.F) {
	seed := make([]byte, 4*256)
	for i := 0; i < 256; i++ {
		binary.LittleEndian.PutUint32(seed[4*i:], math.Float32bits(float32(math.Sin(float64(i)))*3))
	}
	for _, typ := range myQuantTypes {
		f.Add(uint8(typ), seed)
	}
	f.Add(uint8(Q8_0), []byte{0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}) // +Inf, NaN
	f.Fuzz(func(t *testing.T, id uint8, data []byte) {
		typ := myQuantTypes[int(id)%len(myQuantTypes)]
		bs := typ.BlockSize()
		nvals := min(len(data)/4, 4*QK_K)
		if nvals < bs {
			return
		}
		nvals -= nvals % bs
		x := make([]float32, nvals)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		rs, _ := typ.RowSize(int64(bs))
		q := make([]byte, nvals/bs*int(rs))
		if err := Quantize(typ, q, x, bs, nil); err != nil {
			t.Fatal(err)
		}
		q2 := make([]byte, len(q))
		portableOnly = true
		err := Quantize(typ, q2, x, bs, nil)
		portableOnly = false
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(q, q2) {
			t.Fatalf("%s: quantizing twice (fast/portable) gave different bytes", typ)
		}
		y := make([]float32, nvals)
		if err := Dequantize(typ, y, q); err != nil {
			t.Fatal(err)
		}
		c, ok := roundTripBounds[typ]
		if !ok {
			return
		}
		ts := typ.TypeSize()
		for b := 0; b < nvals/bs; b++ {
			xb := x[b*bs : (b+1)*bs]
			if !saneBlock(xb) {
				continue
			}
			blk := q[b*ts : (b+1)*ts]
			for j := range xb {
				var bound float64
				switch {
				case typ == NVFP4:
					bound = nvfp4Bound(xb, blk, j)
				case c.block == 1:
					bound = c.bound(xb[j:j+1], nil, 0)
				default:
					bound = c.bound(xb, blk, j)
				}
				if e := math.Abs(float64(y[b*bs+j]) - float64(xb[j])); !(e <= bound) {
					t.Fatalf("%s block %d element %d: x=%g y=%g error %g > bound %g", typ, b, j, xb[j], y[b*bs+j], e, bound)
				}
			}
		}
	})
}

// saneBlock: finite values whose largest magnitude keeps every scale of the
// simple formats a normal float (fp16 ≤ 65504, MXFP4 exponent ≥ 2^-100).
func saneBlock(x []float32) bool {
	var amax float32
	for _, v := range x {
		if v != v || math.IsInf(float64(v), 0) {
			return false
		}
		amax = max(amax, fabsf(v))
	}
	return amax <= 1e4 && (amax == 0 || amax >= 0x1p-100)
}
