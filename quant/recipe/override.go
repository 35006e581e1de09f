package recipe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
)

// KVOverride is one --override-kv KEY=TYPE:VALUE: a metadata value the
// output gets whatever the input says.
type KVOverride struct {
	Key   string
	Value gguf.Value
}

// overrideKeyMaxLen is the longest key llama.cpp's parser accepts
// (llama_model_kv_override.key holds 127 bytes and a NUL).
const overrideKeyMaxLen = 127

// ParseKVOverride reads llama.cpp's KEY=TYPE:VALUE syntax, TYPE one of int,
// float, bool, str, and gives the value the GGUF type llama-quantize writes:
// int as uint32 of the absolute value (llama.cpp PR 14182), float as
// float32, bool, and str (at most 127 bytes). Values are checked strictly
// where llama.cpp's atol/atof would read a malformed number as 0.
func ParseKVOverride(s string) (KVOverride, error) {
	key, rest, ok := strings.Cut(s, "=")
	if !ok || key == "" || len(key) > overrideKeyMaxLen {
		return KVOverride{}, fmt.Errorf("override %q: want KEY=TYPE:VALUE with a key of 1 to %d bytes", s, overrideKeyMaxLen)
	}
	typ, val, ok := strings.Cut(rest, ":")
	if !ok {
		return KVOverride{}, fmt.Errorf("override %q: want KEY=TYPE:VALUE, TYPE one of int, float, bool, str", s)
	}
	o := KVOverride{Key: key}
	switch typ {
	case "int":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return o, fmt.Errorf("override %q: %q is not an integer", s, val)
		}
		if n < 0 {
			n = -n
		}
		o.Value = gguf.U32(uint32(n))
	case "float":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return o, fmt.Errorf("override %q: %q is not a number", s, val)
		}
		o.Value = gguf.F32(float32(f))
	case "bool":
		if val != "true" && val != "false" {
			return o, fmt.Errorf("override %q: a bool is true or false", s)
		}
		o.Value = gguf.Bool(val == "true")
	case "str":
		if len(val) > overrideStringMaxLen {
			return o, fmt.Errorf("override %q: a string value holds at most %d bytes", s, overrideStringMaxLen)
		}
		o.Value = gguf.Str(val)
	default:
		return o, fmt.Errorf("override %q: type %q is not one of int, float, bool, str", s, typ)
	}
	return o, nil
}

// ApplyOverrides sets each override in order (a key already present moves
// to the end, as gguf_set_val does).
func ApplyOverrides(m *gguf.Metadata, overrides []KVOverride) {
	for _, o := range overrides {
		m.Set(o.Key, o.Value)
	}
}
