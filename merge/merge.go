// Package merge computes merged tensors the way mergekit's methods do, one
// block of float32 rows at a time, and reads mergekit's YAML configuration.
//
// # Protocol for an executor
//
// For every output tensor the executor
//
//  1. builds a TensorSpec with Config.Spec(query, shapes, seed): the query
//     names the tensor, its slice and layer (Config.ModelsQuery for a
//     `models:` config); Spec applies precedence, gradients and filters and
//     takes each input model's shape (nil when a model lacks the tensor);
//  2. calls Method.NewTensor(spec). The returned TensorMerger says which
//     inputs it reads (Inputs), the output shape (Shape) and whether the
//     output is simply one input copied (Identity, so raw bytes can be copied);
//  3. while WantPass() is true: streams every row of the tensor, in row order
//     and from one goroutine, as RowBlocks through Observe, then calls EndPass.
//     These statistics passes compute the per-tensor quantities some methods
//     need (TIES's k-th largest |delta|, the L1 rescale factor, SLERP's norms,
//     model_stock's cosines, ...). MaxPasses() bounds their number up front;
//  4. streams the rows again and calls Merge for each block. Merge may run on
//     several goroutines at once for disjoint row ranges; each goroutine owns
//     its Scratch, which Merge uses instead of allocating.
//
// A RowBlock always holds whole rows (a row is ggml's ne0 contiguous elements;
// a 1-D tensor is one row; a 3-D tensor has ne1*ne2 rows). Per-tensor
// statistics are taken per 2-D slice of ne1 rows, because a stacked 3-D GGUF
// tensor (MoE experts) is what mergekit merges as separate tensors. The output does
// not depend on how the rows are cut into blocks or how many goroutines run:
// every method is either row-local or uses per-tensor statistics accumulated
// in row order, and random draws are keyed by (seed, tensor, input, row,
// column), see Philox.
//
// Inputs are indexed as in the config: with `models:` syntax, the models in
// listed order, then the base model if it was not listed. Base is that
// index, or -1 for a method run without a base.
//
// All arithmetic is float32 in the reference's order (products that are then
// added are rounded to float32 first so that no FMA changes the result);
// per-tensor sums are accumulated in float64.
//
// NewTensor does no work on tensor data and allocates little, so an executor
// can build every tensor's merger before reading any data and report all
// configuration errors (missing parameters behind filters, a DELLA window
// outside (0, 1), TIES keeping nothing) up front.
//
// README.md in this directory lists the methods, parameters and the
// decisions taken where the reference implementations disagree or misbehave.
package merge

import (
	"fmt"
	"sort"
)

// Value is one resolved parameter value.
type Value struct {
	Num float64 // numbers; booleans are 1 or 0
	Str string  // choice-valued parameters (rescale_mode); Num is then unused
}

// Params maps parameter names to resolved values. The config code fills in
// every parameter a method declares (defaults included); methods also fall
// back to their defaults so hand-built Params in tests stay short.
type Params map[string]Value

// Float returns the number stored under name, or def when absent.
func (p Params) Float(name string, def float64) float64 {
	if v, ok := p[name]; ok {
		return v.Num
	}
	return def
}

// Bool returns whether the number stored under name is non-zero, or def.
func (p Params) Bool(name string, def bool) bool {
	if v, ok := p[name]; ok {
		return v.Num != 0
	}
	return def
}

// Choice returns the string stored under name, or def when absent.
func (p Params) Choice(name, def string) string {
	if v, ok := p[name]; ok && v.Str != "" {
		return v.Str
	}
	return def
}

// Has reports whether name is set.
func (p Params) Has(name string) bool { _, ok := p[name]; return ok }

// ParamKind says how a parameter's YAML values are read.
type ParamKind int

const (
	Number ParamKind = iota // float, gradients allowed
	Bool                    // true/false, or a number read as its truthiness
	Choice                  // one of ParamDef.Choices
)

// ParamDef declares one parameter of a method.
type ParamDef struct {
	Name     string
	PerModel bool // mergekit "tensor parameter": looked up per model, then slice, then top level
	Kind     ParamKind
	Required bool
	Default  Value
	Min, Max float64 // inclusive range of every number written in the YAML (ignored when Min > Max)
	Choices  []string
}

// BaseRule says what a method does with base_model.
type BaseRule int

const (
	BaseRequired BaseRule = iota // task vectors are taken against the base
	BaseOptional                 // used when given (nuslerp)
	BaseUnused                   // no special role: a listed base is merged like any model (Spec passes Base -1)
)

// Method is one merge method (mergekit's merge_method).
type Method interface {
	Name() string
	Params() []ParamDef
	Base() BaseRule
	// NewTensor validates shapes and parameters for one output tensor and
	// returns its merger. Errors name the tensor, the model and the problem.
	NewTensor(spec TensorSpec) (TensorMerger, error)
}

// TensorSpec describes one output tensor to merge.
type TensorSpec struct {
	Name   string    // output GGUF tensor name; keys the random draws
	Models []string  // per input: its name for messages (the GGUF path)
	Shapes [][]int64 // per input, ggml order (ne0 first); nil when the input lacks the tensor
	Params []Params  // per input: resolved per-model parameters (the base's are ignored)
	Global Params    // resolved method-global parameters
	Base   int       // input index of the base model, -1 for none
	Seed   uint64    // used when Rand is nil
	Rand   Uniforms  // nil: NewPhilox(Seed, Name); tests inject fixed uniforms here
	Warn   func(string)
}

// TensorMerger merges one tensor. See the package comment for the protocol.
type TensorMerger interface {
	// Shape is the output shape, ggml order: the reference input's shape
	// (the base, or the first present input for methods without a base).
	Shape() []int64
	// Inputs lists the input indices whose rows Observe and Merge read.
	// RowBlock.In entries of other inputs may be nil.
	Inputs() []int
	// Identity returns the input index the output equals exactly, or -1.
	// The executor may then copy that input instead of calling Merge.
	Identity() int
	// MaxPasses bounds the number of statistics passes.
	MaxPasses() int
	// WantPass reports whether another statistics pass is needed.
	WantPass() bool
	// Observe accumulates one block. Blocks of a pass must cover all rows
	// exactly once, in increasing row order, from one goroutine.
	Observe(b *RowBlock) error
	// EndPass closes the current statistics pass.
	EndPass() error
	// Merge writes b.Rows*RowLen output values to dst. Safe for concurrent
	// use on disjoint blocks, each caller with its own Scratch.
	Merge(dst []float32, b *RowBlock, s *Scratch) error
}

// RowBlock is a run of whole rows of every input, dequantized to float32.
type RowBlock struct {
	FirstRow int64       // index of the first row in the tensor
	Rows     int         // number of rows
	RowLen   int         // elements per row (ne0)
	In       [][]float32 // indexed like TensorSpec inputs; In[i] has Rows*RowLen values for i in Inputs()
}

// row returns row k (0-based within the block) of input i.
func (b *RowBlock) row(i, k int) []float32 {
	return b.In[i][k*b.RowLen : (k+1)*b.RowLen]
}

// check verifies that the block's slices match its declared size.
func (b *RowBlock) check(inputs []int, rowLen int) error {
	if b.RowLen != rowLen {
		return fmt.Errorf("row block has row length %d, tensor rows have %d", b.RowLen, rowLen)
	}
	want := b.Rows * b.RowLen
	for _, i := range inputs {
		if i >= len(b.In) || len(b.In[i]) < want {
			return fmt.Errorf("row block input %d holds fewer than %d values", i, want)
		}
	}
	return nil
}

// Scratch is per-goroutine working memory for Merge. The zero value is ready;
// buffers grow to the largest row seen and are reused.
type Scratch struct {
	f    [][]float32
	rows [][]float32
	u32  []uint32
	u64  [2][]uint64
	u16  [2][]uint32 // rankByKey's items: coarse key << 16 | index
}

// Fixed scratch float slots; per-model rows start at slotRows.
const (
	slotU    = iota // uniforms of one row
	slotP           // keep probabilities of one row
	slotTmp         // a spare row
	slotRows        // first per-model row
)

// floats returns scratch buffer slot with length n (contents undefined).
func (s *Scratch) floats(slot, n int) []float32 {
	for len(s.f) <= slot {
		s.f = append(s.f, nil)
	}
	if cap(s.f[slot]) < n {
		s.f[slot] = make([]float32, n)
	}
	return s.f[slot][:n]
}

// rowSet returns k buffers of n floats each, starting at slot base.
func (s *Scratch) rowSet(base, k, n int) [][]float32 {
	if cap(s.rows) < k {
		s.rows = make([][]float32, k)
	}
	out := s.rows[:k]
	for i := range out {
		out[i] = s.floats(base+i, n)
	}
	return out
}

func growU32(b []uint32, n int) []uint32 {
	if cap(b) < n {
		return make([]uint32, n)
	}
	return b[:n]
}

func growU64(b []uint64, n int) []uint64 {
	if cap(b) < n {
		return make([]uint64, n)
	}
	return b[:n]
}

// registry of methods by mergekit name.
var methods = map[string]Method{}

func register(m Method) { methods[m.Name()] = m }

// Lookup returns the method registered under a mergekit merge_method name.
func Lookup(name string) (Method, bool) {
	m, ok := methods[name]
	return m, ok
}

// MethodNames lists the supported merge_method names, sorted.
func MethodNames() []string {
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// f32 rounds a float64 parameter to the float32 the reference computes with.
func f32(x float64) float32 { return float32(x) }
