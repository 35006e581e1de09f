package gguf

import (
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"

	parser "github.com/gpustack/gguf-parser-go"
)

// The reasons parserlib.go gives for not taking metadata values from
// gguf-parser-go, checked against the library. If one of these starts
// failing after a library upgrade, the comment there needs revisiting.

func TestLibraryTrimsStrings(t *testing.T) {
	p := writeTemp(t, "s.gguf", validSpec().build().b)
	gf, err := parser.ParseGGUFFile(p)
	if err != nil {
		t.Fatal(err)
	}
	kv, ok := gf.Header.MetadataKV.Get("t.str")
	if !ok {
		t.Fatal("t.str missing")
	}
	if kv.ValueString() != "leading and trailing white space" {
		t.Fatalf("library returned %q: it no longer trims strings", kv.ValueString())
	}
	m, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if s, _ := m.Meta.String("t.str"); s != " leading and trailing white space\n" {
		t.Fatalf("our value %q", s)
	}
}

func TestLibraryDropsSplitNo(t *testing.T) {
	paths := writeSplit(t, t.TempDir(), "m.gguf", 5)
	gf, err := parser.ParseGGUFFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := gf.Header.MetadataKV.Get(SplitNoKey); ok {
		t.Fatal("library now keeps split.no")
	}
}

// Inputs on which the library panics: Open reports an error instead.
func TestLibraryPanicsWhereOpenFails(t *testing.T) {
	cases := map[string]func(w *builder) int{
		"alignment u64": func(w *builder) int { w.kv(AlignmentKey, 10, func() { w.u64(32) }); return 1 },
		"alignment 0":   func(w *builder) int { w.kv(AlignmentKey, 4, func() { w.u32(0) }); return 1 },
		"array of arrays": func(w *builder) int {
			w.kv("x", 9, func() { w.u32(9); w.u64(1); w.u32(0); w.u64(0) })
			return 1
		},
	}
	for name, kvs := range cases {
		p := writeTemp(t, "bad.gguf", fileSpec{kvs: kvs, tensors: smallTensors()[:1]}.build().b)
		if _, err := parseWithLibrary(p); err == nil || !strings.Contains(err.Error(), "panic") {
			t.Errorf("%s: library did not panic (%v)", name, err)
		}
		if _, err := Open(p); err == nil {
			t.Errorf("%s: Open accepted the file", name)
		}
	}
}

// The cross-check is not vacuous: a model that differs from the file in
// any tensor field is reported.
func TestLibraryCrossCheckDetectsDifferences(t *testing.T) {
	p := writeTemp(t, "m.gguf", validSpec().build().b)
	gf, err := parseWithLibrary(p)
	if err != nil {
		t.Fatal(err)
	}
	edits := map[string]func(m *Model){
		"shape":  func(m *Model) { m.Tensors[1].Shape = []int64{32, 4} },
		"type":   func(m *Model) { m.Tensors[0].Type = 1 },
		"name":   func(m *Model) { m.Tensors[2].Name = "other" },
		"offset": func(m *Model) { m.Tensors[3].Offset += 32 },
		"data":   func(m *Model) { m.Shards[0].DataOffset += 32 },
		"count":  func(m *Model) { m.Tensors = m.Tensors[1:] },
	}
	for name, edit := range edits {
		m, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := compareWithLibrary(m, gf); err != nil {
			t.Fatalf("unmodified model: %v", err)
		}
		edit(m)
		if compareWithLibrary(m, gf) == nil {
			t.Errorf("%s: difference not detected", name)
		}
		m.Close()
	}
}

// A single file may carry any split.tensors.count (llama.cpp ignores it
// there); the library would preallocate from it, so the cross-check is
// skipped and the file still opens.
func TestLibrarySkippedForHugeSplitCount(t *testing.T) {
	for name, kv := range map[string]func(w *builder){
		"i32 max":  func(w *builder) { w.kv(SplitTensorsCountKey, 5, func() { w.u32(1<<31 - 1) }) },
		"string":   func(w *builder) { w.kv(SplitTensorsCountKey, 8, func() { w.str("100000000000") }) },
		"u64 huge": func(w *builder) { w.kv(SplitTensorsCountKey, 10, func() { w.u64(1 << 60) }) },
		"head_count": func(w *builder) {
			w.kv("llama.attention.head_count", 9, func() { w.u32(0); w.u64(1 << 17); w.zeros(1 << 17) })
		},
	} {
		fs := fileSpec{kvs: func(w *builder) int { kv(w); return 1 }, tensors: smallTensors()[:2]}
		p := writeTemp(t, "m.gguf", fs.build().b)
		m, err := Open(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !libraryUnsafe(m) {
			t.Errorf("%s: library would have been called", name)
		}
		m.Close()
	}
}

// gguf.cpp accepts a tensor with n_dims = 0 (a scalar); the library does
// not, so such a file skips the cross-check instead of failing.
func TestScalarTensorOpens(t *testing.T) {
	fs := fileSpec{tensors: []tspec{{name: "s", typ: quant.F32, shape: []int64{}}, {name: "v", typ: quant.F32, shape: []int64{3}}}}
	p := writeTemp(t, "scalar.gguf", fs.build().b)
	if _, err := parseWithLibrary(p); err == nil {
		t.Fatal("library now accepts 0-dimensional tensors")
	}
	m, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if s := m.Tensor("s"); s == nil || s.Size() != 4 || len(s.Shape) != 0 {
		t.Fatalf("scalar tensor %+v", s)
	}
	checkTensorsMatch(t, m, fs.tensors)
}
