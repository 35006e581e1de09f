package gguf

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

// expectedAllTypes is what allTypesKVs encodes, as typed Values.
func expectedAllTypes() []KV {
	return []KV{
		{"general.architecture", Str("llama")},
		{"t.u8", U8(200)},
		{"t.i8", I8(-128)},
		{"t.u16", U16(65535)},
		{"t.i16", I16(-32767)},
		{"t.u32", U32(4000000000)},
		{"t.i32", I32(-2)},
		{"t.f32", F32(-1.5e-7)},
		{"t.bool", Bool(true)},
		{"t.bool_false", Bool(false)},
		{"t.str", Str(" leading and trailing white space\n")},
		{"t.str_empty", Str("")},
		{"t.str_bytes", Str("\xff\x00invalid utf-8")},
		{"t.u64", U64(math.MaxUint64)},
		{"t.i64", I64(math.MinInt64)},
		{"t.f64", F64(math.Pi)},
		{"t.f32_nan", F32(math.Float32frombits(0x7fc00123))},
		{"a.u8", U8Array([]uint8{1, 2, 255})},
		{"a.i8", I8Array([]int8{-1, 7})},
		{"a.u16", U16Array([]uint16{1, 65535})},
		{"a.i16", I16Array([]int16{-1, 3})},
		{"a.u32", U32Array([]uint32{7, 4000000000})},
		{"a.i32", I32Array([]int32{-1, 0, 12})},
		{"a.f32", F32Array([]float32{0.25, -3})},
		{"a.bool", BoolArray([]bool{true, false, true})},
		{"a.str", StrArray([]string{"<s>", " ", "\n", ""})},
		{"a.u64", U64Array([]uint64{1 << 40})},
		{"a.i64", I64Array([]int64{-1, 5})},
		{"a.f64", F64Array([]float64{1e300, math.Copysign(0, -1)})},
		{"a.empty_u8", U8Array([]uint8{})},
		{"a.empty_str", StrArray([]string{})},
		{"a.empty_f32", F32Array([]float32{})},
		{"a.empty_i64", I64Array([]int64{})},
	}
}

func TestReadAllValueTypes(t *testing.T) {
	for _, version := range []uint32{2, 3} {
		fs := fileSpec{version: version, kvs: allTypesKVs, tensors: smallTensors()}
		raw := fs.build().b
		path := writeTemp(t, "all.gguf", raw)
		m, err := Open(path)
		if err != nil {
			t.Fatalf("v%d: %v", version, err)
		}
		if m.Version != version || m.Alignment != 32 {
			t.Errorf("v%d: version %d alignment %d", version, m.Version, m.Alignment)
		}
		want := expectedAllTypes()
		got := m.Meta.KVs()
		if len(got) != len(want) {
			t.Fatalf("v%d: %d keys, want %d", version, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Key != w.Key || g.Value.Type != w.Value.Type || g.Value.Elem != w.Value.Elem || !g.Value.Equal(w.Value) {
				t.Errorf("v%d: key #%d: got %s %s %#v, want %s %s %#v", version, i, g.Key, g.Value.TypeName(), g.Value.V, w.Key, w.Value.TypeName(), w.Value.V)
			}
			if reflect.TypeOf(g.Value.V) != reflect.TypeOf(w.Value.V) {
				t.Errorf("v%d: %s: Go type %T, want %T", version, g.Key, g.Value.V, w.Value.V)
			}
		}
		checkTensorsMatch(t, m, fs.tensors)
		m.Close()

		// Writing it back gives the builder's bytes (the version field aside:
		// the writer always writes v3).
		out := rewrite(t, path, filepath.Join(t.TempDir(), "out.gguf"), WriterOptions{})
		back, _ := os.ReadFile(out[0])
		binary.LittleEndian.PutUint32(raw[4:], 3)
		if !bytes.Equal(back, raw) {
			t.Fatalf("v%d: rewrite differs from the input (%d vs %d bytes, first difference at %d)", version, len(back), len(raw), firstDiff(back, raw))
		}
	}
}

func checkTensorsMatch(t *testing.T, m *Model, specs []tspec) {
	t.Helper()
	if len(m.Tensors) != len(specs) {
		t.Fatalf("%d tensors, want %d", len(m.Tensors), len(specs))
	}
	for i, s := range specs {
		tt := m.Tensors[i]
		if tt.Name != s.name || tt.Type != s.typ || !reflect.DeepEqual(tt.Shape, s.shape) {
			t.Errorf("tensor %d: %s %s %v, want %s %s %v", i, tt.Name, tt.Type, tt.Shape, s.name, s.typ, s.shape)
		}
		if m.Tensor(s.name) != tt {
			t.Errorf("Tensor(%q) lookup failed", s.name)
		}
		got, err := io.ReadAll(tt.Section())
		if err != nil || !bytes.Equal(got, s.bytes()) {
			t.Errorf("tensor %s: data differs (%v)", s.name, err)
		}
		if tt.Offset%int64(m.Alignment) != 0 {
			t.Errorf("tensor %s: offset %d not aligned", s.name, tt.Offset)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// rewrite copies a model through Create/WriteAt/Commit, tensor by tensor in
// reverse order and in several chunks, and returns the output paths.
func rewrite(t testing.TB, in, out string, opt WriterOptions) []string {
	t.Helper()
	m, err := Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := Create(out, m.Meta, m.Infos(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(m.Tensors) - 1; i >= 0; i-- {
		data, err := io.ReadAll(m.Tensors[i].Section())
		if err != nil {
			w.Abort()
			t.Fatal(err)
		}
		half := int64(len(data) / 2)
		if err := w.WriteAt(i, data[half:], half); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteAt(i, data[:half], 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w.Paths()
}

func TestTensorInfoSizes(t *testing.T) {
	ti := TensorInfo{Name: "x", Type: quant.Q4_K, Shape: []int64{512, 3, 2}}
	if ti.Elements() != 3072 || ti.RowLen() != 512 || ti.Rows() != 6 || ti.RowBytes() != 288 || ti.Size() != 1728 {
		t.Fatalf("got elements %d rowlen %d rows %d rowbytes %d size %d", ti.Elements(), ti.RowLen(), ti.Rows(), ti.RowBytes(), ti.Size())
	}
	if err := ti.Check(); err != nil {
		t.Fatal(err)
	}
	bad := TensorInfo{Name: "x", Type: quant.Q4_K, Shape: []int64{100}}
	if bad.Check() == nil {
		t.Fatal("row of 100 elements accepted for q4_K")
	}
	scalar := TensorInfo{Name: "s", Type: quant.F32}
	if scalar.Elements() != 1 || scalar.Size() != 4 {
		t.Fatalf("0-dim tensor: %d elements, %d bytes", scalar.Elements(), scalar.Size())
	}
}

func TestTensorReadAtBounds(t *testing.T) {
	fs := fileSpec{tensors: smallTensors()}
	m, err := Open(writeTemp(t, "m.gguf", fs.build().b))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tt := m.Tensor("blk.0.f16") // 10 bytes, followed by padding in the file
	want := fs.tensors[3].bytes()
	buf := make([]byte, 16)
	n, err := tt.ReadAt(buf, 4)
	if n != 6 || err != io.EOF || !bytes.Equal(buf[:6], want[4:]) {
		t.Fatalf("read past end: n=%d err=%v", n, err)
	}
	if n, err := tt.ReadAt(buf[:4], 2); n != 4 || err != nil || !bytes.Equal(buf[:4], want[2:6]) {
		t.Fatalf("inner read: n=%d err=%v", n, err)
	}
	if _, err := tt.ReadAt(buf, 10); err != io.EOF {
		t.Fatalf("read at end: %v", err)
	}
	if _, err := tt.ReadAt(buf, -1); err == nil {
		t.Fatal("negative offset accepted")
	}
}

func TestMetadataOrderAndSet(t *testing.T) {
	m := NewMetadata()
	for i, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		m.Set(k, U32(uint32(i)))
	}
	m.Set("c", Str("moved")) // gguf_set_*: remove and append
	m.Delete("e")
	want := []string{"a", "b", "d", "f", "g", "h", "i", "j", "c"}
	if got := m.Keys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	if s, ok := m.String("c"); !ok || s != "moved" {
		t.Fatalf("String(c) = %q %v", s, ok)
	}
	if _, ok := m.Uint32("c"); ok {
		t.Fatal("Uint32 accepted a string")
	}
	if v, ok := m.Uint32("j"); !ok || v != 9 {
		t.Fatalf("Uint32(j) = %d %v", v, ok)
	}
	if _, ok := m.Int32("j"); ok {
		t.Fatal("Int32 accepted a u32 (llama.cpp requires the exact type)")
	}
	if v, ok := m.Int("j"); !ok || v != 9 {
		t.Fatalf("Int(j) = %d %v", v, ok)
	}
	c := m.Clone()
	c.Set("a", U8(1))
	if v, _ := m.Get("a"); v.Type != Uint32 {
		t.Fatal("Clone shares state with the original")
	}
	arr := NewMetadata()
	arr.Set("x", StrArray([]string{"p"}))
	cl := arr.Clone()
	cl.kvs[0].Value.V.([]string)[0] = "q"
	if s, _ := arr.Strings("x"); s[0] != "p" {
		t.Fatal("Clone shares array storage")
	}
}

func TestValueCheck(t *testing.T) {
	bad := []Value{
		{Type: Uint32, V: int32(1)},
		{Type: Array, Elem: String, V: []uint8{1}},
		{Type: Array, Elem: Array, V: []string{}},
		{Type: 13, V: uint8(1)},
	}
	for _, v := range bad {
		if v.Check() == nil {
			t.Errorf("Check accepted %+v", v)
		}
		if _, err := Create(filepath.Join(t.TempDir(), "x.gguf"), metaWith("k", v), nil, WriterOptions{}); err == nil {
			t.Errorf("Create accepted metadata %+v", v)
		}
	}
}

func metaWith(key string, v Value) *Metadata {
	m := NewMetadata()
	m.Set(key, v)
	return m
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{"2G": 2_000_000_000, "500M": 500_000_000, "1K": 1000, "3T": 3e12, "4096": 4096, "2g": 2e9}
	for s, want := range good {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "G", "-1G", "0M", "1.5G", "2GB", "99999999999999T"} {
		if _, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) accepted", s)
		}
	}
}
