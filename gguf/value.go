// Package gguf reads and writes GGUF model files (v2 and v3, little-endian),
// including models split into shards the way llama.cpp's gguf-split does it.
//
// Reading keeps every metadata value with its exact GGUF type and the key
// order, so that writing a model back loses nothing. Tensor data is never
// loaded as a whole: a Tensor reads its bytes with positioned reads, and the
// Writer lays out offsets up front and accepts each tensor's bytes at its
// place, from any goroutine, straight into a temporary file that is renamed
// into place only when everything was written.
package gguf

import (
	"fmt"
	"math"
)

// ValueType is a GGUF metadata value type id (enum gguf_type).
type ValueType uint32

// GGUF metadata value type ids.
const (
	Uint8   ValueType = 0
	Int8    ValueType = 1
	Uint16  ValueType = 2
	Int16   ValueType = 3
	Uint32  ValueType = 4
	Int32   ValueType = 5
	Float32 ValueType = 6
	Boolean ValueType = 7 // named Boolean so that Bool can be the constructor
	String  ValueType = 8
	Array   ValueType = 9
	Uint64  ValueType = 10
	Int64   ValueType = 11
	Float64 ValueType = 12

	valueTypeCount ValueType = 13
)

var valueTypeNames = [valueTypeCount]string{
	"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64", "i64", "f64",
}

// String is a short name ("u32", "str", "arr").
func (t ValueType) String() string {
	if t < valueTypeCount {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// size is the encoded size of one scalar of type t; 0 for String/Array
// (variable) and unknown ids.
func (t ValueType) size() int64 {
	switch t {
	case Uint8, Int8, Boolean:
		return 1
	case Uint16, Int16:
		return 2
	case Uint32, Int32, Float32:
		return 4
	case Uint64, Int64, Float64:
		return 8
	}
	return 0
}

// validScalar reports whether t may appear as a plain value or as an array
// element type (gguf.cpp rejects arrays of arrays).
func (t ValueType) validScalar() bool { return t < valueTypeCount && t != Array }

// Value is one metadata value with its exact GGUF type.
//
// V holds, for scalars, the Go type matching Type (uint8, int8, uint16, int16,
// uint32, int32, float32, bool, string, uint64, int64, float64); for arrays
// (Type == Array) a slice of the Go type matching Elem ([]uint32, []string, …).
type Value struct {
	Type ValueType
	Elem ValueType // element type when Type == Array
	V    any
}

// Scalar constructors.
func U8(v uint8) Value    { return Value{Type: Uint8, V: v} }
func I8(v int8) Value     { return Value{Type: Int8, V: v} }
func U16(v uint16) Value  { return Value{Type: Uint16, V: v} }
func I16(v int16) Value   { return Value{Type: Int16, V: v} }
func U32(v uint32) Value  { return Value{Type: Uint32, V: v} }
func I32(v int32) Value   { return Value{Type: Int32, V: v} }
func F32(v float32) Value { return Value{Type: Float32, V: v} }
func Bool(v bool) Value   { return Value{Type: Boolean, V: v} }
func Str(s string) Value  { return Value{Type: String, V: s} }
func U64(v uint64) Value  { return Value{Type: Uint64, V: v} }
func I64(v int64) Value   { return Value{Type: Int64, V: v} }
func F64(v float64) Value { return Value{Type: Float64, V: v} }

// Array constructors. The slice is used as is (not copied).
func U8Array(v []uint8) Value    { return Value{Type: Array, Elem: Uint8, V: v} }
func I8Array(v []int8) Value     { return Value{Type: Array, Elem: Int8, V: v} }
func U16Array(v []uint16) Value  { return Value{Type: Array, Elem: Uint16, V: v} }
func I16Array(v []int16) Value   { return Value{Type: Array, Elem: Int16, V: v} }
func U32Array(v []uint32) Value  { return Value{Type: Array, Elem: Uint32, V: v} }
func I32Array(v []int32) Value   { return Value{Type: Array, Elem: Int32, V: v} }
func F32Array(v []float32) Value { return Value{Type: Array, Elem: Float32, V: v} }
func BoolArray(v []bool) Value   { return Value{Type: Array, Elem: Boolean, V: v} }
func StrArray(v []string) Value  { return Value{Type: Array, Elem: String, V: v} }
func U64Array(v []uint64) Value  { return Value{Type: Array, Elem: Uint64, V: v} }
func I64Array(v []int64) Value   { return Value{Type: Array, Elem: Int64, V: v} }
func F64Array(v []float64) Value { return Value{Type: Array, Elem: Float64, V: v} }

// Len is the number of elements of an array value (0 for scalars).
func (v Value) Len() int {
	switch a := v.V.(type) {
	case []uint8:
		return len(a)
	case []int8:
		return len(a)
	case []uint16:
		return len(a)
	case []int16:
		return len(a)
	case []uint32:
		return len(a)
	case []int32:
		return len(a)
	case []float32:
		return len(a)
	case []bool:
		return len(a)
	case []string:
		return len(a)
	case []uint64:
		return len(a)
	case []int64:
		return len(a)
	case []float64:
		return len(a)
	}
	return 0
}

// goTypeOK reports whether x has the Go type that GGUF type t maps to.
func goTypeOK(t ValueType, x any) bool {
	switch t {
	case Uint8:
		_, ok := x.(uint8)
		return ok
	case Int8:
		_, ok := x.(int8)
		return ok
	case Uint16:
		_, ok := x.(uint16)
		return ok
	case Int16:
		_, ok := x.(int16)
		return ok
	case Uint32:
		_, ok := x.(uint32)
		return ok
	case Int32:
		_, ok := x.(int32)
		return ok
	case Float32:
		_, ok := x.(float32)
		return ok
	case Boolean:
		_, ok := x.(bool)
		return ok
	case String:
		_, ok := x.(string)
		return ok
	case Uint64:
		_, ok := x.(uint64)
		return ok
	case Int64:
		_, ok := x.(int64)
		return ok
	case Float64:
		_, ok := x.(float64)
		return ok
	}
	return false
}

// sliceTypeOK reports whether x is the slice type for element type t.
func sliceTypeOK(t ValueType, x any) bool {
	switch x.(type) {
	case []uint8:
		return t == Uint8
	case []int8:
		return t == Int8
	case []uint16:
		return t == Uint16
	case []int16:
		return t == Int16
	case []uint32:
		return t == Uint32
	case []int32:
		return t == Int32
	case []float32:
		return t == Float32
	case []bool:
		return t == Boolean
	case []string:
		return t == String
	case []uint64:
		return t == Uint64
	case []int64:
		return t == Int64
	case []float64:
		return t == Float64
	}
	return false
}

// Check reports an error when V does not hold the Go type that Type (and
// Elem for arrays) requires, or when the value cannot be written to GGUF.
func (v Value) Check() error {
	if v.Type == Array {
		if !v.Elem.validScalar() {
			return fmt.Errorf("array element type %s is not allowed", v.Elem)
		}
		if !sliceTypeOK(v.Elem, v.V) {
			return fmt.Errorf("array of %s holds Go value of type %T", v.Elem, v.V)
		}
		return nil
	}
	if !v.Type.validScalar() {
		return fmt.Errorf("invalid value type %s", v.Type)
	}
	if !goTypeOK(v.Type, v.V) {
		return fmt.Errorf("%s value holds Go value of type %T", v.Type, v.V)
	}
	return nil
}

// TypeName is "u32", "str" or, for arrays, "arr[str]".
func (v Value) TypeName() string {
	if v.Type == Array {
		return "arr[" + v.Elem.String() + "]"
	}
	return v.Type.String()
}

// Int returns the value of any integer scalar type as int64 (uint64 values
// above MaxInt64 are refused), for callers that accept several widths.
func (v Value) Int() (int64, bool) {
	switch x := v.V.(type) {
	case uint8:
		return int64(x), v.Type == Uint8
	case int8:
		return int64(x), v.Type == Int8
	case uint16:
		return int64(x), v.Type == Uint16
	case int16:
		return int64(x), v.Type == Int16
	case uint32:
		return int64(x), v.Type == Uint32
	case int32:
		return int64(x), v.Type == Int32
	case uint64:
		return int64(x), v.Type == Uint64 && x <= math.MaxInt64
	case int64:
		return x, v.Type == Int64
	}
	return 0, false
}

// Float returns a float32 or float64 scalar as float64.
func (v Value) Float() (float64, bool) {
	switch x := v.V.(type) {
	case float32:
		return float64(x), v.Type == Float32
	case float64:
		return x, v.Type == Float64
	}
	return 0, false
}

// Equal reports whether two values have the same types and the same
// contents (floats compared by bits, so NaN payloads count).
func (v Value) Equal(o Value) bool {
	if v.Type != o.Type || (v.Type == Array && v.Elem != o.Elem) {
		return false
	}
	a, err1 := appendValue(nil, v)
	b, err2 := appendValue(nil, o)
	return err1 == nil && err2 == nil && string(a) == string(b)
}
