//go:build !purego

#include "textflag.h"

// NEON reductions over len(x), a multiple of 32, in the package's lane
// order: V0..V7 hold lanes 0-3, 4-7, ..., 28-31, and the fold adds lane
// l+16, l+8, l+4, l+2, l+1 into lane l, exactly as fold() in reduce.go.

// func sumAsm(x []float32) float32
TEXT ·sumAsm(SB), NOSPLIT|NOFRAME, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	WORD   $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	WORD   $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	WORD   $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	WORD   $0x4e34d484 // fadd v4.4s, v4.4s, v20.4s
	WORD   $0x4e35d4a5 // fadd v5.4s, v5.4s, v21.4s
	WORD   $0x4e36d4c6 // fadd v6.4s, v6.4s, v22.4s
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	WORD   $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD   $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT   $8, V0.B16, V0.B16, V1.B16
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD   $0x7e30d800 // faddp s0, v0.2s
	FMOVS  F0, ret+24(FP)
	RET

// func sumAbsAsm(x []float32) float32
TEXT ·sumAbsAsm(SB), NOSPLIT|NOFRAME, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	MOVW $0x7fffffff, R6
	VDUP R6, V31.S4
	LSR  $5, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VAND   V31.B16, V16.B16, V16.B16
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	VAND   V31.B16, V17.B16, V17.B16
	WORD   $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	VAND   V31.B16, V18.B16, V18.B16
	WORD   $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	VAND   V31.B16, V19.B16, V19.B16
	WORD   $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	VAND   V31.B16, V20.B16, V20.B16
	WORD   $0x4e34d484 // fadd v4.4s, v4.4s, v20.4s
	VAND   V31.B16, V21.B16, V21.B16
	WORD   $0x4e35d4a5 // fadd v5.4s, v5.4s, v21.4s
	VAND   V31.B16, V22.B16, V22.B16
	WORD   $0x4e36d4c6 // fadd v6.4s, v6.4s, v22.4s
	VAND   V31.B16, V23.B16, V23.B16
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	WORD   $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD   $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT   $8, V0.B16, V0.B16, V1.B16
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD   $0x7e30d800 // faddp s0, v0.2s
	FMOVS  F0, ret+24(FP)
	RET

// func sumSquaresAsm(x []float32) float32
TEXT ·sumSquaresAsm(SB), NOSPLIT|NOFRAME, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD   $0x6e30de10 // fmul v16.4s, v16.4s, v16.4s
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	WORD   $0x6e31de31 // fmul v17.4s, v17.4s, v17.4s
	WORD   $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	WORD   $0x6e32de52 // fmul v18.4s, v18.4s, v18.4s
	WORD   $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	WORD   $0x6e33de73 // fmul v19.4s, v19.4s, v19.4s
	WORD   $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	WORD   $0x6e34de94 // fmul v20.4s, v20.4s, v20.4s
	WORD   $0x4e34d484 // fadd v4.4s, v4.4s, v20.4s
	WORD   $0x6e35deb5 // fmul v21.4s, v21.4s, v21.4s
	WORD   $0x4e35d4a5 // fadd v5.4s, v5.4s, v21.4s
	WORD   $0x6e36ded6 // fmul v22.4s, v22.4s, v22.4s
	WORD   $0x4e36d4c6 // fadd v6.4s, v6.4s, v22.4s
	WORD   $0x6e37def7 // fmul v23.4s, v23.4s, v23.4s
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	WORD   $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD   $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT   $8, V0.B16, V0.B16, V1.B16
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD   $0x7e30d800 // faddp s0, v0.2s
	FMOVS  F0, ret+24(FP)
	RET

// func dotAsm(x, y []float32) float32
TEXT ·dotAsm(SB), NOSPLIT|NOFRAME, $0-52
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	MOVD y_base+24(FP), R2
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R2), [V24.S4, V25.S4, V26.S4, V27.S4]
	WORD   $0x6e38de10 // fmul v16.4s, v16.4s, v24.4s
	WORD   $0x6e39de31 // fmul v17.4s, v17.4s, v25.4s
	WORD   $0x6e3ade52 // fmul v18.4s, v18.4s, v26.4s
	WORD   $0x6e3bde73 // fmul v19.4s, v19.4s, v27.4s
	VLD1.P 64(R2), [V24.S4, V25.S4, V26.S4, V27.S4]
	WORD   $0x6e38de94 // fmul v20.4s, v20.4s, v24.4s
	WORD   $0x6e39deb5 // fmul v21.4s, v21.4s, v25.4s
	WORD   $0x6e3aded6 // fmul v22.4s, v22.4s, v26.4s
	WORD   $0x6e3bdef7 // fmul v23.4s, v23.4s, v27.4s
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	WORD   $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	WORD   $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	WORD   $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	WORD   $0x4e34d484 // fadd v4.4s, v4.4s, v20.4s
	WORD   $0x4e35d4a5 // fadd v5.4s, v5.4s, v21.4s
	WORD   $0x4e36d4c6 // fadd v6.4s, v6.4s, v22.4s
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	WORD   $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD   $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT   $8, V0.B16, V0.B16, V1.B16
	WORD   $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD   $0x7e30d800 // faddp s0, v0.2s
	FMOVS  F0, ret+48(FP)
	RET

// absMaxAsm keeps m where a = |x| is not greater (NaN a is skipped), as
// the generic "if a > m"; the fold then has no NaN, so FMAX is exact.
// func absMaxAsm(x []float32) float32
TEXT ·absMaxAsm(SB), NOSPLIT|NOFRAME, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	MOVW $0x7fffffff, R6
	VDUP R6, V31.S4
	LSR  $5, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VAND   V31.B16, V16.B16, V16.B16
	WORD   $0x6ea0e618 // fcmgt v24.4s, v16.4s, v0.4s
	VBIT   V24.B16, V16.B16, V0.B16
	VAND   V31.B16, V17.B16, V17.B16
	WORD   $0x6ea1e639 // fcmgt v25.4s, v17.4s, v1.4s
	VBIT   V25.B16, V17.B16, V1.B16
	VAND   V31.B16, V18.B16, V18.B16
	WORD   $0x6ea2e65a // fcmgt v26.4s, v18.4s, v2.4s
	VBIT   V26.B16, V18.B16, V2.B16
	VAND   V31.B16, V19.B16, V19.B16
	WORD   $0x6ea3e67b // fcmgt v27.4s, v19.4s, v3.4s
	VBIT   V27.B16, V19.B16, V3.B16
	VAND   V31.B16, V20.B16, V20.B16
	WORD   $0x6ea4e698 // fcmgt v24.4s, v20.4s, v4.4s
	VBIT   V24.B16, V20.B16, V4.B16
	VAND   V31.B16, V21.B16, V21.B16
	WORD   $0x6ea5e6b9 // fcmgt v25.4s, v21.4s, v5.4s
	VBIT   V25.B16, V21.B16, V5.B16
	VAND   V31.B16, V22.B16, V22.B16
	WORD   $0x6ea6e6da // fcmgt v26.4s, v22.4s, v6.4s
	VBIT   V26.B16, V22.B16, V6.B16
	VAND   V31.B16, V23.B16, V23.B16
	WORD   $0x6ea7e6fb // fcmgt v27.4s, v23.4s, v7.4s
	VBIT   V27.B16, V23.B16, V7.B16
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e24f400 // fmax v0.4s, v0.4s, v4.4s
	WORD   $0x4e25f421 // fmax v1.4s, v1.4s, v5.4s
	WORD   $0x4e26f442 // fmax v2.4s, v2.4s, v6.4s
	WORD   $0x4e27f463 // fmax v3.4s, v3.4s, v7.4s
	WORD   $0x4e22f400 // fmax v0.4s, v0.4s, v2.4s
	WORD   $0x4e23f421 // fmax v1.4s, v1.4s, v3.4s
	WORD   $0x4e21f400 // fmax v0.4s, v0.4s, v1.4s
	WORD   $0x6e30f800 // fmaxv s0, v0.4s
	FMOVS  F0, ret+24(FP)
	RET

// func sumAbs64Asm(x []float32) float64
//
// V0..V7 hold float64 lanes 0-1, 2-3, ..., 14-15.
TEXT ·sumAbs64Asm(SB), NOSPLIT|NOFRAME, $0-32
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	MOVW $0x7fffffff, R6
	VDUP R6, V31.S4
	LSR  $4, R1, R1
	CBZ  R1, fold

loop:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VAND   V31.B16, V16.B16, V16.B16
	VAND   V31.B16, V17.B16, V17.B16
	VAND   V31.B16, V18.B16, V18.B16
	VAND   V31.B16, V19.B16, V19.B16
	WORD   $0x0e617a14 // fcvtl v20.2d, v16.2s
	WORD   $0x4e617a15 // fcvtl2 v21.2d, v16.4s
	WORD   $0x0e617a36 // fcvtl v22.2d, v17.2s
	WORD   $0x4e617a37 // fcvtl2 v23.2d, v17.4s
	WORD   $0x0e617a58 // fcvtl v24.2d, v18.2s
	WORD   $0x4e617a59 // fcvtl2 v25.2d, v18.4s
	WORD   $0x0e617a7a // fcvtl v26.2d, v19.2s
	WORD   $0x4e617a7b // fcvtl2 v27.2d, v19.4s
	WORD   $0x4e74d400 // fadd v0.2d, v0.2d, v20.2d
	WORD   $0x4e75d421 // fadd v1.2d, v1.2d, v21.2d
	WORD   $0x4e76d442 // fadd v2.2d, v2.2d, v22.2d
	WORD   $0x4e77d463 // fadd v3.2d, v3.2d, v23.2d
	WORD   $0x4e78d484 // fadd v4.2d, v4.2d, v24.2d
	WORD   $0x4e79d4a5 // fadd v5.2d, v5.2d, v25.2d
	WORD   $0x4e7ad4c6 // fadd v6.2d, v6.2d, v26.2d
	WORD   $0x4e7bd4e7 // fadd v7.2d, v7.2d, v27.2d
	SUBS   $1, R1, R1
	BNE    loop

fold:
	WORD   $0x4e64d400 // fadd v0.2d, v0.2d, v4.2d
	WORD   $0x4e65d421 // fadd v1.2d, v1.2d, v5.2d
	WORD   $0x4e66d442 // fadd v2.2d, v2.2d, v6.2d
	WORD   $0x4e67d463 // fadd v3.2d, v3.2d, v7.2d
	WORD   $0x4e62d400 // fadd v0.2d, v0.2d, v2.2d
	WORD   $0x4e63d421 // fadd v1.2d, v1.2d, v3.2d
	WORD   $0x4e61d400 // fadd v0.2d, v0.2d, v1.2d
	WORD   $0x7e70d800 // faddp d0, v0.2d
	FMOVD  F0, ret+24(FP)
	RET
