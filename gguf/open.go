package gguf

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Split keys written by llama.cpp's gguf-split and read by its model loader.
const (
	SplitNoKey           = "split.no"            // u16, 0-based shard index
	SplitCountKey        = "split.count"         // u16, number of shards
	SplitTensorsCountKey = "split.tensors.count" // i32, tensors in all shards
)

// Shard describes one file of an opened model.
type Shard struct {
	Path       string
	Version    uint32
	Alignment  uint32
	DataOffset int64 // absolute offset of the data section
	Size       int64 // file size
	NumTensors int
	Meta       *Metadata // this file's own metadata (shards >0 hold only split keys)
}

// Model is an opened GGUF model, possibly split over several files. Its
// metadata is shard 0's; its tensors are those of all shards in order.
type Model struct {
	Path      string // the path given to Open
	Version   uint32 // shard 0's GGUF version
	Alignment uint32 // shard 0's data alignment
	Meta      *Metadata
	Tensors   []*Tensor
	Files     []string // shard paths, shard 0 first
	Shards    []Shard

	files  []*os.File
	byName map[string]*Tensor
}

// Tensor returns the tensor with the given name, or nil.
func (m *Model) Tensor(name string) *Tensor { return m.byName[name] }

// Infos returns the tensor infos in order (handy for Create).
func (m *Model) Infos() []TensorInfo {
	out := make([]TensorInfo, len(m.Tensors))
	for i, t := range m.Tensors {
		out[i] = t.TensorInfo
		out[i].Shape = append([]int64(nil), t.Shape...)
	}
	return out
}

// Close closes all shard files.
func (m *Model) Close() error {
	var errs []error
	for _, f := range m.files {
		if err := f.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	m.files = nil
	return errors.Join(errs...)
}

// Open opens a GGUF file. When its metadata says it is the first of several
// shards (split.count > 1), the other shards are found by name
// (<prefix>-%05d-of-%05d.gguf, as llama.cpp does), checked to belong to it
// and presented as one model. Errors name the file and the problem.
func Open(path string) (*Model, error) {
	m := &Model{Path: path, byName: map[string]*Tensor{}}
	if err := m.open(path); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Model) open(path string) error {
	h0, err := m.addShard(path)
	if err != nil {
		return err
	}
	m.Version, m.Alignment, m.Meta = h0.version, uint32(h0.alignment), h0.meta
	n, err := splitCount(h0.meta, path)
	if err != nil {
		return err
	}
	if n > 1 {
		if err := m.openOtherShards(path, n); err != nil {
			return err
		}
	}
	return crossCheckWithLibrary(m)
}

// addShard opens and scans one file and appends its tensors.
func (m *Model) addShard(path string) (*header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	m.files = append(m.files, f)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a GGUF file", path)
	}
	h, err := scanHeader(f, st.Size(), path)
	if err != nil {
		return nil, err
	}
	shard := len(m.Files)
	m.Files = append(m.Files, path)
	m.Shards = append(m.Shards, Shard{Path: path, Version: h.version, Alignment: uint32(h.alignment),
		DataOffset: h.dataStart, Size: h.size, NumTensors: len(h.infos), Meta: h.meta})
	for i, ti := range h.infos {
		if prev := m.byName[ti.Name]; prev != nil {
			return nil, &FormatError{File: path, Tensor: ti.Name, Offset: -1,
				Msg: fmt.Sprintf("tensor name is also used in %s", prev.file)}
		}
		t := &Tensor{TensorInfo: ti, Shard: shard, Offset: h.dataStart + h.offsets[i], r: f, file: path}
		m.Tensors = append(m.Tensors, t)
		m.byName[ti.Name] = t
	}
	return h, nil
}

// splitCount returns split.count (0 when absent), requiring llama.cpp's
// types, and checks that a split model is opened through its first shard.
func splitCount(meta *Metadata, path string) (int, error) {
	v, ok := meta.Get(SplitCountKey)
	if !ok {
		return 0, nil
	}
	n, ok := meta.Uint16(SplitCountKey)
	if !ok {
		return 0, &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("%s must be u16 but is %s", SplitCountKey, v.TypeName())}
	}
	if n <= 1 {
		return int(n), nil
	}
	no, ok := meta.Uint16(SplitNoKey)
	if !ok {
		return 0, &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("%s = %d but %s (u16) is missing", SplitCountKey, n, SplitNoKey)}
	}
	if no != 0 {
		return 0, &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf(
			"this is shard %d of %d; open the first shard (%s)", no+1, n, trySplitPath(path, int(no), int(n), 0))}
	}
	return int(n), nil
}

// SplitPath is llama.cpp's shard file name: <prefix>-%05d-of-%05d.gguf with
// a 1-based number.
func SplitPath(prefix string, shard, count int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.gguf", prefix, shard+1, count)
}

// SplitPrefix is the inverse of SplitPath for a given shard and count
// (llama_split_prefix); ok is false when path does not end that way.
func SplitPrefix(path string, shard, count int) (string, bool) {
	suffix := fmt.Sprintf("-%05d-of-%05d.gguf", shard+1, count)
	if len(path) <= len(suffix) || !strings.HasSuffix(path, suffix) {
		return "", false
	}
	return strings.TrimSuffix(path, suffix), true
}

func trySplitPath(path string, shard, count, want int) string {
	if p, ok := SplitPrefix(path, shard, count); ok {
		return SplitPath(p, want, count)
	}
	return fmt.Sprintf("the file named …-%05d-of-%05d.gguf", want+1, count)
}

func (m *Model) openOtherShards(path string, n int) error {
	prefix, ok := SplitPrefix(path, 0, n)
	if !ok {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf(
			"%s = %d but the file name does not end in -%05d-of-%05d.gguf, so the other shards cannot be found", SplitCountKey, n, 1, n)}
	}
	total, ok := m.Meta.Int32(SplitTensorsCountKey)
	if !ok {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("split model without %s (i32)", SplitTensorsCountKey)}
	}
	for i := 1; i < n; i++ {
		p := SplitPath(prefix, i, n)
		h, err := m.addShard(p)
		if err == nil {
			err = checkShardKeys(h.meta, p, i, n, total)
		}
		if err != nil {
			return fmt.Errorf("%s: shard %d of %d: %w", path, i+1, n, err)
		}
	}
	if int64(len(m.Tensors)) != int64(total) {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf(
			"%s = %d but the %d shards hold %d tensors", SplitTensorsCountKey, total, n, len(m.Tensors))}
	}
	return nil
}

// checkShardKeys verifies that shard i says it is shard i of n of a model
// with total tensors.
func checkShardKeys(meta *Metadata, path string, i, n int, total int32) error {
	no, ok := meta.Uint16(SplitNoKey)
	if !ok {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("missing %s (u16): not a shard of a split model", SplitNoKey)}
	}
	if int(no) != i {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("%s = %d, expected %d", SplitNoKey, no, i)}
	}
	if c, ok := meta.Uint16(SplitCountKey); !ok || int(c) != n {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("%s is not %d (u16): shard belongs to another model", SplitCountKey, n)}
	}
	if t, ok := meta.Int32(SplitTensorsCountKey); ok && t != total {
		return &FormatError{File: path, Offset: -1, Msg: fmt.Sprintf("%s = %d but the first shard says %d: shard belongs to another model", SplitTensorsCountKey, t, total)}
	}
	return nil
}
