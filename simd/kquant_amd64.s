//go:build !purego

#include "textflag.h"

// make_qkx2_quants / make_qkx3_quants on 8 sub-blocks at once, one per
// lane, each lane in ggml's sequential order (see qkxScalar in kquant.go).
// Each sub-block holds N_ (qkxState.n: 32 for Q4_K/Q5_K, 16 for Q2_K) values.
// The state is a qkxState (kquant_asm.go); its offsets:
#define X_ 0
#define W_ 1024
#define XM_ 2048
#define L_ 3072
#define AUX_ 4096
#define MINV_ 5120
#define MAXV_ 5152
#define SUMW_ 5184
#define SUMX_ 5216
#define SCALE_ 5248
#define BEST_ 5280
#define RNG_ 5312
#define ACTIVE_ 5344
#define NMAX_ 5376
#define RMIN_ 5380
#define RDELTA_ 5384
#define NSTEP_ 5388
#define USEMAD_ 5392
#define V3_ 5396
#define N_ 5400

// LEVEL sets dst = float(clamp(nearest_int(iscale*xm), 0, nmax)) with
// iscale in Y12; nearest_int is (bits(f + 1.5*2^23) & 0x7fffff) - 0x400000.
#define LEVEL(xm, dst) \
	VMULPS     xm, Y12, dst; \
	VADDPS     Y15, dst, dst; \
	VPAND      Y14, dst, dst; \
	VPSUBD     Y13, dst, dst; \
	VPMINSD    Y11, dst, dst; \
	VPMAXSD    Y10, dst, dst; \
	VCVTDQ2PS  dst, dst

// func qkxSearch8Asm(s *qkxState)
// Requires: AVX2
TEXT ·qkxSearch8Asm(SB), NOSPLIT, $0-8
	MOVQ         s+0(FP), R8
	VBROADCASTSS ·c4b400000(SB), Y15
	VPBROADCASTD ·c007fffff(SB), Y14
	VPBROADCASTD ·c00400000(SB), Y13
	VBROADCASTSS NMAX_(R8), Y11
	VCVTTPS2DQ   Y11, Y11
	VPXOR        Y10, Y10, Y10
	MOVL         USEMAD_(R8), R10

	// min, max, sum_w, sum_x in element order
	VMOVUPS X_(R8), Y0
	VMOVUPS Y0, Y1
	VMOVUPS W_(R8), Y2
	VMULPS  Y0, Y2, Y3
	LEAQ    32(R8), SI
	MOVLQSX N_(R8), CX
	DECQ    CX

stats:
	VMOVUPS X_(SI), Y4
	VMOVUPS W_(SI), Y5
	VMINPS  Y0, Y4, Y0 // x < min ? x : min
	VMAXPS  Y1, Y4, Y1 // x > max ? x : max
	VADDPS  Y5, Y2, Y2
	VMULPS  Y4, Y5, Y6
	VADDPS  Y6, Y3, Y3
	ADDQ    $32, SI
	DECQ    CX
	JNZ     stats
	VMINPS  Y0, Y10, Y0 // 0 < min ? 0 : min

	// degenerate lanes: max == min (qkx2) or max <= min (qkx3)
	VCMPPS   $0x00, Y0, Y1, Y4
	MOVL     V3_(R8), AX
	TESTL    AX, AX
	JZ       qkx2
	VCMPPS   $0x12, Y0, Y1, Y4

qkx2:
	VPCMPEQD Y5, Y5, Y5
	VXORPS   Y5, Y4, Y4
	VMOVUPS  Y4, ACTIVE_(R8)
	VMOVUPS  Y0, MINV_(R8)
	VMOVUPS  Y1, MAXV_(R8)
	VMOVUPS  Y2, SUMW_(R8)
	VMOVUPS  Y3, SUMX_(R8)
	VSUBPS   Y0, Y1, Y6 // rng = max - min
	VMOVUPS  Y6, RNG_(R8)
	VBROADCASTSS NMAX_(R8), Y7
	VDIVPS   Y6, Y7, Y12 // iscale = nmax/rng
	VBROADCASTSS ·cf1(SB), Y7
	VDIVPS   Y12, Y7, Y8 // scale = 1/iscale
	VMOVUPS  Y8, SCALE_(R8)

	// first levels and their error
	VXORPS Y9, Y9, Y9
	MOVQ   R8, SI
	MOVLQSX N_(R8), CX

first:
	VMOVUPS X_(SI), Y4
	VSUBPS  Y0, Y4, Y5
	VMOVUPS Y5, XM_(SI)
	LEVEL(Y5, Y6)
	VMOVUPS Y6, L_(SI)
	VMULPS  Y6, Y8, Y7
	VADDPS  Y0, Y7, Y7
	VSUBPS  Y4, Y7, Y7 // diff = scale*l + min - x
	TESTL   R10, R10
	JNZ     firstmad
	VMULPS  Y7, Y7, Y7
	JMP     firsterr

firstmad:
	VANDPS ·absmask8(SB), Y7, Y7

firsterr:
	VMOVUPS W_(SI), Y5
	VMULPS  Y7, Y5, Y7
	VADDPS  Y7, Y9, Y9
	ADDQ    $32, SI
	DECQ    CX
	JNZ     first
	VMOVUPS Y9, BEST_(R8)

	MOVLQSX NSTEP_(R8), BX
	TESTQ   BX, BX
	JLE     finish
	XORQ    R9, R9

trial:
	// iscale = (rmin + rdelta*is + nmax) / rng
	VCVTSI2SSQ   R9, X4, X4
	VMULSS       RDELTA_(R8), X4, X4
	VMOVSS       RMIN_(R8), X5
	VADDSS       X4, X5, X4
	VADDSS       NMAX_(R8), X4, X4
	VBROADCASTSS X4, Y4
	VDIVPS       RNG_(R8), Y4, Y12
	VXORPS       Y5, Y5, Y5 // sum_l
	VXORPS       Y6, Y6, Y6 // sum_l2
	VXORPS       Y7, Y7, Y7 // sum_xl
	MOVQ         R8, SI
	MOVLQSX      N_(R8), CX

sums:
	VMOVUPS XM_(SI), Y0
	LEVEL(Y0, Y1)
	VMOVUPS Y1, AUX_(SI)
	VMOVUPS W_(SI), Y2
	VMULPS  Y1, Y2, Y2 // w*l
	VADDPS  Y2, Y5, Y5
	VMULPS  Y1, Y2, Y4 // w*l*l
	VADDPS  Y4, Y6, Y6
	VMULPS  X_(SI), Y2, Y4 // w*l*x
	VADDPS  Y4, Y7, Y7
	ADDQ    $32, SI
	DECQ    CX
	JNZ     sums

	// D = sum_w*sum_l2 - sum_l*sum_l; lanes with D > 0 go on
	VMOVUPS   SUMW_(R8), Y0
	VMOVUPS   SUMX_(R8), Y1
	VMULPS    Y6, Y0, Y2
	VMULPS    Y5, Y5, Y4
	VSUBPS    Y4, Y2, Y2
	VCMPPS    $0x1e, Y10, Y2, Y4
	VANDPS    ACTIVE_(R8), Y4, Y4
	VMOVMSKPS Y4, AX
	TESTL     AX, AX
	JZ        next
	VMULPS    Y7, Y0, Y8
	VMULPS    Y5, Y1, Y9
	VSUBPS    Y9, Y8, Y8
	VDIVPS    Y2, Y8, Y8 // this_scale = (sum_w*sum_xl - sum_x*sum_l)/D
	VMULPS    Y1, Y6, Y9
	VMULPS    Y7, Y5, Y0
	VSUBPS    Y0, Y9, Y9
	VDIVPS    Y2, Y9, Y9 // this_min = (sum_l2*sum_x - sum_l*sum_xl)/D
	VCMPPS    $0x1e, Y10, Y9, Y0
	VANDNPS   Y9, Y0, Y9 // this_min > 0: 0
	VDIVPS    Y6, Y7, Y1
	VBLENDVPS Y0, Y1, Y8, Y8 // this_min > 0: sum_xl/sum_l2

	VXORPS Y2, Y2, Y2
	MOVQ   R8, SI
	MOVLQSX N_(R8), CX

error:
	VMOVUPS AUX_(SI), Y0
	VMULPS  Y0, Y8, Y0
	VADDPS  Y9, Y0, Y0
	VSUBPS  X_(SI), Y0, Y0 // diff = this_scale*l + this_min - x
	TESTL   R10, R10
	JNZ     mad
	VMULPS  Y0, Y0, Y0
	JMP     err

mad:
	VANDPS ·absmask8(SB), Y0, Y0

err:
	VMOVUPS W_(SI), Y1
	VMULPS  Y0, Y1, Y0
	VADDPS  Y0, Y2, Y2
	ADDQ    $32, SI
	DECQ    CX
	JNZ     error

	// accept where cur_error < best_error
	VMOVUPS   BEST_(R8), Y0
	VCMPPS    $0x11, Y0, Y2, Y1
	VANDPS    Y4, Y1, Y1
	VMOVMSKPS Y1, AX
	TESTL     AX, AX
	JZ        next
	VBLENDVPS Y1, Y2, Y0, Y0
	VMOVUPS   Y0, BEST_(R8)
	VMOVUPS   SCALE_(R8), Y0
	VBLENDVPS Y1, Y8, Y0, Y0
	VMOVUPS   Y0, SCALE_(R8)
	VMOVUPS   MINV_(R8), Y0
	VBLENDVPS Y1, Y9, Y0, Y0
	VMOVUPS   Y0, MINV_(R8)
	VMOVUPS   MAXV_(R8), Y2
	VSUBPS    Y0, Y2, Y2
	VMOVUPS   Y2, RNG_(R8)
	MOVQ      R8, SI
	MOVLQSX   N_(R8), CX

accept:
	VMOVUPS   L_(SI), Y2
	VBLENDVPS Y1, AUX_(SI), Y2, Y2
	VMOVUPS   Y2, L_(SI)
	VMOVUPS   X_(SI), Y3
	VSUBPS    Y0, Y3, Y3 // x - min for the new min (unchanged lanes recompute the same)
	VMOVUPS   Y3, XM_(SI)
	ADDQ      $32, SI
	DECQ      CX
	JNZ       accept

next:
	INCQ R9
	CMPQ R9, BX
	JLE  trial

finish:
	// degenerate lanes: scale 0, levels 0
	VMOVUPS ACTIVE_(R8), Y1
	VANDPS  SCALE_(R8), Y1, Y0
	VMOVUPS Y0, SCALE_(R8)
	MOVQ    R8, SI
	MOVLQSX N_(R8), CX

zero:
	VANDPS  L_(SI), Y1, Y0
	VMOVUPS Y0, L_(SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     zero
	VZEROUPPER
	RET
