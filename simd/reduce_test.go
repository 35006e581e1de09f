package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	type kernel struct {
		name      string
		fast, ref func(x []float32) float32
	}
	kernels := []kernel{
		{"AbsMax", AbsMax, absMaxGeneric},
		{"Sum", Sum, sumGeneric},
		{"SumAbs", SumAbs, sumAbsGeneric},
		{"SumSquares", SumSquares, sumSquaresGeneric},
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			forEachImpl(t, func(t *testing.T) {
				for _, n := range testLengths {
					for off := 0; off < 8; off++ {
						for _, finite := range []bool{true, false} {
							x, _ := f32Buf(n, off)
							for i := range x {
								if finite {
									x[i] = randFinite(r)
								} else {
									x[i] = randFloat(r)
								}
							}
							got, want := k.fast(x), k.ref(x)
							if !sameOrNaN(got, want) {
								t.Fatalf("%s(n=%d, off=%d, finite=%v) = %#08x (%g), want %#08x (%g)", k.name, n, off, finite,
									math.Float32bits(got), got, math.Float32bits(want), want)
							}
						}
					}
				}
			})
		})
	}
}

func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	forEachImpl(t, func(t *testing.T) {
		for _, n := range testLengths {
			for off := 0; off < 8; off++ {
				x, y := in(r, n, off), in(r, n, 7-off)
				if off%2 == 0 {
					for i := range x {
						x[i], y[i] = randFinite(r), randFinite(r)
					}
				}
				got, want := Dot(x, y), dotGeneric(x, y)
				if !sameOrNaN(got, want) {
					t.Fatalf("Dot(n=%d) = %#08x, want %#08x", n, math.Float32bits(got), math.Float32bits(want))
				}
			}
		}
	})
}

func TestReductionSemantics(t *testing.T) {
	nan := float32(math.NaN())
	forEachImpl(t, func(t *testing.T) {
		x := make([]float32, 100)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		x[40] = -9
		x[63] = nan
		if got := AbsMax(x); got != 9 {
			t.Errorf("AbsMax ignores NaN and takes |-9|: got %g", got)
		}
		if got := AbsMax([]float32{nan, nan}); got != 0 {
			t.Errorf("AbsMax(all NaN) = %g, want 0", got)
		}
		ones := make([]float32, 1000)
		for i := range ones {
			ones[i] = 1
		}
		if got := Sum(ones); got != 1000 {
			t.Errorf("Sum(1000 ones) = %g", got)
		}
		if got := SumSquares(ones[:77]); got != 77 {
			t.Errorf("SumSquares = %g", got)
		}
		// The lane order: lanes 0 and 16 meet first (1+1), then lane 1
		// (2^24), giving 2^24+2; a sequential sum would lose both ones.
		y := make([]float32, 32)
		y[0], y[16], y[1] = 1, 1, 1<<24
		if got := Sum(y); got != 1<<24+2 {
			t.Errorf("Sum lane order: got %g, want %g", got, float64(1<<24+2))
		}
		// The tail is added after the fold, one by one.
		y = append(y, 1, 1)
		if got := Sum(y); got != 1<<24+4 {
			t.Errorf("Sum with tail: got %g, want %g", got, float64(1<<24+4))
		}
	})
}
