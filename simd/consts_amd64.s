//go:build !purego

#include "textflag.h"

// 32-bit constants, broadcast into vector registers by the kernels.
DATA ·c0f800000+0(SB)/4, $0x0f800000 // binary16 max exponent, shifted left 13
GLOBL ·c0f800000(SB), RODATA|NOPTR, $4
DATA ·c007fe000+0(SB)/4, $0x007fe000 // binary16 mantissa, shifted left 13
GLOBL ·c007fe000(SB), RODATA|NOPTR, $4
DATA ·c00400000+0(SB)/4, $0x00400000 // float32 quiet-NaN bit
GLOBL ·c00400000(SB), RODATA|NOPTR, $4
DATA ·c80000000+0(SB)/4, $0x80000000 // float32 sign bit
GLOBL ·c80000000(SB), RODATA|NOPTR, $4
DATA ·c7fc00000+0(SB)/4, $0x7fc00000 // canonical quiet NaN
GLOBL ·c7fc00000(SB), RODATA|NOPTR, $4
DATA ·c7fffffff+0(SB)/4, $0x7fffffff // |x| mask
GLOBL ·c7fffffff(SB), RODATA|NOPTR, $4
DATA ·c7f800000+0(SB)/4, $0x7f800000 // +Inf
GLOBL ·c7f800000(SB), RODATA|NOPTR, $4
DATA ·c00007fff+0(SB)/4, $0x00007fff // bf16 rounding bias
GLOBL ·c00007fff(SB), RODATA|NOPTR, $4
DATA ·c00000001+0(SB)/4, $1
GLOBL ·c00000001(SB), RODATA|NOPTR, $4
DATA ·c00000040+0(SB)/4, $0x40
GLOBL ·c00000040(SB), RODATA|NOPTR, $4
DATA ·c0000000f+0(SB)/4, $15
GLOBL ·c0000000f(SB), RODATA|NOPTR, $4
DATA ·c00000008+0(SB)/4, $8
GLOBL ·c00000008(SB), RODATA|NOPTR, $4
DATA ·c00000010+0(SB)/4, $16
GLOBL ·c00000010(SB), RODATA|NOPTR, $4
DATA ·c00000020+0(SB)/4, $32
GLOBL ·c00000020(SB), RODATA|NOPTR, $4
DATA ·c00000030+0(SB)/4, $0x30
GLOBL ·c00000030(SB), RODATA|NOPTR, $4
DATA ·cf1+0(SB)/4, $0x3f800000 // 1.0
GLOBL ·cf1(SB), RODATA|NOPTR, $4

// Shift counts 0..31 for the per-element high bits of Q5_0/Q5_1.
DATA ·shifts0to31+0(SB)/4, $0
DATA ·shifts0to31+4(SB)/4, $1
DATA ·shifts0to31+8(SB)/4, $2
DATA ·shifts0to31+12(SB)/4, $3
DATA ·shifts0to31+16(SB)/4, $4
DATA ·shifts0to31+20(SB)/4, $5
DATA ·shifts0to31+24(SB)/4, $6
DATA ·shifts0to31+28(SB)/4, $7
DATA ·shifts0to31+32(SB)/4, $8
DATA ·shifts0to31+36(SB)/4, $9
DATA ·shifts0to31+40(SB)/4, $10
DATA ·shifts0to31+44(SB)/4, $11
DATA ·shifts0to31+48(SB)/4, $12
DATA ·shifts0to31+52(SB)/4, $13
DATA ·shifts0to31+56(SB)/4, $14
DATA ·shifts0to31+60(SB)/4, $15
DATA ·shifts0to31+64(SB)/4, $16
DATA ·shifts0to31+68(SB)/4, $17
DATA ·shifts0to31+72(SB)/4, $18
DATA ·shifts0to31+76(SB)/4, $19
DATA ·shifts0to31+80(SB)/4, $20
DATA ·shifts0to31+84(SB)/4, $21
DATA ·shifts0to31+88(SB)/4, $22
DATA ·shifts0to31+92(SB)/4, $23
DATA ·shifts0to31+96(SB)/4, $24
DATA ·shifts0to31+100(SB)/4, $25
DATA ·shifts0to31+104(SB)/4, $26
DATA ·shifts0to31+108(SB)/4, $27
DATA ·shifts0to31+112(SB)/4, $28
DATA ·shifts0to31+116(SB)/4, $29
DATA ·shifts0to31+120(SB)/4, $30
DATA ·shifts0to31+124(SB)/4, $31
GLOBL ·shifts0to31(SB), RODATA|NOPTR, $128

DATA ·c358637bd+0(SB)/4, $0x358637bd // float32(1e-6)
GLOBL ·c358637bd(SB), RODATA|NOPTR, $4
DATA ·c33800000+0(SB)/4, $0x33800000 // 2^-24
GLOBL ·c33800000(SB), RODATA|NOPTR, $4
DATA ·cabs64+0(SB)/8, $0x7fffffffffffffff // float64 |x| mask
GLOBL ·cabs64(SB), RODATA|NOPTR, $8
DATA ·philoxM0+0(SB)/4, $0xD2511F53
GLOBL ·philoxM0(SB), RODATA|NOPTR, $4
DATA ·philoxM1+0(SB)/4, $0xCD9E8D57
GLOBL ·philoxM1(SB), RODATA|NOPTR, $4
DATA ·philoxW0+0(SB)/4, $0x9E3779B9
GLOBL ·philoxW0(SB), RODATA|NOPTR, $4
DATA ·philoxW1+0(SB)/4, $0xBB67AE85
GLOBL ·philoxW1(SB), RODATA|NOPTR, $4
DATA ·c4b400000+0(SB)/4, $0x4b400000 // 12582912.0 = 1.5*2^23 (nearest_int)
GLOBL ·c4b400000(SB), RODATA|NOPTR, $4
DATA ·c007fffff+0(SB)/4, $0x007fffff
GLOBL ·c007fffff(SB), RODATA|NOPTR, $4
DATA ·absmask8+0(SB)/8, $0x7fffffff7fffffff
DATA ·absmask8+8(SB)/8, $0x7fffffff7fffffff
DATA ·absmask8+16(SB)/8, $0x7fffffff7fffffff
DATA ·absmask8+24(SB)/8, $0x7fffffff7fffffff
GLOBL ·absmask8(SB), RODATA|NOPTR, $32
DATA ·c42fe0000+0(SB)/4, $0x42fe0000 // 127.0
GLOBL ·c42fe0000(SB), RODATA|NOPTR, $4
DATA ·c3f000000+0(SB)/4, $0x3f000000 // 0.5
GLOBL ·c3f000000(SB), RODATA|NOPTR, $4
DATA ·c000000ff+0(SB)/4, $0x000000ff
GLOBL ·c000000ff(SB), RODATA|NOPTR, $4
DATA ·perm04152637+0(SB)/8, $0x0000000400000000
DATA ·perm04152637+8(SB)/8, $0x0000000500000001
DATA ·perm04152637+16(SB)/8, $0x0000000600000002
DATA ·perm04152637+24(SB)/8, $0x0000000700000003
GLOBL ·perm04152637(SB), RODATA|NOPTR, $32
DATA ·c26901d7d+0(SB)/4, $0x26901d7d // float32(1e-15), GROUP_MAX_EPS
GLOBL ·c26901d7d(SB), RODATA|NOPTR, $4
DATA ·c3dcccccd+0(SB)/4, $0x3dcccccd // float32(0.1)
GLOBL ·c3dcccccd(SB), RODATA|NOPTR, $4
DATA ·magic8+0(SB)/8, $0x4b4000004b400000 // 1.5*2^23 x 8
DATA ·magic8+8(SB)/8, $0x4b4000004b400000
DATA ·magic8+16(SB)/8, $0x4b4000004b400000
DATA ·magic8+24(SB)/8, $0x4b4000004b400000
GLOBL ·magic8(SB), RODATA|NOPTR, $32
DATA ·mant8+0(SB)/8, $0x007fffff007fffff
DATA ·mant8+8(SB)/8, $0x007fffff007fffff
DATA ·mant8+16(SB)/8, $0x007fffff007fffff
DATA ·mant8+24(SB)/8, $0x007fffff007fffff
GLOBL ·mant8(SB), RODATA|NOPTR, $32
DATA ·half8+0(SB)/8, $0x0040000000400000
DATA ·half8+8(SB)/8, $0x0040000000400000
DATA ·half8+16(SB)/8, $0x0040000000400000
DATA ·half8+24(SB)/8, $0x0040000000400000
GLOBL ·half8(SB), RODATA|NOPTR, $32
