package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/ggufmerge/ggufmerge/gguf"
)

func init() {
	register(&cli.Command{
		Name:      "inspect",
		Usage:     "print a GGUF model's header, metadata and tensor table",
		ArgsUsage: "FILE [--json] [--all]",
		Description: `Prints the GGUF version, data alignment, every metadata key with its GGUF type,
and a table of tensors (name, ggml type, shape in ggml order ne0,ne1,…, bytes).
For the first shard of a split model (name-00001-of-0000N.gguf) the whole model
is shown. Long arrays and strings are shortened unless --all is given.

--json prints {"version","alignment","metadata":{key:{"type","value"}},"tensors":[…]}
with metadata in file order.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "machine-readable output"},
			&cli.BoolFlag{Name: "all", Usage: "print arrays and strings in full"},
		},
		Action: runInspect,
	})
}

// inspectArrayItems and inspectStringLen bound what is shown without --all.
const (
	inspectArrayItems = 8
	inspectStringLen  = 120
)

func runInspect(c *cli.Context) error {
	// Flags may also follow the file name (cli stops parsing at the first
	// argument), as in "inspect FILE --json".
	asJSON, all := c.Bool("json"), c.Bool("all")
	var files []string
	for _, a := range c.Args().Slice() {
		switch a {
		case "--json", "-json":
			asJSON = true
		case "--all", "-all":
			all = true
		default:
			if strings.HasPrefix(a, "-") {
				return fmt.Errorf("inspect: unknown option %s", a)
			}
			files = append(files, a)
		}
	}
	if len(files) != 1 {
		return fmt.Errorf("inspect: need exactly one FILE (got %d); see 'ggufmerge inspect --help'", len(files))
	}
	m, err := gguf.Open(files[0])
	if err != nil {
		return err
	}
	defer m.Close()
	out := bufio.NewWriter(c.App.Writer)
	if asJSON {
		err = inspectJSON(out, m, all)
	} else {
		err = inspectText(out, m, all)
	}
	if err != nil {
		return err
	}
	return out.Flush()
}

func inspectText(w io.Writer, m *gguf.Model, all bool) error {
	fmt.Fprintf(w, "file:      %s\n", m.Path)
	if len(m.Files) > 1 {
		fmt.Fprintf(w, "shards:    %d\n", len(m.Files))
		for i, s := range m.Shards {
			fmt.Fprintf(w, "  %d: %s (v%d, %d tensors, %d bytes)\n", i+1, s.Path, s.Version, s.NumTensors, s.Size)
		}
	}
	var total int64
	for _, t := range m.Tensors {
		total += t.Size()
	}
	fmt.Fprintf(w, "version:   %d\n", m.Version)
	fmt.Fprintf(w, "alignment: %d\n", m.Alignment)
	fmt.Fprintf(w, "tensors:   %d (%d bytes of data)\n", len(m.Tensors), total)
	fmt.Fprintf(w, "metadata:  %d keys\n", m.Meta.Len())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, kv := range m.Meta.KVs() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", kv.Key, kv.Value.TypeName(), formatValue(kv.Value, all))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tname\ttype\tshape\tbytes")
	for i, t := range m.Tensors {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%d\n", i, t.Name, t.Type, t.ShapeString(), t.Size())
	}
	return tw.Flush()
}

// formatValue renders a value for the text listing.
func formatValue(v gguf.Value, all bool) string {
	if v.Type != gguf.Array {
		return formatScalar(v.V, all)
	}
	rv := reflect.ValueOf(v.V)
	n := rv.Len()
	shown := n
	if !all && n > inspectArrayItems {
		shown = inspectArrayItems
	}
	parts := make([]string, shown)
	for i := range parts {
		parts[i] = formatScalar(rv.Index(i).Interface(), all)
	}
	s := "[" + strings.Join(parts, ", ")
	if shown < n {
		s += fmt.Sprintf(", … (%d items)", n)
	}
	return s + "]"
}

func formatScalar(x any, all bool) string {
	switch x := x.(type) {
	case string:
		if !all && len(x) > inspectStringLen {
			return strconv.Quote(x[:inspectStringLen]) + fmt.Sprintf("… (%d bytes)", len(x))
		}
		return strconv.Quote(x)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(x)
}

type inspectTensorJSON struct {
	Name   string  `json:"name"`
	Type   string  `json:"type"`
	Shape  []int64 `json:"shape"`
	Offset int64   `json:"offset"`
	Size   int64   `json:"size"`
	Shard  *int    `json:"shard,omitempty"`
}

func inspectJSON(w io.Writer, m *gguf.Model, all bool) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"version":%d,"alignment":%d,`, m.Version, m.Alignment)
	if len(m.Files) > 1 {
		files, _ := marshalJSON(m.Files)
		fmt.Fprintf(&b, `"files":%s,`, files)
	}
	b.WriteString(`"metadata":{`)
	for i, kv := range m.Meta.KVs() {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := marshalJSON(kv.Key)
		b.Write(key)
		b.WriteByte(':')
		if err := writeValueJSON(&b, kv.Value, all); err != nil {
			return fmt.Errorf("%s: %w", kv.Key, err)
		}
	}
	b.WriteString(`},"tensors":[`)
	for i, t := range m.Tensors {
		if i > 0 {
			b.WriteByte(',')
		}
		tj := inspectTensorJSON{Name: t.Name, Type: t.Type.String(), Shape: t.Shape, Offset: t.Offset, Size: t.Size()}
		if tj.Shape == nil {
			tj.Shape = []int64{}
		}
		if len(m.Files) > 1 {
			tj.Shard = &t.Shard
		}
		enc, err := marshalJSON(tj)
		if err != nil {
			return err
		}
		b.Write(enc)
	}
	b.WriteString("]}\n")
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b.Bytes(), "", "  "); err != nil {
		return err
	}
	_, err := w.Write(pretty.Bytes())
	return err
}

// writeValueJSON writes {"type":…,"value":…} and, for arrays, "count" (and
// "truncated" when only the first items are shown).
func writeValueJSON(b *bytes.Buffer, v gguf.Value, all bool) error {
	fmt.Fprintf(b, `{"type":%q,`, v.TypeName())
	if v.Type != gguf.Array {
		b.WriteString(`"value":`)
		if err := writeScalarJSON(b, v.V); err != nil {
			return err
		}
		b.WriteByte('}')
		return nil
	}
	rv := reflect.ValueOf(v.V)
	n := rv.Len()
	shown := n
	if !all && n > inspectArrayItems {
		shown = inspectArrayItems
	}
	fmt.Fprintf(b, `"count":%d,`, n)
	if shown < n {
		b.WriteString(`"truncated":true,`)
	}
	b.WriteString(`"value":[`)
	for i := 0; i < shown; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeScalarJSON(b, rv.Index(i).Interface()); err != nil {
			return err
		}
	}
	b.WriteString("]}")
	return nil
}

// writeScalarJSON writes one value; NaN and ±Inf, which JSON cannot hold,
// become the strings "NaN", "+Inf", "-Inf".
func writeScalarJSON(b *bytes.Buffer, x any) error {
	var f float64
	switch y := x.(type) {
	case float32:
		f = float64(y)
	case float64:
		f = y
	default:
		enc, err := marshalJSON(x)
		b.Write(enc)
		return err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		fmt.Fprintf(b, "%q", strconv.FormatFloat(f, 'g', -1, 64))
		return nil
	}
	bits := 64
	if _, ok := x.(float32); ok {
		bits = 32
	}
	b.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
	return nil
}

// marshalJSON is json.Marshal without HTML escaping, so tokens such as
// "<s>" stay readable.
func marshalJSON(x any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
