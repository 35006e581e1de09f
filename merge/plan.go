package merge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

// Input is one GGUF model a merge reads (a split model counts once).
type Input struct {
	Path  string // as resolved from the config
	Line  int    // config line that first names it
	Model *gguf.Model
}

// PlanOptions choose the output of a merge.
type PlanOptions struct {
	// Keep gives every output tensor the type the reference model (the
	// base, or the first model) has for it. Otherwise Quant.FileType is a
	// llama-quantize type and its recipe picks each tensor's type.
	Keep  bool
	Quant recipe.Options // FileType, Pure, overrides, Imatrix (also used with Keep)

	Seed        uint64 // random draws of dare/della
	Name        string // general.name of the output; "" keeps the reference model's
	TypeName    string // the --type argument, recorded in the output
	ToolVersion string // recorded in ggufmerge.version
	ConfigText  string // the YAML, recorded in ggufmerge.config
	// Overrides (--override-kv) are set in the output metadata after
	// everything else.
	Overrides []recipe.KVOverride
}

// Plan is a merge decided in full before any tensor data is read: the
// inputs (open), every output tensor with its sources, resolved parameters,
// merger and output type, and the output metadata.
type Plan struct {
	Config   *Config
	Inputs   []*Input
	Ref      *Input          // supplies metadata, tokenizer and (with Keep) the tensor types
	FileType recipe.FileType // general.file_type of the output
	Meta     *gguf.Metadata
	Tensors  []*TensorPlan // in output order
	Warnings []string      // e.g. vocabulary cuts, reported once each
	Notes    []string      // config notes and quantization notes
	Opts     PlanOptions
}

// TensorPlan is one output tensor.
type TensorPlan struct {
	Name    string
	Shape   []int64
	Spec    TensorSpec     // inputs, parameters after gradients and filters
	Sources []*gguf.Tensor // per spec input; nil where the input lacks it
	Merger  TensorMerger
	// Out is the output decision: TensorInfo is the output tensor with the
	// type the values come in (F32 for computed tensors), Target the type
	// written, plus importance weights and the fallback flag.
	Out recipe.Choice
	// Copy is the input whose bytes are written unchanged, or -1.
	Copy int
}

// Info is the output tensor's GGUF description.
func (t *TensorPlan) Info() gguf.TensorInfo {
	return gguf.TensorInfo{Name: t.Name, Type: t.Out.Target, Shape: t.Shape}
}

// Close closes every input model.
func (p *Plan) Close() error {
	var first error
	for _, in := range p.Inputs {
		if err := in.Model.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// NewPlan opens the config's models, checks that they share one
// architecture, resolves every output tensor's parameters, merger and type
// and builds the output metadata. Nothing is written.
func NewPlan(cfg *Config, opts PlanOptions) (*Plan, error) {
	p := &Plan{Config: cfg, Opts: opts, Notes: append([]string(nil), cfg.Notes...)}
	if err := p.build(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Plan) build() error {
	if err := p.openInputs(); err != nil {
		return err
	}
	if err := p.checkArchitecture(); err != nil {
		return err
	}
	outs, err := p.outputTensors()
	if err != nil {
		return err
	}
	for _, o := range outs {
		t, err := p.planTensor(o)
		if err != nil {
			return err
		}
		p.Tensors = append(p.Tensors, t)
	}
	meta := p.outputMetadataBase()
	if err := p.chooseTypes(meta); err != nil {
		return err
	}
	p.Meta = p.finishMetadata(meta)
	p.addNotes()
	return nil
}

// addNotes tells the user about requantization and type fallbacks.
func (p *Plan) addNotes() {
	if q := p.quantizedInputTypes(); len(q) > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("quantized inputs (%s) are dequantized to float32, merged and quantized again",
			strings.Join(q, ", ")))
	}
	var fb []string
	for _, t := range p.Tensors {
		if t.Out.Fallback {
			fb = append(fb, fmt.Sprintf("%s (row %d) -> %s", t.Name, t.Shape[0], t.Out.Target))
		}
	}
	if len(fb) > 0 {
		shown := fb
		if len(shown) > 3 {
			shown = append(shown[:3:3], fmt.Sprintf("… %d more", len(fb)-3))
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%d tensors have rows that do not fit their type's block and fall back: %s",
			len(fb), strings.Join(shown, "; ")))
	}
}

// openInputs opens every model once, in order of first mention. A model
// named twice within one slice (or models: list) is an error: it would
// count twice.
func (p *Plan) openInputs() error {
	byPath := map[string]*Input{}
	for _, sl := range p.Config.Slices {
		seen := map[string]int{}
		for _, src := range sl.Sources {
			key := fileKey(src.Model)
			if line, dup := seen[key]; dup {
				return fmt.Errorf("%s:%d: model %s is already listed at line %d; name each model once",
					p.Config.Path, src.Line, src.Model, line)
			}
			seen[key] = src.Line
			if byPath[src.Model] != nil {
				continue
			}
			m, err := gguf.Open(src.Model)
			if err != nil {
				return fmt.Errorf("%s:%d: model %s: %w", p.Config.Path, src.Line, src.Model, err)
			}
			in := &Input{Path: src.Model, Line: src.Line, Model: m}
			byPath[src.Model] = in
			p.Inputs = append(p.Inputs, in)
		}
	}
	ref := p.Config.BaseModel
	if ref == "" {
		ref = p.Config.Slices[0].Sources[0].Model
	}
	p.Ref = byPath[ref]
	if p.Ref == nil {
		return fmt.Errorf("%s: base_model %s is not a source of any slice", p.Config.Path, ref)
	}
	return nil
}

// fileKey identifies a file whatever path names it (symlinks, ./x vs x).
func fileKey(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		if abs, err := filepath.Abs(real); err == nil {
			return abs
		}
	}
	return filepath.Clean(path)
}

func (p *Plan) input(path string) *Input {
	for _, in := range p.Inputs {
		if in.Path == path {
			return in
		}
	}
	return nil
}

// architecture returns general.architecture or "".
func architecture(m *gguf.Model) string {
	s, _ := m.Meta.String("general.architecture")
	return s
}

// checkArchitecture makes sure every model can be merged with the
// reference: same architecture and, with models:, the same tensor names
// (shapes are checked tensor by tensor by the methods, which name the first
// mismatch).
func (p *Plan) checkArchitecture() error {
	arch := architecture(p.Ref.Model)
	if arch == "" {
		return fmt.Errorf("%s: no general.architecture in its metadata", p.Ref.Path)
	}
	for _, in := range p.Inputs {
		if a := architecture(in.Model); a != arch {
			return fmt.Errorf("%s has architecture %q but %s has %q: models of different architectures cannot be merged",
				in.Path, a, p.Ref.Path, arch)
		}
	}
	if !p.Config.FromModels {
		return nil
	}
	for _, in := range p.Inputs {
		if in == p.Ref {
			continue
		}
		if err := sameTensorNames(p.Ref, in); err != nil {
			return err
		}
	}
	return nil
}

// sameTensorNames names the first tensor one model has and the other lacks.
func sameTensorNames(ref, in *Input) error {
	for _, t := range ref.Model.Tensors {
		if in.Model.Tensor(t.Name) == nil {
			return fmt.Errorf("%s has no tensor %s (%s has it, %d tensors vs %d): the models do not share one architecture",
				in.Path, t.Name, ref.Path, len(in.Model.Tensors), len(ref.Model.Tensors))
		}
	}
	for _, t := range in.Model.Tensors {
		if ref.Model.Tensor(t.Name) == nil {
			return fmt.Errorf("%s has tensor %s that %s lacks (%d tensors vs %d): the models do not share one architecture",
				in.Path, t.Name, ref.Path, len(in.Model.Tensors), len(ref.Model.Tensors))
		}
	}
	return nil
}

// outTensor is an output tensor before its merger exists.
type outTensor struct {
	q       TensorQuery
	sources []*gguf.Tensor // per slice source
	refSrc  int            // slice source whose type Keep uses
}

// blockCount is <arch>.block_count of a model (0 when absent).
func blockCount(m *gguf.Model) int {
	n, _ := m.Meta.Int(architecture(m) + ".block_count")
	return int(n)
}

// outputTensors lists the output tensors with their sources.
func (p *Plan) outputTensors() ([]outTensor, error) {
	if p.Config.FromModels {
		return p.modelsTensors()
	}
	return p.sliceTensors()
}

func (p *Plan) modelsTensors() ([]outTensor, error) {
	sl := &p.Config.Slices[0]
	n := blockCount(p.Ref.Model)
	var outs []outTensor
	for _, t := range p.Ref.Model.Tensors {
		o := outTensor{q: p.Config.ModelsQuery(t.Name, n), refSrc: sliceRef(sl)}
		o.q.Arch = architecture(p.Ref.Model)
		for _, src := range sl.Sources {
			o.sources = append(o.sources, p.input(src.Model).Model.Tensor(t.Name))
		}
		outs = append(outs, o)
	}
	return outs, nil
}

// sliceRef is the source of a slice that gives shapes and (with Keep) types.
func sliceRef(sl *Slice) int {
	if sl.Base >= 0 {
		return sl.Base
	}
	return 0
}

// sliceTensors assembles the output of a slices: config: the tensors
// outside the blocks come from the first (embeddings) or last (output)
// slice, and output layer L is layer start+idx of every source of the slice
// that holds it, renamed blk.L.
func (p *Plan) sliceTensors() ([]outTensor, error) {
	var pre, post, layers []outTensor
	for _, t := range p.Ref.Model.Tensors {
		if _, ok := LayerIndex(t.Name); ok {
			continue
		}
		si := p.Config.NonLayerSlice(t.Name)
		o, err := p.sliceTensor(si, t.Name, -1, nil)
		if err != nil {
			return nil, err
		}
		if IsPostWeight(t.Name) {
			post = append(post, o)
		} else {
			pre = append(pre, o)
		}
	}
	for out := 0; out < p.Config.OutputLayers(); out++ {
		si, idx, _ := p.Config.LocateLayer(out)
		sl := &p.Config.Slices[si]
		tmpl := p.input(sl.Sources[sliceRef(sl)].Model).Model
		prefix := fmt.Sprintf("blk.%d.", sl.Sources[sliceRef(sl)].LayerStart+idx)
		n := 0
		for _, t := range tmpl.Tensors {
			if !strings.HasPrefix(t.Name, prefix) {
				continue
			}
			suffix := strings.TrimPrefix(t.Name, prefix)
			o, err := p.sliceTensor(si, fmt.Sprintf("blk.%d.%s", out, suffix), idx, &suffix)
			if err != nil {
				return nil, err
			}
			layers = append(layers, o)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s:%d: %s has no tensors for layer %d (it has %d layers)",
				p.Config.Path, sl.Line, tmpl.Path, sl.Sources[sliceRef(sl)].LayerStart+idx, blockCount(tmpl))
		}
	}
	return append(append(pre, layers...), post...), nil
}

// sliceTensor finds one output tensor's sources in slice si: the tensor
// named name, or for a layer tensor (suffix != nil) blk.<start+idx>.suffix
// of each source.
func (p *Plan) sliceTensor(si int, name string, idx int, suffix *string) (outTensor, error) {
	sl := &p.Config.Slices[si]
	o := outTensor{q: TensorQuery{Slice: si, Name: name, Layer: idx, NumLayers: sl.Sources[0].Layers(),
		Arch: architecture(p.Ref.Model)}, refSrc: sliceRef(sl)}
	for _, src := range sl.Sources {
		srcName := name
		if suffix != nil {
			srcName = fmt.Sprintf("blk.%d.%s", src.LayerStart+idx, *suffix)
		}
		m := p.input(src.Model).Model
		t := m.Tensor(srcName)
		if t == nil {
			return o, fmt.Errorf("%s:%d: model %s has no tensor %s (needed for output tensor %s): the models do not share one architecture",
				p.Config.Path, src.Line, src.Model, srcName, name)
		}
		o.q.Sources = append(o.q.Sources, srcName)
		o.sources = append(o.sources, t)
	}
	if suffix == nil {
		o.q.Sources = nil
	}
	return o, nil
}

// planTensor resolves one output tensor and builds its merger.
func (p *Plan) planTensor(o outTensor) (*TensorPlan, error) {
	shapes := make([][]int64, len(o.sources))
	for i, t := range o.sources {
		if t != nil {
			shapes[i] = t.Shape
		}
	}
	spec, err := p.Config.Spec(o.q, shapes, p.Opts.Seed)
	if err != nil {
		return nil, err
	}
	spec.Warn = p.warn
	m, err := p.Config.Method.NewTensor(spec)
	if err != nil {
		return nil, err
	}
	t := &TensorPlan{Name: o.q.Name, Shape: trimShape(m.Shape()), Spec: spec, Sources: o.sources, Merger: m, Copy: -1}
	t.Out.TensorInfo = gguf.TensorInfo{Name: t.Name, Type: quant.F32, Shape: t.Shape}
	if i := m.Identity(); i >= 0 {
		t.Out.Type = o.sources[i].Type
	}
	// With Keep the reference source's type is the target (set in chooseTypes).
	t.Out.Target = o.sources[o.refSrc].Type
	return t, nil
}

// trimShape drops trailing 1s as gguf.cpp writes shapes.
func trimShape(s []int64) []int64 {
	n := len(s)
	for n > 1 && s[n-1] == 1 {
		n--
	}
	return append([]int64(nil), s[:n]...)
}

func (p *Plan) warn(msg string) {
	for _, w := range p.Warnings {
		if w == msg {
			return
		}
	}
	p.Warnings = append(p.Warnings, msg)
}

// chooseTypes sets each tensor's output type: the reference model's (Keep)
// or the llama-quantize recipe's for the requested file type, then decides
// which tensors are copied byte for byte.
func (p *Plan) chooseTypes(meta *gguf.Metadata) error {
	if p.Opts.Keep {
		if err := p.keepTypes(); err != nil {
			return err
		}
	} else if err := p.recipeTypes(meta); err != nil {
		return err
	}
	for _, t := range p.Tensors {
		if err := p.checkConvertible(t); err != nil {
			return err
		}
	}
	return nil
}

func (p *Plan) keepTypes() error {
	im := p.Opts.Quant.Imatrix
	for _, t := range p.Tensors {
		c := &t.Out
		c.Allowed = true
		if c.Convert() && im.Len() > 0 && quant.Imatrix(c.Target) != quant.ImatrixIgnored {
			v, err := imatrixFor(im, c.TensorInfo)
			if err != nil {
				return err
			}
			c.Imatrix = v
		}
		c.NeedsImatrix = quant.Imatrix(c.Target) == quant.ImatrixRequired
	}
	types := make([]quant.Type, len(p.Tensors))
	for i, t := range p.Tensors {
		types[i] = t.Out.Target
	}
	p.FileType = recipe.CopyFileType(p.Ref.Model.Meta, types) &^ recipe.Guessed
	if !p.Config.FromModels {
		// Slices can mix layers of differently typed models: the reference's
		// file type may not describe the output.
		p.FileType = recipe.CopyFileType(gguf.NewMetadata(), types) &^ recipe.Guessed
	}
	return nil
}

// imatrixFor returns a tensor's importance weights, checking their length
// as llama-quantize does (token_embd entries of the wrong size are skipped).
func imatrixFor(im *recipe.Imatrix, t gguf.TensorInfo) ([]float32, error) {
	v, ok := im.Get(t.Name)
	if !ok {
		return nil, nil
	}
	experts := int64(1)
	if len(t.Shape) > 2 {
		experts = t.Shape[2]
	}
	if want := t.RowLen() * experts; int64(len(v)) != want {
		if t.Name == "token_embd.weight" || t.Name == "per_layer_token_embd.weight" {
			return nil, nil
		}
		return nil, fmt.Errorf("tensor %s: importance matrix entry has %d values, the tensor needs %d (row length %d × %d experts); was it computed for another model?",
			t.Name, len(v), want, t.RowLen(), experts)
	}
	return v, nil
}

func (p *Plan) recipeTypes(meta *gguf.Metadata) error {
	mi, err := recipe.ModelInfoFrom(meta)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Ref.Path, err)
	}
	infos := make([]gguf.TensorInfo, len(p.Tensors))
	for i, t := range p.Tensors {
		infos[i] = t.Out.TensorInfo
	}
	choices, err := recipe.Plan(mi, infos, p.Opts.Quant)
	if err != nil {
		return err
	}
	for i, t := range p.Tensors {
		t.Out = choices[i]
	}
	p.FileType = p.Opts.Quant.FileType
	// llama-quantize writes tensors in the loader's order; so do we, so that
	// the output matches it tensor for tensor.
	names := make([]string, len(p.Tensors))
	for i, t := range p.Tensors {
		names[i] = t.Name
	}
	sorted := make([]*TensorPlan, len(p.Tensors))
	for k, i := range recipe.LoaderOrder(names) {
		sorted[k] = p.Tensors[i]
	}
	p.Tensors = sorted
	return nil
}

// checkConvertible decides byte copies and verifies that every other
// tensor can be read and written in its types.
func (p *Plan) checkConvertible(t *TensorPlan) error {
	if id := t.Merger.Identity(); id >= 0 && !t.Out.Convert() && sameShape(t.Sources[id].Shape, t.Shape) {
		t.Copy = id
		return nil
	}
	for _, i := range t.Merger.Inputs() {
		src := t.Sources[i]
		if src.Type != quant.F32 && !quant.CanDequantize(src.Type) {
			return fmt.Errorf("%s: tensor %s has type %s, which cannot be dequantized", src.File(), src.Name, src.Type)
		}
	}
	c := &t.Out
	if !quant.CanQuantize(c.Target) {
		return fmt.Errorf("tensor %s: writing type %s is not supported", t.Name, c.Target)
	}
	if _, err := c.Target.RowSize(t.Shape[0]); err != nil {
		return fmt.Errorf("tensor %s: %w", t.Name, err)
	}
	if c.NeedsImatrix && c.Imatrix == nil {
		return fmt.Errorf("tensor %s: merged values must be quantized to %s, which needs an importance matrix (--imatrix), or choose another --type",
			t.Name, c.Target)
	}
	return nil
}

func sameShape(a, b []int64) bool {
	a, b = trimShape(a), trimShape(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Keys ggufmerge records in its output.
const (
	KeyVersion = "ggufmerge.version"
	KeyMethod  = "ggufmerge.method"
	KeyConfig  = "ggufmerge.config"
	KeySeed    = "ggufmerge.seed"
	KeyType    = "ggufmerge.type"
)

// outputMetadataBase is the reference model's metadata with what the
// merge changes structurally (block count of a slices: merge), used by the
// recipes before the final keys are added.
func (p *Plan) outputMetadataBase() *gguf.Metadata {
	m := p.Ref.Model.Meta.Clone()
	for _, k := range []string{gguf.SplitNoKey, gguf.SplitCountKey, gguf.SplitTensorsCountKey} {
		m.Delete(k)
	}
	if n := p.Config.OutputLayers(); n > 0 {
		arch := architecture(p.Ref.Model)
		refLayers := blockCount(p.Ref.Model)
		m.Set(arch+".block_count", gguf.U32(uint32(n)))
		p.relayerArrays(m, arch, refLayers)
	}
	return m
}

// relayerArrays rebuilds per-layer hyperparameter arrays (length =
// block_count) for a slices: output, taking each output layer's value from
// the reference source of its slice.
func (p *Plan) relayerArrays(m *gguf.Metadata, arch string, refLayers int) {
	for _, kv := range m.KVs() {
		if !strings.HasPrefix(kv.Key, arch+".") || kv.Value.Type != gguf.Array || kv.Value.Len() != refLayers {
			continue
		}
		var pick []int
		for out := 0; out < p.Config.OutputLayers(); out++ {
			si, idx, _ := p.Config.LocateLayer(out)
			sl := &p.Config.Slices[si]
			pick = append(pick, sl.Sources[sliceRef(sl)].LayerStart+idx)
		}
		if v, ok := pickArray(kv.Value, pick); ok {
			m.Set(kv.Key, v)
		} else {
			p.Notes = append(p.Notes, fmt.Sprintf("per-layer metadata %s kept as is", kv.Key))
		}
	}
}

// pickArray returns the array with elements at the given indices.
func pickArray(v gguf.Value, idx []int) (gguf.Value, bool) {
	switch a := v.V.(type) {
	case []uint32:
		return gguf.U32Array(pickFrom(a, idx)), true
	case []int32:
		return gguf.I32Array(pickFrom(a, idx)), true
	case []float32:
		return gguf.F32Array(pickFrom(a, idx)), true
	case []bool:
		return gguf.BoolArray(pickFrom(a, idx)), true
	}
	return v, false
}

func pickFrom[T any](a []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		if i < len(a) {
			out[k] = a[i]
		}
	}
	return out
}

// finishMetadata adds what describes the output: its real file type and
// quantization version, the sources (general.base_model.*), the merge tag,
// the name, and the merge itself (ggufmerge.*).
func (p *Plan) finishMetadata(m *gguf.Metadata) *gguf.Metadata {
	var im *recipe.Imatrix
	if p.Opts.Quant.Imatrix.Len() > 0 && p.usesImatrix() {
		im = p.Opts.Quant.Imatrix
	}
	m = recipe.OutputMetadata(m, p.FileType, im, nil)
	if p.Opts.Name != "" {
		m.Set("general.name", gguf.Str(p.Opts.Name))
	}
	p.setBaseModels(m)
	p.applyChatTemplate(m)
	tags, _ := m.Strings("general.tags")
	if !contains(tags, "merge") {
		tags = append(append([]string(nil), tags...), "merge")
	}
	m.Set("general.tags", gguf.StrArray(tags))
	if p.Opts.ToolVersion != "" {
		m.Set(KeyVersion, gguf.Str(p.Opts.ToolVersion))
	}
	m.Set(KeyMethod, gguf.Str(p.Config.Method.Name()))
	m.Set(KeySeed, gguf.U64(p.Opts.Seed))
	m.Set(KeyType, gguf.Str(p.typeName()))
	if p.Opts.ConfigText != "" {
		m.Set(KeyConfig, gguf.Str(p.Opts.ConfigText))
	}
	recipe.ApplyOverrides(m, p.Opts.Overrides) // the user's word is last
	return m
}

func (p *Plan) usesImatrix() bool {
	for _, t := range p.Tensors {
		if t.Out.Imatrix != nil && t.Copy < 0 {
			return true
		}
	}
	return false
}

func (p *Plan) typeName() string {
	if p.Opts.TypeName != "" {
		return p.Opts.TypeName
	}
	if p.Opts.Keep {
		return "keep"
	}
	return p.FileType.Name()
}

// sourceKeys are general.* keys copied into general.base_model.N.* for each
// input (the names gguf-py's metadata uses).
var sourceKeys = []string{"author", "version", "organization", "url", "doi", "uuid", "repo_url"}

// setBaseModels lists every input model as a source of the output,
// replacing the reference model's own list.
func (p *Plan) setBaseModels(m *gguf.Metadata) {
	for _, k := range m.Keys() {
		if strings.HasPrefix(k, "general.base_model.") {
			m.Delete(k)
		}
	}
	m.Set("general.base_model.count", gguf.U32(uint32(len(p.Inputs))))
	for i, in := range p.Inputs {
		prefix := fmt.Sprintf("general.base_model.%d.", i)
		name, ok := in.Model.Meta.String("general.name")
		if !ok || name == "" {
			name = strings.TrimSuffix(filepath.Base(in.Path), ".gguf")
		}
		m.Set(prefix+"name", gguf.Str(name))
		for _, k := range sourceKeys {
			if v, ok := in.Model.Meta.String("general." + k); ok {
				m.Set(prefix+k, gguf.Str(v))
			}
		}
	}
}

// OutputInfos are the output tensor infos in order.
func (p *Plan) OutputInfos() []gguf.TensorInfo {
	out := make([]gguf.TensorInfo, len(p.Tensors))
	for i, t := range p.Tensors {
		out[i] = t.Info()
	}
	return out
}

// OutputSize is the exact size of the output file(s), computed by laying
// the header out the way the writer does (in a throw-away temporary file
// that is sparse and removed at once).
func (p *Plan) OutputSize(opt gguf.WriterOptions) (int64, error) {
	dir, err := os.MkdirTemp("", "ggufmerge-size-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	w, err := gguf.Create(filepath.Join(dir, "out.gguf"), p.Meta, p.OutputInfos(), opt)
	if err != nil {
		return 0, err
	}
	n := w.TotalSize()
	w.Abort()
	return n, nil
}

// InputBytes is the size of every input's tensor data.
func (p *Plan) InputBytes() int64 {
	n := int64(0)
	for _, in := range p.Inputs {
		for _, t := range in.Model.Tensors {
			n += t.Size()
		}
	}
	return n
}
