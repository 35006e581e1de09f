//go:build !purego

#include "textflag.h"

// qxInAsm / qxOutAsm on NEON: the moves of a super-block into and out of
// qxState's transposed layout (element i of sub-block j at [16*i+j]), as
// kquant_t_amd64.s does with AVX2 and load/store in kquant_qxio_arm64.go
// describe. A 16x16 float transpose is 16 4x4 transposes (TRN1/TRN2 on
// words, then on doublewords); it is its own inverse, so one macro serves
// both directions. Instructions the Go assembler lacks are WORDs with the
// instruction in the comment (TestNEONWords).

// TR4 transposes the 4x4 block in rows a, b, c, d and stores its columns
// at (R5), 64(R5), 128(R5), 192(R5), advancing R5 by 256.
#define TR4(a, b, c, d) \
	VTRN1 b.S4, a.S4, V16.S4 \
	VTRN2 b.S4, a.S4, V17.S4 \
	VTRN1 d.S4, c.S4, V18.S4 \
	VTRN2 d.S4, c.S4, V19.S4 \
	VTRN1 V18.D2, V16.D2, V20.D2 \
	VTRN1 V19.D2, V17.D2, V21.D2 \
	VTRN2 V18.D2, V16.D2, V22.D2 \
	VTRN2 V19.D2, V17.D2, V23.D2 \
	VST1.P [V20.S4], (R5)(R7) \
	VST1.P [V21.S4], (R5)(R7) \
	VST1.P [V22.S4], (R5)(R7) \
	VST1.P [V23.S4], (R5)(R7)

// TRANSPOSE16 writes the 16x16 floats at src (rows of 16) transposed to
// dst; loop names its label. It clobbers R4-R7, R9 and V0-V23.
#define TRANSPOSE16(src, dst, loop) \
	MOVD src, R4 \
	MOVD dst, R6 \
	MOVD $64, R7 \
	MOVD $4, R9 \
loop: \
	VLD1.P 64(R4), [V0.S4, V1.S4, V2.S4, V3.S4] \
	VLD1.P 64(R4), [V4.S4, V5.S4, V6.S4, V7.S4] \
	VLD1.P 64(R4), [V8.S4, V9.S4, V10.S4, V11.S4] \
	VLD1.P 64(R4), [V12.S4, V13.S4, V14.S4, V15.S4] \
	MOVD R6, R5 \
	TR4(V0, V4, V8, V12) \
	TR4(V1, V5, V9, V13) \
	TR4(V2, V6, V10, V14) \
	TR4(V3, V7, V11, V15) \
	ADD $16, R6, R6 \
	SUBS $1, R9, R9 \
	BNE loop

// func qxInAsm(s *qxState, x, w *float32, cube int)
// s.x = transpose(x); s.w = transpose(w), or s.x*s.x when w is nil;
// with cube, s.aux = s.w*s.x (Q3_K's x²·x).
TEXT ·qxInAsm(SB), NOSPLIT|NOFRAME, $0-32
	MOVD s+0(FP), R0
	MOVD x+8(FP), R1
	MOVD w+16(FP), R2
	MOVD cube+24(FP), R3
	TRANSPOSE16(R1, R0, xin)
	ADD  $1024, R0, R8
	CBZ  R2, square
	TRANSPOSE16(R2, R8, win)
	B    cube

square:
	MOVD R0, R4
	MOVD R8, R5
	MOVD $16, R9

sqloop:
	VLD1.P 64(R4), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x6e20dc00 // fmul v0.4s, v0.4s, v0.4s
	WORD   $0x6e21dc21 // fmul v1.4s, v1.4s, v1.4s
	WORD   $0x6e22dc42 // fmul v2.4s, v2.4s, v2.4s
	WORD   $0x6e23dc63 // fmul v3.4s, v3.4s, v3.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R5)
	SUBS   $1, R9, R9
	BNE    sqloop

cube:
	CBZ  R3, done
	MOVD R0, R4
	MOVD R8, R5
	ADD  $3072, R0, R6
	MOVD $16, R9

cubeloop:
	VLD1.P 64(R5), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R4), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD   $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD   $0x6e26dc42 // fmul v2.4s, v2.4s, v6.4s
	WORD   $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R6)
	SUBS   $1, R9, R9
	BNE    cubeloop

done:
	RET

// func qxOutAsm(s *qxState, L *int8)
// L[16*j+i] = l+nmax of lane j, element i, or 0 in inactive lanes; the
// lanes' scales are zeroed where inactive. Uses s.aux and s.w as scratch.
TEXT ·qxOutAsm(SB), NOSPLIT|NOFRAME, $0-16
	MOVD s+0(FP), R0
	MOVD L+8(FP), R1
	FMOVS 4416(R0), F24
	VDUP  V24.S[0], V24.S4 // nmax
	ADD   $4288, R0, R4
	VLD1  (R4), [V25.S4, V26.S4, V27.S4, V28.S4] // active
	ADD   $4160, R0, R4
	VLD1  (R4), [V0.S4, V1.S4, V2.S4, V3.S4]
	VAND  V25.B16, V0.B16, V0.B16
	VAND  V26.B16, V1.B16, V1.B16
	VAND  V27.B16, V2.B16, V2.B16
	VAND  V28.B16, V3.B16, V3.B16
	VST1  [V0.S4, V1.S4, V2.S4, V3.S4], (R4)
	// aux = (l + nmax) & active
	ADD   $2048, R0, R4
	ADD   $3072, R0, R5
	MOVD  $16, R9

bias:
	VLD1.P 64(R4), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x4e20d700 // fadd v0.4s, v24.4s, v0.4s
	WORD   $0x4e21d701 // fadd v1.4s, v24.4s, v1.4s
	WORD   $0x4e22d702 // fadd v2.4s, v24.4s, v2.4s
	WORD   $0x4e23d703 // fadd v3.4s, v24.4s, v3.4s
	VAND   V25.B16, V0.B16, V0.B16
	VAND   V26.B16, V1.B16, V1.B16
	VAND   V27.B16, V2.B16, V2.B16
	VAND   V28.B16, V3.B16, V3.B16
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R5)
	SUBS   $1, R9, R9
	BNE    bias
	ADD    $3072, R0, R2
	ADD    $1024, R0, R3
	TRANSPOSE16(R2, R3, lout)
	// each row of 16 small non-negative integers (as floats) to bytes
	ADD    $1024, R0, R4
	MOVD   $16, R9

pack:
	VLD1.P 64(R4), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x4ea1b800 // fcvtzs v0.4s, v0.4s
	WORD   $0x4ea1b821 // fcvtzs v1.4s, v1.4s
	WORD   $0x4ea1b842 // fcvtzs v2.4s, v2.4s
	WORD   $0x4ea1b863 // fcvtzs v3.4s, v3.4s
	VUZP1  V1.H8, V0.H8, V0.H8
	VUZP1  V3.H8, V2.H8, V2.H8
	VUZP1  V2.B16, V0.B16, V0.B16
	VST1.P [V0.B16], 16(R1)
	SUBS   $1, R9, R9
	BNE    pack
	RET
