package gguf

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

// builder assembles GGUF bytes field by field, independently of encode.go,
// so tests can compare the writer against it and corrupt any field. Marks
// record where labelled fields start.
type builder struct {
	b     []byte
	marks map[string]int
}

func newBuilder() *builder { return &builder{marks: map[string]int{}} }

func (w *builder) mark(label string) { w.marks[label] = len(w.b) }
func (w *builder) u8(v uint8)        { w.b = append(w.b, v) }
func (w *builder) u16(v uint16)      { w.b = binary.LittleEndian.AppendUint16(w.b, v) }
func (w *builder) u32(v uint32)      { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *builder) u64(v uint64)      { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *builder) str(s string)      { w.u64(uint64(len(s))); w.b = append(w.b, s...) }
func (w *builder) zeros(n int)       { w.b = append(w.b, make([]byte, n)...) }

// kv writes a key, a type id and lets body write the value.
func (w *builder) kv(key string, typ uint32, body func()) {
	w.mark("kv:" + key)
	w.str(key)
	w.mark("kvtype:" + key)
	w.u32(typ)
	w.mark("kvval:" + key)
	body()
}

// tspec is one tensor of a built file.
type tspec struct {
	name  string
	typ   quant.Type
	shape []int64
	data  []byte // nil: deterministic filler of the right size
}

func (ts tspec) size() int64 {
	shape := append(append([]int64(nil), ts.shape...), 1) // 0-dim: one element
	rs, err := ts.typ.RowSize(shape[0])
	if err != nil {
		panic(err)
	}
	n := rs
	for _, d := range ts.shape[min(1, len(ts.shape)):] {
		n *= d
	}
	return n
}

func (ts tspec) bytes() []byte {
	if ts.data != nil {
		return ts.data
	}
	b := make([]byte, ts.size())
	for i := range b {
		b[i] = byte(i*7 + len(ts.name))
	}
	return b
}

// fileSpec describes a whole file; kvs writes the metadata and returns how
// many pairs it wrote.
type fileSpec struct {
	version uint32
	kvs     func(w *builder) int
	tensors []tspec
	align   int
}

func padTo(n, a int) int { return (n + a - 1) / a * a }

// build lays the file out as gguf.cpp does.
func (fs fileSpec) build() *builder {
	w := newBuilder()
	align := fs.align
	if align == 0 {
		align = 32
	}
	version := fs.version
	if version == 0 {
		version = 3
	}
	w.b = append(w.b, "GGUF"...)
	w.mark("version")
	w.u32(version)
	w.mark("ntensors")
	w.u64(uint64(len(fs.tensors)))
	w.mark("nkv")
	w.u64(0)
	nkv := 0
	if fs.kvs != nil {
		nkv = fs.kvs(w)
	}
	binary.LittleEndian.PutUint64(w.b[w.marks["nkv"]:], uint64(nkv))
	off := 0
	for _, t := range fs.tensors {
		w.mark("ti:" + t.name)
		w.str(t.name)
		w.mark("ndims:" + t.name)
		w.u32(uint32(len(t.shape)))
		w.mark("shape:" + t.name)
		for _, d := range t.shape {
			w.u64(uint64(d))
		}
		w.mark("type:" + t.name)
		w.u32(uint32(t.typ))
		w.mark("offset:" + t.name)
		w.u64(uint64(off))
		off += padTo(int(t.size()), align)
	}
	w.zeros(padTo(len(w.b), align) - len(w.b))
	w.mark("data")
	for _, t := range fs.tensors {
		w.mark("data:" + t.name)
		d := t.bytes()
		w.b = append(w.b, d...)
		w.zeros(padTo(len(d), align) - len(d))
	}
	return w
}

// allTypesKVs writes one key of every scalar type, arrays of every element
// type, empty arrays and awkward strings.
func allTypesKVs(w *builder) int {
	n := 0
	add := func(key string, typ uint32, body func()) { w.kv(key, typ, body); n++ }
	arr := func(key string, elem uint32, count int, body func()) {
		add(key, 9, func() { w.u32(elem); w.u64(uint64(count)); body() })
	}
	add("general.architecture", 8, func() { w.str("llama") })
	add("t.u8", 0, func() { w.u8(200) })
	add("t.i8", 1, func() { w.u8(0x80) })
	add("t.u16", 2, func() { w.u16(65535) })
	add("t.i16", 3, func() { w.u16(0x8001) })
	add("t.u32", 4, func() { w.u32(4000000000) })
	add("t.i32", 5, func() { w.u32(0xFFFFFFFE) })
	add("t.f32", 6, func() { w.u32(math.Float32bits(-1.5e-7)) })
	add("t.bool", 7, func() { w.u8(1) })
	add("t.bool_false", 7, func() { w.u8(0) })
	add("t.str", 8, func() { w.str(" leading and trailing white space\n") })
	add("t.str_empty", 8, func() { w.str("") })
	add("t.str_bytes", 8, func() { w.str("\xff\x00invalid utf-8") })
	add("t.u64", 10, func() { w.u64(math.MaxUint64) })
	add("t.i64", 11, func() { w.u64(uint64(1) << 63) })
	add("t.f64", 12, func() { w.u64(math.Float64bits(math.Pi)) })
	add("t.f32_nan", 6, func() { w.u32(0x7fc00123) })
	arr("a.u8", 0, 3, func() { w.u8(1); w.u8(2); w.u8(255) })
	arr("a.i8", 1, 2, func() { w.u8(0xff); w.u8(7) })
	arr("a.u16", 2, 2, func() { w.u16(1); w.u16(65535) })
	arr("a.i16", 3, 2, func() { w.u16(0xffff); w.u16(3) })
	arr("a.u32", 4, 2, func() { w.u32(7); w.u32(4000000000) })
	arr("a.i32", 5, 3, func() { w.u32(0xffffffff); w.u32(0); w.u32(12) })
	arr("a.f32", 6, 2, func() { w.u32(math.Float32bits(0.25)); w.u32(math.Float32bits(-3)) })
	arr("a.bool", 7, 3, func() { w.u8(1); w.u8(0); w.u8(1) })
	arr("a.str", 8, 4, func() { w.str("<s>"); w.str(" "); w.str("\n"); w.str("") })
	arr("a.u64", 10, 1, func() { w.u64(1 << 40) })
	arr("a.i64", 11, 2, func() { w.u64(math.MaxUint64); w.u64(5) })
	arr("a.f64", 12, 2, func() { w.u64(math.Float64bits(1e300)); w.u64(math.Float64bits(math.Copysign(0, -1))) })
	arr("a.empty_u8", 0, 0, func() {})
	arr("a.empty_str", 8, 0, func() {})
	arr("a.empty_f32", 6, 0, func() {})
	arr("a.empty_i64", 11, 0, func() {})
	return n
}

// smallTensors covers float, quantized and integer types, 1-4 dims, and a
// size that is not a multiple of the alignment.
func smallTensors() []tspec {
	return []tspec{
		{name: "token_embd.weight", typ: quant.F32, shape: []int64{8, 3}},
		{name: "blk.0.q4", typ: quant.Q4_0, shape: []int64{64, 2}},
		{name: "blk.0.q4k", typ: quant.Q4_K, shape: []int64{256, 1, 2}},
		{name: "blk.0.f16", typ: quant.F16, shape: []int64{5}},
		{name: "blk.0.i32", typ: quant.I32, shape: []int64{2, 1, 1, 3}},
		{name: "empty", typ: quant.F32, shape: []int64{0, 4}},
		{name: "output.weight", typ: quant.Q8_0, shape: []int64{32, 3}},
	}
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
