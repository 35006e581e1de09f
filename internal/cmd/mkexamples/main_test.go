package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ggufmerge/ggufmerge/internal/sharedtest"
)

// The committed example models are exactly what this generator writes.
func TestCommittedExamplesAreReproducible(t *testing.T) {
	src := filepath.Join(sharedtest.Dir(t, "models"), "stories260k-f32.gguf")
	out := t.TempDir()
	if err := run(src, out); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(out, "*.gguf"))
	if err != nil || len(files) != 5 {
		t.Fatalf("generated %d files (%v)", len(files), err)
	}
	for _, f := range files {
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from the generator's output: run `go run ./internal/cmd/mkexamples`", filepath.Base(f))
		}
	}
}
