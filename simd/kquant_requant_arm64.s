//go:build !purego

#include "textflag.h"

// RequantLevels on NEON, as kquant_requant_amd64.s: per group with d != 0,
// 16 values at a time: (x + m)/d (x first), nearest_int, clamp, + bias,
// narrowed to bytes. WORDs as in kquant6_arm64.s (TestNEONWords).

// func requantAsm(L *uint8, x, m, d *float32, groups, n int, lo, hi, bias int32)
TEXT ·requantAsm(SB), NOSPLIT|NOFRAME, $0-60
	MOVD   L+0(FP), R0
	MOVD   x+8(FP), R1
	MOVD   m+16(FP), R2
	MOVD   d+24(FP), R3
	MOVD   groups+32(FP), R4
	MOVD   n+40(FP), R5
	MOVW   lo+48(FP), R6
	VDUP   R6, V28.S4
	MOVW   hi+52(FP), R6
	VDUP   R6, V27.S4
	MOVW   bias+56(FP), R6
	VDUP   R6, V26.S4
	MOVW   $0x4b400000, R6 // 1.5*2^23
	VDUP   R6, V31.S4
	MOVW   $0x007fffff, R6
	VDUP   R6, V30.S4
	MOVW   $0x00400000, R6
	VDUP   R6, V29.S4
	LSR    $4, R5, R5 // chunks of 16 per group

group:
	MOVD   R5, R7
	FMOVS  (R3), F0
	FCMPS  $(0.0), F0
	BNE    do
	// d == 0: keep this group's levels
	ADD    R7<<6, R1, R1
	ADD    R7<<4, R0, R0
	B      next

do:
	VLD1R  (R3), [V24.S4]
	VLD1R  (R2), [V25.S4]

chunk:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x4e39d400 // fadd v0.4s, v0.4s, v25.4s
	WORD   $0x6e38fc00 // fdiv v0.4s, v0.4s, v24.4s
	WORD   $0x4e3fd400 // fadd v0.4s, v0.4s, v31.4s
	VAND   V30.B16, V0.B16, V0.B16
	VSUB   V29.S4, V0.S4, V0.S4
	WORD   $0x4ebb6c00 // smin v0.4s, v0.4s, v27.4s
	WORD   $0x4ebc6400 // smax v0.4s, v0.4s, v28.4s
	VADD   V26.S4, V0.S4, V0.S4
	WORD   $0x4e39d421 // fadd v1.4s, v1.4s, v25.4s
	WORD   $0x6e38fc21 // fdiv v1.4s, v1.4s, v24.4s
	WORD   $0x4e3fd421 // fadd v1.4s, v1.4s, v31.4s
	VAND   V30.B16, V1.B16, V1.B16
	VSUB   V29.S4, V1.S4, V1.S4
	WORD   $0x4ebb6c21 // smin v1.4s, v1.4s, v27.4s
	WORD   $0x4ebc6421 // smax v1.4s, v1.4s, v28.4s
	VADD   V26.S4, V1.S4, V1.S4
	WORD   $0x4e39d442 // fadd v2.4s, v2.4s, v25.4s
	WORD   $0x6e38fc42 // fdiv v2.4s, v2.4s, v24.4s
	WORD   $0x4e3fd442 // fadd v2.4s, v2.4s, v31.4s
	VAND   V30.B16, V2.B16, V2.B16
	VSUB   V29.S4, V2.S4, V2.S4
	WORD   $0x4ebb6c42 // smin v2.4s, v2.4s, v27.4s
	WORD   $0x4ebc6442 // smax v2.4s, v2.4s, v28.4s
	VADD   V26.S4, V2.S4, V2.S4
	WORD   $0x4e39d463 // fadd v3.4s, v3.4s, v25.4s
	WORD   $0x6e38fc63 // fdiv v3.4s, v3.4s, v24.4s
	WORD   $0x4e3fd463 // fadd v3.4s, v3.4s, v31.4s
	VAND   V30.B16, V3.B16, V3.B16
	VSUB   V29.S4, V3.S4, V3.S4
	WORD   $0x4ebb6c63 // smin v3.4s, v3.4s, v27.4s
	WORD   $0x4ebc6463 // smax v3.4s, v3.4s, v28.4s
	VADD   V26.S4, V3.S4, V3.S4
	WORD   $0x0e612804 // xtn v4.4h, v0.4s
	WORD   $0x4e612824 // xtn2 v4.8h, v1.4s
	WORD   $0x0e612845 // xtn v5.4h, v2.4s
	WORD   $0x4e612865 // xtn2 v5.8h, v3.4s
	WORD   $0x0e212886 // xtn v6.8b, v4.8h
	WORD   $0x4e2128a6 // xtn2 v6.16b, v5.8h
	VST1.P [V6.B16], 16(R0)
	SUBS   $1, R7, R7
	BNE    chunk

next:
	ADD    $4, R2, R2
	ADD    $4, R3, R3
	SUBS   $1, R4, R4
	BNE    group
	RET
