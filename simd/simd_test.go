package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// forEachImpl runs f once per kernel set this CPU supports, generic last.
// Each test compares the dispatched kernel with its *Generic twin, so under
// the generic set it exercises the dispatch and tail code paths.
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, name := range Impls() {
		t.Run(name, func(t *testing.T) {
			restore, ok := Select(name)
			if !ok {
				t.Fatalf("Select(%q) failed although Impls lists it", name)
			}
			defer restore()
			if got := KernelSet(); got != name {
				t.Fatalf("KernelSet() = %q after Select(%q)", got, name)
			}
			f(t)
		})
	}
}

// testLengths are the element counts every element-wise kernel is run on:
// every length up to 70 (all vector-width remainders), the ones around
// 128, and two odd large ones.
var testLengths = func() []int {
	var n []int
	for i := 0; i <= 70; i++ {
		n = append(n, i)
	}
	return append(n, 127, 128, 129, 1023, 4099)
}()

const guardLen = 9 // elements after the destination that must stay untouched

// Guard patterns: a float32 signalling NaN payload and a byte pattern that
// no kernel writes.
const (
	guardF32  = 0x7fa5a5a5
	guardByte = 0xa5
)

// f32Buf returns a slice of n elements starting off elements into a fresh
// buffer that is followed by guardLen guard values.
func f32Buf(n, off int) (s, full []float32) {
	full = make([]float32, off+n+guardLen)
	for i := range full {
		full[i] = math.Float32frombits(guardF32)
	}
	return full[off : off+n], full
}

func byteBuf(n, off int) (s, full []byte) {
	full = make([]byte, off+n+guardLen)
	for i := range full {
		full[i] = guardByte
	}
	return full[off : off+n], full
}

func checkGuardF32(t *testing.T, full []float32, end int) {
	t.Helper()
	for i := end; i < len(full); i++ {
		if math.Float32bits(full[i]) != guardF32 {
			t.Fatalf("wrote past the destination: element %d after the end is %#x", i-end, math.Float32bits(full[i]))
		}
	}
}

func checkGuardBytes(t *testing.T, full []byte, end int) {
	t.Helper()
	for i := end; i < len(full); i++ {
		if full[i] != guardByte {
			t.Fatalf("wrote past the destination: byte %d after the end is %#x", i-end, full[i])
		}
	}
}

// specials are float32 bit patterns that the conversions and the
// arithmetic must treat exactly as the generic code does.
var specials = []uint32{
	0x00000000, 0x80000000, // ±0
	0x00000001, 0x80000001, 0x007fffff, 0x00400000, // float32 denormals
	0x7f800000, 0xff800000, // ±Inf
	0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fffffff, 0x7fc00001, 0x7fa00000, // NaNs
	0x3f800000, 0xbf800000, 0x477fe000, 0x477fefff, 0x477ff000, 0xc77ff000, 0x477fffff, // 65504, just below/at 65520
	0x38800000, 0x387fffff, 0x33800000, 0x33000000, 0x33000001, 0x32ffffff, 0xb3000001, // half normal/subnormal edges
	0x3f801000, 0x3f803000, 0x3f800fff, 0x3f801001, // half rounding ties
	0x3f808000, 0x3f818000, 0x3f807fff, 0x3f808001, // bfloat16 rounding ties
	0x7f7fffff, 0xff7fffff, 0x7f7f8000, // bf16 rounding up to Inf
}

// randFloat draws mostly ordinary values, sometimes specials, sometimes
// raw random bits (which include NaNs, Infs and denormals).
func randFloat(r *rand.Rand) float32 {
	switch r.IntN(10) {
	case 0:
		return math.Float32frombits(specials[r.IntN(len(specials))])
	case 1:
		return math.Float32frombits(r.Uint32())
	case 2:
		return float32(r.NormFloat64() * 1e-6)
	default:
		return float32(r.NormFloat64() * 3)
	}
}

// randFinite is like randFloat without NaN and Inf.
func randFinite(r *rand.Rand) float32 {
	for {
		v := randFloat(r)
		if !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
			return v
		}
	}
}

func randFloats(r *rand.Rand, s []float32) {
	for i := range s {
		s[i] = randFloat(r)
	}
}

// sameBits reports whether a and b are bit-identical.
func sameBits(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

// sameOrNaN is bit identity, except that any NaN equals any NaN: used for
// arithmetic kernels, where NaN bits are not specified (see the package doc).
func sameOrNaN(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return sameBits(a, b)
}

func compareF32(t *testing.T, what string, got, want []float32, eq func(a, b float32) bool) {
	t.Helper()
	for i := range want {
		if !eq(got[i], want[i]) {
			t.Fatalf("%s: element %d of %d: got %#08x (%g), want %#08x (%g)", what, i, len(want),
				math.Float32bits(got[i]), got[i], math.Float32bits(want[i]), want[i])
		}
	}
}

func TestImplRegistry(t *testing.T) {
	names := Impls()
	if len(names) == 0 || names[len(names)-1] != Generic {
		t.Fatalf("Impls() = %v, want a list ending with %q", names, Generic)
	}
	if got := KernelSet(); got != names[0] {
		t.Errorf("KernelSet() = %q, want the best available %q", got, names[0])
	}
	if _, ok := Select("no-such-set"); ok {
		t.Errorf("Select of an unknown set succeeded")
	}
	restore, _ := Select(Generic)
	if got := KernelSet(); got != Generic {
		t.Errorf("after Select(generic) KernelSet() = %q", got)
	}
	restore()
	if got := KernelSet(); got != names[0] {
		t.Errorf("restore left KernelSet() = %q, want %q", got, names[0])
	}
	t.Logf("kernel sets: %s", strings.Join(names, ", "))
}

func TestCPUReport(t *testing.T) {
	c := CPU()
	if c.Brand == "" || c.Arch == "" {
		t.Fatalf("CPU() = %+v: brand and arch must be set", c)
	}
	if L2CacheBytes() <= 0 {
		t.Fatalf("L2CacheBytes() = %d", L2CacheBytes())
	}
	if got := RowsPerBlock(L2CacheBytes()); got != 1 {
		t.Errorf("RowsPerBlock(L2) = %d, want 1", got)
	}
	if got := RowsPerBlock(1024); got != max(1, L2CacheBytes()/2048) {
		t.Errorf("RowsPerBlock(1024) = %d", got)
	}
	t.Log(fmt.Sprintf("%+v", c))
}
