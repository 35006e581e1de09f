//go:build !purego

#include "textflag.h"

// Element-wise merge kernels over len(dst) elements, a multiple of 8:
// 32 per iteration, then 8 at a time. Products are rounded before they
// are added (VMULPS then VADDPS), as in the generic twins.

// BINARY defines name(dst, a, b []float32) computing dst = a op b.
#define BINARY(name, op) \
TEXT name(SB), NOSPLIT, $0-72; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ a_base+24(FP), SI; \
	MOVQ b_base+48(FP), DX; \
	XORQ AX, AX; \
	MOVQ CX, BX; \
	SHRQ $5, BX; \
	JZ   tail; \
loop32: \
	VMOVUPS (SI)(AX*1), Y0; \
	VMOVUPS 32(SI)(AX*1), Y1; \
	VMOVUPS 64(SI)(AX*1), Y2; \
	VMOVUPS 96(SI)(AX*1), Y3; \
	op      (DX)(AX*1), Y0, Y0; \
	op      32(DX)(AX*1), Y1, Y1; \
	op      64(DX)(AX*1), Y2, Y2; \
	op      96(DX)(AX*1), Y3, Y3; \
	VMOVUPS Y0, (DI)(AX*1); \
	VMOVUPS Y1, 32(DI)(AX*1); \
	VMOVUPS Y2, 64(DI)(AX*1); \
	VMOVUPS Y3, 96(DI)(AX*1); \
	ADDQ    $128, AX; \
	DECQ    BX; \
	JNZ     loop32; \
tail: \
	ANDQ $31, CX; \
	SHRQ $3, CX; \
	JZ   done; \
loop8: \
	VMOVUPS (SI)(AX*1), Y0; \
	op      (DX)(AX*1), Y0, Y0; \
	VMOVUPS Y0, (DI)(AX*1); \
	ADDQ    $32, AX; \
	DECQ    CX; \
	JNZ     loop8; \
done: \
	VZEROUPPER; \
	RET

// func addAVX2(dst, a, b []float32)
// Requires: AVX
BINARY(·addAVX2, VADDPS)

// func subAVX2(dst, a, b []float32)
// Requires: AVX
BINARY(·subAVX2, VSUBPS)

// func scaleAVX2(dst, x []float32, a float32)
// Requires: AVX
TEXT ·scaleAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y15
	XORQ         AX, AX
	MOVQ         CX, BX
	SHRQ         $5, BX
	JZ           tail

loop32:
	VMULPS  (SI)(AX*1), Y15, Y0
	VMULPS  32(SI)(AX*1), Y15, Y1
	VMULPS  64(SI)(AX*1), Y15, Y2
	VMULPS  96(SI)(AX*1), Y15, Y3
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	ADDQ    $128, AX
	DECQ    BX
	JNZ     loop32

tail:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ   done

loop8:
	VMULPS  (SI)(AX*1), Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8

done:
	VZEROUPPER
	RET

// func addScaledAVX2(dst, x []float32, a float32)
// Requires: AVX
TEXT ·addScaledAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y15
	XORQ         AX, AX
	MOVQ         CX, BX
	SHRQ         $5, BX
	JZ           tail

loop32:
	VMULPS  (SI)(AX*1), Y15, Y0
	VMULPS  32(SI)(AX*1), Y15, Y1
	VMULPS  64(SI)(AX*1), Y15, Y2
	VMULPS  96(SI)(AX*1), Y15, Y3
	VMOVUPS (DI)(AX*1), Y4
	VMOVUPS 32(DI)(AX*1), Y5
	VMOVUPS 64(DI)(AX*1), Y6
	VMOVUPS 96(DI)(AX*1), Y7
	VADDPS  Y0, Y4, Y4
	VADDPS  Y1, Y5, Y5
	VADDPS  Y2, Y6, Y6
	VADDPS  Y3, Y7, Y7
	VMOVUPS Y4, (DI)(AX*1)
	VMOVUPS Y5, 32(DI)(AX*1)
	VMOVUPS Y6, 64(DI)(AX*1)
	VMOVUPS Y7, 96(DI)(AX*1)
	ADDQ    $128, AX
	DECQ    BX
	JNZ     loop32

tail:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ   done

loop8:
	VMULPS  (SI)(AX*1), Y15, Y0
	VMOVUPS (DI)(AX*1), Y4
	VADDPS  Y0, Y4, Y4
	VMOVUPS Y4, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8

done:
	VZEROUPPER
	RET

// func weightedSumAVX2(dst []float32, rows [][]float32, w []float32)
// Requires: AVX
//
// 32 columns at a time in four accumulators: acc = w[0]*row0, then
// acc += w[i]*row_i for each further row in order.
TEXT ·weightedSumAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ rows_base+24(FP), R8
	MOVQ rows_len+32(FP), R9
	MOVQ w_base+48(FP), R10
	XORQ AX, AX
	MOVQ CX, BX
	SHRQ $5, BX
	JZ   tail

loop32:
	MOVQ         (R8), SI
	VBROADCASTSS (R10), Y15
	VMULPS       (SI)(AX*1), Y15, Y0
	VMULPS       32(SI)(AX*1), Y15, Y1
	VMULPS       64(SI)(AX*1), Y15, Y2
	VMULPS       96(SI)(AX*1), Y15, Y3
	MOVQ         $1, DX
	LEAQ         24(R8), R11
	LEAQ         4(R10), R12

rows32:
	CMPQ         DX, R9
	JGE          store32
	MOVQ         (R11), SI
	VBROADCASTSS (R12), Y15
	VMULPS       (SI)(AX*1), Y15, Y4
	VMULPS       32(SI)(AX*1), Y15, Y5
	VMULPS       64(SI)(AX*1), Y15, Y6
	VMULPS       96(SI)(AX*1), Y15, Y7
	VADDPS       Y4, Y0, Y0
	VADDPS       Y5, Y1, Y1
	VADDPS       Y6, Y2, Y2
	VADDPS       Y7, Y3, Y3
	ADDQ         $24, R11
	ADDQ         $4, R12
	INCQ         DX
	JMP          rows32

store32:
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	ADDQ    $128, AX
	DECQ    BX
	JNZ     loop32

tail:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ   done

loop8:
	MOVQ         (R8), SI
	VBROADCASTSS (R10), Y15
	VMULPS       (SI)(AX*1), Y15, Y0
	MOVQ         $1, DX
	LEAQ         24(R8), R11
	LEAQ         4(R10), R12

rows8:
	CMPQ         DX, R9
	JGE          store8
	MOVQ         (R11), SI
	VBROADCASTSS (R12), Y15
	VMULPS       (SI)(AX*1), Y15, Y4
	VADDPS       Y4, Y0, Y0
	ADDQ         $24, R11
	ADDQ         $4, R12
	INCQ         DX
	JMP          rows8

store8:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8

done:
	VZEROUPPER
	RET

// func tiesFuseAVX2(dst []float32, rows [][]float32, w []float32, normalize bool)
// Requires: AVX
//
// Per 8 columns: S = sum of the rows; pos = S >= 0; a row votes where
// (pos ? v > 0 : v < 0); mixed and div add the voting v and w[i]. Adding
// the +0 of a masked-out lane leaves them unchanged: they start at +0 and
// can never become -0 or NaN from voting values.
TEXT ·tiesFuseAVX2(SB), NOSPLIT, $0-73
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    rows_base+24(FP), R8
	MOVQ    rows_len+32(FP), R9
	MOVQ    w_base+48(FP), R10
	MOVBQZX normalize+72(FP), R13
	SHRQ    $3, CX
	JZ      done
	VXORPS       Y15, Y15, Y15
	VBROADCASTSS ·cf1(SB), Y14
	XORQ    AX, AX

loop8:
	VXORPS Y0, Y0, Y0 // S
	MOVQ   R8, R11
	MOVQ   R9, DX
	TESTQ  DX, DX
	JZ     elect

sum:
	MOVQ   (R11), SI
	VADDPS (SI)(AX*1), Y0, Y0
	ADDQ   $24, R11
	DECQ   DX
	JNZ    sum

elect:
	VCMPPS $0x1d, Y15, Y0, Y1 // pos = S >= 0 (ordered: NaN elects -)
	VXORPS Y2, Y2, Y2         // mixed
	VXORPS Y3, Y3, Y3         // div
	MOVQ   R8, R11
	MOVQ   R10, R12
	MOVQ   R9, DX
	TESTQ  DX, DX
	JZ     fuse

vote:
	MOVQ         (R11), SI
	VMOVUPS      (SI)(AX*1), Y4
	VBROADCASTSS (R12), Y5
	VCMPPS       $0x1e, Y15, Y4, Y6 // v > 0
	VCMPPS       $0x11, Y15, Y4, Y7 // v < 0
	VBLENDVPS    Y1, Y6, Y7, Y6     // pos ? v > 0 : v < 0
	VANDPS       Y6, Y4, Y4
	VANDPS       Y6, Y5, Y5
	VADDPS       Y4, Y2, Y2
	VADDPS       Y5, Y3, Y3
	ADDQ         $24, R11
	ADDQ         $4, R12
	DECQ         DX
	JNZ          vote

fuse:
	TESTQ     R13, R13
	JZ        store
	VCMPPS    $0, Y15, Y3, Y6 // div == 0
	VBLENDVPS Y6, Y14, Y3, Y3 // -> 1
	VDIVPS    Y3, Y2, Y2

store:
	VMOVUPS Y2, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func magPruneAVX2(dst, delta []float32, rank []uint32, u []float32, lo, step float32, rescale bool)
// Requires: AVX
TEXT ·magPruneAVX2(SB), NOSPLIT, $0-105
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         delta_base+24(FP), SI
	MOVQ         rank_base+48(FP), R8
	MOVQ         u_base+72(FP), R9
	VBROADCASTSS lo+96(FP), Y14
	VBROADCASTSS step+100(FP), Y15
	MOVBQZX      rescale+104(FP), BX
	SHRQ         $3, CX
	JZ           done
	XORQ         AX, AX

loop8:
	VCVTDQ2PS (R8)(AX*1), Y0
	VMULPS    Y0, Y15, Y0     // step*rank
	VADDPS    Y0, Y14, Y0     // p = lo + step*rank
	VMOVUPS   (R9)(AX*1), Y1
	VCMPPS    $0x11, Y0, Y1, Y2 // keep = u < p
	VMOVUPS   (SI)(AX*1), Y3
	TESTQ     BX, BX
	JZ        masked
	VDIVPS    Y0, Y3, Y3      // delta/p

masked:
	VANDPS  Y2, Y3, Y3
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET
