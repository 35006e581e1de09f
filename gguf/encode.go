package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Little-endian encoders for the GGUF header, in the byte layout gguf.cpp's
// gguf_write_out produces.

var le = binary.LittleEndian

func appendString(b []byte, s string) []byte {
	b = le.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendScalar encodes one scalar x of GGUF type t (already type-checked).
func appendScalar(b []byte, x any) []byte {
	switch x := x.(type) {
	case uint8:
		return append(b, x)
	case int8:
		return append(b, byte(x))
	case uint16:
		return le.AppendUint16(b, x)
	case int16:
		return le.AppendUint16(b, uint16(x))
	case uint32:
		return le.AppendUint32(b, x)
	case int32:
		return le.AppendUint32(b, uint32(x))
	case float32:
		return le.AppendUint32(b, math.Float32bits(x))
	case bool:
		return appendBool(b, x)
	case string:
		return appendString(b, x)
	case uint64:
		return le.AppendUint64(b, x)
	case int64:
		return le.AppendUint64(b, uint64(x))
	case float64:
		return le.AppendUint64(b, math.Float64bits(x))
	}
	panic(fmt.Sprintf("gguf: appendScalar of %T", x)) // unreachable after Check
}

// appendArray encodes elem type, count and the elements.
func appendArray(b []byte, elem ValueType, v any) []byte {
	b = le.AppendUint32(b, uint32(elem))
	switch a := v.(type) {
	case []uint8:
		b = le.AppendUint64(b, uint64(len(a)))
		return append(b, a...)
	case []int8:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = append(b, byte(x))
		}
	case []uint16:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint16(b, x)
		}
	case []int16:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint16(b, uint16(x))
		}
	case []uint32:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint32(b, x)
		}
	case []int32:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint32(b, uint32(x))
		}
	case []float32:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
	case []bool:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = appendBool(b, x)
		}
	case []string:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = appendString(b, x)
		}
	case []uint64:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint64(b, x)
		}
	case []int64:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint64(b, uint64(x))
		}
	case []float64:
		b = le.AppendUint64(b, uint64(len(a)))
		for _, x := range a {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
	}
	return b
}

// appendValue encodes v without its type tag.
func appendValue(b []byte, v Value) ([]byte, error) {
	if err := v.Check(); err != nil {
		return b, err
	}
	if v.Type == Array {
		return appendArray(b, v.Elem, v.V), nil
	}
	return appendScalar(b, v.V), nil
}

// appendKV encodes key, type tag and value.
func appendKV(b []byte, kv KV) ([]byte, error) {
	if kv.Key == "" {
		return b, fmt.Errorf("empty metadata key")
	}
	b = appendString(b, kv.Key)
	b = le.AppendUint32(b, uint32(kv.Value.Type))
	b, err := appendValue(b, kv.Value)
	if err != nil {
		return b, fmt.Errorf("metadata key %q: %w", kv.Key, err)
	}
	return b, nil
}

// appendTensorInfo encodes name, n_dims, ne[], type and the data offset.
func appendTensorInfo(b []byte, ti TensorInfo, offset int64) []byte {
	b = appendString(b, ti.Name)
	b = le.AppendUint32(b, uint32(len(ti.Shape)))
	for _, ne := range ti.Shape {
		b = le.AppendUint64(b, uint64(ne))
	}
	b = le.AppendUint32(b, uint32(ti.Type))
	return le.AppendUint64(b, uint64(offset))
}

// pad rounds x up to a multiple of the power of two n.
func pad(x, n int64) int64 { return (x + n - 1) &^ (n - 1) }
