package gguf

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

// FuzzOpen feeds arbitrary bytes to Open. It must never panic; a file it
// accepts must have readable tensors and must survive a rewrite: written
// back and reopened it has the same metadata (types, values, order) and the
// same tensors and bytes.
//
//	go test -run='^$' -fuzz=FuzzOpen -fuzztime=20s ./gguf
func FuzzOpen(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Most mutations are rejected by the header scan; doing that in
		// memory first keeps each run (and input minimization) fast. Open
		// runs the same scan on the file and returns the same error.
		if _, err := scanHeader(bytes.NewReader(data), int64(len(data)), "fuzz.gguf"); err != nil {
			if len(err.Error()) == 0 {
				t.Fatal("empty error")
			}
			return
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "in.gguf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Open(path)
		if err != nil {
			return // split keys or the library cross-check refused it
		}
		defer m.Close()
		tensors := make([][]byte, len(m.Tensors))
		for i, tt := range m.Tensors {
			tensors[i] = make([]byte, tt.Size())
			if n, err := tt.ReadAt(tensors[i], 0); err != nil || int64(n) != tt.Size() {
				t.Fatalf("tensor %s: read %d of %d bytes: %v", tt.Name, n, tt.Size(), err)
			}
		}
		out := filepath.Join(dir, "out.gguf")
		w, err := Create(out, m.Meta, m.Infos(), WriterOptions{})
		if err != nil {
			t.Fatalf("accepted file cannot be written back: %v", err)
		}
		w.noSync = true // fsync would dominate the run time
		for i := range tensors {
			if err := w.WriteAt(i, tensors[i], 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		back, err := Open(out)
		if err != nil {
			t.Fatalf("rewritten file does not open: %v", err)
		}
		defer back.Close()
		compareModels(t, m, back, tensors)
	})
}

// compareModels requires b to hold a's metadata (minus split keys, which
// the writer owns) and a's tensors with the given bytes.
func compareModels(t *testing.T, a, b *Model, data [][]byte) {
	t.Helper()
	meta := a.Meta.Clone()
	for _, k := range []string{SplitNoKey, SplitCountKey, SplitTensorsCountKey} {
		meta.Delete(k)
	}
	ka, kb := meta.KVs(), b.Meta.KVs()
	if len(ka) != len(kb) {
		t.Fatalf("%d keys became %d", len(ka), len(kb))
	}
	for i := range ka {
		if ka[i].Key != kb[i].Key || !ka[i].Value.Equal(kb[i].Value) {
			t.Fatalf("key #%d: %q %s became %q %s", i, ka[i].Key, ka[i].Value.TypeName(), kb[i].Key, kb[i].Value.TypeName())
		}
	}
	if len(a.Tensors) != len(b.Tensors) || a.Alignment != b.Alignment {
		t.Fatalf("%d tensors (align %d) became %d (align %d)", len(a.Tensors), a.Alignment, len(b.Tensors), b.Alignment)
	}
	for i, ta := range a.Tensors {
		tb := b.Tensors[i]
		if ta.Name != tb.Name || ta.Type != tb.Type || !reflect.DeepEqual(ta.Shape, tb.Shape) {
			t.Fatalf("tensor %d: %s %s %v became %s %s %v", i, ta.Name, ta.Type, ta.Shape, tb.Name, tb.Type, tb.Shape)
		}
		got, err := io.ReadAll(tb.Section())
		if err != nil || !bytes.Equal(got, data[i]) {
			t.Fatalf("tensor %s: bytes differ after rewrite (%v)", ta.Name, err)
		}
	}
}

// fuzzSeeds are small valid files covering the features of the format.
// They are kept short: the fuzzer minimizes every new input it finds, and
// its time grows with the input's length.
func fuzzSeeds() [][]byte {
	types := fileSpec{kvs: func(w *builder) int {
		for typ := uint32(0); typ <= 12; typ++ {
			if typ == 9 {
				continue
			}
			key := string(rune('a' + typ))
			w.kv(key, typ, func() { scalarBytes(w, typ) })
			w.kv("A"+key, 9, func() { w.u32(typ); w.u64(1); scalarBytes(w, typ) })
		}
		w.kv("E", 9, func() { w.u32(8); w.u64(0) })
		return 25
	}, tensors: []tspec{{name: "q", typ: quant.Q4_0, shape: []int64{32}}, {name: "f", typ: quant.F32, shape: []int64{1, 2}}}}.build().b
	v2 := append([]byte(nil), types...)
	binary.LittleEndian.PutUint32(v2[4:], 2)
	a64 := fileSpec{kvs: func(w *builder) int {
		w.kv(AlignmentKey, 4, func() { w.u32(64) })
		return 1
	}, tensors: []tspec{{name: "w", typ: quant.Q8_0, shape: []int64{32}}, {name: "b", typ: quant.F16, shape: []int64{3}}}, align: 64}.build().b
	shard := fileSpec{kvs: func(w *builder) int {
		w.kv(SplitNoKey, 2, func() { w.u16(0) })
		w.kv(SplitCountKey, 2, func() { w.u16(1) })
		w.kv(SplitTensorsCountKey, 5, func() { w.u32(1) })
		return 3
	}, tensors: []tspec{{name: "x", typ: quant.Q8_0, shape: []int64{32}}}}.build().b
	return [][]byte{
		types,
		v2,
		a64,
		shard,
		fileSpec{tensors: []tspec{{name: "t", typ: quant.F32, shape: []int64{1}}}}.build().b,
		fileSpec{kvs: archKVs}.build().b,
		[]byte("GGUF\x03\x00\x00\x00"),
	}
}

// scalarBytes writes one small value of GGUF type typ.
func scalarBytes(w *builder, typ uint32) {
	switch ValueType(typ) {
	case Uint8, Int8, Boolean:
		w.u8(1)
	case Uint16, Int16:
		w.u16(2)
	case Uint32, Int32, Float32:
		w.u32(3)
	case String:
		w.str("s")
	default:
		w.u64(4)
	}
}

// The seeds themselves go through the property (so plain `go test` checks
// them even without -fuzz), and they are all accepted.
func TestFuzzSeedsOpen(t *testing.T) {
	for i, s := range fuzzSeeds()[:6] {
		p := writeTemp(t, "seed.gguf", s)
		m, err := Open(p)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		m.Close()
	}
}
