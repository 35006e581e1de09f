package quant

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"testing"
)

// Property tests of the simple quantizers that need no golden data:
// dequant(quant(x)) stays within each format's error bound, and
// quant(dequant(q)) == q for the formats where ggml has that property.

// propInput is rows of Gaussian values whose scale spans 1e-4..1e3 row by
// row, with a few outliers; finite and inside the fp16 range.
func propInput(r *rand.Rand, rows, cols int) []float32 {
	x := make([]float32, rows*cols)
	for i := 0; i < rows; i++ {
		scale := math.Pow(10, float64(i%8)-4)
		for j := 0; j < cols; j++ {
			v := r.NormFloat64()
			if r.Intn(200) == 0 {
				v *= 20
			}
			x[i*cols+j] = float32(v * scale)
		}
	}
	return x
}

// roundTrip quantizes x (whole rows of cols) to t and back.
func roundTrip(t *testing.T, typ Type, x []float32, cols int, imat []float32) ([]byte, []float32) {
	t.Helper()
	rs, err := typ.RowSize(int64(cols))
	if err != nil {
		t.Fatal(err)
	}
	q := make([]byte, int(rs)*len(x)/cols)
	if err := Quantize(typ, q, x, cols, imat); err != nil {
		t.Fatal(err)
	}
	y := make([]float32, len(x))
	if err := Dequantize(typ, y, q); err != nil {
		t.Fatal(err)
	}
	return q, y
}

func blockHalf(b []byte, off int) float32 { return FP16ToFP32(binary.LittleEndian.Uint16(b[off:])) }

func absMax(x []float32) float32 {
	var m float32
	for _, v := range x {
		m = max(m, fabsf(v))
	}
	return m
}

// boundFunc returns the largest error allowed for element j of a block
// with values x and stored bytes b.
type boundFunc func(x []float32, b []byte, j int) float64

// scaledBound is the bound of the absmax formats: with the unrounded
// scale d = amax/levels, the code is round(x/d) so |x - q·d| ≤ d/2, and
// storing d as fp16 adds |q|·|d16 - d|. qmax bounds |q|.
func scaledBound(levels float64, dOff, qmax int) boundFunc {
	return func(x []float32, b []byte, _ int) float64 {
		d := float64(absMax(x)) / levels
		d16 := float64(blockHalf(b, dOff))
		return 0.5*d*(1+1e-6) + float64(qmax)*math.Abs(d16-d)
	}
}

// fp4Bound is the bound of an E2M1 grid of half-unit d (levels 0..12·d):
// d/2 below 4d, |x|/4 up to 12d, and the clipping error above 12d.
func fp4Bound(x []float32, d float64, j int) float64 {
	clip := float64(absMax(x)) - 12*d
	return max(d/2, float64(fabsf(x[j]))/4, clip) * (1 + 1e-6)
}

var roundTripBounds = map[Type]struct {
	block int // values covered by one bound computation
	bound boundFunc
}{
	F16: {1, func(x []float32, _ []byte, _ int) float64 {
		return max(float64(fabsf(x[0]))*0x1p-11, 0x1p-25)
	}},
	BF16:  {1, func(x []float32, _ []byte, _ int) float64 { return max(float64(fabsf(x[0]))*0x1p-8, 0x1p-134) }},
	Q8_0:  {32, scaledBound(127, 0, 127)},
	Q8_1:  {32, scaledBound(127, 0, 127)},
	Q2_0:  {64, scaledBound(1, 0, 1)},
	TQ1_0: {256, scaledBound(1, 52, 1)},
	TQ2_0: {256, scaledBound(1, 64, 1)},
	MXFP4: {32, func(x []float32, b []byte, j int) float64 { return fp4Bound(x, float64(e8m0Half(b[0])), j) }},
	NVFP4: {16, nil}, // sub-blocks need the byte layout: checked in nvfp4Bound
}

// TestRoundTripErrorBounds checks every element of dequant(quant(x))
// against the analytic error bound of its format.
func TestRoundTripErrorBounds(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	const rows, cols = 16, 1024
	x := propInput(r, rows, cols)
	x[5] = 0 // exact zeros and a zero block
	clear(x[cols : cols+64])
	for typ, c := range roundTripBounds {
		t.Run(typ.String(), func(t *testing.T) {
			q, y := roundTrip(t, typ, x, cols, nil)
			ts, bs := typ.TypeSize(), typ.BlockSize()
			for i := range x {
				var bound float64
				blk := q[i/bs*ts : i/bs*ts+ts]
				switch typ {
				case F16, BF16:
					bound = c.bound(x[i:i+1], nil, 0)
				case NVFP4:
					bound = nvfp4Bound(x[i/bs*bs:i/bs*bs+bs], blk, i%bs)
				default:
					lo := i / c.block * c.block
					bound = c.bound(x[lo:lo+c.block], blk, i-lo)
				}
				if err := math.Abs(float64(y[i]) - float64(x[i])); !(err <= bound) {
					t.Fatalf("element %d: x=%g y=%g error %g > bound %g", i, x[i], y[i], err, bound)
				}
			}
		})
	}
}

// nvfp4Bound is fp4Bound for the 16-value sub-block of element j, using
// the sub-block's decoded UE4M3 half-scale.
func nvfp4Bound(x []float32, b []byte, j int) float64 {
	s := j / 16
	return fp4Bound(x[16*s:16*s+16], float64(ue4m3Table[b[s]]), j%16)
}

// TestQ1_0RoundTrip: Q1_0 keeps only signs and the mean magnitude.
func TestQ1_0RoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(22))
	x := propInput(r, 8, 512)
	x[3] = 0 // +0 must come back non-negative
	_, y := roundTrip(t, Q1_0, x, 512, nil)
	for b := 0; b < len(x)/128; b++ {
		var mean float64
		for _, v := range x[128*b : 128*b+128] {
			mean += math.Abs(float64(v))
		}
		mean /= 128
		for j := 128 * b; j < 128*b+128; j++ {
			if math.Signbit(float64(y[j])) != (x[j] < 0) {
				t.Fatalf("element %d: x=%g y=%g: sign lost", j, x[j], y[j])
			}
			if m := math.Abs(float64(y[j])); math.Abs(m-mean) > mean*0x1p-10+0x1p-25 {
				t.Fatalf("element %d: |y|=%g, mean |x| of the block %g", j, m, mean)
			}
		}
	}
}

// TestIQ4RoundTripError bounds the relative RMS error per row of the
// non-linear 4-bit formats on Gaussian rows (about 0.077 is what ggml's
// search reaches), with and without importance weights, and checks that
// weighting does what it is for: on every row the imatrix-weighted squared
// error is clearly lower (about 0.45-0.7×) than without the weights.
func TestIQ4RoundTripError(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	const rows, cols = 8, 2048
	x := make([]float32, rows*cols)
	for i := range x {
		// scales 0.1 .. 316: below ~0.06 the IQ4_XS super-block scale is an
		// fp16 subnormal and the format itself loses precision
		x[i] = float32(r.NormFloat64() * math.Pow(10, float64(i/cols)/2-1))
	}
	imat := make([]float32, cols)
	for j := range imat {
		imat[j] = float32(math.Exp(2 * r.NormFloat64()))
	}
	for _, typ := range []Type{IQ4_NL, IQ4_XS} {
		_, plain := roundTrip(t, typ, x, cols, nil)
		_, weighted := roundTrip(t, typ, x, cols, imat)
		for i := 0; i < rows; i++ {
			row := x[i*cols : (i+1)*cols]
			var ss, ep, ew, wp, ww float64
			for j, v := range row {
				dp := float64(plain[i*cols+j]) - float64(v)
				dw := float64(weighted[i*cols+j]) - float64(v)
				ss += float64(v) * float64(v)
				ep += dp * dp
				ew += dw * dw
				wp += float64(imat[j]) * dp * dp
				ww += float64(imat[j]) * dw * dw
			}
			if rel := math.Sqrt(ep / ss); rel > 0.09 {
				t.Errorf("%s row %d: relative RMS error %.4f > 0.09", typ, i, rel)
			}
			if rel := math.Sqrt(ew / ss); rel > 0.1 {
				t.Errorf("%s row %d with imatrix: relative RMS error %.4f > 0.1", typ, i, rel)
			}
			if ww > 0.85*wp {
				t.Errorf("%s row %d: imatrix-weighted error %g not clearly below the unweighted quantizer's %g", typ, i, ww, wp)
			}
		}
	}
}

// requantCase says which blocks of a format satisfy quant(dequant(q)) == q
// in ggml (checked with ggml_qref on the golden inputs): all blocks of the
// float formats and MXFP4; for the absmax formats every block whose stored
// scale is not zero (a zero scale dequantizes to zeros, which requantize
// to zero codes); for NVFP4 the sub-blocks whose largest code is ±6 (the
// UE4M3 scale can round up so far, in its subnormal range, that the
// largest value lands on ±4 and the requantized scale shrinks). Q8_1 is
// left out: its s = fp16(Σq·d) uses the unrounded d, the requantized block
// recomputes it from the rounded one.
var requantCases = map[Type]func(b []byte) bool{
	F16:   nil,
	BF16:  nil,
	Q8_0:  nonZeroHalf(0),
	Q1_0:  nonZeroHalf(0),
	Q2_0:  nonZeroHalf(0),
	TQ1_0: nonZeroHalf(52),
	TQ2_0: nonZeroHalf(64),
	MXFP4: nil,
	NVFP4: func(b []byte) bool {
		for s := 0; s < 4; s++ {
			top := 0
			for _, q := range b[4+8*s : 12+8*s] {
				top = max(top, int(kvalues_fp4[q&0xf])*sign(kvalues_fp4[q&0xf]), int(kvalues_fp4[q>>4])*sign(kvalues_fp4[q>>4]))
			}
			if b[s] != 0 && top != 12 {
				return false
			}
		}
		return true
	},
}

func sign(v int8) int {
	if v < 0 {
		return -1
	}
	return 1
}

func nonZeroHalf(off int) func(b []byte) bool {
	return func(b []byte) bool { return binary.LittleEndian.Uint16(b[off:])&0x7fff != 0 }
}

// TestRequantizeIsIdentity checks quant(dequant(q)) == q block by block
// where the format has that property, and that the property is not
// vacuous (most blocks qualify).
func TestRequantizeIsIdentity(t *testing.T) {
	r := rand.New(rand.NewSource(24))
	const rows, cols = 16, 1024
	x := propInput(r, rows, cols)
	for i := range x[:cols] { // one row of tiny values: zero and subnormal fp16 scales
		x[i] *= 1e-5
	}
	for typ, ok := range requantCases {
		t.Run(typ.String(), func(t *testing.T) {
			q, y := roundTrip(t, typ, x, cols, nil)
			q2, _ := roundTrip(t, typ, y, cols, nil)
			ts := typ.TypeSize()
			checked := 0
			for b := 0; b < len(q)/ts; b++ {
				blk := q[b*ts : (b+1)*ts]
				if ok != nil && !ok(blk) {
					continue
				}
				checked++
				if !bytes.Equal(blk, q2[b*ts:(b+1)*ts]) {
					t.Fatalf("block %d: quant(dequant(q)) = %x, q = %x", b, q2[b*ts:(b+1)*ts], blk)
				}
			}
			if n := len(q) / ts; checked < n*3/4 {
				t.Fatalf("only %d of %d blocks qualified: the property test is nearly vacuous", checked, n)
			}
		})
	}
}

// TestHalfFormatsExhaustive round-trips every non-NaN fp16 and bf16 code
// through Dequantize and Quantize.
func TestHalfFormatsExhaustive(t *testing.T) {
	for _, typ := range []Type{F16, BF16} {
		src := make([]byte, 2<<16)
		for h := 0; h < 1<<16; h++ {
			binary.LittleEndian.PutUint16(src[2*h:], uint16(h))
		}
		y := make([]float32, 1<<16)
		mustDequant(t, typ, y, src)
		back := make([]byte, len(src))
		if err := Quantize(typ, back, y, 1<<16, nil); err != nil {
			t.Fatal(err)
		}
		for h := 0; h < 1<<16; h++ {
			if y[h] != y[h] {
				continue
			}
			if got := binary.LittleEndian.Uint16(back[2*h:]); got != uint16(h) {
				t.Fatalf("%s %#04x -> %g -> %#04x", typ, h, y[h], got)
			}
		}
	}
}

// TestLog2fBoundaries checks the MXFP4 exponent floor(log2f(amax)) where it
// is delicate: just below each power of two, where a correctly rounded
// float32 log2 rounds up to the integer. The threshold is computed from
// exp2 instead of log2: log2 x rounds to k iff x ≥ 2^(k-h), h = half the
// float32 gap below k.
func TestLog2fBoundaries(t *testing.T) {
	exp := func(fl int) uint8 { return uint8(int32(fl - 2 + 127)) }
	for k := -125; k <= 128; k++ {
		gap := float64(k) - float64(math.Nextafter32(float32(k), float32(math.Inf(-1))))
		th := math.Ldexp(math.Exp2(-gap/2), k)
		xs := float32(th)
		if float64(xs) < th {
			xs = math.Nextafter32(xs, float32(math.Inf(1)))
		}
		prev := math.Nextafter32(xs, 0)
		if float64(xs) < math.Ldexp(1, k) { // the rounding-up region is non-empty
			if (float64(xs)-th)/th < 1e-13 || (th-float64(prev))/th < 1e-13 {
				t.Fatalf("k=%d: threshold %g too close to a float32 for a float64 reference", k, th)
			}
			if got := mxfp4Exponent(xs); got != exp(k) {
				t.Errorf("k=%d: x=%g (%#08x) gives e=%d, want %d", k, xs, math.Float32bits(xs), got, exp(k))
			}
		}
		if got := mxfp4Exponent(prev); got != exp(k-1) {
			t.Errorf("k=%d: x=%g (%#08x) gives e=%d, want %d", k, prev, math.Float32bits(prev), got, exp(k-1))
		}
		if x := float32(math.Ldexp(1, k-1)); k-1 < 128 {
			if got := mxfp4Exponent(x); got != exp(k-1) {
				t.Errorf("2^%d gives e=%d, want %d", k-1, got, exp(k-1))
			}
		}
	}
}

// TestFP4BestIndexMatchesFullScan compares the half-table search with
// best_index_mxfp4's plain scan over all 16 codes, on random values,
// exact level midpoints, signed zeros, NaN, infinities and values far
// outside the scale (where rounding makes many errors equal).
func TestFP4BestIndexMatchesFullScan(t *testing.T) {
	full := func(x, d float32) uint8 {
		best := uint8(0)
		bestErr := fabsf(float32(float32(kvalues_fp4[0])*d) - x)
		for i := 1; i < 16; i++ {
			if e := fabsf(float32(float32(kvalues_fp4[i])*d) - x); e < bestErr {
				best, bestErr = uint8(i), e
			}
		}
		return best
	}
	r := rand.New(rand.NewSource(25))
	scales := []float32{0, e8m0Half(0), e8m0Half(1), e8m0Half(100), e8m0Half(127), e8m0Half(200), e8m0Half(255), ue4m3Table[1], ue4m3Table[0x7e]}
	for n := 0; n < 50; n++ {
		scales = append(scales, ue4m3Table[r.Intn(256)], e8m0Half(uint8(r.Intn(256))))
	}
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32, 1e-45}
	for _, d := range scales {
		lv := newFP4Levels(d)
		xs := append([]float32(nil), special...)
		for i := 0; i < 16; i++ { // every level, its neighbours and midpoints
			for _, f := range []float32{0.5, 1, 1.5, 2.5, 3.5, 5, 7, 10, 14, 100, 1e20} {
				v := float32(kvalues_fp4[i]) * d
				xs = append(xs, v, math.Nextafter32(v, 1e38), math.Nextafter32(v, -1e38), float32(kvalues_fp4[i])*f*d/float32(max(1, kvalues_fp4[i]*kvalues_fp4[i])))
			}
		}
		for k := 0; k < 200; k++ {
			xs = append(xs, float32(r.NormFloat64())*d*float32(math.Pow(2, float64(r.Intn(40)-20))))
		}
		for _, x := range xs {
			if got, want := lv.best(x), full(x, d); got != want {
				t.Fatalf("d=%g x=%g (%#08x): got %d, full scan %d", d, x, math.Float32bits(x), got, want)
			}
		}
	}
}

// TestBestIndexInt8MatchesBinarySearch compares the table-driven level
// search with ggml's best_index_int8 (binary search, ties to the upper
// level) at every level, midpoint and integer, their float32 neighbours,
// special values and a million random values.
func TestBestIndexInt8MatchesBinarySearch(t *testing.T) {
	ref := func(x float32) uint8 {
		val := &kvalues_iq4nl
		if x <= float32(val[0]) {
			return 0
		}
		if x >= float32(val[15]) {
			return 15
		}
		ml, mu := 0, 15
		for mu-ml > 1 {
			mav := (ml + mu) / 2
			if x < float32(val[mav]) {
				mu = mav
			} else {
				ml = mav
			}
		}
		if x-float32(val[mu-1]) < float32(val[mu])-x {
			return uint8(mu - 1)
		}
		return uint8(mu)
	}
	xs := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), 1e-45, -1e-45, math.MaxFloat32, -math.MaxFloat32}
	for i := -140; i <= 140; i++ {
		for _, v := range []float32{float32(i), float32(i) + 0.5} {
			xs = append(xs, v, math.Nextafter32(v, 1e9), math.Nextafter32(v, -1e9))
		}
	}
	r := rand.New(rand.NewSource(26))
	for i := 0; i < 1_000_000; i++ {
		xs = append(xs, float32(r.NormFloat64()*80))
	}
	for _, x := range xs {
		if got, want := bestIndexInt8(x), ref(x); got != want {
			t.Fatalf("x=%g (%#08x): got %d, best_index_int8 %d", x, math.Float32bits(x), got, want)
		}
	}
}

// TestToHalfMatchesFP32ToFP16 checks the inline fp16 rounding against
// FP32ToFP16 on every exponent with the mantissa patterns around the
// rounding point (ties both ways, carries into the exponent) and on
// random bit patterns.
func TestToHalfMatchesFP32ToFP16(t *testing.T) {
	check := func(b uint32) {
		f := math.Float32frombits(b)
		if got, want := toHalf(f), FP32ToFP16(f); got != want {
			t.Fatalf("%#08x (%g): got %#04x, FP32ToFP16 %#04x", b, f, got, want)
		}
	}
	lows := []uint32{0, 1, 0xfff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x7fe000, 0x7fefff, 0x7ff000, 0x7fffff}
	r := rand.New(rand.NewSource(27))
	for e := uint32(0); e < 256; e++ {
		for _, lo := range lows {
			for _, hi := range []uint32{0, 0x7fe000, r.Uint32() & 0x7fe000} {
				m := (hi | lo) & 0x7fffff
				check(e<<23 | m)
				check(1<<31 | e<<23 | m)
			}
		}
	}
	for i := 0; i < 1_000_000; i++ {
		check(r.Uint32())
	}
}
