//go:build !purego

#include "textflag.h"

// Q3Search16x2 on NEON: q3Search16Asm (kquant6_arm64.s) on two super-blocks
// a and b at once, as q3Search16x2Asm in kquant6_amd64.s does with AVX2.
// The refinement steps of a and b are independent chains of the same
// instructions, interleaved so the core can overlap them: eight chains of
// four lanes instead of four. Rounds go on while an active lane of either
// block changed (up to ggml's 5): a round that changes nothing in a lane
// leaves it as it was, so the extra rounds change nothing. The amax and
// first-level phase is q3Search16Asm's, run for b and then for a.
// Registers in the rounds: a's sumlx V0-V3 and suml2 V4-V7, b's sumlx
// V18-V21 and suml2 V22-V25, temporaries V8-V17, changed lanes V26,
// constants V27-V31. Instructions the Go assembler lacks are WORDs with
// the instruction in the comment (TestNEONWords).

// func q3Search16x2Asm(a, b *qxState)
TEXT ·q3Search16x2Asm(SB), NOSPLIT|NOFRAME, $0-16
	MOVD   b+8(FP), R8
	MOVW   $0x4b400000, R6 // 1.5*2^23
	VDUP   R6, V31.S4
	MOVW   $0x007fffff, R6
	VDUP   R6, V30.S4
	MOVW   $0x00400000, R6
	VDUP   R6, V29.S4
	ADD    $4352, R8, R11
	VLD1   (R11), [V28.S4] // -nmax (the same in a and b)
	ADD    $4384, R8, R11
	VLD1   (R11), [V27.S4] // nmax-1
	MOVW   $0x7fffffff, R6
	VDUP   R6, V25.S4 // |x| mask
	// amax and the value that has it (first of equals), per lane
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	VEOR   V4.B16, V4.B16, V4.B16
	VEOR   V5.B16, V5.B16, V5.B16
	VEOR   V6.B16, V6.B16, V6.B16
	VEOR   V7.B16, V7.B16, V7.B16
	MOVD   R8, R5
	MOVD   $16, R4

x2bamax:
	VLD1.P 64(R5), [V8.S4, V9.S4, V10.S4, V11.S4]
	VAND   V25.B16, V8.B16, V12.B16
	VAND   V25.B16, V9.B16, V13.B16
	VAND   V25.B16, V10.B16, V14.B16
	VAND   V25.B16, V11.B16, V15.B16
	WORD   $0x6ea0e590 // fcmgt v16.4s, v12.4s, v0.4s
	WORD   $0x6ea1e5b1 // fcmgt v17.4s, v13.4s, v1.4s
	WORD   $0x6ea2e5d2 // fcmgt v18.4s, v14.4s, v2.4s
	WORD   $0x6ea3e5f3 // fcmgt v19.4s, v15.4s, v3.4s
	VBIT   V16.B16, V12.B16, V0.B16
	VBIT   V17.B16, V13.B16, V1.B16
	VBIT   V18.B16, V14.B16, V2.B16
	VBIT   V19.B16, V15.B16, V3.B16
	VBIT   V16.B16, V8.B16, V4.B16
	VBIT   V17.B16, V9.B16, V5.B16
	VBIT   V18.B16, V10.B16, V6.B16
	VBIT   V19.B16, V11.B16, V7.B16
	SUBS   $1, R4, R4
	BNE    x2bamax
	MOVW   $0x26901d7d, R6 // GROUP_MAX_EPS
	VDUP   R6, V24.S4
	WORD   $0x6e38e400 // fcmge v0.4s, v0.4s, v24.4s
	WORD   $0x6e38e421 // fcmge v1.4s, v1.4s, v24.4s
	WORD   $0x6e38e442 // fcmge v2.4s, v2.4s, v24.4s
	WORD   $0x6e38e463 // fcmge v3.4s, v3.4s, v24.4s
	ADD    $4288, R8, R11
	VST1   [V0.S4, V1.S4, V2.S4, V3.S4], (R11)
	FMOVS  4416(R8), F24
	FNEGS  F24, F24
	VDUP   V24.S[0], V24.S4
	// iscale = -nmax/max
	WORD   $0x6e24ff14 // fdiv v20.4s, v24.4s, v4.4s
	WORD   $0x6e25ff15 // fdiv v21.4s, v24.4s, v5.4s
	WORD   $0x6e26ff16 // fdiv v22.4s, v24.4s, v6.4s
	WORD   $0x6e27ff17 // fdiv v23.4s, v24.4s, v7.4s
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	VEOR   V4.B16, V4.B16, V4.B16
	VEOR   V5.B16, V5.B16, V5.B16
	VEOR   V6.B16, V6.B16, V6.B16
	VEOR   V7.B16, V7.B16, V7.B16
	MOVD   R8, R5
	MOVD   $16, R4

x2bfirst:
	ADD    $1024, R5, R11
	VLD1   (R11), [V12.S4, V13.S4, V14.S4, V15.S4]
	VLD1.P 64(R5), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD   $0x6e28de90 // fmul v16.4s, v20.4s, v8.4s
	WORD   $0x4e3fd610 // fadd v16.4s, v16.4s, v31.4s
	VAND   V30.B16, V16.B16, V16.B16
	VSUB   V29.S4, V16.S4, V16.S4
	WORD   $0x4ebb6e10 // smin v16.4s, v16.4s, v27.4s
	WORD   $0x4ebc6610 // smax v16.4s, v16.4s, v28.4s
	WORD   $0x4e21da10 // scvtf v16.4s, v16.4s
	WORD   $0x6e29deb1 // fmul v17.4s, v21.4s, v9.4s
	WORD   $0x4e3fd631 // fadd v17.4s, v17.4s, v31.4s
	VAND   V30.B16, V17.B16, V17.B16
	VSUB   V29.S4, V17.S4, V17.S4
	WORD   $0x4ebb6e31 // smin v17.4s, v17.4s, v27.4s
	WORD   $0x4ebc6631 // smax v17.4s, v17.4s, v28.4s
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x6e2aded2 // fmul v18.4s, v22.4s, v10.4s
	WORD   $0x4e3fd652 // fadd v18.4s, v18.4s, v31.4s
	VAND   V30.B16, V18.B16, V18.B16
	VSUB   V29.S4, V18.S4, V18.S4
	WORD   $0x4ebb6e52 // smin v18.4s, v18.4s, v27.4s
	WORD   $0x4ebc6652 // smax v18.4s, v18.4s, v28.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x6e2bdef3 // fmul v19.4s, v23.4s, v11.4s
	WORD   $0x4e3fd673 // fadd v19.4s, v19.4s, v31.4s
	VAND   V30.B16, V19.B16, V19.B16
	VSUB   V29.S4, V19.S4, V19.S4
	WORD   $0x4ebb6e73 // smin v19.4s, v19.4s, v27.4s
	WORD   $0x4ebc6673 // smax v19.4s, v19.4s, v28.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	ADD    $(2048-64), R5, R11
	VST1   [V16.S4, V17.S4, V18.S4, V19.S4], (R11)
	// sumlx += (w*x)*l; suml2 += (w*l)*l
	WORD   $0x6e28dd98 // fmul v24.4s, v12.4s, v8.4s
	WORD   $0x6e30df18 // fmul v24.4s, v24.4s, v16.4s
	WORD   $0x4e38d400 // fadd v0.4s, v0.4s, v24.4s
	WORD   $0x6e30dd8c // fmul v12.4s, v12.4s, v16.4s
	WORD   $0x6e30dd8c // fmul v12.4s, v12.4s, v16.4s
	WORD   $0x4e2cd484 // fadd v4.4s, v4.4s, v12.4s
	WORD   $0x6e29ddb8 // fmul v24.4s, v13.4s, v9.4s
	WORD   $0x6e31df18 // fmul v24.4s, v24.4s, v17.4s
	WORD   $0x4e38d421 // fadd v1.4s, v1.4s, v24.4s
	WORD   $0x6e31ddad // fmul v13.4s, v13.4s, v17.4s
	WORD   $0x6e31ddad // fmul v13.4s, v13.4s, v17.4s
	WORD   $0x4e2dd4a5 // fadd v5.4s, v5.4s, v13.4s
	WORD   $0x6e2addd8 // fmul v24.4s, v14.4s, v10.4s
	WORD   $0x6e32df18 // fmul v24.4s, v24.4s, v18.4s
	WORD   $0x4e38d442 // fadd v2.4s, v2.4s, v24.4s
	WORD   $0x6e32ddce // fmul v14.4s, v14.4s, v18.4s
	WORD   $0x6e32ddce // fmul v14.4s, v14.4s, v18.4s
	WORD   $0x4e2ed4c6 // fadd v6.4s, v6.4s, v14.4s
	WORD   $0x6e2bddf8 // fmul v24.4s, v15.4s, v11.4s
	WORD   $0x6e33df18 // fmul v24.4s, v24.4s, v19.4s
	WORD   $0x4e38d463 // fadd v3.4s, v3.4s, v24.4s
	WORD   $0x6e33ddef // fmul v15.4s, v15.4s, v19.4s
	WORD   $0x6e33ddef // fmul v15.4s, v15.4s, v19.4s
	WORD   $0x4e2fd4e7 // fadd v7.4s, v7.4s, v15.4s
	SUBS   $1, R4, R4
	BNE    x2bfirst
	// park b's sums in its scratch fields (the phase for a uses V0-V25)
	ADD    $4224, R8, R11
	VST1   [V0.S4, V1.S4, V2.S4, V3.S4], (R11) // best: sumlx
	ADD    $4096, R8, R11
	VST1   [V4.S4, V5.S4, V6.S4, V7.S4], (R11) // maxv: suml2
	MOVD   R8, R10
	MOVD   a+0(FP), R8
	MOVW   $0x7fffffff, R6
	VDUP   R6, V25.S4 // |x| mask
	// amax and the value that has it (first of equals), per lane
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	VEOR   V4.B16, V4.B16, V4.B16
	VEOR   V5.B16, V5.B16, V5.B16
	VEOR   V6.B16, V6.B16, V6.B16
	VEOR   V7.B16, V7.B16, V7.B16
	MOVD   R8, R5
	MOVD   $16, R4

x2aamax:
	VLD1.P 64(R5), [V8.S4, V9.S4, V10.S4, V11.S4]
	VAND   V25.B16, V8.B16, V12.B16
	VAND   V25.B16, V9.B16, V13.B16
	VAND   V25.B16, V10.B16, V14.B16
	VAND   V25.B16, V11.B16, V15.B16
	WORD   $0x6ea0e590 // fcmgt v16.4s, v12.4s, v0.4s
	WORD   $0x6ea1e5b1 // fcmgt v17.4s, v13.4s, v1.4s
	WORD   $0x6ea2e5d2 // fcmgt v18.4s, v14.4s, v2.4s
	WORD   $0x6ea3e5f3 // fcmgt v19.4s, v15.4s, v3.4s
	VBIT   V16.B16, V12.B16, V0.B16
	VBIT   V17.B16, V13.B16, V1.B16
	VBIT   V18.B16, V14.B16, V2.B16
	VBIT   V19.B16, V15.B16, V3.B16
	VBIT   V16.B16, V8.B16, V4.B16
	VBIT   V17.B16, V9.B16, V5.B16
	VBIT   V18.B16, V10.B16, V6.B16
	VBIT   V19.B16, V11.B16, V7.B16
	SUBS   $1, R4, R4
	BNE    x2aamax
	MOVW   $0x26901d7d, R6 // GROUP_MAX_EPS
	VDUP   R6, V24.S4
	WORD   $0x6e38e400 // fcmge v0.4s, v0.4s, v24.4s
	WORD   $0x6e38e421 // fcmge v1.4s, v1.4s, v24.4s
	WORD   $0x6e38e442 // fcmge v2.4s, v2.4s, v24.4s
	WORD   $0x6e38e463 // fcmge v3.4s, v3.4s, v24.4s
	ADD    $4288, R8, R11
	VST1   [V0.S4, V1.S4, V2.S4, V3.S4], (R11)
	FMOVS  4416(R8), F24
	FNEGS  F24, F24
	VDUP   V24.S[0], V24.S4
	// iscale = -nmax/max
	WORD   $0x6e24ff14 // fdiv v20.4s, v24.4s, v4.4s
	WORD   $0x6e25ff15 // fdiv v21.4s, v24.4s, v5.4s
	WORD   $0x6e26ff16 // fdiv v22.4s, v24.4s, v6.4s
	WORD   $0x6e27ff17 // fdiv v23.4s, v24.4s, v7.4s
	VEOR   V0.B16, V0.B16, V0.B16
	VEOR   V1.B16, V1.B16, V1.B16
	VEOR   V2.B16, V2.B16, V2.B16
	VEOR   V3.B16, V3.B16, V3.B16
	VEOR   V4.B16, V4.B16, V4.B16
	VEOR   V5.B16, V5.B16, V5.B16
	VEOR   V6.B16, V6.B16, V6.B16
	VEOR   V7.B16, V7.B16, V7.B16
	MOVD   R8, R5
	MOVD   $16, R4

x2afirst:
	ADD    $1024, R5, R11
	VLD1   (R11), [V12.S4, V13.S4, V14.S4, V15.S4]
	VLD1.P 64(R5), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD   $0x6e28de90 // fmul v16.4s, v20.4s, v8.4s
	WORD   $0x4e3fd610 // fadd v16.4s, v16.4s, v31.4s
	VAND   V30.B16, V16.B16, V16.B16
	VSUB   V29.S4, V16.S4, V16.S4
	WORD   $0x4ebb6e10 // smin v16.4s, v16.4s, v27.4s
	WORD   $0x4ebc6610 // smax v16.4s, v16.4s, v28.4s
	WORD   $0x4e21da10 // scvtf v16.4s, v16.4s
	WORD   $0x6e29deb1 // fmul v17.4s, v21.4s, v9.4s
	WORD   $0x4e3fd631 // fadd v17.4s, v17.4s, v31.4s
	VAND   V30.B16, V17.B16, V17.B16
	VSUB   V29.S4, V17.S4, V17.S4
	WORD   $0x4ebb6e31 // smin v17.4s, v17.4s, v27.4s
	WORD   $0x4ebc6631 // smax v17.4s, v17.4s, v28.4s
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x6e2aded2 // fmul v18.4s, v22.4s, v10.4s
	WORD   $0x4e3fd652 // fadd v18.4s, v18.4s, v31.4s
	VAND   V30.B16, V18.B16, V18.B16
	VSUB   V29.S4, V18.S4, V18.S4
	WORD   $0x4ebb6e52 // smin v18.4s, v18.4s, v27.4s
	WORD   $0x4ebc6652 // smax v18.4s, v18.4s, v28.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x6e2bdef3 // fmul v19.4s, v23.4s, v11.4s
	WORD   $0x4e3fd673 // fadd v19.4s, v19.4s, v31.4s
	VAND   V30.B16, V19.B16, V19.B16
	VSUB   V29.S4, V19.S4, V19.S4
	WORD   $0x4ebb6e73 // smin v19.4s, v19.4s, v27.4s
	WORD   $0x4ebc6673 // smax v19.4s, v19.4s, v28.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	ADD    $(2048-64), R5, R11
	VST1   [V16.S4, V17.S4, V18.S4, V19.S4], (R11)
	// sumlx += (w*x)*l; suml2 += (w*l)*l
	WORD   $0x6e28dd98 // fmul v24.4s, v12.4s, v8.4s
	WORD   $0x6e30df18 // fmul v24.4s, v24.4s, v16.4s
	WORD   $0x4e38d400 // fadd v0.4s, v0.4s, v24.4s
	WORD   $0x6e30dd8c // fmul v12.4s, v12.4s, v16.4s
	WORD   $0x6e30dd8c // fmul v12.4s, v12.4s, v16.4s
	WORD   $0x4e2cd484 // fadd v4.4s, v4.4s, v12.4s
	WORD   $0x6e29ddb8 // fmul v24.4s, v13.4s, v9.4s
	WORD   $0x6e31df18 // fmul v24.4s, v24.4s, v17.4s
	WORD   $0x4e38d421 // fadd v1.4s, v1.4s, v24.4s
	WORD   $0x6e31ddad // fmul v13.4s, v13.4s, v17.4s
	WORD   $0x6e31ddad // fmul v13.4s, v13.4s, v17.4s
	WORD   $0x4e2dd4a5 // fadd v5.4s, v5.4s, v13.4s
	WORD   $0x6e2addd8 // fmul v24.4s, v14.4s, v10.4s
	WORD   $0x6e32df18 // fmul v24.4s, v24.4s, v18.4s
	WORD   $0x4e38d442 // fadd v2.4s, v2.4s, v24.4s
	WORD   $0x6e32ddce // fmul v14.4s, v14.4s, v18.4s
	WORD   $0x6e32ddce // fmul v14.4s, v14.4s, v18.4s
	WORD   $0x4e2ed4c6 // fadd v6.4s, v6.4s, v14.4s
	WORD   $0x6e2bddf8 // fmul v24.4s, v15.4s, v11.4s
	WORD   $0x6e33df18 // fmul v24.4s, v24.4s, v19.4s
	WORD   $0x4e38d463 // fadd v3.4s, v3.4s, v24.4s
	WORD   $0x6e33ddef // fmul v15.4s, v15.4s, v19.4s
	WORD   $0x6e33ddef // fmul v15.4s, v15.4s, v19.4s
	WORD   $0x4e2fd4e7 // fadd v7.4s, v7.4s, v15.4s
	SUBS   $1, R4, R4
	BNE    x2afirst
	ADD    $4224, R10, R11
	VLD1   (R11), [V18.S4, V19.S4, V20.S4, V21.S4]
	ADD    $4096, R10, R11
	VLD1   (R11), [V22.S4, V23.S4, V24.S4, V25.S4]
	MOVD   $5, R9

x2round:
	VEOR   V26.B16, V26.B16, V26.B16
	MOVD   R8, R15 // a: x
	ADD    $1024, R8, R14 // w
	ADD    $2048, R8, R13 // l
	ADD    $3072, R8, R12 // aux
	MOVD   R10, R3 // b: x
	ADD    $1024, R10, R2
	ADD    $2048, R10, R1
	ADD    $3072, R10, R0
	MOVD   $16, R4

x2elem:
	// a, lanes 0-3
	VLD1.P 16(R12), [V8.S4]
	VLD1   (R13), [V9.S4]
	VLD1.P 16(R14), [V10.S4]
	VLD1.P 16(R15), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd40c // fsub v12.4s, v0.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd48d // fsub v13.4s, v4.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e24de10 // fmul v16.4s, v16.4s, v4.4s
	WORD   $0x6e20dc11 // fmul v17.4s, v0.4s, v0.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R13)
	VBIT   V15.B16, V12.B16, V0.B16
	VBIT   V15.B16, V13.B16, V4.B16
	ADD    $4288, R8, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// b, lanes 0-3
	VLD1.P 16(R0), [V8.S4]
	VLD1   (R1), [V9.S4]
	VLD1.P 16(R2), [V10.S4]
	VLD1.P 16(R3), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd64c // fsub v12.4s, v18.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd6cd // fsub v13.4s, v22.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e36de10 // fmul v16.4s, v16.4s, v22.4s
	WORD   $0x6e32de51 // fmul v17.4s, v18.4s, v18.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R1)
	VBIT   V15.B16, V12.B16, V18.B16
	VBIT   V15.B16, V13.B16, V22.B16
	ADD    $4288, R10, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// a, lanes 4-7
	VLD1.P 16(R12), [V8.S4]
	VLD1   (R13), [V9.S4]
	VLD1.P 16(R14), [V10.S4]
	VLD1.P 16(R15), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd42c // fsub v12.4s, v1.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd4ad // fsub v13.4s, v5.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e25de10 // fmul v16.4s, v16.4s, v5.4s
	WORD   $0x6e21dc31 // fmul v17.4s, v1.4s, v1.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R13)
	VBIT   V15.B16, V12.B16, V1.B16
	VBIT   V15.B16, V13.B16, V5.B16
	ADD    $4304, R8, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// b, lanes 4-7
	VLD1.P 16(R0), [V8.S4]
	VLD1   (R1), [V9.S4]
	VLD1.P 16(R2), [V10.S4]
	VLD1.P 16(R3), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd66c // fsub v12.4s, v19.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd6ed // fsub v13.4s, v23.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e37de10 // fmul v16.4s, v16.4s, v23.4s
	WORD   $0x6e33de71 // fmul v17.4s, v19.4s, v19.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R1)
	VBIT   V15.B16, V12.B16, V19.B16
	VBIT   V15.B16, V13.B16, V23.B16
	ADD    $4304, R10, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// a, lanes 8-11
	VLD1.P 16(R12), [V8.S4]
	VLD1   (R13), [V9.S4]
	VLD1.P 16(R14), [V10.S4]
	VLD1.P 16(R15), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd44c // fsub v12.4s, v2.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd4cd // fsub v13.4s, v6.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e26de10 // fmul v16.4s, v16.4s, v6.4s
	WORD   $0x6e22dc51 // fmul v17.4s, v2.4s, v2.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R13)
	VBIT   V15.B16, V12.B16, V2.B16
	VBIT   V15.B16, V13.B16, V6.B16
	ADD    $4320, R8, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// b, lanes 8-11
	VLD1.P 16(R0), [V8.S4]
	VLD1   (R1), [V9.S4]
	VLD1.P 16(R2), [V10.S4]
	VLD1.P 16(R3), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd68c // fsub v12.4s, v20.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd70d // fsub v13.4s, v24.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e38de10 // fmul v16.4s, v16.4s, v24.4s
	WORD   $0x6e34de91 // fmul v17.4s, v20.4s, v20.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R1)
	VBIT   V15.B16, V12.B16, V20.B16
	VBIT   V15.B16, V13.B16, V24.B16
	ADD    $4320, R10, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// a, lanes 12-15
	VLD1.P 16(R12), [V8.S4]
	VLD1   (R13), [V9.S4]
	VLD1.P 16(R14), [V10.S4]
	VLD1.P 16(R15), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd46c // fsub v12.4s, v3.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd4ed // fsub v13.4s, v7.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e27de10 // fmul v16.4s, v16.4s, v7.4s
	WORD   $0x6e23dc71 // fmul v17.4s, v3.4s, v3.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R13)
	VBIT   V15.B16, V12.B16, V3.B16
	VBIT   V15.B16, V13.B16, V7.B16
	ADD    $4336, R8, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	// b, lanes 12-15
	VLD1.P 16(R0), [V8.S4]
	VLD1   (R1), [V9.S4]
	VLD1.P 16(R2), [V10.S4]
	VLD1.P 16(R3), [V11.S4]
	WORD   $0x6e29dd0c // fmul v12.4s, v8.4s, v9.4s
	WORD   $0x4eacd6ac // fsub v12.4s, v21.4s, v12.4s
	WORD   $0x6e29dd4d // fmul v13.4s, v10.4s, v9.4s
	WORD   $0x6e29ddad // fmul v13.4s, v13.4s, v9.4s
	WORD   $0x4eadd72d // fsub v13.4s, v25.4s, v13.4s
	WORD   $0x6e2ddd6e // fmul v14.4s, v11.4s, v13.4s
	WORD   $0x6e2cfdce // fdiv v14.4s, v14.4s, v12.4s
	WORD   $0x4e3fd5ce // fadd v14.4s, v14.4s, v31.4s
	VAND   V30.B16, V14.B16, V14.B16
	VSUB   V29.S4, V14.S4, V14.S4
	WORD   $0x4ebb6dce // smin v14.4s, v14.4s, v27.4s
	WORD   $0x4ebc65ce // smax v14.4s, v14.4s, v28.4s
	WORD   $0x4e21d9ce // scvtf v14.4s, v14.4s
	WORD   $0x4ea0c98f // fcmgt v15.4s, v12.4s, #0.0
	WORD   $0x4e29e5d0 // fcmeq v16.4s, v14.4s, v9.4s
	WORD   $0x4e701def // bic v15.16b, v15.16b, v16.16b
	WORD   $0x6e2edd08 // fmul v8.4s, v8.4s, v14.4s
	WORD   $0x4e28d58c // fadd v12.4s, v12.4s, v8.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x6e2edd4a // fmul v10.4s, v10.4s, v14.4s
	WORD   $0x4e2ad5ad // fadd v13.4s, v13.4s, v10.4s
	WORD   $0x4ea0c9b0 // fcmgt v16.4s, v13.4s, #0.0
	VAND   V16.B16, V15.B16, V15.B16
	WORD   $0x6e2cdd90 // fmul v16.4s, v12.4s, v12.4s
	WORD   $0x6e39de10 // fmul v16.4s, v16.4s, v25.4s
	WORD   $0x6e35deb1 // fmul v17.4s, v21.4s, v21.4s
	WORD   $0x6e2dde31 // fmul v17.4s, v17.4s, v13.4s
	WORD   $0x6eb1e610 // fcmgt v16.4s, v16.4s, v17.4s
	VAND   V16.B16, V15.B16, V15.B16
	VBIT   V15.B16, V14.B16, V9.B16
	VST1.P [V9.S4], 16(R1)
	VBIT   V15.B16, V12.B16, V21.B16
	VBIT   V15.B16, V13.B16, V25.B16
	ADD    $4336, R10, R11
	VLD1   (R11), [V16.S4]
	VAND   V16.B16, V15.B16, V16.B16 // changed active lanes
	VORR   V16.B16, V26.B16, V26.B16
	SUBS   $1, R4, R4
	BNE    x2elem
	// another round while an active lane changed (at most 5)
	VMOV   V26.D[0], R6
	VMOV   V26.D[1], R7
	ORR    R7, R6, R6
	CBZ    R6, x2done
	SUBS   $1, R9, R9
	BNE    x2round

x2done:
	// scale = suml2 > 0 ? sumlx/suml2 : 0
	WORD   $0x6e24fc08 // fdiv v8.4s, v0.4s, v4.4s
	WORD   $0x4ea0c88c // fcmgt v12.4s, v4.4s, #0.0
	VAND   V12.B16, V8.B16, V8.B16
	WORD   $0x6e25fc29 // fdiv v9.4s, v1.4s, v5.4s
	WORD   $0x4ea0c8ad // fcmgt v13.4s, v5.4s, #0.0
	VAND   V13.B16, V9.B16, V9.B16
	WORD   $0x6e26fc4a // fdiv v10.4s, v2.4s, v6.4s
	WORD   $0x4ea0c8ce // fcmgt v14.4s, v6.4s, #0.0
	VAND   V14.B16, V10.B16, V10.B16
	WORD   $0x6e27fc6b // fdiv v11.4s, v3.4s, v7.4s
	WORD   $0x4ea0c8ef // fcmgt v15.4s, v7.4s, #0.0
	VAND   V15.B16, V11.B16, V11.B16
	ADD    $4160, R8, R11
	VST1   [V8.S4, V9.S4, V10.S4, V11.S4], (R11)
	WORD   $0x6e36fe48 // fdiv v8.4s, v18.4s, v22.4s
	WORD   $0x4ea0cacc // fcmgt v12.4s, v22.4s, #0.0
	VAND   V12.B16, V8.B16, V8.B16
	WORD   $0x6e37fe69 // fdiv v9.4s, v19.4s, v23.4s
	WORD   $0x4ea0caed // fcmgt v13.4s, v23.4s, #0.0
	VAND   V13.B16, V9.B16, V9.B16
	WORD   $0x6e38fe8a // fdiv v10.4s, v20.4s, v24.4s
	WORD   $0x4ea0cb0e // fcmgt v14.4s, v24.4s, #0.0
	VAND   V14.B16, V10.B16, V10.B16
	WORD   $0x6e39feab // fdiv v11.4s, v21.4s, v25.4s
	WORD   $0x4ea0cb2f // fcmgt v15.4s, v25.4s, #0.0
	VAND   V15.B16, V11.B16, V11.B16
	ADD    $4160, R10, R11
	VST1   [V8.S4, V9.S4, V10.S4, V11.S4], (R11)
	RET
