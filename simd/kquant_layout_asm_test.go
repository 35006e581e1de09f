//go:build (amd64 || arm64) && !purego

package simd

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

func checkQKXLayout(t *testing.T) {
	var s qkxState
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"x", unsafe.Offsetof(s.x), 0}, {"w", unsafe.Offsetof(s.w), 1024}, {"xm", unsafe.Offsetof(s.xm), 2048},
		{"l", unsafe.Offsetof(s.l), 3072}, {"aux", unsafe.Offsetof(s.aux), 4096},
		{"minv", unsafe.Offsetof(s.minv), 5120}, {"maxv", unsafe.Offsetof(s.maxv), 5152},
		{"sumW", unsafe.Offsetof(s.sumW), 5184}, {"sumX", unsafe.Offsetof(s.sumX), 5216},
		{"scale", unsafe.Offsetof(s.scale), 5248}, {"best", unsafe.Offsetof(s.best), 5280},
		{"rng", unsafe.Offsetof(s.rng), 5312}, {"active", unsafe.Offsetof(s.active), 5344},
		{"nmax", unsafe.Offsetof(s.nmax), 5376}, {"rmin", unsafe.Offsetof(s.rmin), 5380},
		{"rdelta", unsafe.Offsetof(s.rdelta), 5384}, {"nstep", unsafe.Offsetof(s.nstep), 5388},
		{"useMad", unsafe.Offsetof(s.useMad), 5392}, {"v3", unsafe.Offsetof(s.v3), 5396},
		{"n", unsafe.Offsetof(s.n), 5400},
	} {
		if c.got != c.want {
			t.Errorf("qkxState.%s at offset %d, the assembly uses %d", c.name, c.got, c.want)
		}
	}
}

func checkQXLayout(t *testing.T) {
	var s qxState
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"x", unsafe.Offsetof(s.x), 0}, {"w", unsafe.Offsetof(s.w), 1024}, {"l", unsafe.Offsetof(s.l), 2048},
		{"aux", unsafe.Offsetof(s.aux), 3072}, {"maxv", unsafe.Offsetof(s.maxv), 4096},
		{"scale", unsafe.Offsetof(s.scale), 4160}, {"best", unsafe.Offsetof(s.best), 4224},
		{"active", unsafe.Offsetof(s.active), 4288}, {"lo", unsafe.Offsetof(s.lo), 4352},
		{"hi", unsafe.Offsetof(s.hi), 4384}, {"nmax", unsafe.Offsetof(s.nmax), 4416},
	} {
		if c.got != c.want {
			t.Errorf("qxState.%s at offset %d, the assembly uses %d", c.name, c.got, c.want)
		}
	}
}

// qxLoadRef and qxStoreRef are qxState.load and store as plain loops (the
// arm64 code before it had qxInAsm/qxOutAsm).
func qxLoadRef(s *qxState, x, w []float32, cube bool) {
	for j := 0; j < 16; j++ {
		for i := 0; i < 16; i++ {
			v := x[16*j+i]
			s.x[16*i+j] = v
			if w != nil {
				s.w[16*i+j] = w[16*j+i]
			} else {
				s.w[16*i+j] = v * v
			}
			if cube {
				s.aux[16*i+j] = s.w[16*i+j] * v
			}
		}
	}
}

func qxStoreRef(s *qxState, L []int8, nmax int, scales *[16]float32) {
	for j := 0; j < 16; j++ {
		scales[j] = 0
		if s.active[j] != 0 { // an all-ones mask is a NaN
			scales[j] = s.scale[j]
		}
		for i := 0; i < 16; i++ {
			L[16*j+i] = 0
			if s.active[j] != 0 {
				L[16*j+i] = int8(int32(s.l[16*i+j]) + int32(nmax))
			}
		}
	}
}

// TestQXInOut checks the assembly moves into and out of qxState's
// transposed layout against plain loops, bit for bit, with and without
// weights and cube, at unaligned offsets, with guard bytes around L.
func TestQXInOut(t *testing.T) {
	if !useAsm {
		t.Skip("no vector kernels on this CPU")
	}
	r := rand.New(rand.NewPCG(51, 52))
	on := math.Float32frombits(0xffffffff)
	for trial := 0; trial < 400; trial++ {
		off := trial % 8
		x := make([]float32, 256+off)[off:]
		w := make([]float32, 256+7-off)[7-off:]
		for i := range x {
			x[i] = float32(r.NormFloat64() * math.Pow(10, -r.Float64()*8))
			w[i] = float32(math.Exp(r.NormFloat64()))
		}
		if trial%3 == 0 {
			w = nil
		}
		cube := trial%2 == 0
		var got, want qxState
		for i := range got.aux {
			got.aux[i], want.aux[i] = 7, 7 // untouched without cube
		}
		got.load(x, w, cube)
		qxLoadRef(&want, x, w, cube)
		for i := 0; i < 256; i++ {
			if !sameBits(got.x[i], want.x[i]) || !sameBits(got.w[i], want.w[i]) || !sameBits(got.aux[i], want.aux[i]) {
				t.Fatalf("trial %d (w nil %v, cube %v): element %d: x,w,aux = %g,%g,%g, want %g,%g,%g", trial, w == nil, cube,
					i, got.x[i], got.w[i], got.aux[i], want.x[i], want.w[i], want.aux[i])
			}
		}
		nmax := []int{32, 4, 8, 16, 1, 127}[trial%6]
		for j := 0; j < 16; j++ {
			got.scale[j] = float32(r.NormFloat64())
			got.active[j] = on
			if r.IntN(4) == 0 {
				got.active[j] = 0
			}
		}
		for i := range got.l {
			got.l[i] = float32(r.IntN(2*nmax) - nmax)
		}
		got.setNmax(nmax)
		ref := got
		buf := make([]int8, 256+16)
		for i := range buf {
			buf[i] = 0x55
		}
		L := buf[off : off+256]
		var gs, ws [16]float32
		wL := make([]int8, 256)
		got.store(L, nmax, &gs)
		qxStoreRef(&ref, wL, nmax, &ws)
		for j := range gs {
			if !sameBits(gs[j], ws[j]) {
				t.Fatalf("trial %d nmax %d: scale %d = %g, want %g", trial, nmax, j, gs[j], ws[j])
			}
		}
		for i := range wL {
			if L[i] != wL[i] {
				t.Fatalf("trial %d nmax %d: L[%d] = %d, want %d", trial, nmax, i, L[i], wL[i])
			}
		}
		for i, b := range buf {
			if (i < off || i >= off+256) && b != 0x55 {
				t.Fatalf("trial %d: byte %d outside L (at %d) written", trial, i, off)
			}
		}
	}
}
