//go:build !purego

#include "textflag.h"

// NEON half conversions, 8 values per iteration. Float instructions that
// Go's assembler does not know are WORD encodings with the instruction in
// the comment (checked by TestNEONWords).

// func f16ToF32Asm(dst []float32, src []byte)
//
// FCVTL makes a signalling NaN quiet; the generic code keeps it, so for
// NaN halves whose quiet bit is clear the quiet bit is flipped back:
// fix = (t&0x0fc00000 == 0x0f800000) && (t&0x003fe000 != 0), t = h<<13.
TEXT ·f16ToF32Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $3, R2, R2
	CBZ  R2, done
	MOVW $0x0fc00000, R3
	VDUP R3, V20.S4
	MOVW $0x0f800000, R3
	VDUP R3, V21.S4
	MOVW $0x003fe000, R3
	VDUP R3, V22.S4
	MOVW $0x00400000, R3
	VDUP R3, V23.S4

loop:
	VLD1.P  16(R1), [V0.H8]
	WORD    $0x0e217801 // fcvtl v1.4s, v0.4h
	WORD    $0x4e217802 // fcvtl2 v2.4s, v0.8h
	VUSHLL  $13, V0.H4, V3.S4
	VUSHLL2 $13, V0.H8, V4.S4
	VAND    V20.B16, V3.B16, V5.B16
	VCMEQ   V21.S4, V5.S4, V5.S4
	VCMTST  V22.S4, V3.S4, V6.S4
	VAND    V6.B16, V5.B16, V5.B16
	VAND    V23.B16, V5.B16, V5.B16
	VEOR    V5.B16, V1.B16, V1.B16
	VAND    V20.B16, V4.B16, V5.B16
	VCMEQ   V21.S4, V5.S4, V5.S4
	VCMTST  V22.S4, V4.S4, V6.S4
	VAND    V6.B16, V5.B16, V5.B16
	VAND    V23.B16, V5.B16, V5.B16
	VEOR    V5.B16, V2.B16, V2.B16
	VST1.P  [V1.S4, V2.S4], 32(R0)
	SUBS    $1, R2, R2
	BNE     loop

done:
	RET

// func f32ToF16Asm(dst []byte, src []float32)
//
// FCVTN keeps NaN payload bits; ggml writes sign|0x7E00, so NaN lanes are
// replaced by a signed canonical quiet NaN first.
TEXT ·f32ToF16Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	LSR  $3, R2, R2
	CBZ  R2, done
	MOVW $0x80000000, R3
	VDUP R3, V20.S4
	MOVW $0x7fc00000, R3
	VDUP R3, V21.S4

loop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	WORD   $0x4e20e402 // fcmeq v2.4s, v0.4s, v0.4s
	VAND   V20.B16, V0.B16, V3.B16
	VORR   V21.B16, V3.B16, V3.B16
	VBIF   V2.B16, V3.B16, V0.B16
	WORD   $0x4e21e424 // fcmeq v4.4s, v1.4s, v1.4s
	VAND   V20.B16, V1.B16, V5.B16
	VORR   V21.B16, V5.B16, V5.B16
	VBIF   V4.B16, V5.B16, V1.B16
	WORD   $0x0e216806 // fcvtn v6.4h, v0.4s
	WORD   $0x4e216826 // fcvtn2 v6.8h, v1.4s
	VST1.P [V6.H8], 16(R0)
	SUBS   $1, R2, R2
	BNE    loop

done:
	RET

// func bf16ToF32Asm(dst []float32, src []byte)
TEXT ·bf16ToF32Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $3, R2, R2
	CBZ  R2, done

loop:
	VLD1.P  16(R1), [V0.H8]
	WORD    $0x2e613801 // shll v1.4s, v0.4h, #16
	WORD    $0x6e613802 // shll2 v2.4s, v0.8h, #16
	VST1.P  [V1.S4, V2.S4], 32(R0)
	SUBS    $1, R2, R2
	BNE     loop

done:
	RET

// func f32ToBF16Asm(dst []byte, src []float32)
TEXT ·f32ToBF16Asm(SB), NOSPLIT|NOFRAME, $0-48
	MOVD dst_base+0(FP), R0
	MOVD src_base+24(FP), R1
	MOVD src_len+32(FP), R2
	LSR  $3, R2, R2
	CBZ  R2, done
	MOVW $0x7fffffff, R3
	VDUP R3, V20.S4
	MOVW $0x7f800000, R3
	VDUP R3, V21.S4
	MOVW $1, R3
	VDUP R3, V22.S4
	MOVW $0x7fff, R3
	VDUP R3, V23.S4
	MOVW $0x40, R3
	VDUP R3, V24.S4

loop:
	VLD1.P 32(R1), [V0.S4, V1.S4]
	// (u + 0x7fff + (u>>16)&1) >> 16, or (u>>16)|0x40 where |u| > Inf
	VUSHR  $16, V0.S4, V3.S4
	VAND   V22.B16, V3.B16, V6.B16
	VADD   V23.S4, V6.S4, V6.S4
	VADD   V0.S4, V6.S4, V6.S4
	VUSHR  $16, V6.S4, V6.S4
	VORR   V24.B16, V3.B16, V3.B16
	VAND   V20.B16, V0.B16, V5.B16
	WORD   $0x6eb534a5 // cmhi v5.4s, v5.4s, v21.4s
	VBIT   V5.B16, V3.B16, V6.B16
	VUSHR  $16, V1.S4, V3.S4
	VAND   V22.B16, V3.B16, V7.B16
	VADD   V23.S4, V7.S4, V7.S4
	VADD   V1.S4, V7.S4, V7.S4
	VUSHR  $16, V7.S4, V7.S4
	VORR   V24.B16, V3.B16, V3.B16
	VAND   V20.B16, V1.B16, V5.B16
	WORD   $0x6eb534a5 // cmhi v5.4s, v5.4s, v21.4s
	VBIT   V5.B16, V3.B16, V7.B16
	VUZP1  V7.H8, V6.H8, V6.H8
	VST1.P [V6.H8], 16(R0)
	SUBS   $1, R2, R2
	BNE    loop

done:
	RET
