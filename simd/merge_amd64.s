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

// func addAsm(dst, a, b []float32)
// Requires: AVX
BINARY(·addAsm, VADDPS)

// func subAsm(dst, a, b []float32)
// Requires: AVX
BINARY(·subAsm, VSUBPS)

// func scaleAsm(dst, x []float32, a float32)
// Requires: AVX
TEXT ·scaleAsm(SB), NOSPLIT, $0-52
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

// func addScaledAsm(dst, x []float32, a float32)
// Requires: AVX
TEXT ·addScaledAsm(SB), NOSPLIT, $0-52
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

// func weightedSumAsm(dst []float32, rows [][]float32, w []float32)
// Requires: AVX
//
// 32 columns at a time in four accumulators: acc = w[0]*row0, then
// acc += w[i]*row_i for each further row in order.
TEXT ·weightedSumAsm(SB), NOSPLIT, $0-72
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

// func tiesFuseAsm(dst []float32, rows [][]float32, w []float32, normalize bool)
// Requires: AVX
//
// Per 8 columns: S = sum of the rows; pos = S >= 0; a row votes where
// (pos ? v > 0 : v < 0); mixed and div add the voting v and w[i]. Adding
// the +0 of a masked-out lane leaves them unchanged: they start at +0 and
// can never become -0 or NaN from voting values.
TEXT ·tiesFuseAsm(SB), NOSPLIT, $0-73
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

// func magPruneAsm(dst, delta []float32, rank []uint32, u []float32, lo, eps, den float32, rescale bool)
// Requires: AVX2
//
// p = lo + float32(float32(float32(rank/den)*2)*eps); t*2 is computed as
// t+t, which rounds identically.
TEXT ·magPruneAsm(SB), NOSPLIT, $0-109
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         delta_base+24(FP), SI
	MOVQ         rank_base+48(FP), R8
	MOVQ         u_base+72(FP), R9
	VBROADCASTSS lo+96(FP), Y13
	VBROADCASTSS eps+100(FP), Y14
	VBROADCASTSS den+104(FP), Y15
	MOVBQZX      rescale+108(FP), BX
	SHRQ         $3, CX
	JZ           done
	XORQ         AX, AX

loop8:
	VCVTDQ2PS (R8)(AX*1), Y0
	VDIVPS    Y15, Y0, Y0       // rank/den
	VADDPS    Y0, Y0, Y0        // *2
	VMULPS    Y14, Y0, Y0       // *eps
	VADDPS    Y0, Y13, Y0       // p = lo + ...
	VMOVUPS   (R9)(AX*1), Y1
	VCMPPS    $0x11, Y0, Y1, Y2 // keep = u < p
	VMOVUPS   (SI)(AX*1), Y3
	TESTQ     BX, BX
	JZ        masked
	VDIVPS    Y0, Y3, Y3        // delta/p

masked:
	VANDPS  Y2, Y3, Y3
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func divScalarAsm(dst, x []float32, a float32)
// Requires: AVX
TEXT ·divScalarAsm(SB), NOSPLIT, $0-52
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y15
	SHRQ         $3, CX
	JZ           done
	XORQ         AX, AX

loop8:
	VMOVUPS (SI)(AX*1), Y0
	VDIVPS  Y15, Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func sumRowsAsm(dst []float32, rows [][]float32)
// Requires: AVX
TEXT ·sumRowsAsm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ rows_base+24(FP), R8
	MOVQ rows_len+32(FP), R9
	XORQ AX, AX
	MOVQ CX, BX
	SHRQ $5, BX
	JZ   tail

loop32:
	MOVQ    (R8), SI
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS 32(SI)(AX*1), Y1
	VMOVUPS 64(SI)(AX*1), Y2
	VMOVUPS 96(SI)(AX*1), Y3
	MOVQ    $1, DX
	LEAQ    24(R8), R11

rows32:
	CMPQ   DX, R9
	JGE    store32
	MOVQ   (R11), SI
	VADDPS (SI)(AX*1), Y0, Y0
	VADDPS 32(SI)(AX*1), Y1, Y1
	VADDPS 64(SI)(AX*1), Y2, Y2
	VADDPS 96(SI)(AX*1), Y3, Y3
	ADDQ   $24, R11
	INCQ   DX
	JMP    rows32

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
	MOVQ    (R8), SI
	VMOVUPS (SI)(AX*1), Y0
	MOVQ    $1, DX
	LEAQ    24(R8), R11

rows8:
	CMPQ   DX, R9
	JGE    store8
	MOVQ   (R11), SI
	VADDPS (SI)(AX*1), Y0, Y0
	ADDQ   $24, R11
	INCQ   DX
	JMP    rows8

store8:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8

done:
	VZEROUPPER
	RET

// func electWeightedMeanAsm(dst []float32, tv [][]float32, w []float32)
// Requires: AVX
//
// As tiesFuseAsm, summing the rounded products w[i]*v of the agreeing
// rows, then dividing by max(div, 1e-6): VMAXPS with 1e-6 first returns
// div when div is NaN, as Go's max does.
TEXT ·electWeightedMeanAsm(SB), NOSPLIT, $0-72
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         tv_base+24(FP), R8
	MOVQ         tv_len+32(FP), R9
	MOVQ         w_base+48(FP), R10
	SHRQ         $3, CX
	JZ           done
	VXORPS       Y15, Y15, Y15
	VBROADCASTSS ·c358637bd(SB), Y14
	XORQ         AX, AX

loop8:
	VXORPS Y0, Y0, Y0
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
	VCMPPS $0x1d, Y15, Y0, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   R8, R11
	MOVQ   R10, R12
	MOVQ   R9, DX
	TESTQ  DX, DX
	JZ     fuse

vote:
	MOVQ         (R11), SI
	VMOVUPS      (SI)(AX*1), Y4
	VBROADCASTSS (R12), Y5
	VCMPPS       $0x1e, Y15, Y4, Y6
	VCMPPS       $0x11, Y15, Y4, Y7
	VBLENDVPS    Y1, Y6, Y7, Y6
	VMULPS       Y5, Y4, Y4 // v*w
	VANDPS       Y6, Y4, Y4
	VANDPS       Y6, Y5, Y5
	VADDPS       Y4, Y2, Y2
	VADDPS       Y5, Y3, Y3
	ADDQ         $24, R11
	ADDQ         $4, R12
	DECQ         DX
	JNZ          vote

fuse:
	VMAXPS  Y3, Y14, Y3 // max(div, 1e-6)
	VDIVPS  Y3, Y2, Y2
	VMOVUPS Y2, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func keepBelowAsm(dst, x, u []float32, p float32, div bool)
// Requires: AVX
TEXT ·keepBelowAsm(SB), NOSPLIT, $0-77
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	MOVQ         u_base+48(FP), R9
	VBROADCASTSS p+72(FP), Y15
	MOVBQZX      div+76(FP), BX
	SHRQ         $3, CX
	JZ           done
	XORQ         AX, AX

loop8:
	VMOVUPS (R9)(AX*1), Y1
	VCMPPS  $0x11, Y15, Y1, Y2 // u < p
	VMOVUPS (SI)(AX*1), Y3
	TESTQ   BX, BX
	JZ      masked
	VDIVPS  Y15, Y3, Y3

masked:
	VANDPS  Y2, Y3, Y3
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func keepBelowEachAsm(dst, x, u, p []float32, div bool)
// Requires: AVX
TEXT ·keepBelowEachAsm(SB), NOSPLIT, $0-97
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    x_base+24(FP), SI
	MOVQ    u_base+48(FP), R9
	MOVQ    p_base+72(FP), R10
	MOVBQZX div+96(FP), BX
	SHRQ    $3, CX
	JZ      done
	XORQ    AX, AX

loop8:
	VMOVUPS (R10)(AX*1), Y0
	VMOVUPS (R9)(AX*1), Y1
	VCMPPS  $0x11, Y0, Y1, Y2 // u < p
	VMOVUPS (SI)(AX*1), Y3
	TESTQ   BX, BX
	JZ      masked
	VDIVPS  Y0, Y3, Y3

masked:
	VANDPS  Y2, Y3, Y3
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// func absKeysAsm(keys []uint32, x []float32)
// Requires: AVX
TEXT ·absKeysAsm(SB), NOSPLIT, $0-48
	MOVQ         keys_base+0(FP), DI
	MOVQ         keys_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS ·c7fffffff(SB), Y15
	SHRQ         $3, CX
	JZ           done
	XORQ         AX, AX

loop8:
	VANDPS  (SI)(AX*1), Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	DECQ    CX
	JNZ     loop8
	VZEROUPPER

done:
	RET

// PHILOX_MUL computes the 32x32->64-bit products of the 8 lanes of c with
// the broadcast multiplier m: hi and lo halves (t is a temporary).
#define PHILOX_MUL(m, c, hi, lo, t) \
	VPMULUDQ m, c, hi; \
	VPSRLQ   $32, c, t; \
	VPMULUDQ m, t, t; \
	VPSLLQ   $32, t, lo; \
	VPBLENDD $0xAA, lo, hi, lo; \
	VPSRLQ   $32, hi, hi; \
	VPBLENDD $0xAA, t, hi, hi

// PHILOX_ROUND: (c0, c1, c2, c3) = (hi1^c1^k0, lo1, hi0^c3^k1, lo0).
#define PHILOX_ROUND \
	PHILOX_MUL(Y5, Y2, Y10, Y12, Y13); \
	VPXOR Y1, Y10, Y10; \
	VPXOR Y6, Y10, Y10; \
	PHILOX_MUL(Y4, Y0, Y11, Y1, Y13); \
	VPXOR Y3, Y11, Y11; \
	VPXOR Y7, Y11, Y11; \
	VMOVDQU Y1, Y3; \
	VMOVDQU Y10, Y0; \
	VMOVDQU Y12, Y1; \
	VMOVDQU Y11, Y2

#define PHILOX_KEYS \
	VPADDD Y8, Y6, Y6; \
	VPADDD Y9, Y7, Y7

// PHILOX_HALF multiplies c by the multiplier vector m (in memory) and
// leaves the high halves of the eight 32x32->64-bit products in hi and the
// low halves in lo (t is a temporary; c is left intact).
#define PHILOX_HALF(m, c, hi, lo, t) \
	VPMULUDQ m, c, lo; \
	VPSRLQ   $32, c, t; \
	VPMULUDQ m, t, t; \
	VPSRLQ   $32, lo, hi; \
	VPBLENDD $0xAA, t, hi, hi; \
	VPSLLQ   $32, t, t; \
	VPBLENDD $0xAA, t, lo, lo

// PHILOX_CHAIN is PHILOX_ROUND for one chain (c0..c3) with the keys in
// Y6, Y7 and the temporaries Y4, Y5, Y8, Y9, Y15.
#define PHILOX_CHAIN(c0, c1, c2, c3) \
	PHILOX_HALF(·philoxM1v(SB), c2, Y4, Y5, Y15); \
	PHILOX_HALF(·philoxM0v(SB), c0, Y8, Y9, Y15); \
	VPXOR   c1, Y4, Y4; \
	VPXOR   Y6, Y4, c0; \
	VPXOR   c3, Y8, Y8; \
	VPXOR   Y7, Y8, c2; \
	VMOVDQU Y5, c1; \
	VMOVDQU Y9, c3

#define PHILOX_ROUND2 \
	PHILOX_CHAIN(Y0, Y1, Y2, Y3); \
	PHILOX_CHAIN(Y10, Y11, Y12, Y13)

#define PHILOX_KEYS2 \
	VPADDD ·philoxW0v(SB), Y6, Y6; \
	VPADDD ·philoxW1v(SB), Y7, Y7

// PHILOX_STORE transposes one chain's 8 blocks x 4 words into block order
// and stores float32(w>>8) * 2^-24 (scale in Y15) at off(DI); it uses
// Y4, Y5, Y8, Y9 as temporaries.
#define PHILOX_STORE(c0, c1, c2, c3, off) \
	VPUNPCKLDQ  c1, c0, Y4; \
	VPUNPCKLDQ  c3, c2, Y5; \
	VPUNPCKHDQ  c1, c0, Y8; \
	VPUNPCKHDQ  c3, c2, Y9; \
	VPUNPCKLQDQ Y5, Y4, c0; \
	VPUNPCKHQDQ Y5, Y4, c1; \
	VPUNPCKLQDQ Y9, Y8, c2; \
	VPUNPCKHQDQ Y9, Y8, c3; \
	VPERM2I128  $0x20, c1, c0, Y4; \
	VPERM2I128  $0x20, c3, c2, Y5; \
	VPERM2I128  $0x31, c1, c0, Y8; \
	VPERM2I128  $0x31, c3, c2, Y9; \
	VPSRLD      $8, Y4, Y4; \
	VPSRLD      $8, Y5, Y5; \
	VPSRLD      $8, Y8, Y8; \
	VPSRLD      $8, Y9, Y9; \
	VCVTDQ2PS   Y4, Y4; \
	VCVTDQ2PS   Y5, Y5; \
	VCVTDQ2PS   Y8, Y8; \
	VCVTDQ2PS   Y9, Y9; \
	VMULPS      Y15, Y4, Y4; \
	VMULPS      Y15, Y5, Y5; \
	VMULPS      Y15, Y8, Y8; \
	VMULPS      Y15, Y9, Y9; \
	VMOVUPS     Y4, off(DI); \
	VMOVUPS     Y5, off+32(DI); \
	VMOVUPS     Y8, off+64(DI); \
	VMOVUPS     Y9, off+96(DI)

// Philox constants as whole vectors, for memory operands.
DATA ·philoxM0v+0(SB)/8, $0xD2511F53D2511F53
DATA ·philoxM0v+8(SB)/8, $0xD2511F53D2511F53
DATA ·philoxM0v+16(SB)/8, $0xD2511F53D2511F53
DATA ·philoxM0v+24(SB)/8, $0xD2511F53D2511F53
GLOBL ·philoxM0v(SB), RODATA|NOPTR, $32
DATA ·philoxM1v+0(SB)/8, $0xCD9E8D57CD9E8D57
DATA ·philoxM1v+8(SB)/8, $0xCD9E8D57CD9E8D57
DATA ·philoxM1v+16(SB)/8, $0xCD9E8D57CD9E8D57
DATA ·philoxM1v+24(SB)/8, $0xCD9E8D57CD9E8D57
GLOBL ·philoxM1v(SB), RODATA|NOPTR, $32
DATA ·philoxW0v+0(SB)/8, $0x9E3779B99E3779B9
DATA ·philoxW0v+8(SB)/8, $0x9E3779B99E3779B9
DATA ·philoxW0v+16(SB)/8, $0x9E3779B99E3779B9
DATA ·philoxW0v+24(SB)/8, $0x9E3779B99E3779B9
GLOBL ·philoxW0v(SB), RODATA|NOPTR, $32
DATA ·philoxW1v+0(SB)/8, $0xBB67AE85BB67AE85
DATA ·philoxW1v+8(SB)/8, $0xBB67AE85BB67AE85
DATA ·philoxW1v+16(SB)/8, $0xBB67AE85BB67AE85
DATA ·philoxW1v+24(SB)/8, $0xBB67AE85BB67AE85
GLOBL ·philoxW1v(SB), RODATA|NOPTR, $32
DATA ·philoxEights+0(SB)/8, $0x0000000800000008
DATA ·philoxEights+8(SB)/8, $0x0000000800000008
DATA ·philoxEights+16(SB)/8, $0x0000000800000008
DATA ·philoxEights+24(SB)/8, $0x0000000800000008
GLOBL ·philoxEights(SB), RODATA|NOPTR, $32
DATA ·philoxSixteens+0(SB)/8, $0x0000001000000010
DATA ·philoxSixteens+8(SB)/8, $0x0000001000000010
DATA ·philoxSixteens+16(SB)/8, $0x0000001000000010
DATA ·philoxSixteens+24(SB)/8, $0x0000001000000010
GLOBL ·philoxSixteens(SB), RODATA|NOPTR, $32

// func philoxAsm(u []float32, k0, k1, c1, c2, c3, ctr0 uint32)
// Requires: AVX2
//
// Eight Philox4x32-10 blocks per iteration, one per lane (counters
// ctr0+lane, c1, c2, c3); the 8x4 output words are transposed into block
// order and turned into float32(w>>8) * 2^-24.
TEXT ·philoxAsm(SB), NOSPLIT, $0-48
	MOVQ         u_base+0(FP), DI
	MOVQ         u_len+8(FP), CX
	SHRQ         $5, CX
	JZ           done
	VBROADCASTSS ctr0+44(FP), Y14
	VPADDD       ·shifts0to31(SB), Y14, Y14 // counters ctr0 .. ctr0+7

	// Two independent chains of 8 blocks each (64 uniforms) while they
	// last: one chain's rounds are a serial dependency, so interleaving a
	// second one fills the multiplier's latency.
	CMPQ         CX, $2
	JB           single

loop2:
	VMOVDQU      Y14, Y0
	VPADDD       ·philoxEights(SB), Y14, Y10 // counters of the second chain
	VBROADCASTSS c1+32(FP), Y1
	VBROADCASTSS c2+36(FP), Y2
	VBROADCASTSS c3+40(FP), Y3
	VMOVDQU      Y1, Y11
	VMOVDQU      Y2, Y12
	VMOVDQU      Y3, Y13
	VBROADCASTSS k0+24(FP), Y6
	VBROADCASTSS k1+28(FP), Y7
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	PHILOX_KEYS2
	PHILOX_ROUND2
	VBROADCASTSS ·c33800000(SB), Y15
	PHILOX_STORE(Y0, Y1, Y2, Y3, 0)
	PHILOX_STORE(Y10, Y11, Y12, Y13, 128)
	VPADDD       ·philoxSixteens(SB), Y14, Y14
	ADDQ         $256, DI
	SUBQ         $2, CX
	CMPQ         CX, $2
	JAE          loop2
	TESTQ        CX, CX
	JZ           finish

single:
	VPBROADCASTD ·philoxM0(SB), Y4
	VPBROADCASTD ·philoxM1(SB), Y5
	VPBROADCASTD ·philoxW0(SB), Y8
	VPBROADCASTD ·philoxW1(SB), Y9
	VPBROADCASTD ·c00000008(SB), Y15

loop:
	VMOVDQU      Y14, Y0
	VBROADCASTSS c1+32(FP), Y1
	VBROADCASTSS c2+36(FP), Y2
	VBROADCASTSS c3+40(FP), Y3
	VBROADCASTSS k0+24(FP), Y6
	VBROADCASTSS k1+28(FP), Y7
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND
	PHILOX_KEYS
	PHILOX_ROUND

	// Transpose lanes (blocks) x words into block order.
	VPUNPCKLDQ   Y1, Y0, Y10
	VPUNPCKLDQ   Y3, Y2, Y11
	VPUNPCKHDQ   Y1, Y0, Y12
	VPUNPCKHDQ   Y3, Y2, Y13
	VPUNPCKLQDQ  Y11, Y10, Y0 // blocks 0 | 4
	VPUNPCKHQDQ  Y11, Y10, Y1 // blocks 1 | 5
	VPUNPCKLQDQ  Y13, Y12, Y2 // blocks 2 | 6
	VPUNPCKHQDQ  Y13, Y12, Y3 // blocks 3 | 7
	VPERM2I128   $0x20, Y1, Y0, Y10
	VPERM2I128   $0x20, Y3, Y2, Y11
	VPERM2I128   $0x31, Y1, Y0, Y12
	VPERM2I128   $0x31, Y3, Y2, Y13
	VBROADCASTSS ·c33800000(SB), Y6
	VPSRLD       $8, Y10, Y10
	VPSRLD       $8, Y11, Y11
	VPSRLD       $8, Y12, Y12
	VPSRLD       $8, Y13, Y13
	VCVTDQ2PS    Y10, Y10
	VCVTDQ2PS    Y11, Y11
	VCVTDQ2PS    Y12, Y12
	VCVTDQ2PS    Y13, Y13
	VMULPS       Y6, Y10, Y10
	VMULPS       Y6, Y11, Y11
	VMULPS       Y6, Y12, Y12
	VMULPS       Y6, Y13, Y13
	VMOVUPS      Y10, (DI)
	VMOVUPS      Y11, 32(DI)
	VMOVUPS      Y12, 64(DI)
	VMOVUPS      Y13, 96(DI)
	VPADDD       Y15, Y14, Y14
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop

finish:
	VZEROUPPER

done:
	RET
