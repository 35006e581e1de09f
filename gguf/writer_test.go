package gguf

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ggufmerge/ggufmerge/quant"
)

func bigTensors() []tspec {
	return []tspec{
		{name: "a", typ: quant.F32, shape: []int64{300, 7}},
		{name: "b", typ: quant.Q4_K, shape: []int64{512, 5}},
		{name: "c", typ: quant.Q6_K, shape: []int64{256, 9}},
		{name: "d", typ: quant.F16, shape: []int64{33}},
		{name: "e", typ: quant.IQ4_NL, shape: []int64{96, 4, 2}},
	}
}

func specInfos(specs []tspec) []TensorInfo {
	out := make([]TensorInfo, len(specs))
	for i, s := range specs {
		out[i] = TensorInfo{Name: s.name, Type: s.typ, Shape: s.shape}
	}
	return out
}

func archMeta() *Metadata {
	m := NewMetadata()
	m.Set("general.architecture", Str("llama"))
	m.Set("general.name", Str("test"))
	return m
}

func archKVs(w *builder) int {
	w.kv("general.architecture", 8, func() { w.str("llama") })
	w.kv("general.name", 8, func() { w.str("test") })
	return 2
}

// Chunks of every tensor written by several goroutines in random order give
// exactly the bytes of the independent builder.
func TestWriterConcurrentChunks(t *testing.T) {
	specs := bigTensors()
	path := filepath.Join(t.TempDir(), "out.gguf")
	w, err := Create(path, archMeta(), specInfos(specs), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		i   int
		off int
		p   []byte
	}
	var jobs []job
	for i, s := range specs {
		d := s.bytes()
		for off := 0; off < len(d); off += 100 {
			jobs = append(jobs, job{i, off, d[off:min(off+100, len(d))]})
		}
	}
	rand.New(rand.NewSource(1)).Shuffle(len(jobs), func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })
	var wg sync.WaitGroup
	ch := make(chan job)
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				if err := w.WriteAt(j.i, j.p, int64(j.off)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := fileSpec{kvs: archKVs, tensors: specs}.build().b
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from the gguf.cpp layout at byte %d (%d vs %d bytes)", firstDiff(got, want), len(got), len(want))
	}
	if w.TotalSize() != int64(len(want)) {
		t.Fatalf("TotalSize %d, file %d", w.TotalSize(), len(want))
	}
	if n, err := OutputSize(archMeta(), specInfos(specs), WriterOptions{}); err != nil || n != int64(len(want)) {
		t.Fatalf("OutputSize %d (%v), file %d", n, err, len(want))
	}
	assertNoTemp(t, filepath.Dir(path))
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// A missing byte fails Commit; the existing target stays as it was and no
// temporary file remains.
func TestWriterIncompleteLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.gguf")
	os.WriteFile(path, []byte("previous"), 0o644)
	specs := bigTensors()
	w, err := Create(path, archMeta(), specInfos(specs), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		d := s.bytes()
		if s.name == "c" {
			w.WriteAt(i, d[:500], 0)
			w.WriteAt(i, d[501:], 501)
			continue
		}
		if err := w.WriteAt(i, d, 0); err != nil {
			t.Fatal(err)
		}
	}
	err = w.Commit()
	if err == nil || !strings.Contains(err.Error(), `tensor "c"`) || !strings.Contains(err.Error(), "byte 500") {
		t.Fatalf("Commit with a missing byte: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Fatalf("target changed: %q", b)
	}
	assertNoTemp(t, dir)
	if err := w.WriteAt(0, []byte{1}, 0); err == nil {
		t.Fatal("write after a failed Commit accepted")
	}
}

func TestWriterAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.gguf")
	w, err := Create(path, archMeta(), specInfos(bigTensors()), WriterOptions{SplitMaxTensors: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Paths()) != 3 {
		t.Fatalf("paths %v", w.Paths())
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("Abort left %d files", len(ents))
	}
	if w.Commit() == nil {
		t.Fatal("Commit after Abort succeeded")
	}
}

func TestWriterRejects(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.gguf")
	infos := specInfos(bigTensors())
	cases := map[string]func() error{
		"duplicate tensor": func() error {
			_, err := Create(p, nil, append(infos, infos[0]), WriterOptions{})
			return err
		},
		"bad row length": func() error {
			_, err := Create(p, nil, []TensorInfo{{Name: "x", Type: quant.Q4_0, Shape: []int64{31}}}, WriterOptions{})
			return err
		},
		"removed type": func() error {
			_, err := Create(p, nil, []TensorInfo{{Name: "x", Type: 4, Shape: []int64{32}}}, WriterOptions{})
			return err
		},
		"long name": func() error {
			_, err := Create(p, nil, []TensorInfo{{Name: strings.Repeat("n", 64), Type: quant.F32, Shape: []int64{1}}}, WriterOptions{})
			return err
		},
		"alignment not u32": func() error {
			_, err := Create(p, metaWith(AlignmentKey, U64(64)), infos, WriterOptions{})
			return err
		},
		"alignment not a power of two": func() error {
			_, err := Create(p, metaWith(AlignmentKey, U32(48)), infos, WriterOptions{})
			return err
		},
		"empty key": func() error {
			_, err := Create(p, metaWith("", U32(1)), infos, WriterOptions{})
			return err
		},
	}
	for name, f := range cases {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	w, err := Create(p, nil, infos, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	size := infos[0].Size()
	for _, c := range []struct {
		i   int
		n   int
		off int64
	}{{-1, 1, 0}, {len(infos), 1, 0}, {0, 1, size}, {0, 2, size - 1}, {0, 1, -1}} {
		if err := w.WriteAt(c.i, make([]byte, c.n), c.off); err == nil {
			t.Errorf("WriteAt(%d, %d bytes, %d) accepted", c.i, c.n, c.off)
		}
	}
}

// general.alignment = 64: every offset and the data section are 64-aligned,
// the bytes match the builder and the file reads back.
func TestWriterAlignment64(t *testing.T) {
	specs := bigTensors()
	meta := archMeta()
	meta.Set(AlignmentKey, U32(64))
	kvs := func(w *builder) int {
		archKVs(w)
		w.kv(AlignmentKey, 4, func() { w.u32(64) })
		return 3
	}
	path := filepath.Join(t.TempDir(), "a64.gguf")
	writeSpecs(t, path, meta, specs, WriterOptions{})
	got, _ := os.ReadFile(path)
	want := fileSpec{kvs: kvs, tensors: specs, align: 64}.build()
	if !bytes.Equal(got, want.b) {
		t.Fatalf("differs from the builder at byte %d", firstDiff(got, want.b))
	}
	m, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Alignment != 64 || m.Shards[0].DataOffset != int64(want.marks["data"]) || m.Shards[0].DataOffset%64 != 0 {
		t.Fatalf("alignment %d data offset %d", m.Alignment, m.Shards[0].DataOffset)
	}
	checkTensorsMatch(t, m, specs)
}

// A metadata-only file (no tensors) is still padded after the header, as
// gguf.cpp writes it.
func TestWriterNoTensors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.gguf")
	writeSpecs(t, path, archMeta(), nil, WriterOptions{})
	got, _ := os.ReadFile(path)
	want := fileSpec{kvs: archKVs}.build().b
	if !bytes.Equal(got, want) {
		t.Fatalf("differs from the builder at byte %d", firstDiff(got, want))
	}
	m, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
}

func writeSpecs(t *testing.T, path string, meta *Metadata, specs []tspec, opt WriterOptions) *Writer {
	t.Helper()
	w, err := Create(path, meta, specInfos(specs), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		if err := w.WriteAt(i, s.bytes(), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPlanShards(t *testing.T) {
	infos := []TensorInfo{
		{Name: "a", Type: quant.F32, Shape: []int64{10}},  // 40 -> 64
		{Name: "b", Type: quant.F32, Shape: []int64{100}}, // 400 -> 416
		{Name: "c", Type: quant.F32, Shape: []int64{8}},   // 32
		{Name: "d", Type: quant.F32, Shape: []int64{200}}, // 800
		{Name: "e", Type: quant.F32, Shape: []int64{1}},   // 4 -> 32
	}
	cases := []struct {
		opt  WriterOptions
		want [][2]int
	}{
		{WriterOptions{}, [][2]int{{0, 5}}},
		{WriterOptions{SplitMaxTensors: 2}, [][2]int{{0, 2}, {2, 4}, {4, 5}}},
		{WriterOptions{SplitMaxTensors: 5}, [][2]int{{0, 5}}},
		// gguf-split: a new file when the padded sum would exceed the limit.
		{WriterOptions{SplitMaxBytes: 480}, [][2]int{{0, 2}, {2, 3}, {3, 4}, {4, 5}}},
		{WriterOptions{SplitMaxBytes: 479}, [][2]int{{0, 1}, {1, 3}, {3, 4}, {4, 5}}},
		{WriterOptions{SplitMaxBytes: 512}, [][2]int{{0, 3}, {3, 4}, {4, 5}}},
		{WriterOptions{SplitMaxBytes: 10000}, [][2]int{{0, 5}}},
		// llama-quantize --keep-split: the input's grouping, as given
		{WriterOptions{KeepSplit: []int{2, 0, 3}}, [][2]int{{0, 2}, {2, 2}, {2, 5}}},
		{WriterOptions{KeepSplit: []int{5}}, [][2]int{{0, 5}}},
	}
	for _, c := range cases {
		if got := planShards(infos, c.opt); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.opt, got, c.want)
		}
	}
}

// Split output: names, split keys as gguf-split writes them, model keys
// only in shard 0, and reopening gives back the same model.
func TestSplitWriteAndReopen(t *testing.T) {
	specs := bigTensors()
	dir := t.TempDir()
	meta := archMeta()
	// split keys of an input model must not leak into the output
	meta.Set(SplitCountKey, U16(9))
	w := writeSpecs(t, filepath.Join(dir, "model.gguf"), meta, specs, WriterOptions{SplitMaxTensors: 2})
	var want []string
	for i := 1; i <= 3; i++ {
		want = append(want, filepath.Join(dir, fmt.Sprintf("model-%05d-of-00003.gguf", i)))
	}
	if !reflect.DeepEqual(w.Paths(), want) {
		t.Fatalf("paths %v, want %v", w.Paths(), want)
	}
	var total int64
	for _, p := range want {
		st, _ := os.Stat(p)
		total += st.Size()
	}
	if n, _ := OutputSize(meta, specInfos(specs), WriterOptions{SplitMaxTensors: 2}); n != total || w.TotalSize() != total {
		t.Fatalf("OutputSize %d, TotalSize %d, files %d", n, w.TotalSize(), total)
	}
	m, err := Open(want[0])
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !reflect.DeepEqual(m.Files, want) || len(m.Shards) != 3 {
		t.Fatalf("files %v", m.Files)
	}
	checkTensorsMatch(t, m, specs)
	wantKeys := [][]string{
		{"general.architecture", "general.name", SplitNoKey, SplitTensorsCountKey, SplitCountKey},
		{SplitNoKey, SplitTensorsCountKey, SplitCountKey},
		{SplitNoKey, SplitTensorsCountKey, SplitCountKey},
	}
	for i, s := range m.Shards {
		if got := s.Meta.Keys(); !reflect.DeepEqual(got, wantKeys[i]) {
			t.Errorf("shard %d keys %v, want %v", i, got, wantKeys[i])
		}
		no, ok1 := s.Meta.Uint16(SplitNoKey)
		cnt, ok2 := s.Meta.Uint16(SplitCountKey)
		tot, ok3 := s.Meta.Int32(SplitTensorsCountKey)
		if !ok1 || !ok2 || !ok3 || int(no) != i || cnt != 3 || tot != 5 {
			t.Errorf("shard %d: split.no %d %v, split.count %d %v, split.tensors.count %d %v", i, no, ok1, cnt, ok2, tot, ok3)
		}
	}
	if m.Meta != m.Shards[0].Meta {
		t.Error("model metadata is not shard 0's")
	}
	// Rewriting the split model as one file drops the split keys.
	out := rewrite(t, want[0], filepath.Join(dir, "joined.gguf"), WriterOptions{})
	got, _ := os.ReadFile(out[0])
	if wantB := (fileSpec{kvs: archKVs, tensors: specs}).build().b; !bytes.Equal(got, wantB) {
		t.Fatalf("joined file differs at byte %d", firstDiff(got, wantB))
	}
}

// --keep-split's layout: always shard names, and split keys in
// llama-quantize's order only when there is more than one shard.
func TestKeepSplitLayout(t *testing.T) {
	specs := bigTensors()
	dir := t.TempDir()
	w := writeSpecs(t, filepath.Join(dir, "one.gguf"), archMeta(), specs, WriterOptions{KeepSplit: []int{len(specs)}})
	if want := []string{filepath.Join(dir, "one-00001-of-00001.gguf")}; !reflect.DeepEqual(w.Paths(), want) {
		t.Fatalf("paths %v, want %v", w.Paths(), want)
	}
	m, err := Open(w.Paths()[0])
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Has(SplitNoKey) || m.Meta.Has(SplitCountKey) {
		t.Errorf("one shard has split keys: %v", m.Meta.Keys())
	}
	m.Close()
	w = writeSpecs(t, filepath.Join(dir, "two.gguf"), archMeta(), specs, WriterOptions{KeepSplit: []int{1, len(specs) - 1}})
	m, err = Open(w.Paths()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	checkTensorsMatch(t, m, specs)
	want := []string{"general.architecture", "general.name", SplitNoKey, SplitCountKey, SplitTensorsCountKey}
	if got := m.Shards[0].Meta.Keys(); !reflect.DeepEqual(got, want) {
		t.Errorf("shard 0 keys %v, want %v", got, want)
	}
}

// With a non-default alignment, every shard carries it and is laid out
// with it.
func TestSplitAlignment64(t *testing.T) {
	specs := bigTensors()
	meta := archMeta()
	meta.Set(AlignmentKey, U32(64))
	w := writeSpecs(t, filepath.Join(t.TempDir(), "m.gguf"), meta, specs, WriterOptions{SplitMaxBytes: 3000})
	if len(w.Paths()) < 2 {
		t.Fatalf("expected a split, got %v", w.Paths())
	}
	m, err := Open(w.Paths()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, s := range m.Shards {
		if s.Alignment != 64 {
			t.Errorf("%s: alignment %d", s.Path, s.Alignment)
		}
	}
	checkTensorsMatch(t, m, specs)
}
