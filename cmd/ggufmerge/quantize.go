package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

func init() {
	register(&cli.Command{
		Name:      "quantize",
		Usage:     "quantize a GGUF model exactly as llama-quantize does",
		ArgsUsage: "IN.gguf OUT.gguf TYPE",
		Description: `Writes the file llama-quantize writes: the same tensor types (its per-tensor
mixtures such as Q4_K_M), the same tensor bytes, order and metadata.

TYPE is a llama-quantize type name: ` + strings.Join(recipe.FileTypeNames(), ", ") + `
(aliases Q3_K = Q3_K_M, Q4_K = Q4_K_M, Q5_K = Q5_K_M; llama_ftype numbers work too).
F32 dequantizes a whole file; COPY rewrites it with every tensor unchanged.

Quantized input is accepted: it is dequantized and quantized again, which loses
quality compared to quantizing from F16/F32 (a note says so; --allow-requantize
silences it). llama-quantize refuses such input unless given --allow-requantize.

IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M and Q2_K_S need --imatrix (GGUF or
legacy .dat imatrix files both work). Options must come before IN OUT TYPE.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "imatrix", Usage: "importance matrix `FILE` (llama-imatrix output, GGUF or legacy .dat)"},
			&cli.StringSliceFlag{Name: "include-weights", Usage: "use the importance matrix only for tensors whose name contains `TEXT` (repeatable)"},
			&cli.StringSliceFlag{Name: "exclude-weights", Usage: "do not use the importance matrix for tensors whose name contains `TEXT` (repeatable)"},
			&cli.BoolFlag{Name: "pure", Usage: "no per-tensor mixture: every quantizable tensor gets TYPE's default type"},
			&cli.StringFlag{Name: "output-tensor-type", Usage: "ggml `TYPE` for output.weight (e.g. q8_0)"},
			&cli.StringFlag{Name: "token-embedding-type", Usage: "ggml `TYPE` for token_embd.weight"},
			&cli.StringSliceFlag{Name: "tensor-type", Usage: "`REGEX=TYPE`: tensors whose name matches get this ggml type (repeatable, first match wins)"},
			tensorTypeFileFlag(),
			&cli.BoolFlag{Name: "keep-split", Usage: "one output shard per input shard, with the same tensors (llama-quantize's --keep-split; output named OUT-00001-of-0000N.gguf)"},
			&cli.StringFlag{Name: "prune-layers", Usage: "leave out the blocks `L0,L1,...` and renumber the rest (llama-quantize's --prune-layers)"},
			&cli.BoolFlag{Name: "leave-output-tensor", Usage: "keep output.weight as it is"},
			&cli.BoolFlag{Name: "allow-requantize", Usage: "acknowledge requantizing quantized input (silences the note)"},
			&cli.IntFlag{Name: "threads", Aliases: []string{"t"}, Usage: "worker threads (default: all CPUs); the output does not depend on it"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the type of every tensor and the output size without writing"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines"},
			overrideFlag(),
		}, splitFlags()...),
		Action: runQuantize,
	})
}

func runQuantize(c *cli.Context) error {
	args := c.Args().Slice()
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("quantize: option %s after the file names; options go before IN OUT TYPE", a)
		}
	}
	if len(args) == 4 { // llama-quantize's trailing thread count
		n, err := strconv.Atoi(args[3])
		if err != nil {
			return fmt.Errorf("quantize: invalid thread count %q", args[3])
		}
		if !c.IsSet("threads") {
			c.Set("threads", strconv.Itoa(n))
		}
		args = args[:3]
	}
	if len(args) != 3 {
		return fmt.Errorf("quantize: need IN OUT TYPE (got %d arguments); see 'ggufmerge quantize --help'", len(args))
	}
	in, out := args[0], args[1]
	opts, err := quantizeOptions(c, args[2])
	if err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	if c.Bool("dry-run") {
		return dryRun(c.App.Writer, in, opts)
	}
	if same(in, out) {
		return fmt.Errorf("quantize: input and output are the same file: %s", in)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	rep, err := recipe.QuantizeFile(ctx, in, out, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "quantize: %s -> %s (file type %s, %d of %d tensors converted, %.1f MiB -> %.1f MiB) in %.2f s\n",
		in, strings.Join(rep.Paths, ", "), rep.FileType, rep.Converted, rep.Tensors,
		mib(rep.InBytes), mib(rep.OutBytes), time.Since(start).Seconds())
	return nil
}

// quantizeOptions turns the flags and the TYPE argument into recipe options.
func quantizeOptions(c *cli.Context, typeArg string) (recipe.Options, error) {
	ft, copyOnly, err := recipe.ParseFileType(typeArg)
	if err != nil {
		return recipe.Options{}, err
	}
	if _, ok := ft.DefaultType(); !ok && !copyOnly {
		return recipe.Options{}, fmt.Errorf("type %s cannot be produced by llama-quantize", typeArg)
	}
	opts := recipe.Options{
		FileType:        ft,
		Copy:            copyOnly,
		Pure:            c.Bool("pure"),
		LeaveOutput:     c.Bool("leave-output-tensor"),
		AllowRequantize: c.Bool("allow-requantize"),
		Threads:         c.Int("threads"),
	}
	if !c.Bool("quiet") {
		w := c.App.ErrWriter
		opts.Log = func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	}
	if opts.OutputType, err = typeFlag(c, "output-tensor-type"); err != nil {
		return opts, err
	}
	if opts.TokenEmbdType, err = typeFlag(c, "token-embedding-type"); err != nil {
		return opts, err
	}
	if opts.TensorTypes, err = tensorTypeFlags(c); err != nil {
		return opts, err
	}
	if opts.Split, err = splitOptions(c); err != nil {
		return opts, err
	}
	if opts.Overrides, err = overrides(c); err != nil {
		return opts, err
	}
	opts.KeepSplit = c.Bool("keep-split")
	if opts.PruneLayers, err = pruneList(c.String("prune-layers")); err != nil {
		return opts, err
	}
	return opts, loadImatrixFlag(c, &opts)
}

func loadImatrixFlag(c *cli.Context, opts *recipe.Options) error {
	inc, exc := c.StringSlice("include-weights"), c.StringSlice("exclude-weights")
	if len(inc) > 0 && len(exc) > 0 {
		return errors.New("--include-weights and --exclude-weights cannot be used together")
	}
	path := c.String("imatrix")
	if path == "" {
		if len(inc)+len(exc) > 0 {
			return errors.New("--include-weights/--exclude-weights need --imatrix")
		}
		return nil
	}
	im, err := recipe.LoadImatrix(path)
	if err != nil {
		return err
	}
	im.Filter(inc, exc)
	if opts.Log != nil {
		opts.Log("imatrix: %d entries from %s (chunks %d, datasets %v)", im.Len(), path, im.ChunkCount, im.Datasets)
	}
	if im.Len() > 0 {
		opts.Imatrix = im
	}
	return nil
}

func typeFlag(c *cli.Context, name string) (*quant.Type, error) {
	s := c.String(name)
	if s == "" {
		return nil, nil
	}
	t, err := quant.ParseType(s)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", name, err)
	}
	return &t, nil
}

// tensorTypeRules parses --tensor-type NAME=TYPE; names are lower-cased as
// llama-quantize does.
// pruneList reads --prune-layers L0,L1,...: block numbers, sorted and
// distinct as llama-quantize keeps them.
func pruneList(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("--prune-layers: %q is not a layer number", f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// tensorTypeFileFlag is llama-quantize's --tensor-type-file.
func tensorTypeFileFlag() cli.Flag {
	return &cli.StringFlag{Name: "tensor-type-file",
		Usage: "`FILE` of REGEX=TYPE rules separated by spaces or newlines (after any --tensor-type rules)"}
}

// tensorTypeFlags reads --tensor-type and then --tensor-type-file rules.
// (llama-quantize keeps the two in command-line order; a command line
// mixing both is the one case where we may differ.)
func tensorTypeFlags(c *cli.Context) ([]recipe.TensorTypeRule, error) {
	specs := c.StringSlice("tensor-type")
	if path := c.String("tensor-type-file"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--tensor-type-file: %w", err)
		}
		specs = append(specs, strings.Fields(string(b))...)
	}
	return tensorTypeRules(specs)
}

func tensorTypeRules(specs []string) ([]recipe.TensorTypeRule, error) {
	var rules []recipe.TensorTypeRule
	for _, s := range specs {
		name, typ, ok := strings.Cut(s, "=")
		if !ok || name == "" || typ == "" {
			return nil, fmt.Errorf("--tensor-type %q: want REGEX=TYPE", s)
		}
		re, err := regexp.Compile(strings.ToLower(name))
		if err != nil {
			return nil, fmt.Errorf("--tensor-type %q: %w", s, err)
		}
		t, err := quant.ParseType(typ)
		if err != nil {
			return nil, fmt.Errorf("--tensor-type %q: %w", s, err)
		}
		rules = append(rules, recipe.TensorTypeRule{Pattern: re, Type: t})
	}
	return rules, nil
}

func dryRun(w io.Writer, in string, opts recipe.Options) error {
	m, err := gguf.Open(in)
	if err != nil {
		return err
	}
	defer m.Close()
	j, err := recipe.Prepare(m, opts)
	if err != nil {
		return err
	}
	var before, after int64
	for i, c := range j.Choices {
		before += c.Size()
		after += j.Infos[i].Size()
		note := ""
		if c.Fallback {
			note = " (fallback: row length)"
		}
		fmt.Fprintf(w, "%-40s [%s] %s -> %s%s\n", c.Name, c.ShapeString(), c.Type, c.Target, note)
	}
	fmt.Fprintf(w, "%s: %.2f MiB -> %.2f MiB as %s\n", in, mib(before), mib(after), j.FileType.Name())
	return nil
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// same reports whether two paths name the same existing file.
func same(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
