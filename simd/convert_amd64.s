//go:build !purego

#include "textflag.h"

// func f16ToF32Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
//
// VCVTPH2PS makes a signalling NaN quiet; the generic code keeps it
// signalling, so for NaN lanes whose quiet bit was clear the quiet bit
// that F16C set is flipped back.
TEXT ·f16ToF32Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $3, CX
	JZ   done
	VPBROADCASTD ·c0f800000(SB), Y10
	VPBROADCASTD ·c007fe000(SB), Y11
	VPBROADCASTD ·c00400000(SB), Y12
	VPXOR        Y13, Y13, Y13

loop:
	VCVTPH2PS (SI), Y0
	VPMOVZXWD (SI), Y1
	VPSLLD    $13, Y1, Y2   // t = h<<13: exponent field at 0x0f800000, mantissa at 0x007fe000
	VPAND     Y10, Y2, Y3
	VPCMPEQD  Y10, Y3, Y3   // exponent all ones (Inf or NaN)
	VPAND     Y11, Y2, Y4
	VPCMPEQD  Y13, Y4, Y4   // mantissa zero
	VPANDN    Y3, Y4, Y3    // NaN = max exponent and not mantissa zero
	VPANDN    Y12, Y2, Y5   // quiet bit clear in the source: 0x00400000
	VPAND     Y5, Y3, Y3
	VPXOR     Y3, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       loop
	VZEROUPPER

done:
	RET

// func f32ToF16Asm(dst []byte, src []float32)
// Requires: AVX2, F16C
//
// VCVTPS2PH keeps NaN payload bits; ggml writes sign|0x7E00, so NaN lanes
// are replaced by a signed canonical quiet NaN before converting.
TEXT ·f32ToF16Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	SHRQ $3, CX
	JZ   done
	VPBROADCASTD ·c80000000(SB), Y10
	VPBROADCASTD ·c7fc00000(SB), Y11

loop:
	VMOVUPS   (SI), Y0
	VCMPPS    $3, Y0, Y0, Y1 // unordered: NaN lanes
	VANDPS    Y10, Y0, Y2
	VORPS     Y11, Y2, Y2
	VBLENDVPS Y1, Y2, Y0, Y0
	VCVTPS2PH $0, Y0, (DI)   // round to nearest even
	ADDQ      $32, SI
	ADDQ      $16, DI
	DECQ      CX
	JNZ       loop
	VZEROUPPER

done:
	RET

// func bf16ToF32Asm(dst []float32, src []byte)
// Requires: AVX2
TEXT ·bf16ToF32Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $3, CX
	JZ   done

loop:
	VPMOVZXWD (SI), Y0
	VPSLLD    $16, Y0, Y0
	VMOVDQU   Y0, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       loop
	VZEROUPPER

done:
	RET

// func f32ToBF16Asm(dst []byte, src []float32)
// Requires: AVX2
TEXT ·f32ToBF16Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	SHRQ $3, CX
	JZ   done
	VPBROADCASTD ·c7fffffff(SB), Y10
	VPBROADCASTD ·c7f800000(SB), Y11
	VPBROADCASTD ·c00007fff(SB), Y12
	VPBROADCASTD ·c00000001(SB), Y13
	VPBROADCASTD ·c00000040(SB), Y14

loop:
	VMOVDQU   (SI), Y0
	VPAND     Y10, Y0, Y1
	VPCMPGTD  Y11, Y1, Y1    // |u| > Inf: NaN
	VPSRLD    $16, Y0, Y2
	VPAND     Y13, Y2, Y3
	VPADDD    Y12, Y3, Y3
	VPADDD    Y0, Y3, Y3
	VPSRLD    $16, Y3, Y3    // (u + 0x7fff + (u>>16)&1) >> 16
	VPOR      Y14, Y2, Y2    // NaN: (u>>16) | 0x40
	VPBLENDVB Y1, Y2, Y3, Y3
	VPACKUSDW Y3, Y3, Y3     // 16-bit results in qwords 0 and 2
	VPERMQ    $0x08, Y3, Y3
	VMOVDQU   X3, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	DECQ      CX
	JNZ       loop
	VZEROUPPER

done:
	RET
