//go:build !purego

#include "textflag.h"

// func quantQ8_0Asm(dst []byte, src []float32) int
//
// Whole Q8_0 blocks until one holds a NaN (left to the Go code). FRINTA
// rounds ties away from zero as roundf; FCVTZS then UZP1 keep the low
// byte of each int32, as the byte(int32) of the generic code.
TEXT ·quantQ8_0Asm(SB), NOSPLIT|NOFRAME, $0-56
	MOVD  dst_base+0(FP), R0
	MOVD  src_base+24(FP), R1
	MOVD  src_len+32(FP), R2
	LSR   $5, R2, R2
	MOVD  $0, R3
	CBZ   R2, done
	MOVW  $0x7fffffff, R6
	VDUP  R6, V31.S4
	MOVW  $0x42fe0000, R6 // 127.0
	FMOVS R6, F30
	FMOVS $1.0, F29
	FMOVS ZR, F28

block:
	MOVD   R1, R5
	VLD1.P 64(R5), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R5), [V4.S4, V5.S4, V6.S4, V7.S4]
	// a NaN anywhere: leave the block to the Go code
	WORD   $0x4e20e408 // fcmeq v8.4s, v0.4s, v0.4s
	WORD   $0x4e21e429 // fcmeq v9.4s, v1.4s, v1.4s
	WORD   $0x4e22e44a // fcmeq v10.4s, v2.4s, v2.4s
	WORD   $0x4e23e46b // fcmeq v11.4s, v3.4s, v3.4s
	WORD   $0x4e24e48c // fcmeq v12.4s, v4.4s, v4.4s
	WORD   $0x4e25e4ad // fcmeq v13.4s, v5.4s, v5.4s
	WORD   $0x4e26e4ce // fcmeq v14.4s, v6.4s, v6.4s
	WORD   $0x4e27e4ef // fcmeq v15.4s, v7.4s, v7.4s
	VAND   V9.B16, V8.B16, V8.B16
	VAND   V11.B16, V10.B16, V10.B16
	VAND   V13.B16, V12.B16, V12.B16
	VAND   V15.B16, V14.B16, V14.B16
	VAND   V10.B16, V8.B16, V8.B16
	VAND   V14.B16, V12.B16, V12.B16
	VAND   V12.B16, V8.B16, V8.B16
	VMOV   V8.D[0], R6
	VMOV   V8.D[1], R7
	AND    R7, R6, R6
	CMN    $1, R6
	BNE    done
	// amax (order does not matter without NaN)
	VAND   V31.B16, V0.B16, V8.B16
	VAND   V31.B16, V1.B16, V9.B16
	VAND   V31.B16, V2.B16, V10.B16
	VAND   V31.B16, V3.B16, V11.B16
	VAND   V31.B16, V4.B16, V12.B16
	VAND   V31.B16, V5.B16, V13.B16
	VAND   V31.B16, V6.B16, V14.B16
	VAND   V31.B16, V7.B16, V15.B16
	WORD   $0x4e2cf508 // fmax v8.4s, v8.4s, v12.4s
	WORD   $0x4e2df529 // fmax v9.4s, v9.4s, v13.4s
	WORD   $0x4e2ef54a // fmax v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ff56b // fmax v11.4s, v11.4s, v15.4s
	WORD   $0x4e2af508 // fmax v8.4s, v8.4s, v10.4s
	WORD   $0x4e2bf529 // fmax v9.4s, v9.4s, v11.4s
	WORD   $0x4e29f508 // fmax v8.4s, v8.4s, v9.4s
	WORD   $0x6e30f910 // fmaxv s16, v8.4s
	// d = amax/127; id = d != 0 ? 1/d : 0
	FDIVS  F30, F16, F17
	FDIVS  F17, F29, F18
	FCMPS  F28, F17
	FCSELS EQ, F28, F18, F18
	FCVTSH F17, F19
	FMOVS  F19, R6
	MOVH   R6, (R0)
	VDUP   V18.S[0], V18.S4
	WORD   $0x6e32dc00 // fmul v0.4s, v0.4s, v18.4s
	WORD   $0x6e32dc21 // fmul v1.4s, v1.4s, v18.4s
	WORD   $0x6e32dc42 // fmul v2.4s, v2.4s, v18.4s
	WORD   $0x6e32dc63 // fmul v3.4s, v3.4s, v18.4s
	WORD   $0x6e32dc84 // fmul v4.4s, v4.4s, v18.4s
	WORD   $0x6e32dca5 // fmul v5.4s, v5.4s, v18.4s
	WORD   $0x6e32dcc6 // fmul v6.4s, v6.4s, v18.4s
	WORD   $0x6e32dce7 // fmul v7.4s, v7.4s, v18.4s
	WORD   $0x6e218800 // frinta v0.4s, v0.4s
	WORD   $0x6e218821 // frinta v1.4s, v1.4s
	WORD   $0x6e218842 // frinta v2.4s, v2.4s
	WORD   $0x6e218863 // frinta v3.4s, v3.4s
	WORD   $0x6e218884 // frinta v4.4s, v4.4s
	WORD   $0x6e2188a5 // frinta v5.4s, v5.4s
	WORD   $0x6e2188c6 // frinta v6.4s, v6.4s
	WORD   $0x6e2188e7 // frinta v7.4s, v7.4s
	WORD   $0x4ea1b800 // fcvtzs v0.4s, v0.4s
	WORD   $0x4ea1b821 // fcvtzs v1.4s, v1.4s
	WORD   $0x4ea1b842 // fcvtzs v2.4s, v2.4s
	WORD   $0x4ea1b863 // fcvtzs v3.4s, v3.4s
	WORD   $0x4ea1b884 // fcvtzs v4.4s, v4.4s
	WORD   $0x4ea1b8a5 // fcvtzs v5.4s, v5.4s
	WORD   $0x4ea1b8c6 // fcvtzs v6.4s, v6.4s
	WORD   $0x4ea1b8e7 // fcvtzs v7.4s, v7.4s
	VUZP1  V1.H8, V0.H8, V16.H8
	VUZP1  V3.H8, V2.H8, V17.H8
	VUZP1  V17.B16, V16.B16, V16.B16
	VUZP1  V5.H8, V4.H8, V18.H8
	VUZP1  V7.H8, V6.H8, V19.H8
	VUZP1  V19.B16, V18.B16, V17.B16
	ADD    $2, R0, R8
	VST1   [V16.B16, V17.B16], (R8)
	ADD    $128, R1, R1
	ADD    $34, R0, R0
	ADD    $1, R3, R3
	SUBS   $1, R2, R2
	BNE    block

done:
	MOVD   R3, ret+48(FP)
	RET
