package recipe

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/simd"
)

// Job is a prepared quantization of one opened model: the decisions, the
// output metadata and tensor infos in output order.
type Job struct {
	Model    *gguf.Model
	FileType FileType          // recorded in general.file_type
	Choices  []Choice          // in output (loader) order
	Tensors  []*gguf.Tensor    // input tensors, parallel to Choices
	Meta     *gguf.Metadata    // output metadata
	Infos    []gguf.TensorInfo // output tensor infos, parallel to Choices
	Shards   []int             // with KeepSplit: output tensors per shard
}

// Prepare plans the quantization of an opened model without writing
// anything (llama-quantize --dry-run computes the same).
func Prepare(m *gguf.Model, opts Options) (*Job, error) {
	view := m.Meta
	if len(opts.Overrides) > 0 {
		view = m.Meta.Clone() // llama.cpp's loader answers with the overrides too
		ApplyOverrides(view, opts.Overrides)
	}
	mi, err := ModelInfoFrom(view)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Path, err)
	}
	names := make([]string, len(m.Tensors))
	for i, t := range m.Tensors {
		names[i] = t.Name
	}
	order := LoaderOrder(names)
	if opts.KeepSplit {
		order = fileOrder(m.Tensors)
	}
	j := &Job{Model: m}
	var infos []gguf.TensorInfo
	var types []quant.Type
	ordered := make([]string, len(order))
	for k, i := range order {
		ordered[k] = names[i]
	}
	renamed, blocks := ordered, 0
	planOpts := opts
	if len(opts.PruneLayers) > 0 {
		renamed, blocks = pruneLayers(ordered, opts.PruneLayers)
		planOpts.Imatrix = opts.Imatrix.renamed(ordered, renamed)
	}
	for k, i := range order {
		if renamed[k] == "" {
			continue // a pruned layer's tensor
		}
		if opts.KeepSplit {
			sh := m.Tensors[i].Shard
			for len(j.Shards) <= sh {
				j.Shards = append(j.Shards, 0)
			}
			j.Shards[sh]++
		}
		j.Tensors = append(j.Tensors, m.Tensors[i])
		info := m.Tensors[i].TensorInfo
		info.Name = renamed[k]
		infos = append(infos, info)
		types = append(types, m.Tensors[i].Type)
	}
	ft := opts.FileType
	if opts.Copy {
		ft = CopyFileType(m.Meta, types)
		planOpts.FileType = AllF32 // COPY's own ftype: only its default type matters, and nothing is converted
	}
	if j.Choices, err = Plan(mi, infos, planOpts); err != nil {
		return nil, fmt.Errorf("%s: %w", m.Path, err)
	}
	j.FileType = ft
	j.Meta = OutputMetadata(m.Meta, ft, opts.Imatrix, opts.Overrides)
	if len(opts.PruneLayers) > 0 {
		j.Meta.Set(mi.Arch+".block_count", gguf.U32(uint32(blocks))) // last, as llama-quantize sets it
	}
	for _, c := range j.Choices {
		j.Infos = append(j.Infos, gguf.TensorInfo{Name: c.Name, Type: c.Target, Shape: trimShape(c.Shape)})
		if c.Convert() && !canConvertFrom(c.Type) {
			return nil, fmt.Errorf("%s: tensor %q: cannot convert tensor type %s to %s", m.Path, c.Name, c.Type, c.Target)
		}
		if c.Convert() && !quant.CanQuantize(c.Target) {
			return nil, fmt.Errorf("%s: tensor %q: quantizing to %s is not supported yet", m.Path, c.Name, c.Target)
		}
	}
	return j, nil
}

// fileOrder is llama-quantize --keep-split's tensor order: by shard, then
// by position in the shard.
func fileOrder(ts []*gguf.Tensor) []int {
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(ts[a].Shard, ts[b].Shard); c != 0 {
			return c
		}
		return cmp.Compare(ts[a].Offset, ts[b].Offset)
	})
	return idx
}

// canConvertFrom: llama-quantize converts from floats and quantized types
// only, never from integer tensors.
func canConvertFrom(t quant.Type) bool {
	return (t == quant.F32 || t == quant.F16 || t == quant.BF16 || t.Info().Quantized) && quant.CanDequantize(t)
}

// trimShape drops trailing dimensions of 1, as gguf.cpp writes ggml tensors
// (n_dims = ggml_n_dims); a file written by gguf-py may have kept them.
func trimShape(s []int64) []int64 {
	n := len(s)
	for n > 1 && s[n-1] == 1 {
		n--
	}
	if n == 0 {
		return []int64{1}
	}
	return append([]int64(nil), s[:n]...)
}

// Report summarizes a finished run.
type Report struct {
	Paths       []string
	FileType    FileType
	Tensors     int
	Converted   int
	Fallbacks   int
	Requantized int
	InBytes     int64
	OutBytes    int64
}

// QuantizeFile quantizes the model at in (split shards are followed) and
// writes out, as llama-quantize would. Row blocks are converted by
// opts.Threads workers and written at their final offsets; memory stays a
// few MiB per worker whatever the model size, and the bytes do not depend on
// the number of workers. The output appears only when complete.
func QuantizeFile(ctx context.Context, in, out string, opts Options) (*Report, error) {
	m, err := gguf.Open(in)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	j, err := Prepare(m, opts)
	if err != nil {
		return nil, err
	}
	j.logNotes(opts)
	split := opts.Split
	if opts.KeepSplit {
		if split.SplitMaxBytes > 0 || split.SplitMaxTensors > 0 {
			return nil, errors.New("--keep-split cannot be combined with --split-max-size or --split-max-tensors")
		}
		split.KeepSplit = j.Shards
	}
	w, err := gguf.Create(out, j.Meta, j.Infos, split)
	if err != nil {
		return nil, err
	}
	if err := j.Run(ctx, w, opts); err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	rep := j.report()
	rep.Paths, rep.OutBytes = w.Paths(), w.TotalSize()
	return rep, nil
}

func (j *Job) report() *Report {
	r := &Report{FileType: j.FileType, Tensors: len(j.Choices)}
	for _, c := range j.Choices {
		r.InBytes += c.Size()
		if c.Convert() {
			r.Converted++
			if c.Type.Info().Quantized {
				r.Requantized++
			}
		}
		if c.Fallback {
			r.Fallbacks++
		}
	}
	return r
}

// logNotes tells the user what llama-quantize would warn about.
func (j *Job) logNotes(opts Options) {
	if opts.Log == nil {
		return
	}
	var requant, noImatrix, fallback []string
	for _, c := range j.Choices {
		if c.Convert() && c.Type.Info().Quantized {
			requant = append(requant, c.Type.String())
		}
		if c.Convert() && opts.Imatrix.Len() > 0 && c.Imatrix == nil && !isTokenEmbd(c.Name) {
			noImatrix = append(noImatrix, c.Name)
		}
		if c.Fallback {
			fallback = append(fallback, fmt.Sprintf("%s (row %d) -> %s", c.Name, c.RowLen(), c.Target))
		}
	}
	if len(requant) > 0 && !opts.AllowRequantize {
		opts.Log("note: %d tensors are already quantized (%s); requantizing them loses quality compared to quantizing from F16/F32 (pass --allow-requantize to silence this note)",
			len(requant), strings.Join(uniq(requant), ", "))
	}
	if len(noImatrix) > 0 {
		opts.Log("note: the importance matrix has no entry for %d tensors (%s); they are quantized without one", len(noImatrix), strings.Join(head(noImatrix, 4), ", "))
	}
	if len(fallback) > 0 {
		opts.Log("note: %d of %d tensors have rows that do not fit their type's block and fall back: %s", len(fallback), len(j.Choices), strings.Join(head(fallback, 4), "; "))
	}
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func head(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("… %d more", len(s)-n))
}

// work is one unit: rows [r0, r0+n) of output tensor i (for a copy, bytes).
type work struct {
	i     int
	r0, n int64
}

// Block sizes: converted blocks are sized from the L2 cache
// (convertRows), copied blocks move copyBlockBytes at a time.
const (
	// minConvertValues is the smallest converted block, whatever the cache
	// size, so that the per-block costs (a read, a write, a hand-off
	// between goroutines) stay small next to the work.
	minConvertValues = 8 << 10
	copyBlockBytes   = 8 << 20
)

// Run converts and writes every tensor of the job into w (whose tensors
// must be j.Infos in order). It does not Commit.
func (j *Job) Run(ctx context.Context, w *gguf.Writer, opts Options) error {
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	units, remaining := j.plan()
	p := &progress{log: opts.Log, total: len(j.Choices), remaining: remaining, choices: j.Choices}
	ch := make(chan work)
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf buffers
			for u := range ch {
				if err := j.do(u, w, &buf); err != nil {
					cancel(err)
					return
				}
				p.done(u.i)
			}
		}()
	}
feed:
	for _, u := range units {
		select {
		case ch <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// plan cuts every tensor into work units and counts them per tensor.
func (j *Job) plan() ([]work, []int32) {
	var units []work
	remaining := make([]int32, len(j.Choices))
	for i := range j.Choices {
		c := &j.Choices[i]
		rows := c.Rows()
		per := int64(1)
		if c.Convert() {
			per = convertRows(c)
		} else if rb := c.RowBytes(); rb > 0 {
			per = max(1, copyBlockBytes/rb)
		}
		if rows == 0 || c.Size() == 0 {
			units = append(units, work{i, 0, 0})
			remaining[i]++
			continue
		}
		for r := int64(0); r < rows; r += per {
			units = append(units, work{i, r, min(per, rows-r)})
			remaining[i]++
		}
	}
	return units, remaining
}

// convertRows is the number of rows in a converted block: as many as keep
// one worker's working set (the raw rows, their float32 values and the
// quantized rows) within half of the L2 cache, so the values are still
// cached when they are quantized (issue #6); at least minConvertValues
// values and one row. The output bytes do not depend on it.
func convertRows(c *Choice) int64 {
	rowLen := max(1, c.RowLen())
	perRow := c.RowBytes() + 4*rowLen
	if rb, err := c.Target.RowSize(rowLen); err == nil {
		perRow += rb
	}
	return max(int64(simd.RowsPerBlock(int(perRow))), minConvertValues/rowLen, 1)
}

// buffers are one worker's scratch space, reused between units.
type buffers struct {
	raw []byte
	f32 []float32
	out []byte
}

func grow[T any](s []T, n int64) []T {
	if int64(cap(s)) < n {
		return make([]T, n)
	}
	return s[:n]
}

// do reads, converts and writes one unit.
func (j *Job) do(u work, w *gguf.Writer, b *buffers) error {
	c, t := &j.Choices[u.i], j.Tensors[u.i]
	srcRow := c.RowBytes()
	b.raw = grow(b.raw, u.n*srcRow)
	if _, err := t.ReadAt(b.raw, u.r0*srcRow); err != nil {
		return err
	}
	if !c.Convert() {
		return w.WriteAt(u.i, b.raw, u.r0*srcRow)
	}
	b.f32 = grow(b.f32, u.n*c.RowLen())
	if err := toFloat(c.Type, b.f32, b.raw); err != nil {
		return fmt.Errorf("%s: tensor %q: %w", t.File(), c.Name, err)
	}
	dstRow, err := c.Target.RowSize(c.RowLen())
	if err != nil {
		return fmt.Errorf("tensor %q: %w", c.Name, err)
	}
	b.out = grow(b.out, u.n*dstRow)
	if err := c.QuantizeRows(b.out, b.f32, u.r0); err != nil {
		return err
	}
	return w.WriteAt(u.i, b.out, u.r0*dstRow)
}

// toFloat dequantizes (or widens) raw blocks to float32.
func toFloat(t quant.Type, dst []float32, raw []byte) error {
	if t == quant.F32 {
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return nil
	}
	return quant.Dequantize(t, dst, raw)
}

// progress logs each tensor when its last unit is written.
type progress struct {
	log       func(string, ...any)
	total     int
	finished  atomic.Int32
	remaining []int32
	choices   []Choice
}

func (p *progress) done(i int) {
	if atomic.AddInt32(&p.remaining[i], -1) != 0 || p.log == nil {
		return
	}
	k := p.finished.Add(1)
	c := &p.choices[i]
	var action string
	if c.Convert() {
		action = fmt.Sprintf("%s -> %s", c.Type, c.Target)
	} else {
		action = fmt.Sprintf("%s, copied", c.Type)
	}
	p.log("[%*d/%d] %-40s [%s] %s", len(fmt.Sprint(p.total)), k, p.total, c.Name, c.ShapeString(), action)
}
