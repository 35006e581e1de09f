//go:build !purego

#include "textflag.h"

// ROUNDQ sets r to (int32)roundf(t) for the 8 floats in t: truncate, then
// step away from zero where the dropped fraction is at least 0.5 (the
// subtraction is exact). NaN lanes convert to 0x80000000, whose low byte
// is 0 as ggml's NaN -> 0.
#define ROUNDQ(t, r) \
	VROUNDPS   $3, t, r; \
	VSUBPS     r, t, Y13; \
	VANDPS     Y15, Y13, Y13; \
	VCMPPS     $0x1d, Y14, Y13, Y13; \
	VANDPS     Y12, t, t; \
	VORPS      Y11, t, t; \
	VANDPS     Y13, t, t; \
	VADDPS     t, r, r; \
	VCVTTPS2DQ r, r

// func quantQ8_0Asm(dst []byte, src []float32) int
// Requires: AVX2, F16C
TEXT ·quantQ8_0Asm(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	SHRQ $5, CX
	XORQ AX, AX
	TESTQ CX, CX
	JZ   done
	VBROADCASTSS ·c7fffffff(SB), Y15
	VBROADCASTSS ·c3f000000(SB), Y14
	VBROADCASTSS ·c80000000(SB), Y12
	VBROADCASTSS ·cf1(SB), Y11
	VPBROADCASTD ·c000000ff(SB), Y10
	VMOVDQU      ·perm04152637(SB), Y9

block:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	// a NaN anywhere: leave the block to the Go code
	VCMPPS    $3, Y1, Y0, Y4
	VCMPPS    $3, Y3, Y2, Y5
	VORPS     Y5, Y4, Y4
	VMOVMSKPS Y4, DX
	TESTL     DX, DX
	JNZ       done
	// amax (order does not matter without NaN)
	VANDPS       Y15, Y0, Y4
	VANDPS       Y15, Y1, Y5
	VANDPS       Y15, Y2, Y6
	VANDPS       Y15, Y3, Y7
	VMAXPS       Y5, Y4, Y4
	VMAXPS       Y7, Y6, Y6
	VMAXPS       Y6, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VMAXPS       X5, X4, X4
	VMOVHLPS     X4, X4, X5
	VMAXPS       X5, X4, X4
	VMOVSHDUP    X4, X5
	VMAXSS       X5, X4, X4
	// d = amax/127; id = d != 0 ? 1/d : 0
	VDIVSS       ·c42fe0000(SB), X4, X5
	VDIVSS       X5, X11, X6
	VXORPS       X7, X7, X7
	VCMPSS       $0, X7, X5, X7
	VANDNPS      X6, X7, X6
	VCVTPS2PH    $0, X5, X7
	VPEXTRW      $0, X7, DX
	MOVW         DX, (DI)
	VBROADCASTSS X6, Y6
	VMULPS       Y6, Y0, Y0
	VMULPS       Y6, Y1, Y1
	VMULPS       Y6, Y2, Y2
	VMULPS       Y6, Y3, Y3
	ROUNDQ(Y0, Y4)
	ROUNDQ(Y1, Y5)
	ROUNDQ(Y2, Y6)
	ROUNDQ(Y3, Y7)
	// low byte of each int32, in element order
	VPAND     Y10, Y4, Y4
	VPAND     Y10, Y5, Y5
	VPAND     Y10, Y6, Y6
	VPAND     Y10, Y7, Y7
	VPACKUSDW Y5, Y4, Y4
	VPACKUSDW Y7, Y6, Y6
	VPACKUSWB Y6, Y4, Y4
	VPERMD    Y4, Y9, Y4
	VMOVDQU   Y4, 2(DI)
	ADDQ      $128, SI
	ADDQ      $34, DI
	INCQ      AX
	DECQ      CX
	JNZ       block

done:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET
