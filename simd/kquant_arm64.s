//go:build !purego

#include "textflag.h"

// make_qkx2_quants / make_qkx3_quants on 8 sub-blocks at once, one per
// lane (two NEON registers per 8-lane vector), of qkxState.n values each
// (32, or 16 for Q2_K's sub-blocks), each lane in ggml's
// sequential order: the same algorithm, state layout (qkxState) and
// operand order as kquant_amd64.s; see qkxScalar in kquant.go. Float and
// min/max instructions the Go assembler lacks are WORDs with the
// instruction in the comment (TestNEONWords).

// func qkxSearch8Asm(s *qkxState)
TEXT ·qkxSearch8Asm(SB), NOSPLIT|NOFRAME, $0-8
	MOVD  s+0(FP), R8
	MOVW  $0x4b400000, R6 // 1.5*2^23
	VDUP  R6, V31.S4
	MOVW  $0x007fffff, R6
	VDUP  R6, V30.S4
	MOVW  $0x00400000, R6
	VDUP  R6, V29.S4
	FMOVS 5376(R8), F23
	VDUP  V23.S[0], V23.S4 // nmax (float)
	WORD   $0x4ea1bafc // fcvtzs v28.4s, v23.4s
	VEOR  V27.B16, V27.B16, V27.B16
	MOVW  $0x7fffffff, R6
	VDUP  R6, V26.S4
	MOVWU 5392(R8), R10
	MOVWU 5400(R8), R13 // values per lane: 32, or 16 (Q2_K)
	// min, max, sum_w, sum_x in element order
	ADD    $0, R8, R11
	VLD1   (R11), [V0.S4, V1.S4]
	VMOV   V0.B16, V2.B16
	VMOV   V1.B16, V3.B16
	ADD    $1024, R8, R11
	VLD1   (R11), [V4.S4, V5.S4]
	WORD   $0x6e20dc86 // fmul v6.4s, v4.4s, v0.4s
	WORD   $0x6e21dca7 // fmul v7.4s, v5.4s, v1.4s
	ADD    $32, R8, R5
	SUB    $1, R13, R4

stats:
	ADD    $0, R5, R11
	VLD1   (R11), [V8.S4, V9.S4]
	ADD    $1024, R5, R11
	VLD1   (R11), [V10.S4, V11.S4]
	WORD   $0x6ea8e40c // fcmgt v12.4s, v0.4s, v8.4s
	WORD   $0x6ea9e42d // fcmgt v13.4s, v1.4s, v9.4s
	VBIT   V12.B16, V8.B16, V0.B16 // x < min: min = x
	VBIT   V13.B16, V9.B16, V1.B16
	WORD   $0x6ea2e50c // fcmgt v12.4s, v8.4s, v2.4s
	WORD   $0x6ea3e52d // fcmgt v13.4s, v9.4s, v3.4s
	VBIT   V12.B16, V8.B16, V2.B16 // x > max: max = x
	VBIT   V13.B16, V9.B16, V3.B16
	WORD   $0x4e2ad484 // fadd v4.4s, v4.4s, v10.4s
	WORD   $0x4e2bd4a5 // fadd v5.4s, v5.4s, v11.4s
	WORD   $0x6e28dd4c // fmul v12.4s, v10.4s, v8.4s
	WORD   $0x6e29dd6d // fmul v13.4s, v11.4s, v9.4s
	WORD   $0x4e2cd4c6 // fadd v6.4s, v6.4s, v12.4s
	WORD   $0x4e2dd4e7 // fadd v7.4s, v7.4s, v13.4s
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    stats
	WORD   $0x4ea0c80c // fcmgt v12.4s, v0.4s, #0.0
	WORD   $0x4ea0c82d // fcmgt v13.4s, v1.4s, #0.0
	VBIT   V12.B16, V27.B16, V0.B16 // min > 0: min = 0
	VBIT   V13.B16, V27.B16, V1.B16
	// degenerate lanes: max == min (qkx2) or max <= min (qkx3)
	WORD   $0x4e20e44c // fcmeq v12.4s, v2.4s, v0.4s
	WORD   $0x4e21e46d // fcmeq v13.4s, v3.4s, v1.4s
	MOVWU  5396(R8), R6
	CBZ    R6, qkx2
	WORD   $0x6e22e40c // fcmge v12.4s, v0.4s, v2.4s
	WORD   $0x6e23e42d // fcmge v13.4s, v1.4s, v3.4s

qkx2:
	VMOVI  $255, V15.B16
	VEOR   V15.B16, V12.B16, V12.B16
	VEOR   V15.B16, V13.B16, V13.B16
	ADD    $5344, R8, R11
	VST1   [V12.S4, V13.S4], (R11)
	ADD    $5120, R8, R11
	VST1   [V0.S4, V1.S4], (R11)
	ADD    $5152, R8, R11
	VST1   [V2.S4, V3.S4], (R11)
	ADD    $5184, R8, R11
	VST1   [V4.S4, V5.S4], (R11)
	ADD    $5216, R8, R11
	VST1   [V6.S4, V7.S4], (R11)
	WORD   $0x4ea0d44c // fsub v12.4s, v2.4s, v0.4s
	WORD   $0x4ea1d46d // fsub v13.4s, v3.4s, v1.4s
	ADD    $5312, R8, R11
	VST1   [V12.S4, V13.S4], (R11)
	WORD   $0x6e2cfef8 // fdiv v24.4s, v23.4s, v12.4s
	WORD   $0x6e2dfef9 // fdiv v25.4s, v23.4s, v13.4s
	FMOVS  $1.0, F22
	VDUP   V22.S[0], V22.S4
	WORD   $0x6e38fece // fdiv v14.4s, v22.4s, v24.4s
	WORD   $0x6e39fecf // fdiv v15.4s, v22.4s, v25.4s
	ADD    $5248, R8, R11
	VST1   [V14.S4, V15.S4], (R11)
	// first levels and their error
	VEOR   V16.B16, V16.B16, V16.B16
	VEOR   V17.B16, V17.B16, V17.B16
	MOVD   R8, R5
	MOVD   R13, R4

first:
	ADD    $0, R5, R11
	VLD1   (R11), [V8.S4, V9.S4]
	WORD   $0x4ea0d50a // fsub v10.4s, v8.4s, v0.4s
	WORD   $0x4ea1d52b // fsub v11.4s, v9.4s, v1.4s
	ADD    $2048, R5, R11
	VST1   [V10.S4, V11.S4], (R11)
	WORD   $0x6e2adf0c // fmul v12.4s, v24.4s, v10.4s
	WORD   $0x4e3fd58c // fadd v12.4s, v12.4s, v31.4s
	VAND   V30.B16, V12.B16, V12.B16
	VSUB   V29.S4, V12.S4, V12.S4
	WORD   $0x4ebc6d8c // smin v12.4s, v12.4s, v28.4s
	WORD   $0x4ebb658c // smax v12.4s, v12.4s, v27.4s
	WORD   $0x4e21d98c // scvtf v12.4s, v12.4s
	WORD   $0x6e2bdf2d // fmul v13.4s, v25.4s, v11.4s
	WORD   $0x4e3fd5ad // fadd v13.4s, v13.4s, v31.4s
	VAND   V30.B16, V13.B16, V13.B16
	VSUB   V29.S4, V13.S4, V13.S4
	WORD   $0x4ebc6dad // smin v13.4s, v13.4s, v28.4s
	WORD   $0x4ebb65ad // smax v13.4s, v13.4s, v27.4s
	WORD   $0x4e21d9ad // scvtf v13.4s, v13.4s
	ADD    $3072, R5, R11
	VST1   [V12.S4, V13.S4], (R11)
	WORD   $0x6e2cddcc // fmul v12.4s, v14.4s, v12.4s
	WORD   $0x6e2ddded // fmul v13.4s, v15.4s, v13.4s
	WORD   $0x4e20d58c // fadd v12.4s, v12.4s, v0.4s
	WORD   $0x4e21d5ad // fadd v13.4s, v13.4s, v1.4s
	WORD   $0x4ea8d58c // fsub v12.4s, v12.4s, v8.4s
	WORD   $0x4ea9d5ad // fsub v13.4s, v13.4s, v9.4s
	CBNZ   R10, mad1
	WORD   $0x6e2cdd8c // fmul v12.4s, v12.4s, v12.4s
	WORD   $0x6e2dddad // fmul v13.4s, v13.4s, v13.4s
	B      err1

mad1:
	VAND   V26.B16, V12.B16, V12.B16
	VAND   V26.B16, V13.B16, V13.B16

err1:
	ADD    $1024, R5, R11
	VLD1   (R11), [V18.S4, V19.S4]
	WORD   $0x6e2cde4c // fmul v12.4s, v18.4s, v12.4s
	WORD   $0x6e2dde6d // fmul v13.4s, v19.4s, v13.4s
	WORD   $0x4e2cd610 // fadd v16.4s, v16.4s, v12.4s
	WORD   $0x4e2dd631 // fadd v17.4s, v17.4s, v13.4s
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    first
	ADD    $5280, R8, R11
	VST1   [V16.S4, V17.S4], (R11)
	MOVW   5388(R8), R12 // sign-extended
	CMP    $0, R12
	BLE    finish
	MOVD   $0, R9

trial:
	// iscale = (rmin + rdelta*is + nmax) / rng
	SCVTFS R9, F0
	FMOVS  5384(R8), F1
	FMULS  F1, F0, F0
	FMOVS  5380(R8), F2
	FADDS  F0, F2, F0
	FMOVS  5376(R8), F3
	FADDS  F3, F0, F0
	VDUP   V0.S[0], V0.S4
	ADD    $5312, R8, R11
	VLD1   (R11), [V2.S4, V3.S4]
	WORD   $0x6e22fc18 // fdiv v24.4s, v0.4s, v2.4s
	WORD   $0x6e23fc19 // fdiv v25.4s, v0.4s, v3.4s
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	VEOR   V4.B16, V4.B16, V4.B16
	VEOR   V5.B16, V5.B16, V5.B16
	VEOR   V6.B16, V6.B16, V6.B16
	VEOR   V7.B16, V7.B16, V7.B16
	// sum_l V2/V3, sum_l2 V4/V5, sum_xl V6/V7
	MOVD   R8, R5
	MOVD   R13, R4

sums:
	ADD    $2048, R5, R11
	VLD1   (R11), [V8.S4, V9.S4]
	WORD   $0x6e28df0a // fmul v10.4s, v24.4s, v8.4s
	WORD   $0x4e3fd54a // fadd v10.4s, v10.4s, v31.4s
	VAND   V30.B16, V10.B16, V10.B16
	VSUB   V29.S4, V10.S4, V10.S4
	WORD   $0x4ebc6d4a // smin v10.4s, v10.4s, v28.4s
	WORD   $0x4ebb654a // smax v10.4s, v10.4s, v27.4s
	WORD   $0x4e21d94a // scvtf v10.4s, v10.4s
	WORD   $0x6e29df2b // fmul v11.4s, v25.4s, v9.4s
	WORD   $0x4e3fd56b // fadd v11.4s, v11.4s, v31.4s
	VAND   V30.B16, V11.B16, V11.B16
	VSUB   V29.S4, V11.S4, V11.S4
	WORD   $0x4ebc6d6b // smin v11.4s, v11.4s, v28.4s
	WORD   $0x4ebb656b // smax v11.4s, v11.4s, v27.4s
	WORD   $0x4e21d96b // scvtf v11.4s, v11.4s
	ADD    $4096, R5, R11
	VST1   [V10.S4, V11.S4], (R11)
	ADD    $1024, R5, R11
	VLD1   (R11), [V12.S4, V13.S4]
	WORD   $0x6e2add8c // fmul v12.4s, v12.4s, v10.4s
	WORD   $0x6e2bddad // fmul v13.4s, v13.4s, v11.4s
	WORD   $0x4e2cd442 // fadd v2.4s, v2.4s, v12.4s
	WORD   $0x4e2dd463 // fadd v3.4s, v3.4s, v13.4s
	WORD   $0x6e2add8e // fmul v14.4s, v12.4s, v10.4s
	WORD   $0x6e2bddaf // fmul v15.4s, v13.4s, v11.4s
	WORD   $0x4e2ed484 // fadd v4.4s, v4.4s, v14.4s
	WORD   $0x4e2fd4a5 // fadd v5.4s, v5.4s, v15.4s
	ADD    $0, R5, R11
	VLD1   (R11), [V16.S4, V17.S4]
	WORD   $0x6e30dd8e // fmul v14.4s, v12.4s, v16.4s
	WORD   $0x6e31ddaf // fmul v15.4s, v13.4s, v17.4s
	WORD   $0x4e2ed4c6 // fadd v6.4s, v6.4s, v14.4s
	WORD   $0x4e2fd4e7 // fadd v7.4s, v7.4s, v15.4s
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    sums
	// D = sum_w*sum_l2 - sum_l*sum_l; lanes with D > 0 go on
	ADD    $5184, R8, R11
	VLD1   (R11), [V18.S4, V19.S4]
	ADD    $5216, R8, R11
	VLD1   (R11), [V20.S4, V21.S4]
	WORD   $0x6e24de56 // fmul v22.4s, v18.4s, v4.4s
	WORD   $0x6e25de77 // fmul v23.4s, v19.4s, v5.4s
	WORD   $0x6e22dc48 // fmul v8.4s, v2.4s, v2.4s
	WORD   $0x6e23dc69 // fmul v9.4s, v3.4s, v3.4s
	WORD   $0x4ea8d6d6 // fsub v22.4s, v22.4s, v8.4s
	WORD   $0x4ea9d6f7 // fsub v23.4s, v23.4s, v9.4s
	WORD   $0x4ea0cac0 // fcmgt v0.4s, v22.4s, #0.0
	WORD   $0x4ea0cae1 // fcmgt v1.4s, v23.4s, #0.0
	ADD    $5344, R8, R11
	VLD1   (R11), [V8.S4, V9.S4]
	VAND   V8.B16, V0.B16, V0.B16
	VAND   V9.B16, V1.B16, V1.B16
	VORR   V1.B16, V0.B16, V15.B16
	VMOV   V15.D[0], R6
	VMOV   V15.D[1], R7
	ORR    R7, R6, R6
	CBZ    R6, next
	// this_scale V8/V9, this_min V10/V11
	WORD   $0x6e26de48 // fmul v8.4s, v18.4s, v6.4s
	WORD   $0x6e27de69 // fmul v9.4s, v19.4s, v7.4s
	WORD   $0x6e22de8a // fmul v10.4s, v20.4s, v2.4s
	WORD   $0x6e23deab // fmul v11.4s, v21.4s, v3.4s
	WORD   $0x4eaad508 // fsub v8.4s, v8.4s, v10.4s
	WORD   $0x4eabd529 // fsub v9.4s, v9.4s, v11.4s
	WORD   $0x6e36fd08 // fdiv v8.4s, v8.4s, v22.4s
	WORD   $0x6e37fd29 // fdiv v9.4s, v9.4s, v23.4s
	WORD   $0x6e34dc8a // fmul v10.4s, v4.4s, v20.4s
	WORD   $0x6e35dcab // fmul v11.4s, v5.4s, v21.4s
	WORD   $0x6e26dc4c // fmul v12.4s, v2.4s, v6.4s
	WORD   $0x6e27dc6d // fmul v13.4s, v3.4s, v7.4s
	WORD   $0x4eacd54a // fsub v10.4s, v10.4s, v12.4s
	WORD   $0x4eadd56b // fsub v11.4s, v11.4s, v13.4s
	WORD   $0x6e36fd4a // fdiv v10.4s, v10.4s, v22.4s
	WORD   $0x6e37fd6b // fdiv v11.4s, v11.4s, v23.4s
	WORD   $0x4ea0c94c // fcmgt v12.4s, v10.4s, #0.0
	WORD   $0x4ea0c96d // fcmgt v13.4s, v11.4s, #0.0
	VBIT   V12.B16, V27.B16, V10.B16 // this_min > 0: 0
	VBIT   V13.B16, V27.B16, V11.B16
	WORD   $0x6e24fcce // fdiv v14.4s, v6.4s, v4.4s
	WORD   $0x6e25fcef // fdiv v15.4s, v7.4s, v5.4s
	VBIT   V12.B16, V14.B16, V8.B16 // and this_scale = sum_xl/sum_l2
	VBIT   V13.B16, V15.B16, V9.B16
	// cur_error V2/V3
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	MOVD   R8, R5
	MOVD   R13, R4

error:
	ADD    $4096, R5, R11
	VLD1   (R11), [V12.S4, V13.S4]
	ADD    $0, R5, R11
	VLD1   (R11), [V16.S4, V17.S4]
	WORD   $0x6e2cdd0c // fmul v12.4s, v8.4s, v12.4s
	WORD   $0x6e2ddd2d // fmul v13.4s, v9.4s, v13.4s
	WORD   $0x4e2ad58c // fadd v12.4s, v12.4s, v10.4s
	WORD   $0x4e2bd5ad // fadd v13.4s, v13.4s, v11.4s
	WORD   $0x4eb0d58c // fsub v12.4s, v12.4s, v16.4s
	WORD   $0x4eb1d5ad // fsub v13.4s, v13.4s, v17.4s
	CBNZ   R10, mad2
	WORD   $0x6e2cdd8c // fmul v12.4s, v12.4s, v12.4s
	WORD   $0x6e2dddad // fmul v13.4s, v13.4s, v13.4s
	B      err2

mad2:
	VAND   V26.B16, V12.B16, V12.B16
	VAND   V26.B16, V13.B16, V13.B16

err2:
	ADD    $1024, R5, R11
	VLD1   (R11), [V18.S4, V19.S4]
	WORD   $0x6e2cde4c // fmul v12.4s, v18.4s, v12.4s
	WORD   $0x6e2dde6d // fmul v13.4s, v19.4s, v13.4s
	WORD   $0x4e2cd442 // fadd v2.4s, v2.4s, v12.4s
	WORD   $0x4e2dd463 // fadd v3.4s, v3.4s, v13.4s
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    error
	// accept where cur_error < best_error
	ADD    $5280, R8, R11
	VLD1   (R11), [V4.S4, V5.S4]
	WORD   $0x6ea2e486 // fcmgt v6.4s, v4.4s, v2.4s
	WORD   $0x6ea3e4a7 // fcmgt v7.4s, v5.4s, v3.4s
	VAND   V0.B16, V6.B16, V6.B16
	VAND   V1.B16, V7.B16, V7.B16
	VORR   V7.B16, V6.B16, V15.B16
	VMOV   V15.D[0], R6
	VMOV   V15.D[1], R7
	ORR    R7, R6, R6
	CBZ    R6, next
	VBIT   V6.B16, V2.B16, V4.B16
	VBIT   V7.B16, V3.B16, V5.B16
	ADD    $5280, R8, R11
	VST1   [V4.S4, V5.S4], (R11)
	ADD    $5248, R8, R11
	VLD1   (R11), [V4.S4, V5.S4]
	VBIT   V6.B16, V8.B16, V4.B16
	VBIT   V7.B16, V9.B16, V5.B16
	ADD    $5248, R8, R11
	VST1   [V4.S4, V5.S4], (R11)
	ADD    $5120, R8, R11
	VLD1   (R11), [V0.S4, V1.S4]
	VBIT   V6.B16, V10.B16, V0.B16
	VBIT   V7.B16, V11.B16, V1.B16
	ADD    $5120, R8, R11
	VST1   [V0.S4, V1.S4], (R11)
	ADD    $5152, R8, R11
	VLD1   (R11), [V2.S4, V3.S4]
	WORD   $0x4ea0d442 // fsub v2.4s, v2.4s, v0.4s
	WORD   $0x4ea1d463 // fsub v3.4s, v3.4s, v1.4s
	ADD    $5312, R8, R11
	VST1   [V2.S4, V3.S4], (R11)
	MOVD   R8, R5
	MOVD   R13, R4

accept:
	ADD    $3072, R5, R11
	VLD1   (R11), [V12.S4, V13.S4]
	ADD    $4096, R5, R11
	VLD1   (R11), [V14.S4, V15.S4]
	VBIT   V6.B16, V14.B16, V12.B16
	VBIT   V7.B16, V15.B16, V13.B16
	ADD    $3072, R5, R11
	VST1   [V12.S4, V13.S4], (R11)
	ADD    $0, R5, R11
	VLD1   (R11), [V16.S4, V17.S4]
	WORD   $0x4ea0d610 // fsub v16.4s, v16.4s, v0.4s
	WORD   $0x4ea1d631 // fsub v17.4s, v17.4s, v1.4s
	ADD    $2048, R5, R11
	VST1   [V16.S4, V17.S4], (R11)
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    accept

next:
	ADD    $1, R9, R9
	CMP    R12, R9
	BLE    trial

finish:
	// degenerate lanes: scale 0, levels 0
	ADD    $5344, R8, R11
	VLD1   (R11), [V0.S4, V1.S4]
	ADD    $5248, R8, R11
	VLD1   (R11), [V2.S4, V3.S4]
	VAND   V0.B16, V2.B16, V2.B16
	VAND   V1.B16, V3.B16, V3.B16
	ADD    $5248, R8, R11
	VST1   [V2.S4, V3.S4], (R11)
	MOVD   R8, R5
	MOVD   R13, R4

zero:
	ADD    $3072, R5, R11
	VLD1   (R11), [V2.S4, V3.S4]
	VAND   V0.B16, V2.B16, V2.B16
	VAND   V1.B16, V3.B16, V3.B16
	ADD    $3072, R5, R11
	VST1   [V2.S4, V3.S4], (R11)
	ADD    $32, R5, R5
	SUBS   $1, R4, R4
	BNE    zero
	RET
