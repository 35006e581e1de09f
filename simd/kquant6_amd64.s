//go:build !purego

#include "textflag.h"

// make_qx_quants(rmse_type 1) on the 16 sub-blocks of a Q6_K super-block,
// one per lane (two 8-lane vectors per element, A = sub-blocks 0-7,
// B = 8-15), each lane in ggml's sequential order (see qxScalar in
// kquant6.go). The state is a qxState (kquant_asm.go); its offsets:
#define QX_X 0
#define QX_W 1024
#define QX_L 2048
#define QX_AUX 3072
#define QX_MAXV 4096
#define QX_SCALE 4160
#define QX_BEST 4224
#define QX_ACTIVE 4288
#define QX_LO 4352
#define QX_HI 4384
#define QX_NMAX 4416

// QXLEVEL: t = float(clamp(nearest_int(iscale*x), -nmax, nmax-1)).
#define QXLEVEL(x, iscale, t) \
	VMULPS    x, iscale, t; \
	VADDPS    ·magic8(SB), t, t; \
	VPAND     ·mant8(SB), t, t; \
	VPSUBD    ·half8(SB), t, t; \
	VPMINSD   QX_HI(R8), t, t; \
	VPMAXSD   QX_LO(R8), t, t; \
	VCVTDQ2PS t, t

// QXSUMS: sumlx += (w*x)*l; suml2 += (w*l)*l for one 8-lane half.
#define QXSUMS(x, t, w, tmp, sumlx, suml2) \
	VMULPS x, w, tmp; \
	VMULPS t, tmp, tmp; \
	VADDPS tmp, sumlx, sumlx; \
	VMULPS t, w, w; \
	VMULPS t, w, w; \
	VADDPS w, suml2, suml2

// QXTRIAL quantizes with iscale Y12 (A) / Y13 (B), stores the levels at
// dest and leaves sumlx in Y4/Y5 and suml2 in Y6/Y7.
#define QXTRIAL(label, dest) \
	VXORPS  Y4, Y4, Y4; \
	VXORPS  Y5, Y5, Y5; \
	VXORPS  Y6, Y6, Y6; \
	VXORPS  Y7, Y7, Y7; \
	MOVQ    R8, SI; \
	MOVQ    $16, CX; \
label: \
	VMOVUPS QX_X(SI), Y0; \
	VMOVUPS QX_X+32(SI), Y8; \
	QXLEVEL(Y0, Y12, Y1); \
	QXLEVEL(Y8, Y13, Y9); \
	VMOVUPS Y1, dest(SI); \
	VMOVUPS Y9, dest+32(SI); \
	VMOVUPS QX_W(SI), Y2; \
	VMOVUPS QX_W+32(SI), Y10; \
	QXSUMS(Y0, Y1, Y2, Y3, Y4, Y6); \
	QXSUMS(Y8, Y9, Y10, Y11, Y5, Y7); \
	ADDQ    $64, SI; \
	DECQ    CX; \
	JNZ     label

// func qxSearch16Asm(s *qxState)
// Requires: AVX2
TEXT ·qxSearch16Asm(SB), NOSPLIT, $0-8
	MOVQ s+0(FP), R8

	// amax and the value that has it (first of equals), per lane
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VBROADCASTSS ·c7fffffff(SB), Y15
	MOVQ         R8, SI
	MOVQ         $16, CX

amax:
	VMOVUPS   QX_X(SI), Y4
	VMOVUPS   QX_X+32(SI), Y5
	VANDPS    Y15, Y4, Y6
	VANDPS    Y15, Y5, Y7
	VCMPPS    $0x1e, Y0, Y6, Y8 // |x| > amax
	VCMPPS    $0x1e, Y1, Y7, Y9
	VBLENDVPS Y8, Y6, Y0, Y0
	VBLENDVPS Y9, Y7, Y1, Y1
	VBLENDVPS Y8, Y4, Y2, Y2
	VBLENDVPS Y9, Y5, Y3, Y3
	ADDQ      $64, SI
	DECQ      CX
	JNZ       amax

	VBROADCASTSS ·c26901d7d(SB), Y4
	VCMPPS       $0x1d, Y4, Y0, Y0 // active: amax >= GROUP_MAX_EPS
	VCMPPS       $0x1d, Y4, Y1, Y1
	VMOVUPS      Y0, QX_ACTIVE(R8)
	VMOVUPS      Y1, QX_ACTIVE+32(R8)
	VMOVUPS      Y2, QX_MAXV(R8)
	VMOVUPS      Y3, QX_MAXV+32(R8)
	VBROADCASTSS QX_NMAX(R8), Y4
	VBROADCASTSS ·c80000000(SB), Y14
	VXORPS       Y14, Y4, Y4
	VDIVPS       Y2, Y4, Y12 // iscale = -nmax/max
	VDIVPS       Y3, Y4, Y13
	QXTRIAL(first, QX_L)

	// scale = suml2 != 0 ? sumlx/suml2 : 0; best = scale*sumlx
	VXORPS  Y15, Y15, Y15
	VDIVPS  Y6, Y4, Y0
	VCMPPS  $0x04, Y15, Y6, Y1
	VANDPS  Y1, Y0, Y0
	VMULPS  Y4, Y0, Y2
	VDIVPS  Y7, Y5, Y8
	VCMPPS  $0x04, Y15, Y7, Y9
	VANDPS  Y9, Y8, Y8
	VMULPS  Y5, Y8, Y10
	VMOVUPS Y0, QX_SCALE(R8)
	VMOVUPS Y8, QX_SCALE+32(R8)
	VMOVUPS Y2, QX_BEST(R8)
	VMOVUPS Y10, QX_BEST+32(R8)

	MOVQ $-9, R9

trial:
	TESTQ R9, R9
	JZ    next
	// iscale = -(nmax + 0.1*is) / max
	VCVTSI2SSQ   R9, X0, X0
	VMULSS       ·c3dcccccd(SB), X0, X0
	VMOVSS       QX_NMAX(R8), X1
	VADDSS       X0, X1, X0
	VBROADCASTSS X0, Y0
	VBROADCASTSS ·c80000000(SB), Y14
	VXORPS       Y14, Y0, Y0
	VDIVPS       QX_MAXV(R8), Y0, Y12
	VDIVPS       QX_MAXV+32(R8), Y0, Y13
	QXTRIAL(sums, QX_AUX)

	// accept where suml2 > 0 && sumlx*sumlx > best*suml2
	VXORPS    Y15, Y15, Y15
	VCMPPS    $0x1e, Y15, Y6, Y0
	VMULPS    Y4, Y4, Y1
	VMOVUPS   QX_BEST(R8), Y2
	VMULPS    Y6, Y2, Y3
	VCMPPS    $0x1e, Y3, Y1, Y1
	VANDPS    Y1, Y0, Y0
	VANDPS    QX_ACTIVE(R8), Y0, Y0
	VCMPPS    $0x1e, Y15, Y7, Y8
	VMULPS    Y5, Y5, Y9
	VMOVUPS   QX_BEST+32(R8), Y10
	VMULPS    Y7, Y10, Y11
	VCMPPS    $0x1e, Y11, Y9, Y9
	VANDPS    Y9, Y8, Y8
	VANDPS    QX_ACTIVE+32(R8), Y8, Y8
	VORPS     Y8, Y0, Y1
	VMOVMSKPS Y1, AX
	TESTL     AX, AX
	JZ        next
	VDIVPS    Y6, Y4, Y1 // new scale
	VMOVUPS   QX_SCALE(R8), Y3
	VBLENDVPS Y0, Y1, Y3, Y3
	VMOVUPS   Y3, QX_SCALE(R8)
	VMULPS    Y4, Y1, Y1 // new best = scale*sumlx
	VBLENDVPS Y0, Y1, Y2, Y2
	VMOVUPS   Y2, QX_BEST(R8)
	VDIVPS    Y7, Y5, Y9
	VMOVUPS   QX_SCALE+32(R8), Y11
	VBLENDVPS Y8, Y9, Y11, Y11
	VMOVUPS   Y11, QX_SCALE+32(R8)
	VMULPS    Y5, Y9, Y9
	VBLENDVPS Y8, Y9, Y10, Y10
	VMOVUPS   Y10, QX_BEST+32(R8)
	MOVQ      R8, SI
	MOVQ      $16, CX

accept:
	VMOVUPS   QX_L(SI), Y1
	VBLENDVPS Y0, QX_AUX(SI), Y1, Y1
	VMOVUPS   Y1, QX_L(SI)
	VMOVUPS   QX_L+32(SI), Y9
	VBLENDVPS Y8, QX_AUX+32(SI), Y9, Y9
	VMOVUPS   Y9, QX_L+32(SI)
	ADDQ      $64, SI
	DECQ      CX
	JNZ       accept

next:
	INCQ R9
	CMPQ R9, $9
	JLE  trial
	VZEROUPPER
	RET

// Q3_K's make_q3_quants (do_rmse) on the same layout: w = x², aux = x²·x
// (ggml's w*x[i], the same product every time), levels in QX_L. Between
// rounds the per-lane sums stay in Y4/Y5 (sumlx) and Y6/Y7 (suml2).

// Q3REFINE visits element i (at SI) of one 8-lane half (off 0 or 32):
//	slx = sumlx - wx*L; sl2 = suml2 - (w*L)*L
//	new = clamp(nearest_int((x*sl2)/slx))
//	slx' = slx + wx*new; sl2' = sl2 + (w*new)*new
//	take new where slx > 0 && new != L && sl2' > 0 &&
//	        (slx'*slx')*suml2 > (sumlx*sumlx)*sl2'
// Y13 is zero; changed lanes are ORed into chg.
#define Q3REFINE(off, sumlx, suml2, chg) \
	VMOVUPS   QX_AUX+off(SI), Y0; \
	VMOVUPS   QX_L+off(SI), Y1; \
	VMULPS    Y1, Y0, Y2; \
	VSUBPS    Y2, sumlx, Y2; \
	VMOVUPS   QX_W+off(SI), Y3; \
	VMULPS    Y1, Y3, Y8; \
	VMULPS    Y1, Y8, Y8; \
	VSUBPS    Y8, suml2, Y8; \
	VMULPS    QX_X+off(SI), Y8, Y9; \
	VDIVPS    Y2, Y9, Y9; \
	VADDPS    ·magic8(SB), Y9, Y9; \
	VPAND     ·mant8(SB), Y9, Y9; \
	VPSUBD    ·half8(SB), Y9, Y9; \
	VPMINSD   QX_HI(R8), Y9, Y9; \
	VPMAXSD   QX_LO(R8), Y9, Y9; \
	VCVTDQ2PS Y9, Y9; \
	VCMPPS    $0x1e, Y13, Y2, Y10; \
	VCMPPS    $0x04, Y1, Y9, Y11; \
	VANDPS    Y11, Y10, Y10; \
	VMULPS    Y9, Y0, Y0; \
	VADDPS    Y0, Y2, Y2; \
	VMULPS    Y9, Y3, Y3; \
	VMULPS    Y9, Y3, Y3; \
	VADDPS    Y3, Y8, Y8; \
	VCMPPS    $0x1e, Y13, Y8, Y11; \
	VANDPS    Y11, Y10, Y10; \
	VMULPS    Y2, Y2, Y11; \
	VMULPS    suml2, Y11, Y11; \
	VMULPS    sumlx, sumlx, Y12; \
	VMULPS    Y8, Y12, Y12; \
	VCMPPS    $0x1e, Y12, Y11, Y11; \
	VANDPS    Y11, Y10, Y10; \
	VBLENDVPS Y10, Y9, Y1, Y1; \
	VMOVUPS   Y1, QX_L+off(SI); \
	VBLENDVPS Y10, Y2, sumlx, sumlx; \
	VBLENDVPS Y10, Y8, suml2, suml2; \
	VORPS     Y10, chg, chg

// func q3Search16Asm(s *qxState)
// Requires: AVX2
TEXT ·q3Search16Asm(SB), NOSPLIT, $0-8
	MOVQ s+0(FP), R8

	// amax and the value that has it (first of equals), per lane
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VBROADCASTSS ·c7fffffff(SB), Y15
	MOVQ         R8, SI
	MOVQ         $16, CX

q3amax:
	VMOVUPS   QX_X(SI), Y4
	VMOVUPS   QX_X+32(SI), Y5
	VANDPS    Y15, Y4, Y6
	VANDPS    Y15, Y5, Y7
	VCMPPS    $0x1e, Y0, Y6, Y8 // |x| > amax
	VCMPPS    $0x1e, Y1, Y7, Y9
	VBLENDVPS Y8, Y6, Y0, Y0
	VBLENDVPS Y9, Y7, Y1, Y1
	VBLENDVPS Y8, Y4, Y2, Y2
	VBLENDVPS Y9, Y5, Y3, Y3
	ADDQ      $64, SI
	DECQ      CX
	JNZ       q3amax

	VBROADCASTSS ·c26901d7d(SB), Y4
	VCMPPS       $0x1d, Y4, Y0, Y0 // active: amax >= GROUP_MAX_EPS
	VCMPPS       $0x1d, Y4, Y1, Y1
	VMOVUPS      Y0, QX_ACTIVE(R8)
	VMOVUPS      Y1, QX_ACTIVE+32(R8)
	VBROADCASTSS QX_NMAX(R8), Y4
	VBROADCASTSS ·c80000000(SB), Y14
	VXORPS       Y14, Y4, Y4
	VDIVPS       Y2, Y4, Y12 // iscale = -nmax/max
	VDIVPS       Y3, Y4, Y13
	QXTRIAL(q3first, QX_L)

	VXORPS Y13, Y13, Y13
	MOVQ   $5, DX

q3round:
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	MOVQ   R8, SI
	MOVQ   $16, CX

q3elem:
	Q3REFINE(0, Y4, Y6, Y14)
	Q3REFINE(32, Y5, Y7, Y15)
	ADDQ $64, SI
	DECQ CX
	JNZ  q3elem
	VANDPS    QX_ACTIVE(R8), Y14, Y14
	VANDPS    QX_ACTIVE+32(R8), Y15, Y15
	VORPS     Y15, Y14, Y14
	VMOVMSKPS Y14, AX
	TESTL     AX, AX
	JZ        q3done
	DECQ      DX
	JNZ       q3round

q3done:
	// scale = suml2 > 0 ? sumlx/suml2 : 0
	VDIVPS  Y6, Y4, Y0
	VCMPPS  $0x1e, Y13, Y6, Y1
	VANDPS  Y1, Y0, Y0
	VDIVPS  Y7, Y5, Y8
	VCMPPS  $0x1e, Y13, Y7, Y9
	VANDPS  Y9, Y8, Y8
	VMOVUPS Y0, QX_SCALE(R8)
	VMOVUPS Y8, QX_SCALE+32(R8)
	VZEROUPPER
	RET

// q3Search16x2Asm runs q3Search16Asm's search on two super-blocks at once:
// the refinement is a chain of dependent steps per lane (each element
// reads the sums the previous one may have changed), so four independent
// 8-lane chains keep the vector units busier than two. Rounds go on while
// a lane of either block changed; a round that changes nothing in a lane
// changes nothing when repeated (see kquant3.go). Sums live in registers
// (a: Y4/Y5 sumlx, Y6/Y7 suml2; b: Y14/Y15 sumlx, Y12/Y13 suml2), the
// changed masks in QX_SCALE of each state until the scales are written.

// Q3PRE runs the amax and first pass of q3Search16Asm on the state at R8
// and leaves the sums in Y4-Y7.
#define Q3PRE(amaxl, firstl) \
	VXORPS       Y0, Y0, Y0; \
	VXORPS       Y1, Y1, Y1; \
	VXORPS       Y2, Y2, Y2; \
	VXORPS       Y3, Y3, Y3; \
	VBROADCASTSS ·c7fffffff(SB), Y15; \
	MOVQ         R8, SI; \
	MOVQ         $16, CX; \
amaxl: \
	VMOVUPS   QX_X(SI), Y4; \
	VMOVUPS   QX_X+32(SI), Y5; \
	VANDPS    Y15, Y4, Y6; \
	VANDPS    Y15, Y5, Y7; \
	VCMPPS    $0x1e, Y0, Y6, Y8; \
	VCMPPS    $0x1e, Y1, Y7, Y9; \
	VBLENDVPS Y8, Y6, Y0, Y0; \
	VBLENDVPS Y9, Y7, Y1, Y1; \
	VBLENDVPS Y8, Y4, Y2, Y2; \
	VBLENDVPS Y9, Y5, Y3, Y3; \
	ADDQ      $64, SI; \
	DECQ      CX; \
	JNZ       amaxl; \
	VBROADCASTSS ·c26901d7d(SB), Y4; \
	VCMPPS       $0x1d, Y4, Y0, Y0; \
	VCMPPS       $0x1d, Y4, Y1, Y1; \
	VMOVUPS      Y0, QX_ACTIVE(R8); \
	VMOVUPS      Y1, QX_ACTIVE+32(R8); \
	VBROADCASTSS QX_NMAX(R8), Y4; \
	VBROADCASTSS ·c80000000(SB), Y14; \
	VXORPS       Y14, Y4, Y4; \
	VDIVPS       Y2, Y4, Y12; \
	VDIVPS       Y3, Y4, Y13; \
	QXTRIAL(firstl, QX_L)

// Q3STEP is Q3REFINE with the per-element inputs as memory operands (the
// same products: multiplication is commutative bit for bit), the changed
// mask ORed into memory, and zero from ·zero8; base is SI (a) or DI (b).
#define Q3STEP(base, off, sumlx, suml2, state, chg) \
	VMOVUPS   QX_L+off(base), Y0; \
	VMULPS    QX_AUX+off(base), Y0, Y1; \
	VSUBPS    Y1, sumlx, Y1; \
	VMULPS    QX_W+off(base), Y0, Y2; \
	VMULPS    Y0, Y2, Y2; \
	VSUBPS    Y2, suml2, Y2; \
	VMULPS    QX_X+off(base), Y2, Y3; \
	VDIVPS    Y1, Y3, Y3; \
	VADDPS    ·magic8(SB), Y3, Y3; \
	VPAND     ·mant8(SB), Y3, Y3; \
	VPSUBD    ·half8(SB), Y3, Y3; \
	VPMINSD   QX_HI(R8), Y3, Y3; \
	VPMAXSD   QX_LO(R8), Y3, Y3; \
	VCVTDQ2PS Y3, Y3; \
	VCMPPS    $0x1e, ·zero8(SB), Y1, Y8; \
	VCMPPS    $0x04, Y0, Y3, Y9; \
	VANDPS    Y9, Y8, Y8; \
	VMULPS    QX_AUX+off(base), Y3, Y9; \
	VADDPS    Y9, Y1, Y1; \
	VMULPS    QX_W+off(base), Y3, Y9; \
	VMULPS    Y3, Y9, Y9; \
	VADDPS    Y9, Y2, Y2; \
	VCMPPS    $0x1e, ·zero8(SB), Y2, Y9; \
	VANDPS    Y9, Y8, Y8; \
	VMULPS    Y1, Y1, Y9; \
	VMULPS    suml2, Y9, Y9; \
	VMULPS    sumlx, sumlx, Y10; \
	VMULPS    Y2, Y10, Y10; \
	VCMPPS    $0x1e, Y10, Y9, Y9; \
	VANDPS    Y9, Y8, Y8; \
	VBLENDVPS Y8, Y3, Y0, Y0; \
	VMOVUPS   Y0, QX_L+off(base); \
	VBLENDVPS Y8, Y1, sumlx, sumlx; \
	VBLENDVPS Y8, Y2, suml2, suml2; \
	VORPS     chg(state), Y8, Y8; \
	VMOVUPS   Y8, chg(state)

// func q3Search16x2Asm(a, b *qxState)
// Requires: AVX2
TEXT ·q3Search16x2Asm(SB), NOSPLIT, $0-16
	MOVQ b+8(FP), R8
	Q3PRE(x2amaxb, x2firstb)
	VMOVUPS Y4, Y14
	VMOVUPS Y5, Y15
	VMOVUPS Y6, Y12
	VMOVUPS Y7, Y13
	VMOVUPS Y12, QX_MAXV(R8) // park b's suml2 (Q3PRE uses Y12-Y15)
	VMOVUPS Y13, QX_MAXV+32(R8)
	VMOVUPS Y14, QX_BEST(R8) // and sumlx
	VMOVUPS Y15, QX_BEST+32(R8)
	MOVQ a+0(FP), R8
	Q3PRE(x2amaxa, x2firsta)
	MOVQ b+8(FP), R9
	VMOVUPS QX_MAXV(R9), Y12
	VMOVUPS QX_MAXV+32(R9), Y13
	VMOVUPS QX_BEST(R9), Y14
	VMOVUPS QX_BEST+32(R9), Y15
	MOVQ $5, DX

x2round:
	VXORPS  Y0, Y0, Y0
	VMOVUPS Y0, QX_SCALE(R8)
	VMOVUPS Y0, QX_SCALE+32(R8)
	VMOVUPS Y0, QX_SCALE(R9)
	VMOVUPS Y0, QX_SCALE+32(R9)
	MOVQ R8, SI
	MOVQ R9, DI
	MOVQ $16, CX

x2elem:
	Q3STEP(SI, 0, Y4, Y6, R8, QX_SCALE)
	Q3STEP(DI, 0, Y14, Y12, R9, QX_SCALE)
	Q3STEP(SI, 32, Y5, Y7, R8, QX_SCALE+32)
	Q3STEP(DI, 32, Y15, Y13, R9, QX_SCALE+32)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  x2elem
	VMOVUPS QX_SCALE(R8), Y0
	VANDPS  QX_ACTIVE(R8), Y0, Y0
	VMOVUPS QX_SCALE+32(R8), Y1
	VANDPS  QX_ACTIVE+32(R8), Y1, Y1
	VMOVUPS QX_SCALE(R9), Y2
	VANDPS  QX_ACTIVE(R9), Y2, Y2
	VMOVUPS QX_SCALE+32(R9), Y3
	VANDPS  QX_ACTIVE+32(R9), Y3, Y3
	VORPS Y1, Y0, Y0
	VORPS Y3, Y2, Y2
	VORPS Y2, Y0, Y0
	VMOVMSKPS Y0, AX
	TESTL AX, AX
	JZ x2done
	DECQ DX
	JNZ x2round

x2done:
	// scale = suml2 > 0 ? sumlx/suml2 : 0
	VXORPS Y11, Y11, Y11
	VDIVPS  Y6, Y4, Y0
	VCMPPS  $0x1e, Y11, Y6, Y1
	VANDPS  Y1, Y0, Y0
	VMOVUPS Y0, QX_SCALE+0(R8)
	VDIVPS  Y7, Y5, Y0
	VCMPPS  $0x1e, Y11, Y7, Y1
	VANDPS  Y1, Y0, Y0
	VMOVUPS Y0, QX_SCALE+32(R8)
	VDIVPS  Y12, Y14, Y0
	VCMPPS  $0x1e, Y11, Y12, Y1
	VANDPS  Y1, Y0, Y0
	VMOVUPS Y0, QX_SCALE+0(R9)
	VDIVPS  Y13, Y15, Y0
	VCMPPS  $0x1e, Y11, Y13, Y1
	VANDPS  Y1, Y0, Y0
	VMOVUPS Y0, QX_SCALE+32(R9)
	VZEROUPPER
	RET

DATA ·zero8+0(SB)/8, $0
DATA ·zero8+8(SB)/8, $0
DATA ·zero8+16(SB)/8, $0
DATA ·zero8+24(SB)/8, $0
GLOBL ·zero8(SB), RODATA|NOPTR, $32
