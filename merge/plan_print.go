package merge

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ggufmerge/ggufmerge/quant"
)

// TensorDescription is one output tensor of a plan, for --dry-run.
type TensorDescription struct {
	Name     string                    `json:"name"`
	Shape    []int64                   `json:"shape"`
	Inputs   []InputDescription        `json:"inputs"`
	Action   string                    `json:"action"` // "merge", "copy <model>" or "convert <model>"
	Global   map[string]any            `json:"global,omitempty"`
	PerModel map[string]map[string]any `json:"per_model,omitempty"`
	Out      string                    `json:"out_type"`
	Fallback bool                      `json:"fallback,omitempty"`
	Imatrix  bool                      `json:"imatrix,omitempty"`
}

// InputDescription is one input's tensor.
type InputDescription struct {
	Model string `json:"model"`
	Type  string `json:"type"` // "-" when the model lacks the tensor
}

// PlanDescription is a whole plan, for --dry-run --json.
type PlanDescription struct {
	Method   string              `json:"method"`
	Seed     uint64              `json:"seed"`
	Type     string              `json:"type"`
	FileType string              `json:"file_type"`
	Inputs   []string            `json:"inputs"`
	Base     string              `json:"base"`
	Size     int64               `json:"expected_bytes"`
	Tensors  []TensorDescription `json:"tensors"`
	Notes    []string            `json:"notes,omitempty"`
	Warnings []string            `json:"warnings,omitempty"`
}

// Describe summarizes the plan; size is the expected output size.
func (p *Plan) Describe(size int64) PlanDescription {
	d := PlanDescription{Method: p.Config.Method.Name(), Seed: p.Opts.Seed, Type: p.typeName(),
		FileType: p.FileType.Name(), Base: p.Ref.Path, Size: size, Notes: p.Notes, Warnings: p.Warnings}
	for _, in := range p.Inputs {
		d.Inputs = append(d.Inputs, in.Path)
	}
	for _, t := range p.Tensors {
		d.Tensors = append(d.Tensors, p.describeTensor(t))
	}
	return d
}

func (p *Plan) describeTensor(t *TensorPlan) TensorDescription {
	td := TensorDescription{Name: t.Name, Shape: t.Shape, Out: t.Out.Target.UpperName(),
		Fallback: t.Out.Fallback, Imatrix: t.Out.Imatrix != nil && t.Copy < 0}
	for i, src := range t.Sources {
		in := InputDescription{Model: t.Spec.Models[i], Type: "-"}
		if src != nil {
			in.Type = src.Type.UpperName()
		}
		td.Inputs = append(td.Inputs, in)
	}
	switch id := t.Merger.Identity(); {
	case t.Copy >= 0:
		td.Action = "copy " + t.Spec.Models[t.Copy]
	case id >= 0:
		td.Action = "convert " + t.Spec.Models[id]
	default:
		td.Action = p.Config.Method.Name()
		td.Global = paramMap(t.Spec.Global)
		used := t.Merger.Inputs()
		for i := range t.Spec.Models {
			if i == t.Spec.Base || !containsInt(used, i) || len(t.Spec.Params[i]) == 0 {
				continue
			}
			if td.PerModel == nil {
				td.PerModel = map[string]map[string]any{}
			}
			td.PerModel[t.Spec.Models[i]] = paramMap(t.Spec.Params[i])
		}
	}
	return td
}

func containsInt(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func paramMap(p Params) map[string]any {
	if len(p) == 0 {
		return nil
	}
	out := map[string]any{}
	for k, v := range p {
		if v.Str != "" {
			out[k] = v.Str
		} else {
			out[k] = v.Num
		}
	}
	return out
}

// formatParams prints parameters sorted by name: "density=0.7 weight=1".
func formatParams(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch v := m[k].(type) {
		case float64:
			b.WriteString(k + "=" + strconv.FormatFloat(v, 'g', 6, 64))
		default:
			fmt.Fprintf(&b, "%s=%v", k, v)
		}
	}
	return b.String()
}

// WriteDryRun prints the plan as text: the inputs, then one line per
// output tensor (inputs' types, action, parameters, output type), then the
// expected size.
func (p *Plan) WriteDryRun(w io.Writer, size int64) {
	d := p.Describe(size)
	short := shortNames(d.Inputs)
	fmt.Fprintf(w, "merge_method %s, seed %d, output type %s (general.file_type %s)\n", d.Method, d.Seed, d.Type, d.FileType)
	for i, in := range d.Inputs {
		role := ""
		if in == d.Base {
			role = " (base: metadata, tokenizer"
			if p.Opts.Keep {
				role += ", tensor types"
			}
			role += ")"
		}
		fmt.Fprintf(w, "  input %d: %s [%s]%s\n", i, in, short[in], role)
	}
	width := 0
	for _, t := range d.Tensors {
		width = max(width, len(t.Name))
	}
	for _, t := range d.Tensors {
		var types []string
		for _, in := range t.Inputs {
			types = append(types, short[in.Model]+":"+in.Type)
		}
		shape := make([]string, len(t.Shape))
		for i, s := range t.Shape {
			shape[i] = strconv.FormatInt(s, 10)
		}
		action := t.Action
		if strings.HasPrefix(action, "copy ") || strings.HasPrefix(action, "convert ") {
			verb, model, _ := strings.Cut(action, " ")
			action = verb + " " + short[model]
		}
		line := fmt.Sprintf("%-*s [%s] %s -> %s", width, t.Name, strings.Join(shape, ","), strings.Join(types, " "), action)
		if len(t.Global) > 0 {
			line += " {" + formatParams(t.Global) + "}"
		}
		for _, in := range t.Inputs {
			if pm, ok := t.PerModel[in.Model]; ok {
				line += " " + short[in.Model] + "{" + formatParams(pm) + "}"
			}
		}
		line += " => " + t.Out
		if t.Fallback {
			line += " (fallback)"
		}
		if t.Imatrix {
			line += " (imatrix)"
		}
		fmt.Fprintln(w, line)
	}
	for _, n := range d.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, warn := range d.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	fmt.Fprintf(w, "expected output: %d bytes (%s), %d tensors\n", size, HumanBytes(size), len(d.Tensors))
}

// shortNames gives each input a short label: its file name without
// .gguf (and without a -00001-of-0000N shard suffix).
func shortNames(paths []string) map[string]string {
	out := map[string]string{}
	for _, p := range paths {
		b := strings.TrimSuffix(filepath.Base(p), ".gguf")
		if i := strings.LastIndex(b, "-00001-of-"); i > 0 {
			b = b[:i]
		}
		out[p] = b
	}
	return out
}

// HumanBytes prints a byte count with a binary unit.
func HumanBytes(n int64) string {
	f := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB"} {
		if f < 1024 || u == "GiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return fmt.Sprintf("%.1f %s", f, u)
		}
		f /= 1024
	}
	return ""
}

// quantizedInputTypes lists the quantized types the computed tensors read.
func (p *Plan) quantizedInputTypes() []string {
	seen := map[quant.Type]bool{}
	var out []string
	for _, t := range p.Tensors {
		if t.Copy >= 0 {
			continue
		}
		for _, i := range t.Merger.Inputs() {
			if ty := t.Sources[i].Type; ty.Info().Quantized && !seen[ty] {
				seen[ty] = true
				out = append(out, ty.UpperName())
			}
		}
	}
	sort.Strings(out)
	return out
}
