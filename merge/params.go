package merge

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// settings are the parameters of one block (top level, slice or model).
type settings map[string]*setting

// setting is a parameter's value: a list of conditions, the first whose
// filter matches the tensor wins (a plain value is one unfiltered condition).
type setting struct {
	line  int
	conds []cond
}

type cond struct {
	filter string // "" and "*" match every tensor
	val    value
}

// value is a scalar, or a list interpolated over the layers (a gradient).
type value struct {
	line int
	nums []float64 // numbers; YAML booleans are 1 and 0
	strs []string  // string values (rescale_mode)
}

func (p *parser) settings(n *yaml.Node) (settings, error) {
	out := settings{}
	if n.Tag == "!!null" {
		return out, nil
	}
	err := p.mapping(n, "parameters", func(key string, k, v *yaml.Node) error {
		s, err := p.setting(v)
		if err != nil {
			return err
		}
		s.line = k.Line
		out[key] = s
		return nil
	})
	return out, err
}

func (p *parser) setting(n *yaml.Node) (*setting, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		v, err := p.value(n)
		return &setting{conds: []cond{{val: v}}}, err
	case yaml.MappingNode:
		c, err := p.cond(n)
		return &setting{conds: []cond{c}}, err
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, p.errf(n, "empty list")
		}
		if deref(n.Content[0]).Kind != yaml.MappingNode {
			v, err := p.value(n)
			return &setting{conds: []cond{{val: v}}}, err
		}
		s := &setting{}
		for _, e := range n.Content {
			e = deref(e)
			if e.Kind != yaml.MappingNode {
				return nil, p.errf(e, "a list of conditions must hold only {filter, value} entries")
			}
			c, err := p.cond(e)
			if err != nil {
				return nil, err
			}
			s.conds = append(s.conds, c)
		}
		return s, nil
	}
	return nil, p.errf(n, "unexpected parameter value")
}

func (p *parser) cond(n *yaml.Node) (cond, error) {
	var c cond
	have := false
	err := p.mapping(n, "condition", func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "filter":
			if v.Tag != "!!null" {
				c.filter, err = p.str(v, "filter")
			}
		case "value":
			if v.Kind == yaml.MappingNode {
				return p.errf(v, "a condition's value must be a number, string or list")
			}
			c.val, err = p.value(v)
			have = true
		default:
			return p.errf(k, "unknown key %q in condition (want filter, value)", key)
		}
		return err
	})
	if err == nil && !have {
		err = p.errf(n, "condition without value")
	}
	return c, err
}

// value parses a scalar or a list of scalars of one kind.
func (p *parser) value(n *yaml.Node) (value, error) {
	v := value{line: n.Line}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for _, e := range items {
		e = deref(e)
		if e.Kind != yaml.ScalarNode {
			return v, p.errf(e, "a parameter list must hold numbers or strings")
		}
		switch e.Tag {
		case "!!int", "!!float":
			var f float64
			if err := e.Decode(&f); err != nil || math.IsNaN(f) {
				return v, p.errf(e, "bad number %q", e.Value)
			}
			v.nums = append(v.nums, f)
		case "!!bool":
			var b bool
			if err := e.Decode(&b); err != nil {
				return v, p.errf(e, "bad boolean %q", e.Value)
			}
			v.nums = append(v.nums, boolValue(b).Num)
		case "!!str":
			v.strs = append(v.strs, e.Value)
		default:
			return v, p.errf(e, "parameter value %q must be a number, boolean or string", e.Value)
		}
	}
	if len(v.nums) > 0 && len(v.strs) > 0 {
		return v, p.errf(n, "a parameter list mixes numbers and strings")
	}
	return v, nil
}

// eval returns the value at layer fraction t, as mergekit evaluates it:
// a numeric list is interpolated piecewise-linearly with its entries evenly
// spaced over [0, 1]; a string list is indexed by int(t*(n-1)).
func (v value) eval(t float64) Value {
	if len(v.strs) > 0 {
		return Value{Str: v.strs[int(t*float64(len(v.strs)-1))]}
	}
	return Value{Num: gradient(v.nums, t)}
}

// gradient interpolates list L at t in [0, 1], in mergekit's arithmetic.
func gradient(l []float64, t float64) float64 {
	n := len(l)
	s := t * float64(n-1)
	i0 := int(s)
	i1 := min(n-1, i0+1)
	f := s - float64(i0)
	return (1-f)*l[i0] + f*l[i1]
}

// lookup evaluates the setting for a tensor; ok is false when no condition matches.
func (s *setting) lookup(name, hf string, t float64) (Value, bool) {
	for _, c := range s.conds {
		if filterMatches(c.filter, name, hf) {
			return c.val.eval(t), true
		}
	}
	return Value{}, false
}

// windowSize is the DELLA repo's name for the full width of the keep
// probability window: epsilon = window_size / 2.
const windowSize = "window_size"

// knownParams is every parameter name some method declares.
func knownParams() map[string]bool {
	k := map[string]bool{windowSize: true}
	for _, m := range methods {
		for _, d := range m.Params() {
			k[d.Name] = true
		}
	}
	return k
}

func defsByName(m Method) map[string]ParamDef {
	out := map[string]ParamDef{}
	for _, d := range m.Params() {
		out[d.Name] = d
	}
	return out
}

// check resolves base models and validates every parameter block.
func (p *parser) check(c *Config, baseNode *yaml.Node) error {
	if err := p.checkBase(c, baseNode); err != nil {
		return err
	}
	defs := defsByName(c.Method)
	known := knownParams()
	blocks := []struct {
		s        settings
		perModel bool
	}{{c.params, false}}
	for _, sl := range c.Slices {
		blocks = append(blocks, struct {
			s        settings
			perModel bool
		}{sl.params, false})
		for _, src := range sl.Sources {
			blocks = append(blocks, struct {
				s        settings
				perModel bool
			}{src.params, true})
		}
	}
	for _, b := range blocks {
		if err := p.checkBlock(c, b.s, b.perModel, defs, known); err != nil {
			return err
		}
	}
	return p.checkRequired(c, defs)
}

// checkBase applies base_model to the slices: with `models:` syntax a base
// that is not listed is added as the last model (as mergekit does).
func (p *parser) checkBase(c *Config, baseNode *yaml.Node) error {
	name := c.Method.Name()
	for si := range c.Slices {
		sl := &c.Slices[si]
		if sl.Base < 0 && c.BaseModel != "" {
			sl.Base = sl.index(c.BaseModel)
			if sl.Base < 0 && c.FromModels {
				sl.Sources = append(sl.Sources, Source{Model: c.BaseModel, Line: baseNode.Line})
				sl.Base = len(sl.Sources) - 1
			}
		}
		if sl.Base < 0 && c.Method.Base() == BaseRequired {
			if c.FromModels || c.BaseModel == "" {
				return &configError{p.file, c.methodLine, fmt.Sprintf("merge_method %s needs base_model", name)}
			}
			return &configError{p.file, sl.Line, fmt.Sprintf("base_model %s is not among this slice's sources", c.BaseModel)}
		}
		if name == "passthrough" && c.FromModels && len(sl.Sources) != 1 {
			return &configError{p.file, c.methodLine,
				"passthrough with models: takes exactly one model; use slices: to stack layers of several"}
		}
	}
	return nil
}

// checkBlock validates one parameter block: names, placement, values; it
// also rewrites window_size into epsilon.
func (p *parser) checkBlock(c *Config, s settings, perModel bool, defs map[string]ParamDef, known map[string]bool) error {
	if ws, ok := s[windowSize]; ok {
		if d, ok := defs["epsilon"]; ok && d.PerModel {
			if _, both := s["epsilon"]; both {
				return &configError{p.file, ws.line, "give epsilon or window_size (= 2 epsilon), not both"}
			}
			s["epsilon"] = ws.scaled(0.5)
			delete(s, windowSize)
		}
	}
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		st := s[name]
		d, ok := defs[name]
		switch {
		case !ok && known[name]:
			c.Notes = append(c.Notes, fmt.Sprintf("%s:%d: parameter %s is not used by merge_method %s",
				p.file, st.line, name, c.Method.Name()))
			continue
		case !ok:
			return &configError{p.file, st.line, fmt.Sprintf("unknown parameter %q for merge_method %s (it takes %s)",
				name, c.Method.Name(), paramList(defs))}
		case perModel && !d.PerModel:
			c.Notes = append(c.Notes, fmt.Sprintf("%s:%d: %s is a global parameter; a model's value is ignored (as in mergekit)",
				p.file, st.line, name))
		}
		for _, cd := range st.conds {
			if err := p.checkValue(d, cd.val); err != nil {
				return err
			}
		}
	}
	return nil
}

func paramList(defs map[string]ParamDef) string {
	var names []string
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// scaled returns a copy with every number multiplied by f (interpolation
// commutes with scaling, so gradients stay exact in meaning).
func (s *setting) scaled(f float64) *setting {
	out := &setting{line: s.line}
	for _, c := range s.conds {
		v := c.val
		v.nums = append([]float64(nil), v.nums...)
		for i := range v.nums {
			v.nums[i] *= f
		}
		out.conds = append(out.conds, cond{filter: c.filter, val: v})
	}
	return out
}

func (p *parser) checkValue(d ParamDef, v value) error {
	bad := func(format string, args ...any) error {
		return &configError{p.file, v.line, fmt.Sprintf("%s: ", d.Name) + fmt.Sprintf(format, args...)}
	}
	switch d.Kind {
	case Choice:
		if len(v.strs) == 0 {
			return bad("want one of %s", strings.Join(d.Choices, ", "))
		}
		for _, s := range v.strs {
			if !contains(d.Choices, s) {
				return bad("%q is not one of %s", s, strings.Join(d.Choices, ", "))
			}
		}
		return nil
	case Bool:
		if len(v.strs) > 0 {
			return bad("want true or false, got %q", v.strs[0])
		}
		return nil
	}
	if len(v.strs) > 0 {
		return bad("want a number, got %q", v.strs[0])
	}
	for _, x := range v.nums {
		if d.Min <= d.Max && (x < d.Min || x > d.Max) {
			return bad("%g is outside [%g, %g]", x, d.Min, d.Max)
		}
		if math.IsInf(x, 0) {
			return bad("%g is not finite", x)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkRequired makes sure every required parameter is given somewhere for
// every model that needs it (filters may still leave a tensor without a
// value; Resolve reports that with the same line).
func (p *parser) checkRequired(c *Config, defs map[string]ParamDef) error {
	for _, d := range c.Method.Params() {
		if !d.Required {
			continue
		}
		for _, sl := range c.Slices {
			if !d.PerModel {
				if sl.params[d.Name] == nil && c.params[d.Name] == nil {
					return &configError{p.file, c.methodLine, fmt.Sprintf("merge_method %s needs parameter %s", c.Method.Name(), d.Name)}
				}
				continue
			}
			for i, src := range sl.Sources {
				if i == sl.Base && c.Method.Base() != BaseUnused {
					continue
				}
				if src.params[d.Name] == nil && sl.params[d.Name] == nil && c.params[d.Name] == nil {
					return &configError{p.file, src.Line, fmt.Sprintf("model %s: missing required parameter %s", src.Model, d.Name)}
				}
			}
		}
	}
	return nil
}

// TensorQuery names one output tensor for parameter resolution.
type TensorQuery struct {
	Slice     int      // index in Config.Slices of the slice that produces the tensor
	Name      string   // output tensor name (GGUF)
	Sources   []string // per source of the slice, that model's input tensor name; nil: Name for all
	Layer     int      // layer index within the slice, -1 for tensors outside the blocks
	NumLayers int      // number of layers of the slice
	Arch      string   // general.architecture, for the tensors' Hugging Face names in filters
}

// ModelsQuery is the query for a `models:` config: the layer index comes
// from the name's blk.N. and the slice spans numLayers layers.
func (c *Config) ModelsQuery(name string, numLayers int) TensorQuery {
	q := TensorQuery{Name: name, Layer: -1, NumLayers: numLayers}
	if n, ok := LayerIndex(name); ok {
		q.Layer = n
	}
	return q
}

// NonLayerSlice is the slice whose parameters and sources apply to a tensor
// outside the blocks: the first for embeddings, the last for the output
// norm and projection (mergekit's rule).
func (c *Config) NonLayerSlice(name string) int {
	if IsPostWeight(name) {
		return len(c.Slices) - 1
	}
	return 0
}

// LayerT is the gradient position of a tensor: idx/(n-1) within its slice
// (1 for a one-layer slice); 0 for embeddings and 1 for the output norm and
// projection (mergekit <= 0.0.5 and the DELLA repo; mergekit now uses 0).
func LayerT(q TensorQuery) float64 {
	switch {
	case q.Layer < 0 && IsPostWeight(q.Name):
		return 1
	case q.Layer < 0:
		return 0
	case q.NumLayers > 1:
		return float64(q.Layer) / float64(q.NumLayers-1)
	}
	return 1
}

// Resolved holds the parameters of one output tensor.
type Resolved struct {
	Models   []string // per source: GGUF path
	Base     int      // index of the base among the sources, -1 when none
	Global   Params
	PerModel []Params // per source
}

// Resolve applies mergekit's precedence (model, then slice, then top level,
// then the default), gradients and filters for one tensor.
func (c *Config) Resolve(q TensorQuery) (Resolved, error) {
	var r Resolved
	if q.Slice < 0 || q.Slice >= len(c.Slices) {
		return r, fmt.Errorf("tensor %s: slice %d out of range", q.Name, q.Slice)
	}
	sl := &c.Slices[q.Slice]
	if q.Sources != nil && len(q.Sources) != len(sl.Sources) {
		return r, fmt.Errorf("tensor %s: %d source names for %d sources", q.Name, len(q.Sources), len(sl.Sources))
	}
	t := LayerT(q)
	r.Base = sl.Base
	r.Global = Params{}
	for _, src := range sl.Sources {
		r.Models = append(r.Models, src.Model)
		r.PerModel = append(r.PerModel, Params{})
	}
	for _, d := range c.Method.Params() {
		if !d.PerModel {
			v, ok := first(q.Name, HFName(q.Arch, q.Name), t, sl.params[d.Name], c.params[d.Name])
			if err := c.store(r.Global, d, v, ok, c.methodLine, "", q.Name); err != nil {
				return r, err
			}
			continue
		}
		for i, src := range sl.Sources {
			name := q.Name
			if q.Sources != nil {
				name = q.Sources[i]
			}
			v, ok := first(name, HFName(q.Arch, name), t, src.params[d.Name], sl.params[d.Name], c.params[d.Name])
			if !ok && i == sl.Base && c.Method.Base() != BaseUnused {
				continue // the base needs no weight or density
			}
			if err := c.store(r.PerModel[i], d, v, ok, src.Line, src.Model, name); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}

// first returns the value of the first setting that has one for the tensor.
func first(name, hf string, t float64, ss ...*setting) (Value, bool) {
	for _, s := range ss {
		if s == nil {
			continue
		}
		if v, ok := s.lookup(name, hf, t); ok {
			return v, true
		}
	}
	return Value{}, false
}

func (c *Config) store(p Params, d ParamDef, v Value, ok bool, line int, model, tensor string) error {
	switch {
	case ok:
		p[d.Name] = v
	case d.Required:
		who := ""
		if model != "" {
			who = "model " + model + ": "
		}
		return &configError{c.Path, line, fmt.Sprintf("%smissing required parameter %s for tensor %s", who, d.Name, tensor)}
	default:
		p[d.Name] = d.Default
	}
	return nil
}

// Spec builds the TensorSpec for one tensor from its query and the shape of
// the tensor in each source (nil where a source lacks it).
func (c *Config) Spec(q TensorQuery, shapes [][]int64, seed uint64) (TensorSpec, error) {
	r, err := c.Resolve(q)
	if err != nil {
		return TensorSpec{}, err
	}
	if len(shapes) != len(r.Models) {
		return TensorSpec{}, fmt.Errorf("tensor %s: %d shapes for %d models", q.Name, len(shapes), len(r.Models))
	}
	base := r.Base
	if c.Method.Base() == BaseUnused {
		// The base is then only the shape reference, not a method input.
		base = -1
	}
	return TensorSpec{Name: q.Name, Models: r.Models, Shapes: shapes, Params: r.PerModel,
		Global: r.Global, Base: base, Seed: seed}, nil
}

// LocateLayer maps an output layer of a slices: config to its slice and the
// index within it. With models: syntax every layer is in slice 0.
func (c *Config) LocateLayer(out int) (slice, idx int, ok bool) {
	if c.FromModels {
		return 0, out, out >= 0
	}
	for i, sl := range c.Slices {
		n := sl.Sources[0].Layers()
		if out < n {
			return i, out, out >= 0
		}
		out -= n
	}
	return 0, 0, false
}

// OutputLayers is the number of output layers of a slices: config (-1 with
// models:, where it is the models' block count).
func (c *Config) OutputLayers() int {
	if c.FromModels {
		return -1
	}
	n := 0
	for _, sl := range c.Slices {
		n += sl.Sources[0].Layers()
	}
	return n
}
