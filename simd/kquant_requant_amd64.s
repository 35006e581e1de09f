//go:build !purego

#include "textflag.h"

// RQ8 turns 8 values x at SI+off into clamp(nearest_int((x + m)/d)) + bias
// in r (int32): Y0 = d, Y1 = m, Y9-Y11 the nearest_int constants,
// Y13/Y14 lo/hi, Y15 bias. x is the first operand of the add and the
// division, as in C (it decides which NaN comes out).
#define RQ8(off, r) \
	VMOVUPS off(SI), r; \
	VADDPS  Y1, r, r; \
	VDIVPS  Y0, r, r; \
	VADDPS  Y11, r, r; \
	VPAND   Y10, r, r; \
	VPSUBD  Y9, r, r; \
	VPMINSD Y14, r, r; \
	VPMAXSD Y13, r, r; \
	VPADDD  Y15, r, r

// func requantAsm(L *uint8, x, m, d *float32, groups, n int, lo, hi, bias int32)
// Requires: AVX2
TEXT ·requantAsm(SB), NOSPLIT, $0-60
	MOVQ         L+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         d+24(FP), R9
	MOVQ         groups+32(FP), R10
	MOVQ         n+40(FP), R11
	MOVL         lo+48(FP), AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13
	MOVL         hi+52(FP), AX
	VMOVD        AX, X14
	VPBROADCASTD X14, Y14
	MOVL         bias+56(FP), AX
	VMOVD        AX, X15
	VPBROADCASTD X15, Y15
	VMOVDQU      ·magic8(SB), Y11
	VMOVDQU      ·mant8(SB), Y10
	VMOVDQU      ·half8(SB), Y9
	VXORPS       X8, X8, X8
	SHRQ         $4, R11 // chunks of 16 per group

group:
	MOVQ     R11, CX
	VMOVSS   (R9), X0
	VUCOMISS X8, X0
	JNE      do
	JPS      do
	// d == 0: keep this group's levels
	SHLQ     $6, CX
	ADDQ     CX, SI
	SHRQ     $2, CX
	ADDQ     CX, DI
	JMP      next

do:
	VBROADCASTSS (R9), Y0
	VBROADCASTSS (R8), Y1

chunk:
	RQ8(0, Y2)
	RQ8(32, Y3)
	VPACKSSDW    Y3, Y2, Y2
	VPERMQ       $0xd8, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPACKUSWB    X3, X2, X2
	VMOVDQU      X2, (DI)
	ADDQ         $64, SI
	ADDQ         $16, DI
	DECQ         CX
	JNZ          chunk

next:
	ADDQ $4, R8
	ADDQ $4, R9
	DECQ R10
	JNZ  group
	VZEROUPPER
	RET
