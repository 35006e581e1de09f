//go:build !purego

#include "textflag.h"

// Reductions over len(x), a multiple of 32, in the package's lane order:
// Y0..Y3 hold lanes 0-7, 8-15, 16-23, 24-31; the fold adds lane l+16,
// l+8, l+4, l+2, l+1 into lane l, exactly as fold() in reduce.go.

// FOLD leaves the folded sum of Y0..Y3 in X0.
#define FOLD \
	VADDPS       Y2, Y0, Y0; \
	VADDPS       Y3, Y1, Y1; \
	VADDPS       Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS       X1, X0, X0; \
	VMOVHLPS     X0, X0, X1; \
	VADDPS       X1, X0, X0; \
	VMOVSHDUP    X0, X1; \
	VADDSS       X1, X0, X0

#define ZERO4 \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3

// func sumAsm(x []float32) float32
// Requires: AVX
TEXT ·sumAsm(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	ZERO4
	SHRQ $5, CX
	JZ   fold

loop:
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	ADDQ   $128, SI
	DECQ   CX
	JNZ    loop

fold:
	FOLD
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func sumAbsAsm(x []float32) float32
// Requires: AVX
TEXT ·sumAbsAsm(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	ZERO4
	VBROADCASTSS ·c7fffffff(SB), Y15
	SHRQ $5, CX
	JZ   fold

loop:
	VANDPS (SI), Y15, Y4
	VANDPS 32(SI), Y15, Y5
	VANDPS 64(SI), Y15, Y6
	VANDPS 96(SI), Y15, Y7
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	ADDQ   $128, SI
	DECQ   CX
	JNZ    loop

fold:
	FOLD
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func sumSquaresAsm(x []float32) float32
// Requires: AVX
TEXT ·sumSquaresAsm(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	ZERO4
	SHRQ $5, CX
	JZ   fold

loop:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VMULPS  Y4, Y4, Y4
	VMULPS  Y5, Y5, Y5
	VMULPS  Y6, Y6, Y6
	VMULPS  Y7, Y7, Y7
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	ADDQ    $128, SI
	DECQ    CX
	JNZ     loop

fold:
	FOLD
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func dotAsm(x, y []float32) float32
// Requires: AVX
TEXT ·dotAsm(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DX
	ZERO4
	SHRQ $5, CX
	JZ   fold

loop:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VMULPS  (DX), Y4, Y4
	VMULPS  32(DX), Y5, Y5
	VMULPS  64(DX), Y6, Y6
	VMULPS  96(DX), Y7, Y7
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	ADDQ    $128, SI
	ADDQ    $128, DX
	DECQ    CX
	JNZ     loop

fold:
	FOLD
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func absMaxAsm(x []float32) float32
// Requires: AVX
//
// VMAXPS a, m returns m when a is NaN, so NaNs are skipped, as the
// generic "if a > m" does.
TEXT ·absMaxAsm(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	ZERO4
	VBROADCASTSS ·c7fffffff(SB), Y15
	SHRQ $5, CX
	JZ   fold

loop:
	VANDPS (SI), Y15, Y4
	VANDPS 32(SI), Y15, Y5
	VANDPS 64(SI), Y15, Y6
	VANDPS 96(SI), Y15, Y7
	VMAXPS Y0, Y4, Y0
	VMAXPS Y1, Y5, Y1
	VMAXPS Y2, Y6, Y2
	VMAXPS Y3, Y7, Y3
	ADDQ   $128, SI
	DECQ   CX
	JNZ    loop

fold:
	VMAXPS       Y2, Y0, Y0
	VMAXPS       Y3, Y1, Y1
	VMAXPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VMOVHLPS     X0, X0, X1
	VMAXPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VMAXSS       X1, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+24(FP)
	RET

// func sumAbs64Asm(x []float32) float64
// Requires: AVX
//
// Y0..Y3 hold float64 lanes 0-3, 4-7, 8-11, 12-15.
TEXT ·sumAbs64Asm(SB), NOSPLIT, $0-32
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	ZERO4
	VBROADCASTSD ·cabs64(SB), Y15
	SHRQ         $4, CX
	JZ           fold

loop:
	VCVTPS2PD (SI), Y4
	VCVTPS2PD 16(SI), Y5
	VCVTPS2PD 32(SI), Y6
	VCVTPS2PD 48(SI), Y7
	VANDPD    Y15, Y4, Y4
	VANDPD    Y15, Y5, Y5
	VANDPD    Y15, Y6, Y6
	VANDPD    Y15, Y7, Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      $64, SI
	DECQ      CX
	JNZ       loop

fold:
	VADDPD       Y2, Y0, Y0
	VADDPD       Y3, Y1, Y1
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VUNPCKHPD    X0, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+24(FP)
	RET
