//go:build (amd64 || arm64) && !purego

package simd

import (
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
