//go:build !purego

#include "textflag.h"

// NEON merge kernels over len(dst) elements, a multiple of 8: 16 per
// iteration, then 8. Products are rounded before they are added (FMUL
// then FADD), as in the generic twins. Float instructions the Go assembler
// lacks are WORDs with the instruction in the comment (TestNEONWords).

// func addAsm(dst, a, b []float32)
TEXT ·addAsm(SB), NOSPLIT|NOFRAME, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD a_base+24(FP), R1
	MOVD b_base+48(FP), R2
	LSR  $4, R3, R4
	CBZ  R4, tail

loop16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 32(R2), [V4.S4, V5.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	VST1.P [V0.S4, V1.S4], 32(R0)

done:
	RET

// func subAsm(dst, a, b []float32)
TEXT ·subAsm(SB), NOSPLIT|NOFRAME, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD a_base+24(FP), R1
	MOVD b_base+48(FP), R2
	LSR  $4, R3, R4
	CBZ  R4, tail

loop16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4ea4d400 // fsub v0.4s, v0.4s, v4.4s
	WORD   $0x4ea5d421 // fsub v1.4s, v1.4s, v5.4s
	WORD   $0x4ea6d442 // fsub v2.4s, v2.4s, v6.4s
	WORD   $0x4ea7d463 // fsub v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 32(R2), [V4.S4, V5.S4]
	WORD   $0x4ea4d400 // fsub v0.4s, v0.4s, v4.4s
	WORD   $0x4ea5d421 // fsub v1.4s, v1.4s, v5.4s
	VST1.P [V0.S4, V1.S4], 32(R0)

done:
	RET

// func scaleAsm(dst, x []float32, a float32)
TEXT ·scaleAsm(SB), NOSPLIT|NOFRAME, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R3
	MOVD  x_base+24(FP), R1
	FMOVS a+48(FP), F31
	VDUP  V31.S[0], V31.S4
	MOVD  R0, R2
	LSR   $4, R3, R4
	CBZ   R4, tail

loop16:
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x6e24dfe0 // fmul v0.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe1 // fmul v1.4s, v31.4s, v5.4s
	WORD   $0x6e26dfe2 // fmul v2.4s, v31.4s, v6.4s
	WORD   $0x6e27dfe3 // fmul v3.4s, v31.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done
	VLD1.P 32(R1), [V4.S4, V5.S4]
	WORD   $0x6e24dfe0 // fmul v0.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe1 // fmul v1.4s, v31.4s, v5.4s
	VST1.P [V0.S4, V1.S4], 32(R0)

done:
	RET

// func addScaledAsm(dst, x []float32, a float32)
TEXT ·addScaledAsm(SB), NOSPLIT|NOFRAME, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R3
	MOVD  x_base+24(FP), R1
	FMOVS a+48(FP), F31
	VDUP  V31.S[0], V31.S4
	MOVD  R0, R2
	LSR   $4, R3, R4
	CBZ   R4, tail

loop16:
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x6e24dfe4 // fmul v4.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe5 // fmul v5.4s, v31.4s, v5.4s
	WORD   $0x6e26dfe6 // fmul v6.4s, v31.4s, v6.4s
	WORD   $0x6e27dfe7 // fmul v7.4s, v31.4s, v7.4s
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done
	VLD1.P 32(R1), [V4.S4, V5.S4]
	VLD1.P 32(R2), [V0.S4, V1.S4]
	WORD   $0x6e24dfe4 // fmul v4.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe5 // fmul v5.4s, v31.4s, v5.4s
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	VST1.P [V0.S4, V1.S4], 32(R0)

done:
	RET

// func divScalarAsm(dst, x []float32, a float32)
TEXT ·divScalarAsm(SB), NOSPLIT|NOFRAME, $0-52
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R3
	MOVD  x_base+24(FP), R1
	FMOVS a+48(FP), F31
	VDUP  V31.S[0], V31.S4
	MOVD  R0, R2
	LSR   $4, R3, R4
	CBZ   R4, tail

loop16:
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x6e3ffc80 // fdiv v0.4s, v4.4s, v31.4s
	WORD   $0x6e3ffca1 // fdiv v1.4s, v5.4s, v31.4s
	WORD   $0x6e3ffcc2 // fdiv v2.4s, v6.4s, v31.4s
	WORD   $0x6e3ffce3 // fdiv v3.4s, v7.4s, v31.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done
	VLD1.P 32(R1), [V4.S4, V5.S4]
	WORD   $0x6e3ffc80 // fdiv v0.4s, v4.4s, v31.4s
	WORD   $0x6e3ffca1 // fdiv v1.4s, v5.4s, v31.4s
	VST1.P [V0.S4, V1.S4], 32(R0)

done:
	RET

// func weightedSumAsm(dst []float32, rows [][]float32, w []float32)
//
// acc = w[0]*row0, then acc += w[i]*row_i in row order.
TEXT ·weightedSumAsm(SB), NOSPLIT|NOFRAME, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD rows_base+24(FP), R8
	MOVD rows_len+32(FP), R9
	MOVD w_base+48(FP), R10
	MOVD $0, R11 // column byte offset
	LSR  $4, R3, R4
	CBZ  R4, tail

loop16:
	MOVD   (R8), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1R  (R10), [V31.S4]
	WORD   $0x6e20dfe0 // fmul v0.4s, v31.4s, v0.4s
	WORD   $0x6e21dfe1 // fmul v1.4s, v31.4s, v1.4s
	WORD   $0x6e22dfe2 // fmul v2.4s, v31.4s, v2.4s
	WORD   $0x6e23dfe3 // fmul v3.4s, v31.4s, v3.4s
	ADD    $4, R10, R14
	MOVD   $1, R12
	ADD    $24, R8, R13

rows16:
	CMP    R9, R12
	BGE    store16
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1R  (R14), [V31.S4]
	WORD   $0x6e24dfe4 // fmul v4.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe5 // fmul v5.4s, v31.4s, v5.4s
	WORD   $0x6e26dfe6 // fmul v6.4s, v31.4s, v6.4s
	WORD   $0x6e27dfe7 // fmul v7.4s, v31.4s, v7.4s
	ADD    $4, R14, R14
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	ADD    $24, R13, R13
	ADD    $1, R12, R12
	B      rows16

store16:
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	ADD    $64, R11, R11
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done

loop8:
	MOVD   (R8), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V0.S4, V1.S4]
	VLD1R  (R10), [V31.S4]
	WORD   $0x6e20dfe0 // fmul v0.4s, v31.4s, v0.4s
	WORD   $0x6e21dfe1 // fmul v1.4s, v31.4s, v1.4s
	ADD    $4, R10, R14
	MOVD   $1, R12
	ADD    $24, R8, R13

rows8:
	CMP    R9, R12
	BGE    store8
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	VLD1R  (R14), [V31.S4]
	WORD   $0x6e24dfe4 // fmul v4.4s, v31.4s, v4.4s
	WORD   $0x6e25dfe5 // fmul v5.4s, v31.4s, v5.4s
	ADD    $4, R14, R14
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	ADD    $24, R13, R13
	ADD    $1, R12, R12
	B      rows8

store8:
	VST1.P [V0.S4, V1.S4], 32(R0)
	ADD    $32, R11, R11

done:
	RET

// func sumRowsAsm(dst []float32, rows [][]float32)
TEXT ·sumRowsAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD rows_base+24(FP), R8
	MOVD rows_len+32(FP), R9
	MOVD $0, R11 // column byte offset
	LSR  $4, R3, R4
	CBZ  R4, tail

loop16:
	MOVD   (R8), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V0.S4, V1.S4, V2.S4, V3.S4]
	MOVD   $1, R12
	ADD    $24, R8, R13

rows16:
	CMP    R9, R12
	BGE    store16
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	ADD    $24, R13, R13
	ADD    $1, R12, R12
	B      rows16

store16:
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	ADD    $64, R11, R11
	SUBS   $1, R4, R4
	BNE    loop16

tail:
	TBZ    $3, R3, done

loop8:
	MOVD   (R8), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V0.S4, V1.S4]
	MOVD   $1, R12
	ADD    $24, R8, R13

rows8:
	CMP    R9, R12
	BGE    store8
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	ADD    $24, R13, R13
	ADD    $1, R12, R12
	B      rows8

store8:
	VST1.P [V0.S4, V1.S4], 32(R0)
	ADD    $32, R11, R11

done:
	RET

// func tiesFuseAsm(dst []float32, rows [][]float32, w []float32, normalize bool)
//
// Per 8 columns: S = sum of the rows; pos = S >= 0; a row votes where
// (pos ? v > 0 : v < 0); mixed and div add the voting v and w[i]. Adding
// the +0 of a masked-out lane leaves them unchanged (see tiesFuseAsm in
// merge_amd64.s).
TEXT ·tiesFuseAsm(SB), NOSPLIT|NOFRAME, $0-73
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD rows_base+24(FP), R8
	MOVD rows_len+32(FP), R9
	MOVD w_base+48(FP), R10
	MOVBU normalize+72(FP), R7
	LSR  $3, R3, R3
	CBZ  R3, done
	MOVD $0, R11
	MOVW $0x3f800000, R6 // 1.0
	VDUP R6, V29.S4

loop8:
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	MOVD   R8, R13
	MOVD   R9, R12
	CBZ    R12, elect

sum:
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	ADD    $24, R13, R13
	SUBS   $1, R12, R12
	BNE    sum

elect:
	WORD   $0x6ea0c802 // fcmge v2.4s, v0.4s, #0.0
	WORD   $0x6ea0c823 // fcmge v3.4s, v1.4s, #0.0
	VEOR   V16.B16, V16.B16, V16.B16
	VEOR   V17.B16, V17.B16, V17.B16
	VEOR   V18.B16, V18.B16, V18.B16
	VEOR   V19.B16, V19.B16, V19.B16
	MOVD   R8, R13
	MOVD   R10, R14
	MOVD   R9, R12
	CBZ    R12, fuse

vote:
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	VLD1R  (R14), [V31.S4]
	WORD   $0x4ea0c886 // fcmgt v6.4s, v4.4s, #0.0
	WORD   $0x4ea0e887 // fcmlt v7.4s, v4.4s, #0.0
	VMOV   V2.B16, V20.B16
	VBSL   V7.B16, V6.B16, V20.B16 // pos ? v > 0 : v < 0
	VAND   V20.B16, V4.B16, V4.B16
	VAND   V20.B16, V31.B16, V8.B16
	WORD   $0x4e24d610 // fadd v16.4s, v16.4s, v4.4s
	WORD   $0x4e28d652 // fadd v18.4s, v18.4s, v8.4s
	WORD   $0x4ea0c8a6 // fcmgt v6.4s, v5.4s, #0.0
	WORD   $0x4ea0e8a7 // fcmlt v7.4s, v5.4s, #0.0
	VMOV   V3.B16, V21.B16
	VBSL   V7.B16, V6.B16, V21.B16 // pos ? v > 0 : v < 0
	VAND   V21.B16, V5.B16, V5.B16
	VAND   V21.B16, V31.B16, V9.B16
	WORD   $0x4e25d631 // fadd v17.4s, v17.4s, v5.4s
	WORD   $0x4e29d673 // fadd v19.4s, v19.4s, v9.4s
	ADD    $24, R13, R13
	ADD    $4, R14, R14
	SUBS   $1, R12, R12
	BNE    vote

fuse:
	CBZ    R7, store
	WORD   $0x4ea0da46 // fcmeq v6.4s, v18.4s, #0.0
	WORD   $0x4ea0da67 // fcmeq v7.4s, v19.4s, #0.0
	VBIT   V6.B16, V29.B16, V18.B16 // div 0 -> 1
	VBIT   V7.B16, V29.B16, V19.B16
	WORD   $0x6e32fe10 // fdiv v16.4s, v16.4s, v18.4s
	WORD   $0x6e33fe31 // fdiv v17.4s, v17.4s, v19.4s

store:
	VST1.P [V16.S4, V17.S4], 32(R0)
	ADD    $32, R11, R11
	SUBS   $1, R3, R3
	BNE    loop8

done:
	RET

// func electWeightedMeanAsm(dst []float32, tv [][]float32, w []float32)
//
// As tiesFuseAsm, summing the rounded products v*w[i] of the agreeing
// rows, then dividing by FMAX(1e-6, div), which keeps a NaN div as Go's
// max does.
TEXT ·electWeightedMeanAsm(SB), NOSPLIT|NOFRAME, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD tv_base+24(FP), R8
	MOVD tv_len+32(FP), R9
	MOVD w_base+48(FP), R10
	LSR  $3, R3, R3
	CBZ  R3, done
	MOVD $0, R11
	MOVW $0x358637bd, R6 // float32(1e-6)
	VDUP R6, V28.S4

loop8:
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	MOVD   R8, R13
	MOVD   R9, R12
	CBZ    R12, elect

sum:
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	ADD    $24, R13, R13
	SUBS   $1, R12, R12
	BNE    sum

elect:
	WORD   $0x6ea0c802 // fcmge v2.4s, v0.4s, #0.0
	WORD   $0x6ea0c823 // fcmge v3.4s, v1.4s, #0.0
	VEOR   V16.B16, V16.B16, V16.B16
	VEOR   V17.B16, V17.B16, V17.B16
	VEOR   V18.B16, V18.B16, V18.B16
	VEOR   V19.B16, V19.B16, V19.B16
	MOVD   R8, R13
	MOVD   R10, R14
	MOVD   R9, R12
	CBZ    R12, fuse

vote:
	MOVD   (R13), R5
	ADD    R11, R5, R5
	VLD1   (R5), [V4.S4, V5.S4]
	VLD1R  (R14), [V31.S4]
	WORD   $0x4ea0c886 // fcmgt v6.4s, v4.4s, #0.0
	WORD   $0x4ea0e887 // fcmlt v7.4s, v4.4s, #0.0
	VMOV   V2.B16, V20.B16
	VBSL   V7.B16, V6.B16, V20.B16 // pos ? v > 0 : v < 0
	WORD   $0x6e3fdc84 // fmul v4.4s, v4.4s, v31.4s
	VAND   V20.B16, V4.B16, V4.B16
	VAND   V20.B16, V31.B16, V8.B16
	WORD   $0x4e24d610 // fadd v16.4s, v16.4s, v4.4s
	WORD   $0x4e28d652 // fadd v18.4s, v18.4s, v8.4s
	WORD   $0x4ea0c8a6 // fcmgt v6.4s, v5.4s, #0.0
	WORD   $0x4ea0e8a7 // fcmlt v7.4s, v5.4s, #0.0
	VMOV   V3.B16, V21.B16
	VBSL   V7.B16, V6.B16, V21.B16 // pos ? v > 0 : v < 0
	WORD   $0x6e3fdca5 // fmul v5.4s, v5.4s, v31.4s
	VAND   V21.B16, V5.B16, V5.B16
	VAND   V21.B16, V31.B16, V9.B16
	WORD   $0x4e25d631 // fadd v17.4s, v17.4s, v5.4s
	WORD   $0x4e29d673 // fadd v19.4s, v19.4s, v9.4s
	ADD    $24, R13, R13
	ADD    $4, R14, R14
	SUBS   $1, R12, R12
	BNE    vote

fuse:
	WORD   $0x4e32f792 // fmax v18.4s, v28.4s, v18.4s
	WORD   $0x4e33f793 // fmax v19.4s, v28.4s, v19.4s
	WORD   $0x6e32fe10 // fdiv v16.4s, v16.4s, v18.4s
	WORD   $0x6e33fe31 // fdiv v17.4s, v17.4s, v19.4s
	VST1.P [V16.S4, V17.S4], 32(R0)
	ADD    $32, R11, R11
	SUBS   $1, R3, R3
	BNE    loop8

done:
	RET

// func magPruneAsm(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool)
//
// p = lo + float32(float32(float32(rank/den)*2)*eps), t*2 computed as t+t.
TEXT ·magPruneAsm(SB), NOSPLIT|NOFRAME, $0-109
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R4
	MOVD  delta_base+24(FP), R1
	MOVD  rank_base+48(FP), R2
	MOVD  u_base+72(FP), R3
	FMOVS lo+96(FP), F28
	VDUP  V28.S[0], V28.S4
	FMOVS eps+100(FP), F29
	VDUP  V29.S[0], V29.S4
	FMOVS den+104(FP), F30
	VDUP  V30.S[0], V30.S4
	MOVBU rescale+108(FP), R7
	LSR   $3, R4, R4
	CBZ   R4, done

loop8:
	VLD1.P 32(R2), [V8.S4, V9.S4]
	VLD1.P 32(R3), [V0.S4, V1.S4]
	VLD1.P 32(R1), [V4.S4, V5.S4]
	WORD   $0x4e21d908 // scvtf v8.4s, v8.4s
	WORD   $0x6e3efd08 // fdiv v8.4s, v8.4s, v30.4s
	WORD   $0x4e28d508 // fadd v8.4s, v8.4s, v8.4s
	WORD   $0x6e3ddd08 // fmul v8.4s, v8.4s, v29.4s
	WORD   $0x4e28d788 // fadd v8.4s, v28.4s, v8.4s
	WORD   $0x4e21d929 // scvtf v9.4s, v9.4s
	WORD   $0x6e3efd29 // fdiv v9.4s, v9.4s, v30.4s
	WORD   $0x4e29d529 // fadd v9.4s, v9.4s, v9.4s
	WORD   $0x6e3ddd29 // fmul v9.4s, v9.4s, v29.4s
	WORD   $0x4e29d789 // fadd v9.4s, v28.4s, v9.4s
	WORD   $0x6ea0e502 // fcmgt v2.4s, v8.4s, v0.4s
	WORD   $0x6ea1e523 // fcmgt v3.4s, v9.4s, v1.4s
	CBZ    R7, masked
	WORD   $0x6e28fc84 // fdiv v4.4s, v4.4s, v8.4s
	WORD   $0x6e29fca5 // fdiv v5.4s, v5.4s, v9.4s

masked:
	VAND   V2.B16, V4.B16, V4.B16
	VAND   V3.B16, V5.B16, V5.B16
	VST1.P [V4.S4, V5.S4], 32(R0)
	SUBS   $1, R4, R4
	BNE    loop8

done:
	RET

// func keepBelowAsm(dst, x, u []float32, p float32, div bool)
TEXT ·keepBelowAsm(SB), NOSPLIT|NOFRAME, $0-77
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R4
	MOVD  x_base+24(FP), R1
	MOVD  u_base+48(FP), R2
	FMOVS p+72(FP), F31
	VDUP  V31.S[0], V31.S4
	VMOV  V31.B16, V30.B16
	MOVBU div+76(FP), R7
	LSR   $3, R4, R4
	CBZ   R4, done

loop8:
	VLD1.P 32(R2), [V0.S4, V1.S4]
	VLD1.P 32(R1), [V4.S4, V5.S4]
	WORD   $0x6ea0e7c2 // fcmgt v2.4s, v30.4s, v0.4s
	WORD   $0x6ea1e7e3 // fcmgt v3.4s, v31.4s, v1.4s
	CBZ    R7, masked
	WORD   $0x6e3efc84 // fdiv v4.4s, v4.4s, v30.4s
	WORD   $0x6e3ffca5 // fdiv v5.4s, v5.4s, v31.4s

masked:
	VAND   V2.B16, V4.B16, V4.B16
	VAND   V3.B16, V5.B16, V5.B16
	VST1.P [V4.S4, V5.S4], 32(R0)
	SUBS   $1, R4, R4
	BNE    loop8

done:
	RET

// func keepBelowEachAsm(dst, x, u, p []float32, div bool)
TEXT ·keepBelowEachAsm(SB), NOSPLIT|NOFRAME, $0-97
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R4
	MOVD  x_base+24(FP), R1
	MOVD  u_base+48(FP), R2
	MOVD  p_base+72(FP), R3
	MOVBU div+96(FP), R7
	LSR   $3, R4, R4
	CBZ   R4, done

loop8:
	VLD1.P 32(R2), [V0.S4, V1.S4]
	VLD1.P 32(R1), [V4.S4, V5.S4]
	VLD1.P 32(R3), [V30.S4, V31.S4]
	WORD   $0x6ea0e7c2 // fcmgt v2.4s, v30.4s, v0.4s
	WORD   $0x6ea1e7e3 // fcmgt v3.4s, v31.4s, v1.4s
	CBZ    R7, masked
	WORD   $0x6e3efc84 // fdiv v4.4s, v4.4s, v30.4s
	WORD   $0x6e3ffca5 // fdiv v5.4s, v5.4s, v31.4s

masked:
	VAND   V2.B16, V4.B16, V4.B16
	VAND   V3.B16, V5.B16, V5.B16
	VST1.P [V4.S4, V5.S4], 32(R0)
	SUBS   $1, R4, R4
	BNE    loop8

done:
	RET

// func absKeysAsm(keys []uint32, x []float32)
TEXT ·absKeysAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD keys_base+0(FP), R0
	MOVD keys_len+8(FP), R4
	MOVD x_base+24(FP), R1
	MOVW $0x7fffffff, R6
	VDUP R6, V31.S4
	LSR  $3, R4, R4
	CBZ  R4, done

loop8:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	VAND   V31.B16, V0.B16, V0.B16
	VAND   V31.B16, V1.B16, V1.B16
	VST1.P [V0.S4, V1.S4], 32(R0)
	SUBS   $1, R4, R4
	BNE    loop8

done:
	RET

// func philoxAsm(u []float32, k0, k1, c1, c2, c3, ctr0 uint32)
//
// Four Philox4x32-10 blocks per iteration, one per lane (counters
// ctr0+lane, c1, c2, c3). UMULL/UMULL2 give the 64-bit products, UZP1/UZP2
// split them into low and high words; VST4 interleaves the four output
// words of each block into block order.
TEXT ·philoxAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD  u_base+0(FP), R0
	MOVD  u_len+8(FP), R4
	LSR   $4, R4, R4
	CBZ   R4, done
	MOVW  $0xD2511F53, R6
	VDUP  R6, V4.S4
	MOVW  $0xCD9E8D57, R6
	VDUP  R6, V5.S4
	MOVW  $0x9E3779B9, R6
	VDUP  R6, V8.S4
	MOVW  $0xBB67AE85, R6
	VDUP  R6, V9.S4
	MOVW  $0x33800000, R6 // 2^-24
	VDUP  R6, V16.S4
	MOVW  $4, R6
	VDUP  R6, V17.S4
	MOVWU ctr0+44(FP), R6
	VDUP  R6, V18.S4
	MOVD  $·lanes0123(SB), R6
	VLD1  (R6), [V19.S4]
	VADD  V19.S4, V18.S4, V18.S4 // counters ctr0 .. ctr0+3
	MOVWU c1+32(FP), R6
	VDUP  R6, V20.S4
	MOVWU c2+36(FP), R6
	VDUP  R6, V21.S4
	MOVWU c3+40(FP), R6
	VDUP  R6, V22.S4
	MOVWU k0+24(FP), R6
	VDUP  R6, V23.S4
	MOVWU k1+28(FP), R6
	VDUP  R6, V24.S4

loop:
	VMOV  V18.B16, V0.B16
	VMOV  V20.B16, V1.B16
	VMOV  V21.B16, V2.B16
	VMOV  V22.B16, V3.B16
	VMOV  V23.B16, V6.B16
	VMOV  V24.B16, V7.B16
	// round 0: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 1: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 2: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 3: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 4: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 5: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 6: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 7: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 8: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VADD  V8.S4, V6.S4, V6.S4 // next round keys
	VADD  V9.S4, V7.S4, V7.S4
	// round 9: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)
	WORD  $0x2ea5c04a // umull v10.2d, v2.2s, v5.2s
	WORD  $0x6ea5c04b // umull2 v11.2d, v2.4s, v5.4s
	VUZP1 V11.S4, V10.S4, V12.S4 // lo1
	VUZP2 V11.S4, V10.S4, V13.S4 // hi1
	WORD  $0x2ea4c00a // umull v10.2d, v0.2s, v4.2s
	WORD  $0x6ea4c00b // umull2 v11.2d, v0.4s, v4.4s
	VUZP1 V11.S4, V10.S4, V14.S4 // lo0
	VUZP2 V11.S4, V10.S4, V15.S4 // hi0
	VEOR  V1.B16, V13.B16, V0.B16
	VEOR  V6.B16, V0.B16, V0.B16
	VEOR  V3.B16, V15.B16, V2.B16
	VEOR  V7.B16, V2.B16, V2.B16
	VMOV  V12.B16, V1.B16
	VMOV  V14.B16, V3.B16
	VUSHR $8, V0.S4, V0.S4
	VUSHR $8, V1.S4, V1.S4
	VUSHR $8, V2.S4, V2.S4
	VUSHR $8, V3.S4, V3.S4
	WORD  $0x6e21d800 // ucvtf v0.4s, v0.4s
	WORD  $0x6e21d821 // ucvtf v1.4s, v1.4s
	WORD  $0x6e21d842 // ucvtf v2.4s, v2.4s
	WORD  $0x6e21d863 // ucvtf v3.4s, v3.4s
	WORD  $0x6e30dc00 // fmul v0.4s, v0.4s, v16.4s
	WORD  $0x6e30dc21 // fmul v1.4s, v1.4s, v16.4s
	WORD  $0x6e30dc42 // fmul v2.4s, v2.4s, v16.4s
	WORD  $0x6e30dc63 // fmul v3.4s, v3.4s, v16.4s
	VST4.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	VADD  V17.S4, V18.S4, V18.S4
	SUBS  $1, R4, R4
	BNE   loop

done:
	RET

DATA ·lanes0123+0(SB)/8, $0x0000000100000000
DATA ·lanes0123+8(SB)/8, $0x0000000300000002
GLOBL ·lanes0123(SB), RODATA|NOPTR, $16
