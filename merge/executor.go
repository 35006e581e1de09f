package merge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/simd"
)

// RunOptions control how a plan runs. The output bytes never depend on them.
type RunOptions struct {
	Threads  int                // workers; <= 0 means runtime.NumCPU()
	Split    gguf.WriterOptions // optional output sharding (gguf-split style)
	Progress func(Progress)     // called after every finished block, never concurrently
	// BlockValues is the number of values per input in one row block (whole
	// rows, at least one); 0 sizes blocks from the L2 cache size.
	BlockValues int64
}

// Progress is a snapshot of a running merge.
type Progress struct {
	Tensors, TensorsDone int
	Bytes, BytesDone     int64 // output tensor bytes
}

// Result describes a finished merge.
type Result struct {
	Paths     []string
	Size      int64 // bytes of the output file(s)
	Elapsed   time.Duration
	Tensors   int
	Computed  int   // tensors merged and (re)quantized
	Copied    int   // tensors copied byte for byte from an input
	Passes    int   // statistics passes run (TIES, L1 rescale, SLERP, ...)
	ReadBytes int64 // input bytes read
	Threads   int
}

// Block sizes: a computed tensor's row blocks are sized from the L2 cache
// (blockRows), within a memory budget for all workers together; copies move
// copyBlockBytes at a time.
const (
	// minBlockFloats is the smallest block per input, whatever the cache
	// size, so that the per-block costs (a read per input, a write, a
	// hand-off between goroutines) stay small next to the work.
	minBlockFloats = 8 << 10
	bufferBudget   = 192 << 20 // all workers' row buffers together
	copyBlockBytes = 4 << 20
	// unitRawBytes is about how many input bytes one work unit of a
	// computed tensor reads (one positioned read per input), before it
	// works through them block by block: few system calls and hand-offs,
	// while each block's float32 rows still fit the cache.
	unitRawBytes = 2 << 20
)

// Execute writes the merged model to out. Each worker takes row blocks,
// dequantizes the inputs' rows into reused float32 buffers, merges,
// quantizes and writes them at their final offset; tensors whose method
// needs whole-tensor statistics get those passes first (on the feeding
// goroutine, overlapping other tensors' blocks). Inputs are read with
// positioned reads, so memory stays a few MiB per worker whatever the model
// size. The output appears only when complete: on error or cancellation the
// temporary file is removed and an existing out is left untouched.
func (p *Plan) Execute(ctx context.Context, out string, ro RunOptions) (*Result, error) {
	start := time.Now()
	if err := p.checkOutputPath(out); err != nil {
		return nil, err
	}
	w, err := gguf.Create(out, p.Meta, p.OutputInfos(), ro.Split)
	if err != nil {
		return nil, err
	}
	if err := checkFreeSpace(filepath.Dir(out), w.TotalSize()); err != nil {
		w.Abort()
		return nil, err
	}
	e := newExecutor(p, w, ro)
	if err := e.run(ctx); err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	res := e.result()
	res.Paths, res.Size, res.Elapsed = w.Paths(), w.TotalSize(), time.Since(start)
	return res, nil
}

// checkOutputPath refuses to overwrite an input: the rename at the end
// would replace a file the merge is reading.
func (p *Plan) checkOutputPath(out string) error {
	key := fileKey(out)
	for _, in := range p.Inputs {
		for _, f := range in.Model.Files {
			if fileKey(f) == key {
				return fmt.Errorf("output %s is input model %s: choose another output file", out, f)
			}
		}
	}
	return nil
}

type executor struct {
	p           *Plan
	w           *gguf.Writer
	threads     int
	blockFloats int64 // RunOptions.BlockValues, 0 to size from the cache
	maxFloats   int64 // per input per block: the memory budget's share
	cacheBytes  int64 // what one worker's block may occupy
	progress    func(Progress)

	mu        sync.Mutex // serializes progress callbacks
	state     Progress
	remaining []atomic.Int64 // unfinished blocks per tensor
	// live holds each tensor's merger while its blocks are in flight: a
	// fresh one per tensor, dropped after its last block, so per-tensor
	// statistics (selection buffers, norms) never pile up over a model.
	live      []TensorMerger
	readBytes atomic.Int64
	passes    atomic.Int64
}

func newExecutor(p *Plan, w *gguf.Writer, ro RunOptions) *executor {
	threads := ro.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	maxIn := 1
	for _, t := range p.Tensors {
		maxIn = max(maxIn, len(t.Merger.Inputs()))
	}
	// per value: float32 of each input, its raw bytes (at most 4), output
	// float32 and output bytes (at most 4)
	perValue := int64(8*maxIn + 8)
	e := &executor{p: p, w: w, threads: threads, progress: ro.Progress, blockFloats: max(0, ro.BlockValues),
		maxFloats:  int64(bufferBudget) / int64(threads+1) / perValue,
		cacheBytes: int64(simd.L2CacheBytes()) / 2}
	e.remaining = make([]atomic.Int64, len(p.Tensors))
	e.live = make([]TensorMerger, len(p.Tensors))
	e.state.Tensors = len(p.Tensors)
	for _, info := range p.OutputInfos() {
		e.state.Bytes += info.Size()
	}
	return e
}

func (e *executor) result() *Result {
	r := &Result{Tensors: len(e.p.Tensors), Passes: int(e.passes.Load()), ReadBytes: e.readBytes.Load(), Threads: e.threads}
	for _, t := range e.p.Tensors {
		if t.Copy >= 0 {
			r.Copied++
		} else {
			r.Computed++
		}
	}
	return r
}

// unit is one piece of work: rows [r0, r0+n) of output tensor i, read
// and written at once, merged and quantized in blocks of at most blk rows.
type unit struct {
	i          int
	r0, n, blk int64
}

// run feeds blocks to the workers tensor by tensor. A tensor's statistics
// passes run on this goroutine before its blocks are handed out, while the
// workers are still busy with earlier tensors.
func (e *executor) run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	units := make(chan unit)
	var wg sync.WaitGroup
	for range e.threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b buffers
			for u := range units {
				if ctx.Err() != nil {
					continue
				}
				if err := e.do(u, &b); err != nil {
					cancel(err)
				}
			}
		}()
	}
	var feedBuf buffers
feed:
	for i, t := range e.p.Tensors {
		if t.Copy < 0 {
			m, err := e.merger(t)
			if err == nil {
				err = e.statistics(ctx, t, m, &feedBuf)
			}
			if err != nil {
				cancel(err)
				break
			}
			e.live[i] = m
		}
		blocks := e.blocks(i)
		e.remaining[i].Store(int64(len(blocks)))
		for _, u := range blocks {
			select {
			case units <- u:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(units)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// blocks cuts output tensor i into work units.
func (e *executor) blocks(i int) []unit {
	t := e.p.Tensors[i]
	rows := rowCount(t.Shape)
	var per, blk int64
	if t.Copy >= 0 {
		per = max(1, copyBlockBytes/max(1, t.Sources[t.Copy].RowBytes()))
		blk = per
	} else {
		blk = e.blockRows(t)
		per = blk * e.blocksPerUnit(t, blk)
	}
	var out []unit
	for r := int64(0); r < rows; r += per {
		out = append(out, unit{i: i, r0: r, n: min(per, rows-r), blk: blk})
	}
	return out
}

// blocksPerUnit is how many row blocks of blk rows one unit of computed
// tensor t holds: about unitRawBytes of input, within the memory budget's
// share; one when the block size was set explicitly.
func (e *executor) blocksPerUnit(t *TensorPlan, blk int64) int64 {
	if e.blockFloats > 0 {
		return 1
	}
	var raw int64
	for _, i := range t.Merger.Inputs() {
		raw += t.Sources[i].RowBytes()
	}
	k := unitRawBytes / max(1, raw*blk)
	k = min(k, e.maxFloats/max(1, blk*t.Shape[0]))
	return max(1, k)
}

// blockRows is the number of rows in a block of computed tensor t: as many
// as keep one worker's working set (every input's raw and float32 rows,
// the merged float32 and quantized rows, and the merger's scratch of about
// k+3 rows) within half of the L2 cache, so that the dequantized rows are
// still cached when the merge reads them and the merged rows when they are
// quantized (issue #6). Then at least minBlockFloats values per input, at
// most the memory budget's share, at least one row. The output bytes do
// not depend on it.
func (e *executor) blockRows(t *TensorPlan) int64 {
	rowLen := t.Shape[0]
	if e.blockFloats > 0 {
		return max(1, e.blockFloats/rowLen)
	}
	inputs := t.Merger.Inputs()
	k := int64(len(inputs))
	perRow := 4 * rowLen * (k + 1)
	for _, i := range inputs {
		perRow += t.Sources[i].RowBytes()
	}
	if rb, err := t.Out.Target.RowSize(rowLen); err == nil {
		perRow += rb
	}
	scratch := 4 * rowLen * (k + 3)
	rows := max(0, e.cacheBytes-scratch) / perRow
	rows = max(rows, minBlockFloats/rowLen)
	rows = min(rows, e.maxFloats/rowLen)
	return max(1, rows)
}

func rowCount(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape[1:] {
		n *= d
	}
	return n
}

// merger makes a fresh merger for a tensor from its planned spec (the one
// made while planning was only used to check and describe it).
func (e *executor) merger(t *TensorPlan) (TensorMerger, error) {
	spec := t.Spec
	spec.Warn = nil // reported while planning
	m, err := e.p.Config.Method.NewTensor(spec)
	if err != nil {
		return nil, err
	}
	if !sameShape(m.Shape(), t.Shape) {
		return nil, fmt.Errorf("tensor %s: merger shape %v, planned %v", t.Name, m.Shape(), t.Shape)
	}
	return m, nil
}

// statistics runs the passes a merger asks for, streaming every row in order.
func (e *executor) statistics(ctx context.Context, t *TensorPlan, m TensorMerger, b *buffers) error {
	rows := rowCount(t.Shape)
	per := e.blockRows(t)
	for pass := 0; m.WantPass(); pass++ {
		if pass >= m.MaxPasses() {
			return fmt.Errorf("tensor %s: merger wants more than its %d statistics passes", t.Name, m.MaxPasses())
		}
		for r := int64(0); r < rows; r += per {
			if err := ctx.Err(); err != nil {
				return err
			}
			n := min(per, rows-r)
			if err := e.readRaw(t, m, r, n, b); err != nil {
				return err
			}
			blk, err := e.decode(t, m, r, r, n, b)
			if err != nil {
				return err
			}
			if err := m.Observe(blk); err != nil {
				return fmt.Errorf("tensor %s: %w", t.Name, err)
			}
		}
		if err := m.EndPass(); err != nil {
			return fmt.Errorf("tensor %s: %w", t.Name, err)
		}
		e.passes.Add(1)
	}
	return nil
}

// buffers are one goroutine's reusable memory.
type buffers struct {
	raw [][]byte    // per input
	in  [][]float32 // per input
	out []float32
	q   []byte
	blk RowBlock
	s   Scratch
}

func grow[T any](s []T, n int64) []T {
	if int64(cap(s)) < n {
		return make([]T, n)
	}
	return s[:n]
}

// readRaw loads the raw bytes of rows [r0, r0+n) of every input the
// merger reads into b.raw.
func (e *executor) readRaw(t *TensorPlan, m TensorMerger, r0, n int64, b *buffers) error {
	for len(b.raw) < len(t.Sources) {
		b.raw, b.in = append(b.raw, nil), append(b.in, nil)
	}
	for _, i := range m.Inputs() {
		src := t.Sources[i]
		rb := src.RowBytes()
		b.raw[i] = grow(b.raw[i], n*rb)
		if _, err := src.ReadAt(b.raw[i], r0*rb); err != nil {
			return fmt.Errorf("reading %s: %w", src.File(), err)
		}
		e.readBytes.Add(n * rb)
	}
	return nil
}

// decode turns rows [r0, r0+n) of the unit read from row u0 into float32
// rows of every input the merger reads.
func (e *executor) decode(t *TensorPlan, m TensorMerger, u0, r0, n int64, b *buffers) (*RowBlock, error) {
	rowLen := t.Shape[0]
	b.blk = RowBlock{FirstRow: r0, Rows: int(n), RowLen: int(rowLen), In: b.blk.In[:0]}
	for range t.Sources {
		b.blk.In = append(b.blk.In, nil)
	}
	for _, i := range m.Inputs() {
		src := t.Sources[i]
		rb := src.RowBytes()
		b.in[i] = grow(b.in[i], n*rowLen)
		if err := toFloat32(src.Type, b.in[i], b.raw[i][(r0-u0)*rb:(r0-u0+n)*rb]); err != nil {
			return nil, fmt.Errorf("%s: tensor %s: %w", src.File(), src.Name, err)
		}
		b.blk.In[i] = b.in[i]
	}
	return &b.blk, nil
}

// toFloat32 dequantizes (or widens, or decodes) raw rows.
func toFloat32(t quant.Type, dst []float32, raw []byte) error {
	if t == quant.F32 {
		if len(raw) != 4*len(dst) {
			return fmt.Errorf("F32: %d bytes for %d values", len(raw), len(dst))
		}
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return nil
	}
	return quant.Dequantize(t, dst, raw)
}

// do processes one unit: copy bytes, or read, merge, quantize and write.
func (e *executor) do(u unit, b *buffers) error {
	t := e.p.Tensors[u.i]
	var written int64
	if t.Copy >= 0 {
		src := t.Sources[t.Copy]
		rb := src.RowBytes()
		b.q = grow(b.q, u.n*rb)
		if _, err := src.ReadAt(b.q, u.r0*rb); err != nil {
			return fmt.Errorf("reading %s: %w", src.File(), err)
		}
		e.readBytes.Add(u.n * rb)
		if err := e.w.WriteAt(u.i, b.q, u.r0*rb); err != nil {
			return err
		}
		written = u.n * rb
	} else {
		rb, err := e.compute(t, u, b)
		if err != nil {
			return err
		}
		if err := e.w.WriteAt(u.i, b.q, u.r0*rb); err != nil {
			return err
		}
		written = u.n * rb
	}
	e.report(u.i, written)
	return nil
}

// compute reads a unit of computed tensor t, merges and quantizes it
// block by block into b.q, and returns the output row size.
func (e *executor) compute(t *TensorPlan, u unit, b *buffers) (int64, error) {
	m := e.live[u.i]
	rb, err := t.Out.Target.RowSize(t.Shape[0])
	if err != nil {
		return 0, fmt.Errorf("tensor %s: %w", t.Name, err)
	}
	if err := e.readRaw(t, m, u.r0, u.n, b); err != nil {
		return 0, err
	}
	b.q = grow(b.q, u.n*rb)
	for r0 := u.r0; r0 < u.r0+u.n; r0 += u.blk {
		n := min(u.blk, u.r0+u.n-r0)
		blk, err := e.decode(t, m, u.r0, r0, n, b)
		if err != nil {
			return 0, err
		}
		b.out = grow(b.out, n*t.Shape[0])
		if err := m.Merge(b.out, blk, &b.s); err != nil {
			return 0, fmt.Errorf("tensor %s: %w", t.Name, err)
		}
		if err := t.Out.QuantizeRows(b.q[(r0-u.r0)*rb:(r0-u.r0+n)*rb], b.out, r0); err != nil {
			return 0, err
		}
	}
	return rb, nil
}

func (e *executor) report(i int, written int64) {
	last := e.remaining[i].Add(-1) == 0
	if last {
		e.live[i] = nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.BytesDone += written
	if last {
		e.state.TensorsDone++
	}
	if e.progress != nil {
		e.progress(e.state)
	}
}

// errNoSpace is returned when the output cannot fit on its file system.
var errNoSpace = errors.New("not enough free disk space")

// checkFreeSpace fails early when the file system holding dir has less
// room than the output needs (where the platform can tell).
func checkFreeSpace(dir string, need int64) error {
	free, ok := freeBytes(dir)
	if !ok || free >= need {
		return nil
	}
	return fmt.Errorf("%w in %s: the output needs %.1f MiB, %.1f MiB are free", errNoSpace, dir,
		float64(need)/(1<<20), float64(free)/(1<<20))
}
