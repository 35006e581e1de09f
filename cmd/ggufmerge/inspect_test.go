package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// runCLI runs the app with args and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	app := newApp()
	var out bytes.Buffer
	app.Writer = &out
	app.ErrWriter = &out
	err := app.Run(append([]string{"ggufmerge"}, args...))
	return out.String(), err
}

// inspectModel writes a small split model: 20 tensors, a 300-token vocab,
// a float array, alignment 64; returns the first shard's path.
func inspectModel(t *testing.T) string {
	t.Helper()
	meta := gguf.NewMetadata()
	meta.Set("general.architecture", gguf.Str("llama"))
	meta.Set(gguf.AlignmentKey, gguf.U32(64))
	tokens := make([]string, 300)
	for i := range tokens {
		tokens[i] = "tok" + string(rune('a'+i%26))
	}
	tokens[1] = "<s>"
	meta.Set("tokenizer.ggml.tokens", gguf.StrArray(tokens))
	meta.Set("x.scores", gguf.F32Array([]float32{0.5, -1, 2, 3, 4, 5, 6, 7, 8, 9}))
	meta.Set("x.flag", gguf.Bool(true))
	var infos []gguf.TensorInfo
	for i := 0; i < 20; i++ {
		infos = append(infos, gguf.TensorInfo{Name: "blk." + string(rune('a'+i)) + ".weight", Type: quant.Q8_0, Shape: []int64{64, 3}})
	}
	w, err := gguf.Create(filepath.Join(t.TempDir(), "m.gguf"), meta, infos, gguf.WriterOptions{SplitMaxTensors: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i, ti := range infos {
		if err := w.WriteAt(i, make([]byte, ti.Size()), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return w.Paths()[0]
}

func TestInspectText(t *testing.T) {
	path := inspectModel(t)
	out, err := runCLI(t, "inspect", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"version:   3", "alignment: 64", "shards:    3", "tensors:   20 (", "metadata:  8 keys",
		`tokenizer.ggml.tokens`, `arr[str]`, `"<s>"`, "… (300 items)]",
		"x.flag", "bool", "true", "split.count", "u16",
		"blk.t.weight", "q8_0", "64,3", "204",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"tokl"`) {
		t.Error("long array printed in full without --all")
	}
	all, err := runCLI(t, "inspect", path, "--all")
	if err != nil || !strings.Contains(all, `"tokl"`) || strings.Contains(all, "items)") {
		t.Errorf("--all does not print arrays in full (%v)", err)
	}
}

func TestInspectJSON(t *testing.T) {
	path := inspectModel(t)
	out, err := runCLI(t, "inspect", "--json", path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   uint32   `json:"version"`
		Alignment uint32   `json:"alignment"`
		Files     []string `json:"files"`
		Metadata  map[string]struct {
			Type      string `json:"type"`
			Count     *int   `json:"count"`
			Truncated bool   `json:"truncated"`
			Value     any    `json:"value"`
		} `json:"metadata"`
		Tensors []struct {
			Name   string  `json:"name"`
			Type   string  `json:"type"`
			Shape  []int64 `json:"shape"`
			Offset int64   `json:"offset"`
			Size   int64   `json:"size"`
			Shard  int     `json:"shard"`
		} `json:"tensors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Version != 3 || doc.Alignment != 64 || len(doc.Files) != 3 || len(doc.Tensors) != 20 {
		t.Fatalf("version %d alignment %d files %d tensors %d", doc.Version, doc.Alignment, len(doc.Files), len(doc.Tensors))
	}
	tok := doc.Metadata["tokenizer.ggml.tokens"]
	if tok.Type != "arr[str]" || tok.Count == nil || *tok.Count != 300 || !tok.Truncated {
		t.Errorf("tokens: %+v", tok)
	}
	if v := doc.Metadata["split.count"]; v.Type != "u16" || v.Value != float64(3) {
		t.Errorf("split.count: %+v", v)
	}
	if v := doc.Metadata["x.scores"]; !reflect.DeepEqual(v.Value, []any{0.5, -1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}) {
		t.Errorf("x.scores: %+v", v)
	}
	last := doc.Tensors[19]
	if last.Name != "blk.t.weight" || last.Type != "q8_0" || !reflect.DeepEqual(last.Shape, []int64{64, 3}) || last.Size != 204 || last.Shard != 2 || last.Offset%64 != 0 {
		t.Errorf("last tensor %+v", last)
	}
	// Metadata keys come out in file order.
	keys := []string{"general.architecture", "general.alignment", "tokenizer.ggml.tokens", "x.scores", "x.flag", "split.no", "split.tensors.count", "split.count"}
	pos := -1
	for _, k := range keys {
		i := strings.Index(out, `"`+k+`"`)
		if i < pos {
			t.Errorf("key %s out of order", k)
		}
		pos = i
	}
}

func TestInspectErrors(t *testing.T) {
	if _, err := runCLI(t, "inspect"); err == nil {
		t.Error("no file accepted")
	}
	bad := filepath.Join(t.TempDir(), "missing.gguf")
	if _, err := runCLI(t, "inspect", bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := runCLI(t, "inspect", bad, "--bogus"); err == nil {
		t.Error("unknown option accepted")
	}
}
