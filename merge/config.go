package merge

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ggufmerge/ggufmerge/quant"
	"go.yaml.in/yaml/v3"
)

// Config is a mergekit YAML merge configuration whose models are GGUF files.
//
// Supported keys: merge_method, base_model, models or slices (with
// layer_range, per-slice base_model and parameters), parameters at top,
// slice and model level, dtype (accepted; ggufmerge always computes in
// float32), out_dtype (F32, F16 or BF16 output), tokenizer_source: base.
// Anything else is an error with its line number.
type Config struct {
	Path       string // the YAML file
	Method     Method
	BaseModel  string  // GGUF path ("" when none), resolved against the config's directory
	Slices     []Slice // `models:` syntax gives one slice whose sources have no layer range
	FromModels bool    // written with `models:` (one slice over all layers)
	Dtype      string  // dtype as written, "" when absent
	OutType    quant.Type
	HasOutType bool
	// ChatTemplate is chat_template as written: "auto", a built-in name
	// or a Jinja template ("" keeps the reference model's).
	ChatTemplate string
	Notes        []string // messages for the user, to print once

	methodLine int
	params     settings // top-level parameters
}

// Slice is one output slice: layers taken from each source in parallel.
type Slice struct {
	Sources []Source
	Base    int // index of the base model in Sources, -1 when none
	Line    int
	params  settings
}

// Source is one model's contribution to a slice.
type Source struct {
	Model      string // GGUF path, resolved against the config's directory
	LayerStart int    // layer_range [LayerStart, LayerEnd)
	LayerEnd   int
	HasRange   bool // false with `models:` syntax: all layers of the model
	Line       int
	params     settings
}

// Layers returns the number of layers of the source's range.
func (s Source) Layers() int { return s.LayerEnd - s.LayerStart }

// configError is an error at a line of the config file.
type configError struct {
	file string
	line int
	msg  string
}

func (e *configError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// parser carries the file name for error messages.
type parser struct {
	file string
	dir  string
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &configError{file: p.file, line: line, msg: fmt.Sprintf(format, args...)}
}

// LoadConfig reads and validates a config file. Model paths are relative to
// the file's directory.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data, path)
}

// ParseConfig parses config text; path names it in errors and anchors
// relative model paths.
func ParseConfig(data []byte, path string) (*Config, error) {
	p := &parser{file: path, dir: filepath.Dir(path)}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, p.errf(nil, "empty config")
	}
	return p.config(deref(doc.Content[0]))
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping iterates a mapping node, rejecting duplicate keys and non-string keys.
func (p *parser) mapping(n *yaml.Node, what string, f func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return p.errf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return p.errf(k, "%s: keys must be strings", what)
		}
		if seen[k.Value] {
			return p.errf(k, "%s: key %q given twice", what, k.Value)
		}
		seen[k.Value] = true
		if err := f(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, "%s must be a string", what)
	}
	return n.Value, nil
}

// unsupported mergekit keys, with the reason given to the user.
var unsupportedKeys = map[string]string{
	"modules":         "multi-module (modules:) configs are not supported; use models: or slices:",
	"residual_weight": "residual_weight is not supported",
}

func (p *parser) config(root *yaml.Node) (*Config, error) {
	c := &Config{Path: p.file}
	var models, slices *yaml.Node
	var baseNode *yaml.Node
	err := p.mapping(root, "config", func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "merge_method":
			var name string
			if name, err = p.str(v, key); err != nil {
				return err
			}
			m, ok := Lookup(name)
			if !ok {
				return p.errf(v, "unknown merge_method %q (supported: %s)", name, strings.Join(MethodNames(), ", "))
			}
			c.Method, c.methodLine = m, v.Line
		case "base_model":
			var s string
			if s, err = p.str(v, key); err != nil {
				return err
			}
			c.BaseModel, baseNode = p.modelPath(s), v
		case "models":
			models = v
		case "slices":
			slices = v
		case "parameters":
			c.params, err = p.settings(v)
		case "dtype":
			c.Dtype, err = p.dtype(v, key)
		case "out_dtype":
			var s string
			if s, err = p.dtype(v, key); err == nil {
				c.OutType, _ = outType(s)
				c.HasOutType = true
			}
		case "chat_template":
			if c.ChatTemplate, err = p.str(v, key); err == nil {
				if cerr := checkChatTemplate(c.ChatTemplate); cerr != nil {
					err = p.errf(v, "%v", cerr)
				}
			}
		case "tokenizer":
			err = p.tokenizer(v)
		case "tokenizer_source":
			var s string
			if s, err = p.str(v, key); err == nil && s != "base" {
				err = p.errf(v, "tokenizer_source %q is not supported; only \"base\" (the output keeps the base model's vocabulary)", s)
			}
		default:
			if why, ok := unsupportedKeys[key]; ok {
				return p.errf(k, "%s", why)
			}
			return p.errf(k, "unknown key %q", key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.Method == nil {
		return nil, p.errf(root, "merge_method is required")
	}
	switch {
	case (models == nil) == (slices == nil):
		return nil, p.errf(root, "exactly one of 'models' or 'slices' must be present")
	case models != nil:
		err = p.models(c, models)
	default:
		err = p.slices(c, slices)
	}
	if err != nil {
		return nil, err
	}
	if c.Dtype != "" {
		c.Notes = append(c.Notes, fmt.Sprintf("dtype %s: ggufmerge always computes in float32", c.Dtype))
	}
	if err := p.check(c, baseNode); err != nil {
		return nil, err
	}
	return c, nil
}

// tokenizer accepts mergekit's tokenizer: block when it asks for what we
// do anyway, the base model's vocabulary (source: base, no token rules).
func (p *parser) tokenizer(v *yaml.Node) error {
	return p.mapping(v, "tokenizer", func(key string, k, v *yaml.Node) error {
		switch key {
		case "source":
			s, err := p.str(v, "tokenizer source")
			if err == nil && s != "base" {
				err = p.errf(v, "tokenizer source %q is not supported; only \"base\" (the output keeps the base model's vocabulary)", s)
			}
			return err
		case "tokens", "pad_to_multiple_of":
			return p.errf(k, "tokenizer %s is not supported: building a vocabulary is not; the output keeps the base model's", key)
		}
		return p.errf(k, "unknown key %q in tokenizer", key)
	})
}

// modelPath resolves a model reference against the config's directory.
func (p *parser) modelPath(s string) string {
	if filepath.IsAbs(s) {
		return filepath.Clean(s)
	}
	return filepath.Join(p.dir, s)
}

// dtypes accepted for dtype/out_dtype, mapped to ggml types.
var dtypes = map[string]quant.Type{
	"float32": quant.F32, "float16": quant.F16, "bfloat16": quant.BF16,
	"f32": quant.F32, "f16": quant.F16, "bf16": quant.BF16,
}

func outType(s string) (quant.Type, bool) {
	t, ok := dtypes[strings.TrimPrefix(strings.ToLower(s), "torch.")]
	return t, ok
}

func (p *parser) dtype(v *yaml.Node, key string) (string, error) {
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	if _, ok := outType(s); !ok {
		return "", p.errf(v, "%s %q: want float32, float16 or bfloat16 (or F32, F16, BF16)", key, s)
	}
	return s, nil
}

// source parses one entry of models: or of a slice's sources:.
func (p *parser) source(n *yaml.Node, inSlice bool) (Source, error) {
	src := Source{Line: n.Line}
	var haveModel bool
	err := p.mapping(n, "model entry", func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "model":
			var s string
			s, err = p.str(v, key)
			src.Model, haveModel = p.modelPath(s), true
			src.Line = v.Line
		case "parameters":
			src.params, err = p.settings(v)
		case "layer_range":
			if !inSlice {
				return p.errf(k, "layer_range belongs in slices: sources")
			}
			src.LayerStart, src.LayerEnd, err = p.layerRange(v)
			src.HasRange = true
		default:
			return p.errf(k, "unknown key %q in model entry", key)
		}
		return err
	})
	if err != nil {
		return src, err
	}
	if !haveModel {
		return src, p.errf(n, "model entry without model:")
	}
	if inSlice && !src.HasRange {
		return src, p.errf(n, "slice source %s needs layer_range", src.Model)
	}
	return src, nil
}

func (p *parser) layerRange(v *yaml.Node) (int, int, error) {
	var r []int
	if v.Kind != yaml.SequenceNode || v.Decode(&r) != nil || len(r) != 2 {
		return 0, 0, p.errf(v, "layer_range must be [start, end]")
	}
	if r[0] < 0 || r[1] <= r[0] {
		return 0, 0, p.errf(v, "layer_range [%d, %d] is empty or negative", r[0], r[1])
	}
	return r[0], r[1], nil
}

func (p *parser) models(c *Config, n *yaml.Node) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return p.errf(n, "models must be a non-empty list")
	}
	sl := Slice{Line: n.Line, Base: -1}
	for _, e := range n.Content {
		src, err := p.source(deref(e), false)
		if err != nil {
			return err
		}
		sl.Sources = append(sl.Sources, src)
	}
	c.FromModels = true
	c.Slices = []Slice{sl}
	return nil
}

func (p *parser) slices(c *Config, n *yaml.Node) error {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return p.errf(n, "slices must be a non-empty list")
	}
	for _, e := range n.Content {
		sl := Slice{Line: e.Line, Base: -1}
		var sources *yaml.Node
		var base string
		err := p.mapping(e, "slice", func(key string, k, v *yaml.Node) error {
			var err error
			switch key {
			case "sources":
				sources = v
			case "base_model":
				var s string
				s, err = p.str(v, key)
				base = p.modelPath(s)
			case "parameters":
				sl.params, err = p.settings(v)
			default:
				if why, ok := unsupportedKeys[key]; ok {
					return p.errf(k, "%s", why)
				}
				return p.errf(k, "unknown key %q in slice", key)
			}
			return err
		})
		if err != nil {
			return err
		}
		if sources == nil || sources.Kind != yaml.SequenceNode || len(sources.Content) == 0 {
			return p.errf(e, "slice needs a non-empty sources: list")
		}
		for _, s := range sources.Content {
			src, err := p.source(deref(s), true)
			if err != nil {
				return err
			}
			if len(sl.Sources) > 0 && src.Layers() != sl.Sources[0].Layers() {
				return p.errf(s, "all sources of a slice must span the same number of layers (%d vs %d)",
					src.Layers(), sl.Sources[0].Layers())
			}
			sl.Sources = append(sl.Sources, src)
		}
		if base != "" {
			sl.Base = sl.index(base)
			if sl.Base < 0 {
				return p.errf(e, "slice base_model %s is not one of its sources", base)
			}
		}
		c.Slices = append(c.Slices, sl)
	}
	return nil
}

// index returns the position of model among the slice's sources, or -1.
func (s *Slice) index(model string) int {
	for i, src := range s.Sources {
		if src.Model == model {
			return i
		}
	}
	return -1
}
