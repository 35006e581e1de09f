package recipe

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// Options are llama-quantize's parameters.
type Options struct {
	FileType    FileType // target llama_ftype (ignored with Copy)
	Copy        bool     // COPY: no tensor changes type; general.file_type keeps the input's
	Pure        bool     // --pure: no per-tensor mixture rules, every quantizable tensor gets the default type
	LeaveOutput bool     // --leave-output-tensor: output.weight keeps its type

	OutputType    *quant.Type // --output-tensor-type
	TokenEmbdType *quant.Type // --token-embedding-type

	// TensorTypes are --tensor-type PATTERN=TYPE rules: the first pattern
	// found in a tensor's name sets its type instead of the mixture rules.
	TensorTypes []TensorTypeRule

	Imatrix *Imatrix // importance matrix; nil for none

	// KeepSplit (--keep-split) writes one output shard per input shard,
	// holding the same tensors, in file order.
	KeepSplit bool

	// PruneLayers are --prune-layers block numbers, sorted and distinct:
	// those blocks are left out and the later ones renumbered.
	PruneLayers []int

	// Overrides are --override-kv values: written into the output before
	// the imatrix keys, and seen by the recipe as the loader sees them.
	Overrides []KVOverride

	// AllowRequantize acknowledges that quantized input is requantized (it is
	// accepted either way; without the flag a note is logged).
	AllowRequantize bool

	Threads int                           // workers for QuantizeFile; <= 0 means runtime.NumCPU()
	Split   gguf.WriterOptions            // optional output splitting (gguf-split style)
	Log     func(format string, a ...any) // progress and notes; nil is silent
}

// TensorTypeRule is one --tensor-type override.
type TensorTypeRule struct {
	Pattern *regexp.Regexp
	Type    quant.Type
}

// ModelInfo holds the hyperparameters the recipes look at.
type ModelInfo struct {
	Arch    string
	NLayer  int // <arch>.block_count
	NHead   int // attention heads of layer 0
	NHeadKV int // key/value heads of layer 0 (defaults to NHead)
	NExpert int // <arch>.expert_count
	Is70B   bool
}

// gqa is n_head / n_head_kv (0 when n_head_kv is 0), as hparams.n_gqa().
func (m ModelInfo) gqa() int {
	if m.NHeadKV == 0 {
		return 0
	}
	return m.NHead / m.NHeadKV
}

// ModelInfoFrom reads the hyperparameters from GGUF metadata the way the
// llama.cpp loader does (arrays per layer: layer 0 counts).
func ModelInfoFrom(meta *gguf.Metadata) (ModelInfo, error) {
	var mi ModelInfo
	arch, ok := meta.String("general.architecture")
	if !ok {
		return mi, fmt.Errorf("metadata has no general.architecture string")
	}
	mi.Arch = arch
	n, ok := meta.Int(arch + ".block_count")
	if !ok || n <= 0 || n > maxLayers {
		return mi, fmt.Errorf("metadata %s.block_count is missing or out of range (1..%d)", arch, maxLayers)
	}
	mi.NLayer = int(n)
	if e, ok := meta.Int(arch + ".expert_count"); ok {
		if e < 0 || e > maxExperts {
			return mi, fmt.Errorf("metadata %s.expert_count = %d is out of range", arch, e)
		}
		mi.NExpert = int(e)
	}
	mi.NHead = firstInt(meta, arch+".attention.head_count")
	mi.NHeadKV = mi.NHead
	if meta.Has(arch + ".attention.head_count_kv") {
		mi.NHeadKV = firstInt(meta, arch+".attention.head_count_kv")
	}
	mi.Is70B = is70B(mi)
	return mi, nil
}

// LLAMA_MAX_LAYERS and LLAMA_MAX_EXPERTS.
const (
	maxLayers  = 512
	maxExperts = 512
)

// firstInt reads an integer key that may also be a per-layer array.
func firstInt(meta *gguf.Metadata, key string) int {
	v, ok := meta.Get(key)
	if !ok {
		return 0
	}
	if v.Type != gguf.Array {
		n, _ := v.Int()
		return int(n)
	}
	switch a := v.V.(type) {
	case []uint32:
		if len(a) > 0 {
			return int(a[0])
		}
	case []int32:
		if len(a) > 0 {
			return int(a[0])
		}
	}
	return 0
}

// is70B reproduces the model types that llama.cpp labels LLM_TYPE_70B,
// the only model type the recipes test.
func is70B(mi ModelInfo) bool {
	switch mi.Arch {
	case "llama", "llama-embed":
		return mi.NExpert != 8 && mi.NLayer == 80 && mi.NHead != mi.NHeadKV
	case "qwen2", "deci", "olmo":
		return mi.NLayer == 80
	case "jais2":
		return mi.NLayer == 68
	}
	return false
}

// Choice is the decision for one tensor.
type Choice struct {
	gguf.TensorInfo            // the input tensor (Type = source type)
	Target          quant.Type // type written
	Allowed         bool       // tensor_allows_quantization: the recipe may change its type
	Fallback        bool       // the row length forced a type other than the recipe's
	NeedsImatrix    bool       // the target type needs importance weights here
	// Imatrix holds the importance weights, RowLen() per 2-D slice (expert);
	// nil when there are none or the target type does not use them.
	Imatrix []float32
}

// Convert reports whether the tensor changes type (else bytes are copied).
func (c *Choice) Convert() bool { return c.Type != c.Target }

// layerOf is sscanf(name, "blk.%d.", &i): ok is false when the name does
// not start with "blk." followed by a number (optionally signed, after
// blanks, as %d accepts).
func layerOf(name string) (layer int, ok bool) {
	const p = "blk."
	if len(name) < len(p) || name[:len(p)] != p {
		return 0, false
	}
	s := name[len(p):]
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v int64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if v < 1<<40 { // saturate: glibc clamps to long, then the int is truncated
			v = v*10 + int64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		v = -v
	}
	return int(int32(v)), true
}

// sortLayer is the layer key of the loader's order: -1 without a layer.
func sortLayer(name string) int {
	if l, ok := layerOf(name); ok {
		return l
	}
	return -1
}

// LoaderOrder returns the indices of names in llama.cpp's loader order: by
// layer number (names without "blk.N." first), then by name. llama-quantize
// writes tensors in this order and its running counters follow it.
func LoaderOrder(names []string) []int {
	idx := make([]int, len(names))
	layer := make([]int, len(names))
	for i, n := range names {
		idx[i] = i
		layer[i] = sortLayer(n)
	}
	sort.SliceStable(idx, func(a, b int) bool {
		la, lb := layer[idx[a]], layer[idx[b]]
		if la != lb {
			return la < lb
		}
		return names[idx[a]] < names[idx[b]]
	})
	return idx
}

// state carries llama-quant.cpp's running counters through one plan.
type state struct {
	mi        ModelInfo
	opts      *Options
	ft        FileType
	def       quant.Type
	tied      bool // no output.weight: token_embd is also the output
	hasIm     bool
	nAttnV    int
	iAttnV    int
	iDown     int
	iGate     int
	iUp       int
	nFallback int
}

// Plan decides the type of every tensor as llama-quantize does. tensors may
// come in any order (the decisions are made in loader order, see
// LoaderOrder); the result is parallel to tensors. Importance weights are
// attached from opts.Imatrix.
func Plan(mi ModelInfo, tensors []gguf.TensorInfo, opts Options) ([]Choice, error) {
	ft := opts.FileType
	def, ok := ft.DefaultType()
	if !ok {
		return nil, fmt.Errorf("file type %d (%s) cannot be produced by llama-quantize", uint32(ft), ft)
	}
	if err := checkUnique(tensors); err != nil {
		return nil, err
	}
	st := &state{mi: mi, opts: &opts, ft: ft, def: def, tied: true, hasIm: opts.Imatrix.Len() > 0}
	if st.hasIm {
		if err := opts.Imatrix.check(); err != nil {
			return nil, err
		}
	}
	for _, t := range tensors {
		c := categorize(t.Name)
		if c.isAttnV() {
			st.nAttnV++
		}
		if c == catOutput {
			st.tied = false
		}
	}
	names := make([]string, len(tensors))
	for i, t := range tensors {
		names[i] = t.Name
	}
	out := make([]Choice, len(tensors))
	for _, i := range LoaderOrder(names) {
		ch, err := st.choose(tensors[i])
		if err != nil {
			return nil, err
		}
		out[i] = ch
	}
	return out, nil
}

func checkUnique(tensors []gguf.TensorInfo) error {
	seen := make(map[string]bool, len(tensors))
	for _, t := range tensors {
		if seen[t.Name] {
			return fmt.Errorf("tensor %q appears twice", t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

// choose decides one tensor (llama_tensor_get_type plus the imatrix checks).
func (st *state) choose(t gguf.TensorInfo) (Choice, error) {
	ch := Choice{TensorInfo: t, Target: t.Type}
	ch.Allowed = !st.opts.Copy && AllowsQuantization(t.Name, t.Shape, st.opts.LeaveOutput)
	if !ch.Allowed {
		return ch, nil
	}
	target, fell, err := st.targetType(t)
	if err != nil {
		return ch, fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	ch.Target, ch.Fallback = target, fell
	ch.NeedsImatrix = requiresImatrix(t.Name, target, st.ft)
	if ch.NeedsImatrix && !st.hasIm {
		return ch, fmt.Errorf("tensor %q: quantizing to %s in a %s file requires an importance matrix (--imatrix)", t.Name, target, st.ft.Name())
	}
	if ch.Convert() && st.hasIm {
		im, err := st.opts.Imatrix.forTensor(t)
		if err != nil {
			return ch, err
		}
		ch.Imatrix = im
		if im == nil && ch.NeedsImatrix {
			return ch, fmt.Errorf("tensor %q: the importance matrix has no entry for it, and %s needs one", t.Name, target)
		}
	}
	return ch, nil
}

// targetType is llama_tensor_get_type for a tensor that allows quantization.
func (st *state) targetType(t gguf.TensorInfo) (quant.Type, bool, error) {
	cat := categorize(t.Name)
	if st.opts.TokenEmbdType != nil && cat == catTokenEmbd && !st.namedPerLayerEmbd(t.Name) {
		return *st.opts.TokenEmbdType, false, nil
	}
	if st.opts.OutputType != nil && cat == catOutput {
		return *st.opts.OutputType, false, nil
	}
	typ := st.def
	if !isQuantized(st.def) {
		return typ, false, nil
	}
	manual := false
	for _, r := range st.opts.TensorTypes {
		if r.Pattern.MatchString(t.Name) {
			typ, manual = r.Type, true
			break
		}
	}
	if !manual && !st.opts.Pure {
		var err error
		if typ, err = st.mixture(typ, t, cat); err != nil {
			return 0, false, err
		}
	}
	ft, fell, ok := fallbackType(typ, t.RowLen())
	if !ok {
		return 0, false, fmt.Errorf("row length %d is not a multiple of %s's block size %d and llama.cpp has no fallback type for %s", t.RowLen(), typ, typ.BlockSize(), typ)
	}
	if fell {
		st.nFallback++
	}
	return ft, fell, nil
}

// namedPerLayerEmbd: --tensor-type may name per_layer_token_embd.weight
// explicitly, which then wins over --token-embedding-type.
func (st *state) namedPerLayerEmbd(name string) bool {
	if name != "per_layer_token_embd.weight" {
		return false
	}
	for _, r := range st.opts.TensorTypes {
		if r.Pattern.MatchString(name) {
			return true
		}
	}
	return false
}

func isQuantized(t quant.Type) bool { return t.Info().Quantized }
