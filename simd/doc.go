// Package simd holds the hot loops of ggufmerge: half-precision conversions,
// block dequantization, Q8_0 quantization and the K-quant scale searches,
// the element-wise merge arithmetic (TIES, DARE/DELLA masks, Philox
// uniforms) and reductions, each as Go assembly for amd64 (AVX2 + F16C)
// and arm64 (NEON) with a pure-Go twin that is always compiled. No kernel
// uses FMA: every product that is added is rounded first, as in ggml's
// x86 build and in the twins.
//
// Every kernel gives bitwise the same results on every implementation and
// architecture: the generic twin fixes the exact float32 operation order
// (no fused multiply-add anywhere, fixed lane order in reductions) and the
// assembly reproduces it. The one freedom left is the bits of a NaN made
// by arithmetic: where two NaNs meet, or an invalid operation (0*Inf,
// Inf-Inf) creates one, which NaN comes out is not specified (x86 and ARM
// even create different default NaNs), but a NaN comes out exactly where
// the generic code gives one. Conversions (F16/BF16) are exact for NaNs
// too.
//
// The implementation is chosen once from the CPU features reported by
// golang.org/x/sys/cpu, so GODEBUG=cpu.avx2=off (amd64) or
// GODEBUG=cpu.asimd=off (arm64) selects the generic code, as does building
// with -tags purego. KernelSet names the set in use; Impls and Select let
// tests and benchmarks run every implementation.
//
// simd imports nothing else from ggufmerge; kernels take plain slices.
// The arm64 files write the NEON instructions Go's assembler lacks as
// WORD encodings with the instruction as comment; TestNEONWords checks
// them with llvm-mc, and "go test -run TestNEONWords -update" rewrites a
// WORD from its comment (write WORD $? for a new one).
// Exported functions check lengths and panic with a "simd: Name:" message
// on a mismatch, like crypto/subtle.XORBytes: callers validate untrusted
// sizes before they get here.
package simd
