package gguf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// WriterOptions controls output splitting. Zero values mean no split.
type WriterOptions struct {
	// SplitMaxTensors starts a new shard after this many tensors
	// (gguf-split --split-max-tensors).
	SplitMaxTensors int
	// SplitMaxBytes starts a new shard when the tensors of the current one,
	// each counted padded to 32 bytes as gguf-split does, would exceed it
	// (gguf-split --split-max-size; see ParseSize). A single tensor larger
	// than the limit gets a shard of its own.
	SplitMaxBytes int64
	// KeepSplit, when set, gives the number of tensors of each shard, in
	// order: llama-quantize --keep-split's layout, where the shards are
	// always named <prefix>-%05d-of-%05d.gguf and, when there are several,
	// carry split.no, split.count and split.tensors.count in that order.
	KeepSplit []int
}

func (o WriterOptions) splitting() bool {
	return o.SplitMaxTensors > 0 || o.SplitMaxBytes > 0 || len(o.KeepSplit) > 0
}

// Writer writes a GGUF model whose metadata and tensor infos are fixed up
// front. Tensor bytes arrive afterwards with WriteAt, in any order and from
// any goroutine, and go straight to disk at their final offsets.
//
// Output goes to temporary files in the target folder. Commit renames them
// into place only when every byte of every tensor was written; Abort (or any
// failed Commit) removes them and leaves the target paths untouched.
type Writer struct {
	shards    []*outShard
	tensors   []outTensor
	alignment int64

	// mu is held shared by WriteAt and exclusively when the writer ends,
	// so no write is in flight while files are closed or removed.
	mu   sync.RWMutex
	done bool // committed or aborted

	noSync bool // tests only: skip fsync
}

type outShard struct {
	path, tmp string
	f         *os.File
	size      int64
}

type outTensor struct {
	info  TensorInfo
	shard int
	pos   int64 // absolute offset in its shard file
	size  int64
	cover *coverage
}

// Create validates meta and infos, lays the file(s) out exactly as gguf.cpp
// would (offsets contiguous in info order, each tensor padded to the
// alignment, header padded too), writes the headers and returns a Writer
// waiting for tensor data.
//
// The alignment is meta's general.alignment (u32 power of two) or 32. The
// writer owns the split.* keys: any present in meta are dropped, and when
// opt asks for splitting they are written as gguf-split writes them
// (model keys only in shard 0; every shard gets split.no u16,
// split.tensors.count i32 and split.count u16). A split output is named
// <path without .gguf>-%05d-of-%05d.gguf.
func Create(path string, meta *Metadata, infos []TensorInfo, opt WriterOptions) (*Writer, error) {
	if meta == nil {
		meta = &Metadata{}
	}
	align, err := alignmentOf(meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := checkInfos(infos); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &Writer{alignment: align}
	groups := planShards(infos, opt)
	headers, err := w.layout(path, meta, infos, groups, opt)
	if err != nil {
		return nil, err
	}
	if err := w.createFiles(headers); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// OutputSize is the total size of the file(s) Create would write for these
// arguments, computed without touching the disk.
func OutputSize(meta *Metadata, infos []TensorInfo, opt WriterOptions) (int64, error) {
	if meta == nil {
		meta = &Metadata{}
	}
	align, err := alignmentOf(meta)
	if err != nil {
		return 0, err
	}
	if err := checkInfos(infos); err != nil {
		return 0, err
	}
	w := &Writer{alignment: align}
	if _, err := w.layout("out.gguf", meta, infos, planShards(infos, opt), opt); err != nil {
		return 0, err
	}
	return w.TotalSize(), nil
}

func checkInfos(infos []TensorInfo) error {
	seen := make(map[string]bool, len(infos))
	for _, ti := range infos {
		if err := ti.Check(); err != nil {
			return err
		}
		if seen[ti.Name] {
			return fmt.Errorf("duplicate tensor name %q", ti.Name)
		}
		seen[ti.Name] = true
	}
	return nil
}

// planShards groups tensor indices into shards with gguf-split's rules.
func planShards(infos []TensorInfo, opt WriterOptions) [][2]int {
	if len(opt.KeepSplit) > 0 {
		return keepShards(opt.KeepSplit, len(infos))
	}
	if !opt.splitting() || len(infos) == 0 {
		return [][2]int{{0, len(infos)}}
	}
	var groups [][2]int
	start, cur := 0, int64(0)
	for i, ti := range infos {
		n := pad(ti.Size(), DefaultAlignment) // gguf-split counts with 32
		count := i - start
		full := opt.SplitMaxTensors > 0 && count >= opt.SplitMaxTensors
		big := opt.SplitMaxBytes > 0 && count > 0 && cur+n > opt.SplitMaxBytes
		if full || big {
			groups = append(groups, [2]int{start, i})
			start, cur = i, 0
		}
		cur += n
	}
	return append(groups, [2]int{start, len(infos)})
}

// keepShards turns tensor counts into index ranges (counts that do not add
// up to n put the rest in the last shard; empty shards are kept, as
// llama-quantize would make them).
func keepShards(counts []int, n int) [][2]int {
	groups := make([][2]int, len(counts))
	start := 0
	for i, c := range counts {
		end := min(n, start+max(0, c))
		if i == len(counts)-1 {
			end = n
		}
		groups[i] = [2]int{start, end}
		start = end
	}
	return groups
}

// shardMeta builds the metadata of shard i of n; split adds the split keys
// in gguf-split's order, or llama-quantize's with keepSplit.
func shardMeta(meta *Metadata, i, n, total int, split, keepSplit bool) *Metadata {
	var out *Metadata
	if i == 0 {
		out = meta.Clone()
	} else {
		out = &Metadata{}
		// Shards after the first hold only split keys in gguf-split; we also
		// carry a non-default alignment so each shard is laid out the same.
		if v, ok := meta.Get(AlignmentKey); ok {
			out.Set(AlignmentKey, v)
		}
	}
	for _, k := range []string{SplitNoKey, SplitCountKey, SplitTensorsCountKey} {
		out.Delete(k)
	}
	switch {
	case split && keepSplit:
		out.Set(SplitNoKey, U16(uint16(i)))
		out.Set(SplitCountKey, U16(uint16(n)))
		out.Set(SplitTensorsCountKey, I32(int32(total)))
	case split:
		out.Set(SplitNoKey, U16(uint16(i)))
		out.Set(SplitTensorsCountKey, I32(int32(total)))
		out.Set(SplitCountKey, U16(uint16(n)))
	}
	return out
}

// layout computes every shard's header bytes and every tensor's position.
func (w *Writer) layout(path string, meta *Metadata, infos []TensorInfo, groups [][2]int, opt WriterOptions) ([][]byte, error) {
	keep := len(opt.KeepSplit) > 0
	named := opt.splitting()                     // shard file names
	split := named && (!keep || len(groups) > 1) // split.* keys
	if split && len(groups) > 0xFFFF {
		return nil, fmt.Errorf("%s: %d shards, more than split.count (u16) can hold", path, len(groups))
	}
	prefix := strings.TrimSuffix(path, ".gguf")
	headers := make([][]byte, len(groups))
	for si, g := range groups {
		sm := shardMeta(meta, si, len(groups), len(infos), split, keep)
		hdr, err := encodeHeader(sm, infos[g[0]:g[1]], w.alignment)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		sh := &outShard{path: path}
		if named {
			sh.path = SplitPath(prefix, si, len(groups))
		}
		pos := int64(len(hdr))
		for i := g[0]; i < g[1]; i++ {
			size := infos[i].Size()
			w.tensors = append(w.tensors, outTensor{info: infos[i], shard: si, pos: pos, size: size, cover: &coverage{}})
			pos += pad(size, w.alignment)
		}
		sh.size = pos
		w.shards = append(w.shards, sh)
		headers[si] = hdr
	}
	return headers, nil
}

// encodeHeader is the header of one file including the padding after the
// tensor infos (gguf.cpp pads there unconditionally).
func encodeHeader(meta *Metadata, infos []TensorInfo, align int64) ([]byte, error) {
	b := append([]byte(nil), magic[:]...)
	b = le.AppendUint32(b, 3)
	b = le.AppendUint64(b, uint64(len(infos)))
	b = le.AppendUint64(b, uint64(meta.Len()))
	var err error
	for _, kv := range meta.kvs {
		if b, err = appendKV(b, kv); err != nil {
			return nil, err
		}
	}
	off := int64(0)
	for _, ti := range infos {
		b = appendTensorInfo(b, ti, off)
		off += pad(ti.Size(), align)
	}
	return append(b, make([]byte, pad(int64(len(b)), align)-int64(len(b)))...), nil
}

func (w *Writer) createFiles(headers [][]byte) error {
	for i, sh := range w.shards {
		dir, base := filepath.Split(sh.path)
		if dir == "" {
			dir = "."
		}
		f, err := os.CreateTemp(dir, "."+base+".tmp-*")
		if err != nil {
			return fmt.Errorf("%s: %w", sh.path, err)
		}
		sh.f, sh.tmp = f, f.Name()
		// CreateTemp makes the file private (0600); a model is an ordinary
		// file, so give it the mode os.Create would (before umask).
		if err := f.Chmod(0o644); err != nil {
			return fmt.Errorf("%s: %w", sh.path, err)
		}
		if _, err := f.WriteAt(headers[i], 0); err != nil {
			return fmt.Errorf("%s: write header: %w", sh.path, err)
		}
		// Setting the final size up front makes every padding byte a zero
		// without writing it, and lets tensors arrive in any order.
		if err := f.Truncate(sh.size); err != nil {
			return fmt.Errorf("%s: %w", sh.path, err)
		}
	}
	return nil
}

// WriteAt writes p at offset off of tensor i's data (off relative to the
// tensor's first byte). Safe for concurrent use; the ranges of concurrent
// calls should not overlap.
func (w *Writer) WriteAt(i int, p []byte, off int64) error {
	if i < 0 || i >= len(w.tensors) {
		return fmt.Errorf("gguf writer: tensor index %d out of range [0, %d)", i, len(w.tensors))
	}
	t := &w.tensors[i]
	sh := w.shards[t.shard]
	if off < 0 || off > t.size || int64(len(p)) > t.size-off {
		return fmt.Errorf("%s: tensor %q: write of %d bytes at %d is outside its %d bytes", sh.path, t.info.Name, len(p), off, t.size)
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.done {
		return fmt.Errorf("%s: tensor %q: write after Commit or Abort", sh.path, t.info.Name)
	}
	if _, err := sh.f.WriteAt(p, t.pos+off); err != nil {
		return fmt.Errorf("%s: tensor %q: %w", sh.path, t.info.Name, err)
	}
	t.cover.add(off, off+int64(len(p)))
	return nil
}

// Commit checks that every tensor was completely written, syncs the files
// and renames them into place. On error the temporary files are removed.
func (w *Writer) Commit() error {
	w.mu.Lock()
	if w.done {
		w.mu.Unlock()
		return errors.New("gguf writer: already committed or aborted")
	}
	w.done = true
	w.mu.Unlock()
	if err := w.checkComplete(); err != nil {
		w.cleanup()
		return err
	}
	for _, sh := range w.shards {
		var err error
		if !w.noSync {
			err = sh.f.Sync()
		}
		if cerr := sh.f.Close(); err == nil {
			err = cerr
		}
		sh.f = nil
		if err != nil {
			w.cleanup()
			return fmt.Errorf("%s: %w", sh.path, err)
		}
	}
	for _, sh := range w.shards {
		if err := os.Rename(sh.tmp, sh.path); err != nil {
			w.cleanup()
			return fmt.Errorf("%s: %w", sh.path, err)
		}
		sh.tmp = ""
	}
	if !w.noSync {
		syncDir(filepath.Dir(w.shards[0].path))
	}
	return nil
}

func (w *Writer) checkComplete() error {
	for i := range w.tensors {
		t := &w.tensors[i]
		if missing := t.cover.missing(t.size); missing >= 0 {
			return fmt.Errorf("%s: tensor %q: byte %d of %d was never written", w.shards[t.shard].path, t.info.Name, missing, t.size)
		}
	}
	return nil
}

// Abort discards the output: temporary files are removed and the target
// paths are left as they were. Calling it after Commit does nothing.
func (w *Writer) Abort() error {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
	return w.cleanup()
}

func (w *Writer) cleanup() error {
	var errs []error
	for _, sh := range w.shards {
		if sh.f != nil {
			sh.f.Close()
			sh.f = nil
		}
		if sh.tmp != "" {
			if err := os.Remove(sh.tmp); err != nil && !os.IsNotExist(err) {
				errs = append(errs, err)
			}
			sh.tmp = ""
		}
	}
	return errors.Join(errs...)
}

// Paths are the output file names (one per shard).
func (w *Writer) Paths() []string {
	out := make([]string, len(w.shards))
	for i, sh := range w.shards {
		out[i] = sh.path
	}
	return out
}

// TotalSize is the size of all output files together.
func (w *Writer) TotalSize() int64 {
	n := int64(0)
	for _, sh := range w.shards {
		n += sh.size
	}
	return n
}

// Alignment is the data alignment used.
func (w *Writer) Alignment() int64 { return w.alignment }

// Placement returns tensor i's shard index and absolute file offset.
func (w *Writer) Placement(i int) (shard int, offset int64) {
	return w.tensors[i].shard, w.tensors[i].pos
}

// NumTensors is the number of declared tensors.
func (w *Writer) NumTensors() int { return len(w.tensors) }

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: makes the renames durable where supported
		d.Close()
	}
}

// coverage is the set of written byte ranges of one tensor, kept as sorted,
// merged half-open intervals.
type coverage struct {
	mu  sync.Mutex
	ivs [][2]int64
}

func (c *coverage) add(lo, hi int64) {
	if lo >= hi {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// first interval whose end reaches lo
	i := sort.Search(len(c.ivs), func(k int) bool { return c.ivs[k][1] >= lo })
	j := i
	for j < len(c.ivs) && c.ivs[j][0] <= hi {
		lo = min(lo, c.ivs[j][0])
		hi = max(hi, c.ivs[j][1])
		j++
	}
	c.ivs = append(c.ivs[:i], append([][2]int64{{lo, hi}}, c.ivs[j:]...)...)
}

// missing returns the first byte in [0, size) not covered, or -1.
func (c *coverage) missing(size int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if size == 0 {
		return -1
	}
	if len(c.ivs) == 0 || c.ivs[0][0] > 0 {
		return 0
	}
	if c.ivs[0][1] >= size {
		return -1
	}
	return c.ivs[0][1]
}
