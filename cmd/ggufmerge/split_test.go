package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
)

// TestQuantizeSplitMaxTensors writes shards named and keyed as gguf-split and
// checks they reopen as the same model as the unsplit output.
func TestQuantizeSplitMaxTensors(t *testing.T) {
	dir := t.TempDir()
	in := tinyLlama(t, dir)
	whole := filepath.Join(dir, "whole.gguf")
	if log, err := quantizeCLI(t, in, whole, "Q8_0"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	split := filepath.Join(dir, "split.gguf")
	if log, err := quantizeCLI(t, "--split-max-tensors", "8", in, split, "Q8_0"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	a, err := gguf.Open(whole)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := gguf.Open(filepath.Join(dir, "split-00001-of-00003.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(b.Files) != 3 || len(a.Tensors) != len(b.Tensors) {
		t.Fatalf("split output: %d files, %d tensors; unsplit %d tensors", len(b.Files), len(b.Tensors), len(a.Tensors))
	}
	for i, ta := range a.Tensors {
		tb := b.Tensors[i]
		pa, pb := make([]byte, ta.Size()), make([]byte, tb.Size())
		if _, err := ta.ReadAt(pa, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.ReadAt(pb, 0); err != nil {
			t.Fatal(err)
		}
		if ta.Name != tb.Name || ta.Type != tb.Type || !bytes.Equal(pa, pb) {
			t.Fatalf("tensor %d: %s %s vs %s %s, bytes equal %v", i, ta.Name, ta.Type, tb.Name, tb.Type, bytes.Equal(pa, pb))
		}
	}
	if _, err := quantizeCLI(t, "--split-max-tensors", "-1", in, split, "Q8_0"); err == nil {
		t.Fatal("negative --split-max-tensors accepted")
	}
}
