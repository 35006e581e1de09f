package gguf

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

// expectOpenError opens path and requires an error that names the file and
// contains every fragment.
func expectOpenError(t *testing.T, path string, fragments ...string) {
	t.Helper()
	m, err := Open(path)
	if err == nil {
		m.Close()
		t.Fatalf("%s: opened without error, want %q", filepath.Base(path), fragments)
	}
	msg := err.Error()
	t.Log(msg)
	if !strings.Contains(msg, path) {
		t.Errorf("error does not name the file %s: %v", path, err)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q lacks %q", msg, f)
		}
	}
}

func validSpec() fileSpec { return fileSpec{kvs: allTypesKVs, tensors: smallTensors()} }

func put32(b []byte, at int, v uint32) { binary.LittleEndian.PutUint32(b[at:], v) }
func put64(b []byte, at int, v uint64) { binary.LittleEndian.PutUint64(b[at:], v) }

// Each case corrupts one field of a valid file.
func TestOpenRejectsCorruptFiles(t *testing.T) {
	type tc struct {
		name      string
		corrupt   func(w *builder) []byte
		fragments []string
	}
	lastData := func(w *builder) int { return w.marks["data:output.weight"] }
	cases := []tc{
		{"empty file", func(w *builder) []byte { return nil }, []string{"magic", "truncated"}},
		{"truncated header", func(w *builder) []byte { return w.b[:12] }, []string{"tensor count", "truncated"}},
		{"truncated in metadata", func(w *builder) []byte { return w.b[:w.marks["kvval:a.str"]+20] }, []string{"a.str"}},
		{"truncated in tensor infos", func(w *builder) []byte { return w.b[:w.marks["shape:blk.0.q4k"]+4] }, []string{"dimension", "truncated"}},
		{"truncated before data", func(w *builder) []byte { return w.b[:w.marks["data"]-1] }, []string{"before the data section"}},
		{"tensor data past end", func(w *builder) []byte { return w.b[:lastData(w)+50] }, []string{`tensor "output.weight"`, "past the end of the file"}},
		{"wrong magic", func(w *builder) []byte { copy(w.b, "GGML"); return w.b }, []string{"not a GGUF file"}},
		{"byte-swapped magic", func(w *builder) []byte { copy(w.b, "FUGG"); return w.b }, []string{"big-endian"}},
		{"version 0", func(w *builder) []byte { put32(w.b, 4, 0); return w.b }, []string{"version 0"}},
		{"version 1", func(w *builder) []byte { put32(w.b, 4, 1); return w.b }, []string{"version 1 is no longer supported"}},
		{"version 4", func(w *builder) []byte { put32(w.b, 4, 4); return w.b }, []string{"unsupported GGUF version 4"}},
		{"big-endian", func(w *builder) []byte { binary.BigEndian.PutUint32(w.b[4:], 3); return w.b }, []string{"big-endian"}},
		{"absurd tensor count", func(w *builder) []byte { put64(w.b, 8, 1<<60); return w.b }, []string{"tensor count", "impossible"}},
		{"absurd kv count", func(w *builder) []byte { put64(w.b, 16, 1<<40); return w.b }, []string{"metadata count", "impossible"}},
		{"absurd key length", func(w *builder) []byte { put64(w.b, w.marks["kv:t.u8"], 1<<62); return w.b }, []string{"string length", "exceeds"}},
		{"key longer than file", func(w *builder) []byte { put64(w.b, w.marks["kv:t.u8"], 1<<20); return w.b }, []string{"exceeds the", "bytes left"}},
		{"absurd string value", func(w *builder) []byte { put64(w.b, w.marks["kvval:t.str"], math.MaxUint64); return w.b }, []string{"value of t.str", "exceeds"}},
		{"absurd array count", func(w *builder) []byte { put64(w.b, w.marks["kvval:a.u32"]+4, 1<<29); return w.b }, []string{`"a.u32"`, "bytes left"}},
		{"array count over gguf limit", func(w *builder) []byte { put64(w.b, w.marks["kvval:a.u8"]+4, 1<<31); return w.b }, []string{`"a.u8"`, "limit"}},
		{"absurd string array count", func(w *builder) []byte { put64(w.b, w.marks["kvval:a.str"]+4, 1<<28); return w.b }, []string{`"a.str"`, "bytes left"}},
		{"invalid value type", func(w *builder) []byte { put32(w.b, w.marks["kvtype:t.u32"], 13); return w.b }, []string{`"t.u32"`, "invalid value type 13"}},
		{"array of arrays", func(w *builder) []byte { put32(w.b, w.marks["kvval:a.u8"], 9); return w.b }, []string{`"a.u8"`, "invalid array element type 9"}},
		{"duplicate key", func(w *builder) []byte {
			k := w.marks["kv:t.i8"]
			copy(w.b[k+8:k+12], "t.u8")
			return w.b
		}, []string{`duplicate metadata key "t.u8"`}},
		{"empty key", func(w *builder) []byte {
			// "t.u8" -> key length 0, then the 4 key bytes read as the type
			put64(w.b, w.marks["kv:t.u8"], 0)
			return w.b
		}, []string{"is empty"}},
		{"unknown type id", func(w *builder) []byte { put32(w.b, w.marks["type:blk.0.f16"], 43); return w.b }, []string{`tensor "blk.0.f16"`, "unknown or removed ggml type id 43"}},
		{"removed type id", func(w *builder) []byte { put32(w.b, w.marks["type:blk.0.f16"], 4); return w.b }, []string{`tensor "blk.0.f16"`, "type id 4"}},
		{"removed type id 36", func(w *builder) []byte { put32(w.b, w.marks["type:blk.0.q4"], 36); return w.b }, []string{`tensor "blk.0.q4"`, "type id 36"}},
		{"row not a whole number of blocks", func(w *builder) []byte { put64(w.b, w.marks["shape:blk.0.q4"], 48); return w.b }, []string{`tensor "blk.0.q4"`, "not a multiple of its block size 32"}},
		{"too many dims", func(w *builder) []byte { put32(w.b, w.marks["ndims:blk.0.q4"], 5); return w.b }, []string{`tensor "blk.0.q4"`, "5 dimensions"}},
		{"negative dim", func(w *builder) []byte { put64(w.b, w.marks["shape:token_embd.weight"]+8, math.MaxUint64); return w.b }, []string{`tensor "token_embd.weight"`, "negative"}},
		{"element count overflow", func(w *builder) []byte {
			s := w.marks["shape:blk.0.i32"]
			put64(w.b, s, 1<<32)
			put64(w.b, s+24, 1<<32)
			return w.b
		}, []string{`tensor "blk.0.i32"`, "too many elements"}},
		{"byte size overflow", func(w *builder) []byte {
			s := w.marks["shape:blk.0.i32"]
			put64(w.b, s, 1<<31)
			put64(w.b, s+24, 1<<31)
			return w.b
		}, []string{`tensor "blk.0.i32"`, "too large"}},
		{"duplicate tensor name", func(w *builder) []byte {
			copy(w.b[w.marks["ti:blk.0.q4k"]+8:], "blk.0.f16")
			return w.b
		}, []string{`tensor "blk.0.f16"`, "duplicate tensor name"}},
		{"offset not contiguous", func(w *builder) []byte {
			at := w.marks["offset:blk.0.f16"]
			put64(w.b, at, binary.LittleEndian.Uint64(w.b[at:])+32)
			return w.b
		}, []string{`tensor "blk.0.f16"`, "data offset", "gguf requires"}},
		{"offset not aligned", func(w *builder) []byte {
			at := w.marks["offset:blk.0.f16"]
			put64(w.b, at, binary.LittleEndian.Uint64(w.b[at:])+1)
			return w.b
		}, []string{`tensor "blk.0.f16"`, "data offset"}},
		{"absurd offset", func(w *builder) []byte { put64(w.b, w.marks["offset:blk.0.f16"], 1<<63); return w.b }, []string{`tensor "blk.0.f16"`, "impossible"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := validSpec().build()
			p := writeTemp(t, "bad.gguf", c.corrupt(w))
			expectOpenError(t, p, c.fragments...)
		})
	}
}

func TestOpenRejectsBadAlignment(t *testing.T) {
	cases := []struct {
		typ   uint32
		val   func(w *builder)
		frags []string
	}{
		{4, func(w *builder) { w.u32(48) }, []string{"48 is not a power of two"}},
		{4, func(w *builder) { w.u32(0) }, []string{"0 is not a power of two"}},
		{10, func(w *builder) { w.u64(32) }, []string{"must be of type u32 but is u64"}},
		{5, func(w *builder) { w.u32(32) }, []string{"must be of type u32 but is i32"}},
	}
	for _, c := range cases {
		fs := fileSpec{kvs: func(w *builder) int { w.kv(AlignmentKey, c.typ, func() { c.val(w) }); return 1 }, tensors: smallTensors()[:1]}
		expectOpenError(t, writeTemp(t, "align.gguf", fs.build().b), c.frags...)
	}
}

func TestOpenRejectsLongName(t *testing.T) {
	ok := fileSpec{tensors: []tspec{{name: strings.Repeat("n", 63), typ: quant.F32, shape: []int64{1}}}}
	m, err := Open(writeTemp(t, "ok.gguf", ok.build().b))
	if err != nil {
		t.Fatalf("63-byte name: %v", err)
	}
	m.Close()
	bad := fileSpec{tensors: []tspec{{name: strings.Repeat("n", 64), typ: quant.F32, shape: []int64{1}}}}
	expectOpenError(t, writeTemp(t, "long.gguf", bad.build().b), "64 bytes long", "limit of 63")
}

func TestOpenMissingAndDirectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "nope.gguf")
	if _, err := Open(p); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Fatalf("missing file: %v", err)
	}
	expectOpenError(t, dir, "directory")
}

// --- split models ---

// writeSplit writes n tensors as a model split two tensors per shard.
func writeSplit(t *testing.T, dir, name string, n int) []string {
	t.Helper()
	var specs []tspec
	for i := 0; i < n; i++ {
		specs = append(specs, tspec{name: string(rune('a' + i)), typ: quant.F32, shape: []int64{int64(8 + i)}})
	}
	return writeSpecs(t, filepath.Join(dir, name), archMeta(), specs, WriterOptions{SplitMaxTensors: 2}).Paths()
}

func TestOpenSplitErrors(t *testing.T) {
	t.Run("missing shard", func(t *testing.T) {
		p := writeSplit(t, t.TempDir(), "m.gguf", 5)
		os.Remove(p[1])
		expectOpenError(t, p[0], "shard 2 of 3", p[1])
	})
	t.Run("shards swapped", func(t *testing.T) {
		p := writeSplit(t, t.TempDir(), "m.gguf", 5)
		os.Rename(p[1], p[1]+".x")
		os.Rename(p[2], p[1])
		os.Rename(p[1]+".x", p[2])
		expectOpenError(t, p[0], "split.no = 2, expected 1", p[1])
	})
	t.Run("shard of another model", func(t *testing.T) {
		dir := t.TempDir()
		a := writeSplit(t, dir, "a.gguf", 5)
		b := writeSplit(t, dir, "b.gguf", 6)
		data, _ := os.ReadFile(b[1])
		os.WriteFile(a[1], data, 0o644)
		expectOpenError(t, a[0], "split.tensors.count = 6 but the first shard says 5", a[1])
	})
	t.Run("opened through shard 2", func(t *testing.T) {
		p := writeSplit(t, t.TempDir(), "m.gguf", 5)
		expectOpenError(t, p[1], "this is shard 2 of 3", "m-00001-of-00003.gguf")
	})
	t.Run("renamed first shard", func(t *testing.T) {
		p := writeSplit(t, t.TempDir(), "m.gguf", 5)
		q := filepath.Join(filepath.Dir(p[0]), "renamed.gguf")
		os.Rename(p[0], q)
		expectOpenError(t, q, "does not end in -00001-of-00003.gguf")
	})
	t.Run("shard count type", func(t *testing.T) {
		fs := fileSpec{kvs: func(w *builder) int {
			w.kv(SplitCountKey, 4, func() { w.u32(2) })
			return 1
		}, tensors: smallTensors()[:1]}
		expectOpenError(t, writeTemp(t, "x-00001-of-00002.gguf", fs.build().b), "split.count must be u16 but is u32")
	})
	// Hand-built shards: a tensor name repeated across shards, and a
	// split.tensors.count that does not match.
	handShards := func(t *testing.T, total int32, names0, names1 []string) string {
		dir := t.TempDir()
		for i, names := range [][]string{names0, names1} {
			var ts []tspec
			for _, n := range names {
				ts = append(ts, tspec{name: n, typ: quant.F32, shape: []int64{4}})
			}
			shard := uint16(i)
			fs := fileSpec{kvs: func(w *builder) int {
				w.kv(SplitNoKey, 2, func() { w.u16(shard) })
				w.kv(SplitTensorsCountKey, 5, func() { w.u32(uint32(total)) })
				w.kv(SplitCountKey, 2, func() { w.u16(2) })
				return 3
			}, tensors: ts}
			os.WriteFile(filepath.Join(dir, SplitPath("h", i, 2)), fs.build().b, 0o644)
		}
		return filepath.Join(dir, SplitPath("h", 0, 2))
	}
	t.Run("tensor in two shards", func(t *testing.T) {
		p := handShards(t, 3, []string{"x", "y"}, []string{"x"})
		expectOpenError(t, p, `tensor "x"`, "also used in "+p)
	})
	t.Run("tensor count mismatch", func(t *testing.T) {
		p := handShards(t, 4, []string{"x", "y"}, []string{"z"})
		expectOpenError(t, p, "split.tensors.count = 4 but the 2 shards hold 3 tensors")
	})
	t.Run("valid hand-built shards", func(t *testing.T) {
		p := handShards(t, 3, []string{"x", "y"}, []string{"z"})
		m, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if len(m.Tensors) != 3 || m.Tensor("z").Shard != 1 {
			t.Fatalf("tensors %d", len(m.Tensors))
		}
	})
}

// A file named like a shard but without split keys is one file, as in
// llama.cpp (gguf-parser-go alone would look for its siblings).
func TestShardNameWithoutSplitKeys(t *testing.T) {
	p := writeTemp(t, "model-00001-of-00002.gguf", validSpec().build().b)
	m, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if len(m.Files) != 1 || len(m.Tensors) != len(smallTensors()) {
		t.Fatalf("files %v", m.Files)
	}
}
