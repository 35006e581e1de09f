//go:build linux && amd64

package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// quantizeParams mirrors llama_model_quantize_params (llama.h of the
// library's commit); quantizeParamsDefault checks the layout against the
// library's own defaults.
type quantizeParams struct {
	nthread            int32
	ftype              int32
	outputTensorType   int32
	tokenEmbeddingType int32
	allowRequantize    bool
	quantizeOutput     bool
	onlyCopy           bool
	pure               bool
	keepSplit          bool
	dryRun             bool
	imatrix            uintptr
	kvOverrides        *kvOverride
	ttOverrides        *tensorOverride
	pruneLayers        *int32
	maxBufSize         uintptr
}

// kvOverride mirrors llama_model_kv_override: tag, key[128], then a
// 128-byte union aligned to 8.
type kvOverride struct {
	tag int32
	key [128]byte
	_   [4]byte
	val [128]byte
}

// tensorOverride mirrors llama_model_tensor_override.
type tensorOverride struct {
	pattern *byte
	typ     int32
}

type quantizeFuncs struct {
	defaults func() quantizeParams
	quantize func(in, out string, p *quantizeParams) uint32
	typeName func(t int32) *byte
}

func (l *lib) quantizeAPI() (*quantizeFuncs, error) {
	h, err := purego.Dlopen(l.dir+"/libllama.v0.5.0.so", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, err
	}
	q := &quantizeFuncs{}
	for _, s := range []struct {
		fn   any
		name string
	}{{&q.defaults, "llama_model_quantize_default_params"}, {&q.quantize, "llama_model_quantize"}, {&q.typeName, "ggml_type_name"}} {
		addr, err := purego.Dlsym(h, s.name)
		if err != nil {
			return nil, fmt.Errorf("libllama lacks %s: %v", s.name, err)
		}
		purego.RegisterFunc(s.fn, addr)
	}
	return q, nil
}

// cmdQuantize runs llama_model_quantize the way the llama-quantize tool
// sets it up from its flags: --pure, --allow-requantize, --keep-split,
// --override-kv K=T:V, --tensor-type PATTERN=TYPE (pattern lower-cased),
// --prune-layers L0,L1,... and --threads N. FTYPE is a llama_ftype number.
func cmdQuantize(l *lib, args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: lldriver quantize IN OUT FTYPE [options]")
	}
	api, err := l.quantizeAPI()
	if err != nil {
		return err
	}
	p := api.defaults()
	if p.ftype != 7 || p.outputTensorType != 43 || p.tokenEmbeddingType != 43 || !p.quantizeOutput || p.pure ||
		p.kvOverrides != nil || p.pruneLayers != nil || p.maxBufSize != 8<<30 {
		return fmt.Errorf("llama_model_quantize_params layout mismatch: defaults %+v", p)
	}
	ft, err := strconv.Atoi(args[2])
	if err != nil {
		return fmt.Errorf("bad ftype %q", args[2])
	}
	p.ftype = int32(ft)
	var kvs []kvOverride
	var tts []tensorOverride
	var prune []int32
	var keep [][]byte // C strings referenced by tts
	for i := 3; i < len(args); i++ {
		arg := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", arg)
			}
			i++
			return args[i], nil
		}
		var v string
		switch arg {
		case "--pure":
			p.pure = true
		case "--allow-requantize":
			p.allowRequantize = true
		case "--keep-split":
			p.keepSplit = true
		case "--threads":
			if v, err = next(); err == nil {
				var n int
				n, err = strconv.Atoi(v)
				p.nthread = int32(n)
			}
		case "--override-kv":
			if v, err = next(); err == nil {
				var o kvOverride
				if o, err = parseKV(v); err == nil {
					kvs = append(kvs, o)
				}
			}
		case "--tensor-type":
			if v, err = next(); err == nil {
				name, typ, ok := strings.Cut(v, "=")
				t := api.ggmlType(typ)
				if !ok || t < 0 {
					return fmt.Errorf("bad --tensor-type %q", v)
				}
				c := append([]byte(strings.ToLower(name)), 0)
				keep = append(keep, c)
				tts = append(tts, tensorOverride{pattern: &c[0], typ: t})
			}
		case "--prune-layers":
			if v, err = next(); err == nil {
				for _, f := range strings.Split(v, ",") {
					n, perr := strconv.Atoi(f)
					if perr != nil || n < 0 {
						return fmt.Errorf("bad layer %q", f)
					}
					prune = append(prune, int32(n))
				}
			}
		default:
			return fmt.Errorf("unknown option %q", arg)
		}
		if err != nil {
			return err
		}
	}
	if len(kvs) > 0 {
		kvs = append(kvs, kvOverride{}) // key[0] == 0 ends the list
		p.kvOverrides = &kvs[0]
	}
	if len(tts) > 0 {
		tts = append(tts, tensorOverride{})
		p.ttOverrides = &tts[0]
	}
	if len(prune) > 0 {
		prune = append(prune, -1)
		p.pruneLayers = &prune[0]
	}
	rc := api.quantize(args[0], args[1], &p)
	runtime.KeepAlive(kvs)
	runtime.KeepAlive(tts)
	runtime.KeepAlive(keep)
	runtime.KeepAlive(prune)
	if rc != 0 {
		return fmt.Errorf("llama_model_quantize returned %d", rc)
	}
	return printJSON(map[string]int{"rc": int(rc)})
}

// ggmlType finds a type by ggml_type_name, case-insensitively, as
// llama-quantize's parse_ggml_type does; -1 when none matches.
func (q *quantizeFuncs) ggmlType(name string) int32 {
	for t := int32(0); t < 64; t++ {
		if s := cString(q.typeName(t)); s != "" && strings.EqualFold(s, name) {
			return t
		}
	}
	return -1
}

func cString(c *byte) string {
	var b []byte
	for ; c != nil && *c != 0; c = (*byte)(unsafe.Add(unsafe.Pointer(c), 1)) {
		b = append(b, *c)
	}
	return string(b)
}

// parseKV reads KEY=TYPE:VALUE into llama.cpp's struct the way its
// command-line parser does (atol/atof semantics are not needed here: the
// tests pass well-formed values).
func parseKV(s string) (kvOverride, error) {
	var o kvOverride
	key, rest, ok := strings.Cut(s, "=")
	typ, val, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || len(key) >= 128 || len(val) >= 128 {
		return o, fmt.Errorf("bad override %q", s)
	}
	copy(o.key[:], key)
	switch typ {
	case "int":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return o, err
		}
		o.tag = 0
		*(*int64)(unsafe.Pointer(&o.val[0])) = n
	case "float":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return o, err
		}
		o.tag = 1
		*(*float64)(unsafe.Pointer(&o.val[0])) = f
	case "bool":
		o.tag = 2
		o.val[0] = b2u8(val == "true")
	case "str":
		o.tag = 3
		copy(o.val[:], val)
	default:
		return o, fmt.Errorf("bad override type %q", typ)
	}
	return o, nil
}

func b2u8(b bool) byte {
	if b {
		return 1
	}
	return 0
}
