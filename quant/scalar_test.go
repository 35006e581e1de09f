package quant

import (
	"math"
	"testing"
)

// TestFP16Exhaustive checks FP32ToFP16 ∘ FP16ToFP32 is the identity on every
// non-NaN half, and that rounding matches a float64 reference on midpoints.
func TestFP16Exhaustive(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := FP16ToFP32(uint16(h))
		if f != f {
			if got := FP32ToFP16(f); got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
				t.Fatalf("NaN %#04x -> %#04x", h, got)
			}
			continue
		}
		if got := FP32ToFP16(f); got != uint16(h) {
			t.Fatalf("half %#04x -> %g -> %#04x", h, f, got)
		}
	}
}

// TestFP16RoundingTies compares with a float64 round-to-nearest-even model at
// exact midpoints and neighbours of every finite positive half.
func TestFP16RoundingTies(t *testing.T) {
	for h := uint16(0); h < 0x7bff; h++ {
		lo, hi := float64(FP16ToFP32(h)), float64(FP16ToFP32(h+1))
		mid := float32((lo + hi) / 2)
		want := h
		if h&1 == 1 {
			want = h + 1
		}
		if got := FP32ToFP16(mid); got != want {
			t.Fatalf("midpoint %g between %#04x and %#04x: got %#04x want %#04x", mid, h, h+1, got, want)
		}
		above := math.Nextafter32(mid, float32(math.Inf(1)))
		if got := FP32ToFP16(above); got != h+1 {
			t.Fatalf("just above midpoint %g: got %#04x want %#04x", above, got, h+1)
		}
		below := math.Nextafter32(mid, 0)
		if got := FP32ToFP16(below); got != h {
			t.Fatalf("just below midpoint %g: got %#04x want %#04x", below, got, h)
		}
	}
	if got := FP32ToFP16(65520); got != 0x7c00 {
		t.Fatalf("65520 -> %#04x, want Inf", got)
	}
	if got := FP32ToFP16(-1e-30); got != 0x8000 {
		t.Fatalf("-1e-30 -> %#04x, want -0", got)
	}
}

func TestNearestInt(t *testing.T) {
	for _, c := range []struct {
		f    float32
		want int32
	}{{0.5, 0}, {1.5, 2}, {2.5, 2}, {-0.5, 0}, {-1.5, -2}, {3.49, 3}, {-7.51, -8}, {4194303, 4194303}} {
		if got := nearestInt(c.f); got != c.want {
			t.Errorf("nearestInt(%g) = %d, want %d", c.f, got, c.want)
		}
	}
}
