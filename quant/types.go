// Package quant converts ggml tensor blocks to float32 rows and back.
//
// This file holds the one table of ggml type ids, names and block geometry
// (ggml.h / ggml-common.h). Every other package asks this table; nothing
// else in the project repeats a block size or a type size.
package quant

import (
	"fmt"
	"strings"
)

// Type is a ggml tensor type id as stored in GGUF tensor infos.
type Type uint32

// ggml type ids (include/ggml.h). Removed ids keep their number and are
// rejected by Valid.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
	MXFP4   Type = 39
	NVFP4   Type = 40
	Q1_0    Type = 41
	Q2_0    Type = 42

	// TypeCount is GGML_TYPE_COUNT at the pinned ggml commit.
	TypeCount Type = 43
)

// QK_K is the super-block size of the K-quants and IQ types.
const QK_K = 256

// TypeInfo is the block geometry of one ggml type.
type TypeInfo struct {
	Name      string // ggml_type_name, e.g. "q4_K"
	BlockSize int    // elements per block
	TypeSize  int    // bytes per block
	Quantized bool   // ggml_is_quantized
}

var typeTable = [TypeCount]TypeInfo{
	F32:     {"f32", 1, 4, false},
	F16:     {"f16", 1, 2, false},
	Q4_0:    {"q4_0", 32, 18, true},
	Q4_1:    {"q4_1", 32, 20, true},
	Q5_0:    {"q5_0", 32, 22, true},
	Q5_1:    {"q5_1", 32, 24, true},
	Q8_0:    {"q8_0", 32, 34, true},
	Q8_1:    {"q8_1", 32, 36, true},
	Q2_K:    {"q2_K", QK_K, 84, true},
	Q3_K:    {"q3_K", QK_K, 110, true},
	Q4_K:    {"q4_K", QK_K, 144, true},
	Q5_K:    {"q5_K", QK_K, 176, true},
	Q6_K:    {"q6_K", QK_K, 210, true},
	Q8_K:    {"q8_K", QK_K, 292, true},
	IQ2_XXS: {"iq2_xxs", QK_K, 66, true},
	IQ2_XS:  {"iq2_xs", QK_K, 74, true},
	IQ3_XXS: {"iq3_xxs", QK_K, 98, true},
	IQ1_S:   {"iq1_s", QK_K, 50, true},
	IQ4_NL:  {"iq4_nl", 32, 18, true},
	IQ3_S:   {"iq3_s", QK_K, 110, true},
	IQ2_S:   {"iq2_s", QK_K, 82, true},
	IQ4_XS:  {"iq4_xs", QK_K, 136, true},
	I8:      {"i8", 1, 1, false},
	I16:     {"i16", 1, 2, false},
	I32:     {"i32", 1, 4, false},
	I64:     {"i64", 1, 8, false},
	F64:     {"f64", 1, 8, false},
	IQ1_M:   {"iq1_m", QK_K, 56, true},
	BF16:    {"bf16", 1, 2, false},
	TQ1_0:   {"tq1_0", QK_K, 54, true},
	TQ2_0:   {"tq2_0", QK_K, 66, true},
	MXFP4:   {"mxfp4", 32, 17, true},
	NVFP4:   {"nvfp4", 64, 36, true},
	Q1_0:    {"q1_0", 128, 18, true},
	Q2_0:    {"q2_0", 64, 18, true},
}

// Valid reports whether t is a ggml type id that a GGUF file may hold
// (in range and not one of the removed ids 4, 5, 31-33, 36-38).
func (t Type) Valid() bool { return t < TypeCount && typeTable[t].BlockSize != 0 }

// Info returns the block geometry of t; the zero TypeInfo if t is not Valid.
func (t Type) Info() TypeInfo {
	if t >= TypeCount {
		return TypeInfo{}
	}
	return typeTable[t]
}

// BlockSize is the number of elements in one block of t (0 if invalid).
func (t Type) BlockSize() int { return t.Info().BlockSize }

// TypeSize is the number of bytes in one block of t (0 if invalid).
func (t Type) TypeSize() int { return t.Info().TypeSize }

// String is ggml's name for t ("q4_K"), or "type(N)" for an unknown id.
func (t Type) String() string {
	if t.Valid() {
		return typeTable[t].Name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// UpperName is the gguf-py / llama.cpp log spelling ("Q4_K", "IQ2_XXS", "BF16").
func (t Type) UpperName() string { return strings.ToUpper(t.String()) }

// RowSize is the byte size of a row of n elements, or an error when n is
// not a whole number of blocks.
func (t Type) RowSize(n int64) (int64, error) {
	if !t.Valid() {
		return 0, fmt.Errorf("unknown ggml type id %d", uint32(t))
	}
	bs := int64(typeTable[t].BlockSize)
	if n < 0 || n%bs != 0 {
		return 0, fmt.Errorf("row length %d of type %s is not a multiple of its block size %d", n, t, bs)
	}
	return n / bs * int64(typeTable[t].TypeSize), nil
}

// ParseType accepts ggml's name in any case ("q4_k", "Q4_K", "bf16").
func ParseType(s string) (Type, error) {
	for id, ti := range typeTable {
		if ti.BlockSize != 0 && strings.EqualFold(ti.Name, s) {
			return Type(id), nil
		}
	}
	return 0, fmt.Errorf("unknown ggml type %q", s)
}

// Types lists every valid type id in ascending order.
func Types() []Type {
	var out []Type
	for id := range typeTable {
		if typeTable[id].BlockSize != 0 {
			out = append(out, Type(id))
		}
	}
	return out
}
