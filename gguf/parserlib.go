package gguf

import (
	"fmt"
	"slices"
	"strings"

	parser "github.com/gpustack/gguf-parser-go"
)

// How gguf-parser-go is used, and where we bypass it.
//
// The library (v0.28.2) reads the header, metadata and tensor infos, and
// knows llama.cpp's shard naming. We use it as a second, independent reader
// of every opened model: its header and tensor infos (names, shapes, types,
// offsets, per-shard data start) must agree with our scan, or Open fails.
//
// It cannot be the source of truth, for reasons checked in
// parserlib_test.go:
//   - it trims leading/trailing white space from every string it reads
//     (bytes.TrimSpace in ReadString), so tokenizer tokens such as " " or
//     "\n" and chat templates ending in a newline would come back changed;
//   - it drops the split.no key, which we need to check shards;
//   - on raw hostile input it panics (an array of arrays or an unknown
//     element type while skipping metadata, a general.alignment of the
//     wrong type or zero, overflowing tensor sizes) or allocates 16 bytes
//     per claimed array element ([]any) before reading it;
//   - with a shard-style name it always reads all sibling shards, so it
//     cannot read one shard by itself.
//   - it preallocates from metadata values: capacity for
//     split.tensors.count tensors (of any value type, strings parsed), and
//     16 bytes per element of the per-layer arrays it always loads
//     (*.feed_forward_length, *.attention.head_count[_kv],
//     *.attention.sliding_window_pattern); gguf.cpp and llama.cpp accept
//     a single file whatever split.tensors.count says.
// So our bounded scan (scan.go) runs first and rejects everything gguf.cpp
// rejects; only files it accepts reach the library, whose panics are still
// recovered. Files whose metadata would make the library allocate far more
// than the file holds skip the cross-check (libraryUnsafe). The metadata
// values always come from our scan.

func crossCheckWithLibrary(m *Model) error {
	paths := parser.CompleteShardGGUFFilename(m.Files[0])
	if paths == nil {
		paths = []string{m.Files[0]}
	}
	if !slices.Equal(paths, m.Files) {
		// A shard-style name on a file that is not split (no split.count):
		// llama.cpp reads it alone, the library would read its siblings.
		return nil
	}
	if libraryUnsafe(m) {
		return nil
	}
	gf, err := parseWithLibrary(m.Files[0])
	if err != nil {
		return &FormatError{File: m.Files[0], Offset: -1, Msg: "gguf-parser-go refuses the file: " + err.Error()}
	}
	if err := compareWithLibrary(m, gf); err != nil {
		return &FormatError{File: m.Files[0], Offset: -1, Msg: "gguf-parser-go reads the file differently: " + err.Error()}
	}
	return nil
}

// parseWithLibrary runs the library on a memory map of the file: reading
// through os.File it makes a system call per value, 3-5 s for a
// 150k-token vocabulary, against 0.1 s mapped.
func parseWithLibrary(path string) (gf *parser.GGUFFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			gf, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return parser.ParseGGUFFile(path, parser.SkipLargeMetadata(), parser.UseMMap())
}

func compareWithLibrary(m *Model, gf *parser.GGUFFile) error {
	if len(gf.TensorInfos) != len(m.Tensors) {
		return fmt.Errorf("%d tensors, we read %d", len(gf.TensorInfos), len(m.Tensors))
	}
	// Offsets in the library are relative to each shard's data section.
	for i, t := range m.Tensors {
		li := gf.TensorInfos[i]
		rel := uint64(t.Offset - m.Shards[t.Shard].DataOffset)
		if li.Name != strings.TrimSpace(t.Name) || uint32(li.Type) != uint32(t.Type) ||
			li.Offset != rel || !sameDims(li.Dimensions, t.Shape) {
			return fmt.Errorf("tensor #%d: library %q %v type %d offset %d, we read %q %v type %d offset %d",
				i, li.Name, li.Dimensions, li.Type, li.Offset, t.Name, t.Shape, t.Type, rel)
		}
	}
	return compareDataOffsets(m, gf)
}

func sameDims(a []uint64, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != uint64(b[i]) {
			return false
		}
	}
	return true
}

// compareDataOffsets checks the data section starts. The library pads the
// header even when a shard has no tensors (gguf.cpp does not need that), and
// for split models it takes every shard's alignment from the first shard's
// metadata, so only shards where both rules coincide are compared.
func compareDataOffsets(m *Model, gf *parser.GGUFFile) error {
	if len(gf.SplitTensorDataStartOffsets) != len(m.Shards) {
		return fmt.Errorf("%d files, we read %d", len(gf.SplitTensorDataStartOffsets), len(m.Shards))
	}
	for i, s := range m.Shards {
		if s.NumTensors == 0 || s.Alignment != m.Alignment {
			continue
		}
		if got := gf.SplitTensorDataStartOffsets[i]; got != s.DataOffset {
			return fmt.Errorf("%s: data section at %d, we found it at %d", s.Path, got, s.DataOffset)
		}
	}
	return nil
}

// libraryArrayKeys are the array keys the library loads even when asked to
// skip large metadata.
var libraryArrayKeys = []string{".feed_forward_length", ".attention.head_count", ".attention.head_count_kv", ".attention.sliding_window_pattern"}

// libraryUnsafe reports whether handing the model to the library would let
// a metadata value choose a large allocation, or whether the model has a
// 0-dimensional tensor, which gguf.cpp accepts (gguf-py writes a scalar
// that way) and the library refuses.
func libraryUnsafe(m *Model) bool {
	for _, t := range m.Tensors {
		if len(t.Shape) == 0 {
			return true
		}
	}
	for _, s := range m.Shards {
		if v, ok := s.Meta.Get(SplitTensorsCountKey); ok {
			n, isInt := v.Int()
			if !isInt || n < 0 || n > int64(len(m.Tensors)) {
				return true
			}
		}
		for _, kv := range s.Meta.kvs {
			if kv.Value.Type != Array || kv.Value.Len() <= 1<<16 {
				continue
			}
			for _, suffix := range libraryArrayKeys {
				if strings.HasSuffix(kv.Key, suffix) {
					return true
				}
			}
		}
	}
	return false
}
