package gguf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
)

// Tests against the real thing: the stories260k model written by gguf-py,
// gguf-py's reader (shared/tools/ref/gguf_tool.py) and llama.cpp's loader
// (llref). Each skips with a message when its tool is absent.

func storiesPath(t *testing.T) string {
	return filepath.Join(sharedtest.Dir(t, "models"), "stories260k-f32.gguf")
}

// refTool finds a reference binary on PATH or in the reference cache
// ($REF_HOME/bin, default ~/.cache/ggufmerge-ref/bin).
func refTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	home := os.Getenv("REF_HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(h, ".cache", "ggufmerge-ref")
		}
	}
	p := filepath.Join(home, "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not on PATH nor in %s/bin: run `make ref` and `source ~/.cache/ggufmerge-ref/env.sh`", name, home)
	}
	return p
}

// ggufTool runs shared/tools/ref/gguf_tool.py with Debian's python.
func ggufTool(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	script := filepath.Join(sharedtest.Dir(t, "tools/ref"), "gguf_tool.py")
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("/usr/bin/python3 not installed")
	}
	cmd := exec.Command(py, append([]string{script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if strings.Contains(stderr.String(), "cannot import gguf-py") {
		t.Skip("gguf-py not installed: run `make ref`")
	}
	if err != nil {
		err = fmt.Errorf("%v: %s", err, stderr.String())
	}
	return out, err
}

// The stories model was written by gguf-py; copying it through the reader
// and writer reproduces it byte for byte, and gguf-py agrees.
func TestStoriesRoundTripIdentical(t *testing.T) {
	in := storiesPath(t)
	out := rewrite(t, in, filepath.Join(t.TempDir(), "copy.gguf"), WriterOptions{})[0]
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(out)
	if !bytes.Equal(a, b) {
		t.Fatalf("copy differs from the original at byte %d (%d vs %d bytes)", firstDiff(a, b), len(a), len(b))
	}
	res, err := ggufTool(t, "diff", in, out)
	if err != nil {
		t.Fatalf("gguf_tool diff: %v\n%s", err, res)
	}
	var d struct {
		Summary struct {
			FileIdentical bool `json:"file_identical"`
		} `json:"summary"`
	}
	if json.Unmarshal(res, &d) != nil || !d.Summary.FileIdentical {
		t.Fatalf("gguf_tool diff does not say identical:\n%s", res)
	}
}

// gguf-py reads every value type we write with the same type and value.
func TestGGUFPyReadsAllValueTypes(t *testing.T) {
	src := writeTemp(t, "all.gguf", validSpec().build().b)
	m, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	meta := m.Meta.Clone()
	meta.Delete("t.str_bytes") // gguf-py decodes strings as UTF-8
	meta.Delete("t.f32_nan")   // its JSON output cannot hold NaN
	out := filepath.Join(t.TempDir(), "out.gguf")
	w, err := Create(out, meta, m.Infos(), WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range m.Tensors {
		b := make([]byte, tt.Size())
		tt.ReadAt(b, 0)
		w.WriteAt(i, b, 0)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	res, err := ggufTool(t, "info", out, "--full")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		DataOffset int64 `json:"data_offset"`
		KV         map[string]struct {
			Type  string          `json:"type"`
			Elem  *string         `json:"elem_type"`
			Value json.RawMessage `json:"value"`
		} `json:"kv"`
		Tensors []struct {
			Name   string  `json:"name"`
			Type   string  `json:"type"`
			Shape  []int64 `json:"shape"`
			Offset int64   `json:"abs_offset"`
			Bytes  int64   `json:"n_bytes"`
		} `json:"tensors"`
	}
	if err := json.Unmarshal(res, &info); err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	if len(info.KV) != meta.Len() {
		t.Errorf("gguf-py sees %d keys, we wrote %d", len(info.KV), meta.Len())
	}
	for _, kv := range meta.KVs() {
		py, ok := info.KV[kv.Key]
		if !ok {
			t.Errorf("%s missing in gguf-py", kv.Key)
			continue
		}
		wantType, wantElem := pyTypeName(kv.Value.Type), pyTypeName(kv.Value.Elem)
		if py.Type != wantType || (kv.Value.Type == Array && kv.Value.Len() > 0 && (py.Elem == nil || *py.Elem != wantElem)) {
			t.Errorf("%s: gguf-py type %s/%v, want %s/%s", kv.Key, py.Type, py.Elem, wantType, wantElem)
		}
		if err := sameJSONValue(kv.Value, py.Value); err != nil {
			t.Errorf("%s: %v", kv.Key, err)
		}
	}
	reopened, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	for i, tt := range reopened.Tensors {
		p := info.Tensors[i]
		if p.Name != tt.Name || p.Type != tt.Type.UpperName() || !reflect.DeepEqual(p.Shape, tt.Shape) || p.Offset != tt.Offset || p.Bytes != tt.Size() {
			t.Errorf("tensor %d: gguf-py %+v, we %s %s %v %d %d", i, p, tt.Name, tt.Type, tt.Shape, tt.Offset, tt.Size())
		}
	}
}

func pyTypeName(t ValueType) string {
	return [...]string{"UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64"}[t]
}

// sameJSONValue compares a value with gguf-py's JSON rendering of it.
func sameJSONValue(v Value, raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var py any
	if err := dec.Decode(&py); err != nil {
		return err
	}
	var ours []any
	if v.Type == Array {
		rv := reflect.ValueOf(v.V)
		for i := 0; i < rv.Len(); i++ {
			ours = append(ours, rv.Index(i).Interface())
		}
		list, ok := py.([]any)
		if !ok || len(list) != len(ours) {
			return fmt.Errorf("gguf-py %v, ours %v", py, v.V)
		}
		for i := range ours {
			if !sameScalar(ours[i], list[i]) {
				return fmt.Errorf("item %d: gguf-py %v, ours %v", i, list[i], ours[i])
			}
		}
		return nil
	}
	if !sameScalar(v.V, py) {
		return fmt.Errorf("gguf-py %v, ours %v", py, v.V)
	}
	return nil
}

func sameScalar(ours, py any) bool {
	switch x := ours.(type) {
	case string, bool:
		return x == py
	case float32, float64:
		n, ok := py.(json.Number)
		f, err := strconv.ParseFloat(string(n), 64)
		want := reflect.ValueOf(x).Float()
		return ok && err == nil && f == want && (f != 0 || strings.HasPrefix(string(n), "-") == (1/want < 0))
	default:
		n, ok := py.(json.Number)
		return ok && string(n) == fmt.Sprint(x)
	}
}

// llama.cpp loads our rewrite of stories260k: as one file, with every
// metadata value type added (gguf.cpp parses them all), with alignment 64,
// and split by tensor count and by size; the split model generates the
// same tokens and logits as the original.
func TestLlamaCppLoads(t *testing.T) {
	llref := refTool(t, "llref")
	in := storiesPath(t)
	dir := t.TempDir()
	load := func(path string) {
		t.Helper()
		out, err := exec.Command(llref, "load", path).CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(`"ok":true`)) {
			t.Fatalf("llref load %s: %v\n%s", filepath.Base(path), err, out)
		}
	}
	load(rewrite(t, in, filepath.Join(dir, "copy.gguf"), WriterOptions{})[0])
	load(rewriteWithMeta(t, in, filepath.Join(dir, "types.gguf"), WriterOptions{}, func(m *Metadata) {
		for _, kv := range expectedAllTypes()[1:] {
			m.Set("x."+kv.Key, kv.Value)
		}
	})[0])
	load(rewriteWithMeta(t, in, filepath.Join(dir, "a64.gguf"), WriterOptions{SplitMaxTensors: 20}, func(m *Metadata) {
		m.Set(AlignmentKey, U32(64))
	})[0])
	byCount := rewrite(t, in, filepath.Join(dir, "count.gguf"), WriterOptions{SplitMaxTensors: 10})
	if len(byCount) != 5 {
		t.Fatalf("split by 10 tensors: %d files", len(byCount))
	}
	load(byCount[0])
	bySize := rewrite(t, in, filepath.Join(dir, "size.gguf"), WriterOptions{SplitMaxBytes: 300_000})
	if len(bySize) < 4 {
		t.Fatalf("split by 300 kB: %d files", len(bySize))
	}
	load(bySize[0])
	if testing.Short() {
		return
	}
	// Same model, same logits: the split layout routes every tensor right.
	eval := func(path string) []byte {
		logits := filepath.Join(dir, filepath.Base(path)+".logits")
		out, err := exec.Command(llref, "eval", path, "Once upon a time", "3", logits, "--threads", "1").CombinedOutput()
		if err != nil {
			t.Fatalf("llref eval: %v\n%s", err, out)
		}
		b, _ := os.ReadFile(logits)
		return b
	}
	a, b := eval(in), eval(bySize[0])
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("logits of the split model differ from the original (%d vs %d bytes)", len(a), len(b))
	}
}

// rewriteWithMeta is rewrite with a change to the metadata.
func rewriteWithMeta(t *testing.T, in, out string, opt WriterOptions, edit func(*Metadata)) []string {
	t.Helper()
	m, err := Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	meta := m.Meta.Clone()
	edit(meta)
	w, err := Create(out, meta, m.Infos(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range m.Tensors {
		b := make([]byte, tt.Size())
		if _, err := tt.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteAt(i, b, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w.Paths()
}

// A file written by gguf.cpp (llama_model_quantize, mixed quant types)
// also comes back byte for byte.
func TestGGMLWrittenRoundTripIdentical(t *testing.T) {
	llref := refTool(t, "llref")
	in := storiesPath(t)
	dir := t.TempDir()
	for _, ftype := range []string{"Q4_K_M", "Q8_0"} {
		q := filepath.Join(dir, ftype+".gguf")
		if out, err := exec.Command(llref, "quantize", in, q, ftype).CombinedOutput(); err != nil {
			t.Fatalf("llref quantize %s: %v\n%s", ftype, err, out)
		}
		out := rewrite(t, q, filepath.Join(dir, ftype+"-copy.gguf"), WriterOptions{})[0]
		a, _ := os.ReadFile(q)
		b, _ := os.ReadFile(out)
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: copy differs from gguf.cpp's file at byte %d (%d vs %d bytes)", ftype, firstDiff(a, b), len(a), len(b))
		}
	}
}
