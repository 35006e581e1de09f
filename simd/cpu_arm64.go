//go:build !purego

package simd

import "golang.org/x/sys/cpu"

// useAsm enables the NEON kernels. Advanced SIMD is part of every ARMv8-A
// core; GODEBUG=cpu.asimd=off turns the kernels off.
var useAsm = cpu.ARM64.HasASIMD

func init() { register("neon", &useAsm) }
