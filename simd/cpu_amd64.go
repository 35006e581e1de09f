//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAsm enables the AVX2 kernels. They need AVX2 for 256-bit integer
// work and F16C for the half conversions; none of them uses FMA, so that
// the generic twins (which never fuse) give the same bits.
// GODEBUG=cpu.avx2=off (or cpu.f16c=off) turns them off.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasF16C

func init() { register("avx2", &useAsm) }
