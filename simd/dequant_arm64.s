//go:build !purego

#include "textflag.h"

// NEON block dequantizers. Each block is expanded 16 values at a time:
// integers widened to 32 bits, converted, then multiplied (and offset)
// with separate FMUL and FSUB/FADD in ggml's order, never fused, so the
// results match the generic twins bit for bit. Float and sign-extension
// instructions the Go assembler lacks are WORDs with the instruction in
// the comment (checked by TestNEONWords).

// func dequantQ8_0Asm(dst []float32, src []byte)
TEXT ·dequantQ8_0Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2, R2
	CBZ  R2, done

loop:
	MOVHU  0(R1), R4
	VMOV   R4, V0.H[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V31.S4
	ADD    $2, R1, R5
	VLD1   (R5), [V16.B16, V17.B16]
	VMOV   V17.B16, V23.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VMOV   V23.B16, V16.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $34, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ4_0Asm(dst []float32, src []byte)
TEXT ·dequantQ4_0Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16
	VMOVI  $8, V29.B16

loop:
	MOVHU  0(R1), R4
	VMOV   R4, V0.H[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V31.S4
	ADD    $2, R1, R5
	VLD1   (R5), [V1.B16]
	VAND   V30.B16, V1.B16, V16.B16
	VSUB   V29.B16, V16.B16, V16.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V1.B16, V16.B16
	VSUB   V29.B16, V16.B16, V16.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $18, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ4_1Asm(dst []float32, src []byte)
TEXT ·dequantQ4_1Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16

loop:
	MOVWU  0(R1), R4
	VMOV   R4, V0.S[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V24.S4
	VDUP   V0.S[1], V26.S4
	ADD    $4, R1, R5
	VLD1   (R5), [V1.B16]
	VAND   V30.B16, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4e3ad631 // fadd v17.4s, v17.4s, v26.4s
	WORD   $0x4e3ad652 // fadd v18.4s, v18.4s, v26.4s
	WORD   $0x4e3ad673 // fadd v19.4s, v19.4s, v26.4s
	WORD   $0x4e3ad694 // fadd v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4e3ad631 // fadd v17.4s, v17.4s, v26.4s
	WORD   $0x4e3ad652 // fadd v18.4s, v18.4s, v26.4s
	WORD   $0x4e3ad673 // fadd v19.4s, v19.4s, v26.4s
	WORD   $0x4e3ad694 // fadd v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $20, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ5_0Asm(dst []float32, src []byte)
// Element j takes bit j of the 32-bit qh (low nibbles j < 16, high
// nibbles j+16) as its fifth bit: TBL spreads the qh bytes, CMTST
// tests bit j%8.
TEXT ·dequantQ5_0Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16
	VMOVI  $16, V29.B16
	MOVD   $·q5tbl(SB), R6
	VLD1   (R6), [V12.B16, V13.B16, V14.B16]

loop:
	MOVHU  0(R1), R4
	VMOV   R4, V0.H[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V31.S4
	MOVWU  2(R1), R4
	VMOV   R4, V2.S[0]
	VTBL   V13.B16, [V2.B16], V3.B16 // qh bytes 0,1 spread over 8 lanes each
	VTBL   V14.B16, [V2.B16], V4.B16 // qh bytes 2,3
	VCMTST V12.B16, V3.B16, V3.B16   // bit j of qh set
	VCMTST V12.B16, V4.B16, V4.B16
	VAND   V29.B16, V3.B16, V3.B16   // -> 16
	VAND   V29.B16, V4.B16, V4.B16
	ADD    $6, R1, R5
	VLD1   (R5), [V1.B16]
	VAND   V30.B16, V1.B16, V16.B16
	VORR   V3.B16, V16.B16, V16.B16
	VSUB   V29.B16, V16.B16, V16.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V1.B16, V16.B16
	VORR   V4.B16, V16.B16, V16.B16
	VSUB   V29.B16, V16.B16, V16.B16
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $22, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ5_1Asm(dst []float32, src []byte)
TEXT ·dequantQ5_1Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16
	VMOVI  $16, V29.B16
	MOVD   $·q5tbl(SB), R6
	VLD1   (R6), [V12.B16, V13.B16, V14.B16]

loop:
	MOVWU  0(R1), R4
	VMOV   R4, V0.S[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V24.S4
	VDUP   V0.S[1], V26.S4
	MOVWU  4(R1), R4
	VMOV   R4, V2.S[0]
	VTBL   V13.B16, [V2.B16], V3.B16 // qh bytes 0,1 spread over 8 lanes each
	VTBL   V14.B16, [V2.B16], V4.B16 // qh bytes 2,3
	VCMTST V12.B16, V3.B16, V3.B16   // bit j of qh set
	VCMTST V12.B16, V4.B16, V4.B16
	VAND   V29.B16, V3.B16, V3.B16   // -> 16
	VAND   V29.B16, V4.B16, V4.B16
	ADD    $8, R1, R5
	VLD1   (R5), [V1.B16]
	VAND   V30.B16, V1.B16, V16.B16
	VORR   V3.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4e3ad631 // fadd v17.4s, v17.4s, v26.4s
	WORD   $0x4e3ad652 // fadd v18.4s, v18.4s, v26.4s
	WORD   $0x4e3ad673 // fadd v19.4s, v19.4s, v26.4s
	WORD   $0x4e3ad694 // fadd v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V1.B16, V16.B16
	VORR   V4.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4e3ad631 // fadd v17.4s, v17.4s, v26.4s
	WORD   $0x4e3ad652 // fadd v18.4s, v18.4s, v26.4s
	WORD   $0x4e3ad673 // fadd v19.4s, v19.4s, v26.4s
	WORD   $0x4e3ad694 // fadd v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $24, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ4_KAsm(dst []float32, src []byte)
// y = float32(d1*q) - m1 per 32-element sub-block, d1 = d*sc, m1 = dmin*m.
TEXT ·dequantQ4_KAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $8, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16

loop:
	MOVWU  (R1), R4
	VMOV   R4, V0.S[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V7.S4 // d
	VDUP   V0.S[1], V8.S4 // dmin
	// get_scale_min_k4 for j = 0..7 at once (see dequant_amd64.s)
	MOVWU  4(R1), R5
	MOVWU  8(R1), R6
	MOVWU  12(R1), R7
	ANDW   $0x3f3f3f3f, R5, R8
	ANDW   $0x0f0f0f0f, R7, R9
	LSRW   $6, R5, R10
	ANDW   $0x03030303, R10, R10
	ORRW   R10<<4, R9, R9
	ANDW   $0x3f3f3f3f, R6, R11
	LSRW   $4, R7, R12
	ANDW   $0x0f0f0f0f, R12, R12
	LSRW   $6, R6, R10
	ANDW   $0x03030303, R10, R10
	ORRW   R10<<4, R12, R12
	VMOV   R8, V1.S[0]
	VMOV   R9, V1.S[1]
	VMOV   R11, V2.S[0]
	VMOV   R12, V2.S[1]
	VUXTL  V1.B8, V1.H8
	VUXTL  V1.H4, V3.S4
	VUXTL2 V1.H8, V4.S4
	VUXTL  V2.B8, V2.H8
	VUXTL  V2.H4, V5.S4
	VUXTL2 V2.H8, V6.S4
	WORD   $0x6e21d863 // ucvtf v3.4s, v3.4s
	WORD   $0x6e21d884 // ucvtf v4.4s, v4.4s
	WORD   $0x6e21d8a5 // ucvtf v5.4s, v5.4s
	WORD   $0x6e21d8c6 // ucvtf v6.4s, v6.4s
	WORD   $0x6e23dce3 // fmul v3.4s, v7.4s, v3.4s
	WORD   $0x6e24dce4 // fmul v4.4s, v7.4s, v4.4s
	WORD   $0x6e25dd05 // fmul v5.4s, v8.4s, v5.4s
	WORD   $0x6e26dd06 // fmul v6.4s, v8.4s, v6.4s
	ADD    $16, R1, R5
	// chunk 0: elements 0..63, sub-blocks 0 (low nibbles) and 1 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V3.S[0], V24.S4
	VDUP   V5.S[0], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V3.S[1], V24.S4
	VDUP   V5.S[1], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	// chunk 1: elements 64..127, sub-blocks 2 (low nibbles) and 3 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V3.S[2], V24.S4
	VDUP   V5.S[2], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V3.S[3], V24.S4
	VDUP   V5.S[3], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	// chunk 2: elements 128..191, sub-blocks 4 (low nibbles) and 5 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V4.S[0], V24.S4
	VDUP   V6.S[0], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V4.S[1], V24.S4
	VDUP   V6.S[1], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	// chunk 3: elements 192..255, sub-blocks 6 (low nibbles) and 7 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V4.S[2], V24.S4
	VDUP   V6.S[2], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V4.S[3], V24.S4
	VDUP   V6.S[3], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $144, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ5_KAsm(dst []float32, src []byte)
// As Q4_K; chunk c adds 16 where bit 2c (low nibbles) or 2c+1 (high)
// of qh[l] is set.
TEXT ·dequantQ5_KAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $8, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16
	VMOVI  $1, V11.B16
	VMOVI  $2, V12.B16

loop:
	MOVWU  (R1), R4
	VMOV   R4, V0.S[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V7.S4 // d
	VDUP   V0.S[1], V8.S4 // dmin
	// get_scale_min_k4 for j = 0..7 at once (see dequant_amd64.s)
	MOVWU  4(R1), R5
	MOVWU  8(R1), R6
	MOVWU  12(R1), R7
	ANDW   $0x3f3f3f3f, R5, R8
	ANDW   $0x0f0f0f0f, R7, R9
	LSRW   $6, R5, R10
	ANDW   $0x03030303, R10, R10
	ORRW   R10<<4, R9, R9
	ANDW   $0x3f3f3f3f, R6, R11
	LSRW   $4, R7, R12
	ANDW   $0x0f0f0f0f, R12, R12
	LSRW   $6, R6, R10
	ANDW   $0x03030303, R10, R10
	ORRW   R10<<4, R12, R12
	VMOV   R8, V1.S[0]
	VMOV   R9, V1.S[1]
	VMOV   R11, V2.S[0]
	VMOV   R12, V2.S[1]
	VUXTL  V1.B8, V1.H8
	VUXTL  V1.H4, V3.S4
	VUXTL2 V1.H8, V4.S4
	VUXTL  V2.B8, V2.H8
	VUXTL  V2.H4, V5.S4
	VUXTL2 V2.H8, V6.S4
	WORD   $0x6e21d863 // ucvtf v3.4s, v3.4s
	WORD   $0x6e21d884 // ucvtf v4.4s, v4.4s
	WORD   $0x6e21d8a5 // ucvtf v5.4s, v5.4s
	WORD   $0x6e21d8c6 // ucvtf v6.4s, v6.4s
	WORD   $0x6e23dce3 // fmul v3.4s, v7.4s, v3.4s
	WORD   $0x6e24dce4 // fmul v4.4s, v7.4s, v4.4s
	WORD   $0x6e25dd05 // fmul v5.4s, v8.4s, v5.4s
	WORD   $0x6e26dd06 // fmul v6.4s, v8.4s, v6.4s
	ADD    $16, R1, R5
	VLD1.P 32(R5), [V9.B16, V10.B16] // qh
	// chunk 0: elements 0..63, sub-blocks 0 (low nibbles) and 1 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V3.S[0], V24.S4
	VDUP   V5.S[0], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VAND   V11.B16, V9.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VAND   V11.B16, V10.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V3.S[1], V24.S4
	VDUP   V5.S[1], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VAND   V12.B16, V9.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VAND   V12.B16, V10.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $2, V9.B16, V9.B16 // next chunk tests the next two qh bits
	VUSHR  $2, V10.B16, V10.B16
	// chunk 1: elements 64..127, sub-blocks 2 (low nibbles) and 3 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V3.S[2], V24.S4
	VDUP   V5.S[2], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VAND   V11.B16, V9.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VAND   V11.B16, V10.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V3.S[3], V24.S4
	VDUP   V5.S[3], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VAND   V12.B16, V9.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VAND   V12.B16, V10.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $2, V9.B16, V9.B16 // next chunk tests the next two qh bits
	VUSHR  $2, V10.B16, V10.B16
	// chunk 2: elements 128..191, sub-blocks 4 (low nibbles) and 5 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V4.S[0], V24.S4
	VDUP   V6.S[0], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VAND   V11.B16, V9.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VAND   V11.B16, V10.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V4.S[1], V24.S4
	VDUP   V6.S[1], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VAND   V12.B16, V9.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VAND   V12.B16, V10.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $2, V9.B16, V9.B16 // next chunk tests the next two qh bits
	VUSHR  $2, V10.B16, V10.B16
	// chunk 3: elements 192..255, sub-blocks 6 (low nibbles) and 7 (high)
	VLD1.P 32(R5), [V1.B16, V2.B16]
	VDUP   V4.S[2], V24.S4
	VDUP   V6.S[2], V26.S4
	VAND   V30.B16, V1.B16, V16.B16
	VAND   V11.B16, V9.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V2.B16, V16.B16
	VAND   V11.B16, V10.B16, V13.B16
	VSHL   $4, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VDUP   V4.S[3], V24.S4
	VDUP   V6.S[3], V26.S4
	VUSHR  $4, V1.B16, V16.B16
	VAND   V12.B16, V9.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V2.B16, V16.B16
	VAND   V12.B16, V10.B16, V13.B16
	VSHL   $3, V13.B16, V13.B16
	VORR   V13.B16, V16.B16, V16.B16
	VUXTL  V16.B8, V21.H8
	VUXTL2 V16.B16, V22.H8
	VUXTL  V21.H4, V17.S4
	VUXTL2 V21.H8, V18.S4
	VUXTL  V22.H4, V19.S4
	VUXTL2 V22.H8, V20.S4
	WORD   $0x6e21da31 // ucvtf v17.4s, v17.4s
	WORD   $0x6e21da52 // ucvtf v18.4s, v18.4s
	WORD   $0x6e21da73 // ucvtf v19.4s, v19.4s
	WORD   $0x6e21da94 // ucvtf v20.4s, v20.4s
	WORD   $0x6e31df11 // fmul v17.4s, v24.4s, v17.4s
	WORD   $0x6e32df12 // fmul v18.4s, v24.4s, v18.4s
	WORD   $0x6e33df13 // fmul v19.4s, v24.4s, v19.4s
	WORD   $0x6e34df14 // fmul v20.4s, v24.4s, v20.4s
	WORD   $0x4ebad631 // fsub v17.4s, v17.4s, v26.4s
	WORD   $0x4ebad652 // fsub v18.4s, v18.4s, v26.4s
	WORD   $0x4ebad673 // fsub v19.4s, v19.4s, v26.4s
	WORD   $0x4ebad694 // fsub v20.4s, v20.4s, v26.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $2, V9.B16, V9.B16 // next chunk tests the next two qh bits
	VUSHR  $2, V10.B16, V10.B16
	ADD  $176, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// func dequantQ6_KAsm(dst []float32, src []byte)
// y = float32(d*sc[g])*q for the 16 groups g of 16 elements;
// q = (4 bits of ql | 2 bits of qh << 4) - 32.
TEXT ·dequantQ6_KAsm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $8, R2, R2
	CBZ  R2, done
	VMOVI  $15, V30.B16
	VMOVI  $48, V29.B16
	VMOVI  $32, V28.B16

loop:
	MOVHU  208(R1), R4
	VMOV   R4, V0.H[0]
	WORD   $0x0e217800 // fcvtl v0.4s, v0.4h
	VDUP   V0.S[0], V7.S4
	ADD    $192, R1, R5
	VLD1   (R5), [V1.B16]
	WORD   $0x0f08a422 // sxtl v2.8h, v1.8b
	WORD   $0x4f08a421 // sxtl2 v1.8h, v1.16b
	WORD   $0x0f10a443 // sxtl v3.4s, v2.4h
	WORD   $0x4f10a444 // sxtl2 v4.4s, v2.8h
	WORD   $0x0f10a425 // sxtl v5.4s, v1.4h
	WORD   $0x4f10a426 // sxtl2 v6.4s, v1.8h
	WORD   $0x4e21d863 // scvtf v3.4s, v3.4s
	WORD   $0x4e21d884 // scvtf v4.4s, v4.4s
	WORD   $0x4e21d8a5 // scvtf v5.4s, v5.4s
	WORD   $0x4e21d8c6 // scvtf v6.4s, v6.4s
	WORD   $0x6e23dce3 // fmul v3.4s, v7.4s, v3.4s
	WORD   $0x6e24dce4 // fmul v4.4s, v7.4s, v4.4s
	WORD   $0x6e25dce5 // fmul v5.4s, v7.4s, v5.4s
	WORD   $0x6e26dce6 // fmul v6.4s, v7.4s, v6.4s
	MOVD   R1, R5      // ql
	ADD    $128, R1, R6 // qh
	// half 0: elements 0..127, scales 0..7
	VLD1.P 64(R5), [V8.B16, V9.B16, V10.B16, V11.B16]
	VLD1.P 32(R6), [V12.B16, V13.B16]
	VAND   V30.B16, V8.B16, V16.B16
	VSHL   $4, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V3.S[0], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V9.B16, V16.B16
	VSHL   $4, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V3.S[1], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V10.B16, V16.B16
	VSHL   $2, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V3.S[2], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V11.B16, V16.B16
	VSHL   $2, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V3.S[3], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V8.B16, V16.B16
	VMOV   V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V4.S[0], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V9.B16, V16.B16
	VMOV   V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V4.S[1], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V10.B16, V16.B16
	VUSHR  $2, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V4.S[2], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V11.B16, V16.B16
	VUSHR  $2, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V4.S[3], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	// half 1: elements 128..255, scales 8..15
	VLD1.P 64(R5), [V8.B16, V9.B16, V10.B16, V11.B16]
	VLD1.P 32(R6), [V12.B16, V13.B16]
	VAND   V30.B16, V8.B16, V16.B16
	VSHL   $4, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V5.S[0], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V9.B16, V16.B16
	VSHL   $4, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V5.S[1], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V10.B16, V16.B16
	VSHL   $2, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V5.S[2], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VAND   V30.B16, V11.B16, V16.B16
	VSHL   $2, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V5.S[3], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V8.B16, V16.B16
	VMOV   V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V6.S[0], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V9.B16, V16.B16
	VMOV   V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V6.S[1], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V10.B16, V16.B16
	VUSHR  $2, V12.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V6.S[2], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	VUSHR  $4, V11.B16, V16.B16
	VUSHR  $2, V13.B16, V14.B16
	VAND   V29.B16, V14.B16, V14.B16
	VORR   V14.B16, V16.B16, V16.B16
	VSUB   V28.B16, V16.B16, V16.B16
	VDUP   V6.S[3], V31.S4
	WORD   $0x0f08a615 // sxtl v21.8h, v16.8b
	WORD   $0x4f08a616 // sxtl2 v22.8h, v16.16b
	WORD   $0x0f10a6b1 // sxtl v17.4s, v21.4h
	WORD   $0x4f10a6b2 // sxtl2 v18.4s, v21.8h
	WORD   $0x0f10a6d3 // sxtl v19.4s, v22.4h
	WORD   $0x4f10a6d4 // sxtl2 v20.4s, v22.8h
	WORD   $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD   $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD   $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD   $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD   $0x6e3fde31 // fmul v17.4s, v17.4s, v31.4s
	WORD   $0x6e3fde52 // fmul v18.4s, v18.4s, v31.4s
	WORD   $0x6e3fde73 // fmul v19.4s, v19.4s, v31.4s
	WORD   $0x6e3fde94 // fmul v20.4s, v20.4s, v31.4s
	VST1.P [V17.S4, V18.S4, V19.S4, V20.S4], 64(R0)
	ADD  $210, R1, R1
	SUBS $1, R2, R2
	BNE  loop

done:
	RET

// Q5 TBL tables: bit masks 1..128 twice, then indices spreading qh
// bytes 0,1 and 2,3 over 8 lanes each.
DATA ·q5tbl+0(SB)/8, $0x8040201008040201
DATA ·q5tbl+8(SB)/8, $0x8040201008040201
DATA ·q5tbl+16(SB)/8, $0x0000000000000000
DATA ·q5tbl+24(SB)/8, $0x0101010101010101
DATA ·q5tbl+32(SB)/8, $0x0202020202020202
DATA ·q5tbl+40(SB)/8, $0x0303030303030303
GLOBL ·q5tbl(SB), RODATA|NOPTR, $48
