//go:build !purego

#include "textflag.h"

// Q5 high bits: element j takes bit j of the 32-bit qh as its fifth bit,
// ((qh >> j) << 4) & 16 with a per-lane shift count.
#define Q5HIGH(shifts, dst) \
	VPSRLVD shifts, Y8, dst; \
	VPSLLD  $4, dst, dst; \
	VPAND   Y13, dst, dst

// KSCALES unpacks the 12 packed scale bytes at off(SI) of a Q4_K/Q5_K
// block into 8 scales (R9) and 8 mins (R12), one byte each
// (get_scale_min_k4 for j = 0..7 at once):
//   sc[0..3] = s[0..3]&63   sc[4..7] = s[8..11]&15 | (s[0..3]>>6)<<4
//   m[0..3]  = s[4..7]&63   m[4..7]  = s[8..11]>>4 | (s[4..7]>>6)<<4
#define KSCALES(off) \
	MOVL  off(SI), AX; \
	MOVL  off+4(SI), BX; \
	MOVL  off+8(SI), DX; \
	MOVL  AX, R8; \
	ANDL  $0x3f3f3f3f, R8; \
	MOVL  DX, R9; \
	ANDL  $0x0f0f0f0f, R9; \
	MOVL  AX, R10; \
	SHRL  $6, R10; \
	ANDL  $0x03030303, R10; \
	SHLL  $4, R10; \
	ORL   R10, R9; \
	SHLQ  $32, R9; \
	ORQ   R8, R9; \
	MOVL  BX, R11; \
	ANDL  $0x3f3f3f3f, R11; \
	MOVL  DX, R12; \
	SHRL  $4, R12; \
	ANDL  $0x0f0f0f0f, R12; \
	MOVL  BX, R10; \
	SHRL  $6, R10; \
	ANDL  $0x03030303, R10; \
	SHLL  $4, R10; \
	ORL   R10, R12; \
	SHLQ  $32, R12; \
	ORQ   R11, R12

// KSETUP computes d*sc[j] into 0(SP) and dmin*m[j] into 32(SP), j = 0..7.
#define KSETUP \
	VPBROADCASTW (SI), X0; \
	VCVTPH2PS    X0, Y0; \
	VPBROADCASTW 2(SI), X1; \
	VCVTPH2PS    X1, Y1; \
	KSCALES(4); \
	VMOVQ        R9, X2; \
	VPMOVZXBD    X2, Y2; \
	VCVTDQ2PS    Y2, Y2; \
	VMULPS       Y2, Y0, Y2; \
	VMOVQ        R12, X3; \
	VPMOVZXBD    X3, Y3; \
	VCVTDQ2PS    Y3, Y3; \
	VMULPS       Y3, Y1, Y3; \
	VMOVUPS      Y2, (SP); \
	VMOVUPS      Y3, 32(SP)

// K4OUT writes d*q - m for 8 values q (int32 in qreg) to off(DI).
#define K4OUT(qreg, dreg, mreg, off) \
	VCVTDQ2PS qreg, qreg; \
	VMULPS    qreg, dreg, qreg; \
	VSUBPS    mreg, qreg, qreg; \
	VMOVUPS   qreg, off(DI)

// Q5K high bit: qreg |= ((qh >> shift) << s) & 16 for the 8 qh bytes
// widened in hreg (shift = 2c in X14).
#define Q5KHIGH(hreg, s, qreg) \
	VPSRLD X14, hreg, Y12; \
	VPSLLD $s, Y12, Y12; \
	VPAND  Y13, Y12, Y12; \
	VPOR   Y12, qreg, qreg

// Q6OUT: q = (lo | (hi & 0x30)) - 32, times the group scale, to off(DI).
#define Q6OUT(lo, hi, sreg, off) \
	VPAND     Y14, hi, hi; \
	VPOR      hi, lo, lo; \
	VPSUBD    Y13, lo, lo; \
	VCVTDQ2PS lo, lo; \
	VMULPS    lo, sreg, lo; \
	VMOVUPS   lo, off(DI)

// Block dequantizers. Each multiplies and subtracts in ggml's order with
// separate VMULPS/VSUBPS (never FMA), so results match the generic twins
// bit for bit. A block's fp16 scale is broadcast with VPBROADCASTW and
// widened with VCVTPH2PS.

// func dequantQ8_0Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ8_0Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $5, CX
	JZ   done

loop:
	VPBROADCASTW (SI), X0
	VCVTPH2PS    X0, Y0
	VPMOVSXBD    2(SI), Y1
	VPMOVSXBD    10(SI), Y2
	VPMOVSXBD    18(SI), Y3
	VPMOVSXBD    26(SI), Y4
	VCVTDQ2PS    Y1, Y1
	VCVTDQ2PS    Y2, Y2
	VCVTDQ2PS    Y3, Y3
	VCVTDQ2PS    Y4, Y4
	VMULPS       Y0, Y1, Y1
	VMULPS       Y0, Y2, Y2
	VMULPS       Y0, Y3, Y3
	VMULPS       Y0, Y4, Y4
	VMOVUPS      Y1, (DI)
	VMOVUPS      Y2, 32(DI)
	VMOVUPS      Y3, 64(DI)
	VMOVUPS      Y4, 96(DI)
	ADDQ         $34, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop
	VZEROUPPER

done:
	RET

// func dequantQ4_0Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ4_0Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $5, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15
	VPBROADCASTD ·c00000008(SB), Y14

loop:
	VPBROADCASTW (SI), X0
	VCVTPH2PS    X0, Y0
	VPMOVZXBD    2(SI), Y1
	VPMOVZXBD    10(SI), Y2
	VPAND        Y15, Y1, Y3
	VPSRLD       $4, Y1, Y4
	VPAND        Y15, Y2, Y5
	VPSRLD       $4, Y2, Y6
	VPSUBD       Y14, Y3, Y3
	VPSUBD       Y14, Y4, Y4
	VPSUBD       Y14, Y5, Y5
	VPSUBD       Y14, Y6, Y6
	VCVTDQ2PS    Y3, Y3
	VCVTDQ2PS    Y4, Y4
	VCVTDQ2PS    Y5, Y5
	VCVTDQ2PS    Y6, Y6
	VMULPS       Y0, Y3, Y3
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMOVUPS      Y3, (DI)
	VMOVUPS      Y5, 32(DI)
	VMOVUPS      Y4, 64(DI)
	VMOVUPS      Y6, 96(DI)
	ADDQ         $18, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop
	VZEROUPPER

done:
	RET

// func dequantQ4_1Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ4_1Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $5, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15

loop:
	VPBROADCASTW (SI), X0
	VCVTPH2PS    X0, Y0
	VPBROADCASTW 2(SI), X7
	VCVTPH2PS    X7, Y7
	VPMOVZXBD    4(SI), Y1
	VPMOVZXBD    12(SI), Y2
	VPAND        Y15, Y1, Y3
	VPSRLD       $4, Y1, Y4
	VPAND        Y15, Y2, Y5
	VPSRLD       $4, Y2, Y6
	VCVTDQ2PS    Y3, Y3
	VCVTDQ2PS    Y4, Y4
	VCVTDQ2PS    Y5, Y5
	VCVTDQ2PS    Y6, Y6
	VMULPS       Y0, Y3, Y3
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VADDPS       Y7, Y3, Y3
	VADDPS       Y7, Y4, Y4
	VADDPS       Y7, Y5, Y5
	VADDPS       Y7, Y6, Y6
	VMOVUPS      Y3, (DI)
	VMOVUPS      Y5, 32(DI)
	VMOVUPS      Y4, 64(DI)
	VMOVUPS      Y6, 96(DI)
	ADDQ         $20, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop
	VZEROUPPER

done:
	RET

// func dequantQ5_0Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ5_0Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $5, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15
	VPBROADCASTD ·c00000010(SB), Y13
	VMOVDQU      ·shifts0to31+0(SB), Y9
	VMOVDQU      ·shifts0to31+32(SB), Y10
	VMOVDQU      ·shifts0to31+64(SB), Y11
	VMOVDQU      ·shifts0to31+96(SB), Y12

loop:
	VPBROADCASTW (SI), X0
	VCVTPH2PS    X0, Y0
	VPBROADCASTD 2(SI), Y8
	VPMOVZXBD    6(SI), Y1
	VPMOVZXBD    14(SI), Y2
	VPAND        Y15, Y1, Y3
	VPSRLD       $4, Y1, Y4
	VPAND        Y15, Y2, Y5
	VPSRLD       $4, Y2, Y6
	Q5HIGH(Y9, Y1)
	Q5HIGH(Y10, Y2)
	Q5HIGH(Y11, Y7)
	Q5HIGH(Y12, Y8)
	VPOR         Y1, Y3, Y3
	VPOR         Y2, Y5, Y5
	VPOR         Y7, Y4, Y4
	VPOR         Y8, Y6, Y6
	VPSUBD       Y13, Y3, Y3
	VPSUBD       Y13, Y4, Y4
	VPSUBD       Y13, Y5, Y5
	VPSUBD       Y13, Y6, Y6
	VCVTDQ2PS    Y3, Y3
	VCVTDQ2PS    Y4, Y4
	VCVTDQ2PS    Y5, Y5
	VCVTDQ2PS    Y6, Y6
	VMULPS       Y0, Y3, Y3
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMOVUPS      Y3, (DI)
	VMOVUPS      Y5, 32(DI)
	VMOVUPS      Y4, 64(DI)
	VMOVUPS      Y6, 96(DI)
	ADDQ         $22, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop
	VZEROUPPER

done:
	RET

// func dequantQ5_1Asm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ5_1Asm(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $5, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15
	VPBROADCASTD ·c00000010(SB), Y13
	VMOVDQU      ·shifts0to31+0(SB), Y9
	VMOVDQU      ·shifts0to31+32(SB), Y10
	VMOVDQU      ·shifts0to31+64(SB), Y11
	VMOVDQU      ·shifts0to31+96(SB), Y12

loop:
	VPBROADCASTW (SI), X0
	VCVTPH2PS    X0, Y0
	VPBROADCASTW 2(SI), X14
	VCVTPH2PS    X14, Y14
	VPBROADCASTD 4(SI), Y8
	VPMOVZXBD    8(SI), Y1
	VPMOVZXBD    16(SI), Y2
	VPAND        Y15, Y1, Y3
	VPSRLD       $4, Y1, Y4
	VPAND        Y15, Y2, Y5
	VPSRLD       $4, Y2, Y6
	Q5HIGH(Y9, Y1)
	Q5HIGH(Y10, Y2)
	Q5HIGH(Y11, Y7)
	Q5HIGH(Y12, Y8)
	VPOR         Y1, Y3, Y3
	VPOR         Y2, Y5, Y5
	VPOR         Y7, Y4, Y4
	VPOR         Y8, Y6, Y6
	VCVTDQ2PS    Y3, Y3
	VCVTDQ2PS    Y4, Y4
	VCVTDQ2PS    Y5, Y5
	VCVTDQ2PS    Y6, Y6
	VMULPS       Y0, Y3, Y3
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VADDPS       Y14, Y3, Y3
	VADDPS       Y14, Y4, Y4
	VADDPS       Y14, Y5, Y5
	VADDPS       Y14, Y6, Y6
	VMOVUPS      Y3, (DI)
	VMOVUPS      Y5, 32(DI)
	VMOVUPS      Y4, 64(DI)
	VMOVUPS      Y6, 96(DI)
	ADDQ         $24, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop
	VZEROUPPER

done:
	RET

// func dequantQ4_KAsm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ4_KAsm(SB), NOSPLIT, $64-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $8, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15

block:
	KSETUP
	XORQ BX, BX
	LEAQ 16(SI), R8

chunk: // 64 elements: low nibbles use sub-block 2c, high nibbles 2c+1
	VBROADCASTSS 0(SP)(BX*8), Y4
	VBROADCASTSS 4(SP)(BX*8), Y5
	VBROADCASTSS 32(SP)(BX*8), Y6
	VBROADCASTSS 36(SP)(BX*8), Y7
	VPMOVZXBD    (R8), Y8
	VPMOVZXBD    8(R8), Y9
	VPMOVZXBD    16(R8), Y10
	VPMOVZXBD    24(R8), Y11
	VPAND        Y15, Y8, Y0
	VPAND        Y15, Y9, Y1
	VPAND        Y15, Y10, Y2
	VPAND        Y15, Y11, Y3
	K4OUT(Y0, Y4, Y6, 0)
	K4OUT(Y1, Y4, Y6, 32)
	K4OUT(Y2, Y4, Y6, 64)
	K4OUT(Y3, Y4, Y6, 96)
	VPSRLD       $4, Y8, Y8
	VPSRLD       $4, Y9, Y9
	VPSRLD       $4, Y10, Y10
	VPSRLD       $4, Y11, Y11
	K4OUT(Y8, Y5, Y7, 128)
	K4OUT(Y9, Y5, Y7, 160)
	K4OUT(Y10, Y5, Y7, 192)
	K4OUT(Y11, Y5, Y7, 224)
	ADDQ         $32, R8
	ADDQ         $256, DI
	INCQ         BX
	CMPQ         BX, $4
	JLT          chunk

	ADDQ $144, SI
	DECQ CX
	JNZ  block
	VZEROUPPER

done:
	RET

// func dequantQ5_KAsm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ5_KAsm(SB), NOSPLIT, $64-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $8, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15
	VPBROADCASTD ·c00000010(SB), Y13

block:
	KSETUP
	XORQ BX, BX
	LEAQ 48(SI), R8

chunk:
	VBROADCASTSS 0(SP)(BX*8), Y4
	VBROADCASTSS 4(SP)(BX*8), Y5
	VBROADCASTSS 32(SP)(BX*8), Y6
	VBROADCASTSS 36(SP)(BX*8), Y7
	MOVQ         BX, R9
	SHLQ         $1, R9
	VMOVQ        R9, X14
	XORQ         R10, R10

group: // 8 elements l = 8g..8g+7 of both halves of the chunk
	VPMOVZXBD (R8)(R10*1), Y8
	VPMOVZXBD 16(SI)(R10*1), Y9
	VPAND     Y15, Y8, Y0
	VPSRLD    $4, Y8, Y1
	Q5KHIGH(Y9, 4, Y0)
	Q5KHIGH(Y9, 3, Y1)
	K4OUT(Y0, Y4, Y6, 0)
	K4OUT(Y1, Y5, Y7, 128)
	ADDQ      $32, DI
	ADDQ      $8, R10
	CMPQ      R10, $32
	JLT       group

	ADDQ $32, R8
	ADDQ $128, DI
	INCQ BX
	CMPQ BX, $4
	JLT  chunk

	ADDQ $176, SI
	DECQ CX
	JNZ  block
	VZEROUPPER

done:
	RET

// func dequantQ6_KAsm(dst []float32, src []byte)
// Requires: AVX2, F16C
TEXT ·dequantQ6_KAsm(SB), NOSPLIT, $64-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	SHRQ $8, CX
	JZ   done
	VPBROADCASTD ·c0000000f(SB), Y15
	VPBROADCASTD ·c00000030(SB), Y14
	VPBROADCASTD ·c00000020(SB), Y13

block:
	VPBROADCASTW 208(SI), X0
	VCVTPH2PS    X0, Y0
	VPMOVSXBD    192(SI), Y1
	VPMOVSXBD    200(SI), Y2
	VCVTDQ2PS    Y1, Y1
	VCVTDQ2PS    Y2, Y2
	VMULPS       Y1, Y0, Y1 // d*sc[0..7]
	VMULPS       Y2, Y0, Y2 // d*sc[8..15]
	VMOVUPS      Y1, (SP)
	VMOVUPS      Y2, 32(SP)
	MOVQ         SI, R8     // ql
	LEAQ         128(SI), R9 // qh
	MOVQ         SP, R11
	XORQ         BX, BX

half: // 128 elements; element e of the half uses scale (e/16)
	VBROADCASTSS (R11), Y4
	VBROADCASTSS 8(R11), Y5
	VBROADCASTSS 16(R11), Y6
	VBROADCASTSS 24(R11), Y7
	VBROADCASTSS 4(R11), Y8
	VBROADCASTSS 12(R11), Y9
	VBROADCASTSS 20(R11), Y10
	VBROADCASTSS 28(R11), Y11
	XORQ         R10, R10

group: // l = 8g..8g+7: y[l], y[l+32], y[l+64], y[l+96]
	CMPQ      R10, $16
	JNE       scales
	VMOVUPS   Y8, Y4 // l >= 16: the odd scales
	VMOVUPS   Y9, Y5
	VMOVUPS   Y10, Y6
	VMOVUPS   Y11, Y7

scales:
	VPMOVZXBD (R8)(R10*1), Y0   // ql[l]
	VPMOVZXBD 32(R8)(R10*1), Y1 // ql[l+32]
	VPMOVZXBD (R9)(R10*1), Y2   // qh[l]
	VPAND     Y15, Y0, Y3
	VPSLLD    $4, Y2, Y12
	Q6OUT(Y3, Y12, Y4, 0)
	VPAND     Y15, Y1, Y3
	VPSLLD    $2, Y2, Y12
	Q6OUT(Y3, Y12, Y5, 128)
	VPSRLD    $4, Y0, Y3
	VMOVDQU   Y2, Y12
	Q6OUT(Y3, Y12, Y6, 256)
	VPSRLD    $4, Y1, Y3
	VPSRLD    $2, Y2, Y12
	Q6OUT(Y3, Y12, Y7, 384)
	ADDQ      $32, DI
	ADDQ      $8, R10
	CMPQ      R10, $32
	JLT       group

	ADDQ $384, DI
	ADDQ $64, R8
	ADDQ $32, R9
	ADDQ $32, R11
	INCQ BX
	CMPQ BX, $2
	JLT  half

	ADDQ $210, SI
	DECQ CX
	JNZ  block
	VZEROUPPER

done:
	RET
