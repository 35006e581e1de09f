package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/merge"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

// mergeMemoryLimit is the Go heap's soft limit during a merge.
const mergeMemoryLimit = 384 << 20

func init() {
	register(&cli.Command{
		Name:      "merge",
		Usage:     "merge GGUF models as a mergekit config says, requantize, write one GGUF",
		ArgsUsage: "CONFIG.yml -o OUT.gguf",
		Description: `Reads the GGUF models named in a mergekit-style YAML config (any mix of types,
split or not), merges them tensor by tensor with the config's merge_method
(` + strings.Join(merge.MethodNames(), ", ") + `),
quantizes the result and writes a GGUF that llama.cpp and Ollama load.

Model paths in the config are relative to the config file. The output keeps the
base model's metadata (architecture, tokenizer, chat template, ...), lists the
inputs under general.base_model.*, tags it "merge" and records the config, the
seed and the type under ggufmerge.*.

--type keep (the default) gives every tensor the base model's type for it (a
Q4_K_M base gives a Q4_K_M-shaped file); any llama-quantize type name
(` + strings.Join(recipe.FileTypeNames()[:12], ", ") + `, ...) applies that type's
per-tensor recipe, with the same fallbacks when a row does not fit a block.

Everything is planned first (inputs opened and checked, every tensor's type
and the whole layout fixed), then streamed with --threads workers; the output
bytes do not depend on the thread count. The output file appears only when
complete: on any error or Ctrl-C nothing is left behind and an existing
OUT.gguf is untouched.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output `FILE` (.gguf)"},
			&cli.StringFlag{Name: "type", Value: "keep", Usage: "output `TYPE`: keep (the base's type per tensor) or a llama-quantize type (Q4_K_M, Q8_0, F16, ...)"},
			&cli.BoolFlag{Name: "pure", Usage: "no per-tensor mixture: every quantizable tensor gets TYPE's default type"},
			&cli.StringFlag{Name: "imatrix", Usage: "importance matrix `FILE` for weighted quantization (llama-imatrix output, GGUF or .dat)"},
			&cli.StringSliceFlag{Name: "include-weights", Usage: "use the importance matrix only for tensors whose name contains `TEXT`"},
			&cli.StringSliceFlag{Name: "exclude-weights", Usage: "do not use the importance matrix for tensors whose name contains `TEXT`"},
			&cli.StringFlag{Name: "output-tensor-type", Usage: "ggml `TYPE` for output.weight (with a TYPE other than keep)"},
			&cli.StringFlag{Name: "token-embedding-type", Usage: "ggml `TYPE` for token_embd.weight (with a TYPE other than keep)"},
			&cli.StringSliceFlag{Name: "tensor-type", Usage: "`REGEX=TYPE` override (with a TYPE other than keep; repeatable)"},
			tensorTypeFileFlag(),
			&cli.BoolFlag{Name: "leave-output-tensor", Usage: "keep output.weight in the base's type (with a TYPE other than keep)"},
			&cli.IntFlag{Name: "threads", Aliases: []string{"t"}, Usage: "worker threads (default: all CPUs); the output does not depend on it"},
			&cli.Uint64Flag{Name: "seed", Value: merge.DefaultSeed, Usage: "seed of the random drop masks (dare_*, della*)"},
			&cli.StringFlag{Name: "name", Usage: "general.name of the output (default: the output file name)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan (per tensor: inputs' types, method, parameters, output type) and the expected size, then exit"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress and no summary (warnings still go to stderr)"},
			&cli.BoolFlag{Name: "json", Usage: "print the summary (or with --dry-run the plan) as JSON on stdout"},
			overrideFlag(),
		}, splitFlags()...),
		Action: runMerge,
	})
}

func runMerge(c *cli.Context) error {
	if args, ok := hoistFlags(c.Command.Flags, c.Args().Slice()); ok {
		// urfave/cli stops parsing at the first argument; the documented
		// form puts -o after CONFIG.yml, so parse again with flags first.
		return c.App.RunContext(c.Context, append([]string{c.App.Name, c.Command.Name}, args...))
	}
	args := c.Args().Slice()
	if len(args) != 1 {
		return fmt.Errorf("merge: need one CONFIG.yml (got %d arguments); see 'ggufmerge merge --help'", len(args))
	}
	out := c.String("output")
	if out == "" && !c.Bool("dry-run") {
		return errors.New("merge: missing -o OUT.gguf")
	}
	plan, err := newMergePlan(c, args[0], out)
	if err != nil {
		return err
	}
	defer plan.Close()
	split, err := splitOptions(c)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintln(c.App.ErrWriter, "warning:", w)
	}
	if c.Bool("dry-run") {
		return mergeDryRun(c, plan, split)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Worker buffers are bounded (a fixed budget split between the
		// workers); the limit stops the garbage collector's headroom from
		// doubling them, so peak RSS stays low with any --threads.
		debug.SetMemoryLimit(mergeMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	view := newProgressView(c, plan)
	res, err := plan.Execute(ctx, out, merge.RunOptions{Threads: c.Int("threads"), Split: split, Progress: view.update})
	view.finish(err == nil)
	if err != nil {
		if ctx.Err() != nil {
			return exitCode{fmt.Errorf("merge: interrupted; nothing was written (%s left as it was)", out), 130}
		}
		return fmt.Errorf("merge: %w; nothing was written (%s left as it was)", err, out)
	}
	return mergeSummary(c, plan, res)
}

// newMergePlan reads the config and plans the merge.
func newMergePlan(c *cli.Context, cfgPath, out string) (*merge.Plan, error) {
	text, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	cfg, err := merge.ParseConfig(text, cfgPath)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	typ := c.String("type")
	keep := strings.EqualFold(typ, "keep")
	qtype := typ
	if keep {
		qtype = "COPY" // only the importance matrix and overrides are read
	} else if cfg.HasOutType && !c.IsSet("type") {
		qtype = cfg.OutType.UpperName()
	}
	q, err := quantizeOptions(c, qtype)
	if err != nil {
		return nil, fmt.Errorf("merge: --type: %w", err)
	}
	if q.Copy && !keep {
		return nil, errors.New("merge: --type COPY: use --type keep to keep the base model's types")
	}
	q.Log = nil
	if cfg.HasOutType && keep && !c.IsSet("type") {
		// out_dtype: float16 etc. in the config means that output type.
		ft, _, _ := recipe.ParseFileType(cfg.OutType.UpperName())
		q.FileType, q.Copy, keep = ft, false, false
		typ = cfg.OutType.UpperName()
	}
	name := c.String("name")
	if name == "" && out != "" {
		name = strings.TrimSuffix(baseName(out), ".gguf")
	}
	ovs, err := overrides(c)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return merge.NewPlan(cfg, merge.PlanOptions{Keep: keep, Quant: q, Seed: c.Uint64("seed"), Name: name,
		TypeName: typ, ToolVersion: version, ConfigText: string(text), Overrides: ovs})
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func mergeDryRun(c *cli.Context, plan *merge.Plan, split gguf.WriterOptions) error {
	size, err := plan.OutputSize(split)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, plan.Describe(size))
	}
	plan.WriteDryRun(c.App.Writer, size)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// hoistFlags moves flags that follow the positional arguments in front of
// them; ok is false when there is nothing to move.
func hoistFlags(flags []cli.Flag, args []string) ([]string, bool) {
	takesValue := map[string]bool{}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var fl, pos []string
	moved := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		if len(pos) > 0 {
			moved = true
		}
		fl = append(fl, a)
		name := strings.TrimLeft(a, "-")
		if takesValue[name] && !strings.Contains(name, "=") && i+1 < len(args) {
			fl = append(fl, args[i+1])
			i++
		}
	}
	if !moved {
		return nil, false
	}
	return append(fl, pos...), true
}

// progressView shows a progress bar on a terminal, a line every few
// seconds otherwise, nothing with --quiet.
type progressView struct {
	w          io.Writer
	quiet, tty bool
	bar        *progressbar.ProgressBar
	start      time.Time
	lastLine   time.Time
	lastDone   int
	lines      int // plain lines printed
	last       merge.Progress
}

func newProgressView(c *cli.Context, plan *merge.Plan) *progressView {
	now := time.Now()
	// lastLine = start: no line in the first seconds, so quick merges stay quiet
	v := &progressView{w: c.App.ErrWriter, quiet: c.Bool("quiet"), start: now, lastLine: now, lastDone: -1}
	if f, ok := v.w.(*os.File); ok {
		v.tty = term.IsTerminal(int(f.Fd()))
	}
	if v.quiet || !v.tty {
		return v
	}
	var total int64
	for _, info := range plan.OutputInfos() {
		total += info.Size()
	}
	v.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(v.w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetDescription(fmt.Sprintf("merging [0/%d tensors]", len(plan.Tensors))),
	)
	return v
}

// update is called by the executor after every block (never concurrently).
func (v *progressView) update(p merge.Progress) {
	v.last = p
	if v.quiet {
		return
	}
	if v.bar != nil {
		if p.TensorsDone != v.lastDone {
			v.bar.Describe(fmt.Sprintf("merging [%d/%d tensors]", p.TensorsDone, p.Tensors))
			v.lastDone = p.TensorsDone
		}
		v.bar.Set64(p.BytesDone)
		return
	}
	if now := time.Now(); now.Sub(v.lastLine) >= 2*time.Second && p.TensorsDone < p.Tensors {
		v.lastLine = now
		v.lines++
		fmt.Fprintln(v.w, progressLine(p, now.Sub(v.start)))
	}
}

func progressLine(p merge.Progress, elapsed time.Duration) string {
	rate := float64(p.BytesDone) / max(elapsed.Seconds(), 1e-9)
	eta := "?"
	if rate > 0 && p.Bytes >= p.BytesDone {
		eta = time.Duration(float64(p.Bytes-p.BytesDone) / rate * float64(time.Second)).Round(time.Second).String()
	}
	pct := 100.0
	if p.Bytes > 0 {
		pct = 100 * float64(p.BytesDone) / float64(p.Bytes)
	}
	return fmt.Sprintf("merge: %d/%d tensors, %s of %s (%.0f%%), %s/s, ETA %s", p.TensorsDone, p.Tensors,
		merge.HumanBytes(p.BytesDone), merge.HumanBytes(p.Bytes), pct, merge.HumanBytes(int64(rate)), eta)
}

func (v *progressView) finish(ok bool) {
	if v.bar != nil {
		if ok {
			v.bar.Finish()
		} else {
			v.bar.Exit()
		}
		fmt.Fprintln(v.w)
	} else if !v.quiet && !v.tty && ok && v.lines > 0 {
		fmt.Fprintln(v.w, progressLine(v.last, time.Since(v.start)))
	}
}

// mergeReport is the --json summary.
type mergeReport struct {
	Output    []string `json:"output"`
	Bytes     int64    `json:"bytes"`
	Seconds   float64  `json:"seconds"`
	Tensors   int      `json:"tensors"`
	Computed  int      `json:"computed"`
	Copied    int      `json:"copied"`
	Passes    int      `json:"statistics_passes"`
	ReadBytes int64    `json:"read_bytes"`
	Threads   int      `json:"threads"`
	Method    string   `json:"method"`
	Seed      uint64   `json:"seed"`
	Type      string   `json:"type"`
	FileType  string   `json:"file_type"`
	Inputs    []string `json:"inputs"`
	Base      string   `json:"base"`
	Notes     []string `json:"notes"`
	Warnings  []string `json:"warnings"`
}

func mergeSummary(c *cli.Context, plan *merge.Plan, res *merge.Result) error {
	d := plan.Describe(res.Size)
	r := mergeReport{Output: res.Paths, Bytes: res.Size, Seconds: res.Elapsed.Seconds(), Tensors: res.Tensors,
		Computed: res.Computed, Copied: res.Copied, Passes: res.Passes, ReadBytes: res.ReadBytes, Threads: res.Threads,
		Method: d.Method, Seed: d.Seed, Type: d.Type, FileType: d.FileType, Inputs: d.Inputs, Base: d.Base,
		Notes: append(methodNotes(plan, res), plan.Notes...), Warnings: plan.Warnings}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	if c.Bool("json") {
		return writeJSON(c.App.Writer, r)
	}
	if c.Bool("quiet") {
		return nil
	}
	w := c.App.Writer
	fmt.Fprintf(w, "merged %d models with %s -> %s\n", len(r.Inputs), r.Method, strings.Join(r.Output, ", "))
	for _, in := range r.Inputs {
		role := ""
		if in == r.Base {
			role = " (base)"
		}
		fmt.Fprintf(w, "  input    : %s%s\n", in, role)
	}
	fmt.Fprintf(w, "  output   : %s, %d tensors (%d computed, %d copied), --type %s, general.file_type %s\n",
		merge.HumanBytes(r.Bytes), r.Tensors, r.Computed, r.Copied, r.Type, r.FileType)
	fmt.Fprintf(w, "  time     : %.2f s, %d threads, read %s, wrote %s/s\n", r.Seconds, r.Threads,
		merge.HumanBytes(r.ReadBytes), merge.HumanBytes(int64(float64(r.Bytes)/max(r.Seconds, 1e-9))))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note     : %s\n", n)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning  : %s\n", warn)
	}
	return nil
}

// methodNotes says what the method did that a user may want to know.
func methodNotes(plan *merge.Plan, res *merge.Result) []string {
	name := plan.Config.Method.Name()
	var notes []string
	switch {
	case strings.HasPrefix(name, "della"), strings.HasPrefix(name, "dare"):
		notes = append(notes, fmt.Sprintf("%s: random drop masks from seed %d (Philox, keyed by tensor, model, row and column: independent of --threads)",
			name, plan.Opts.Seed))
	}
	if res.Passes > 0 {
		notes = append(notes, fmt.Sprintf("%s: %d whole-tensor statistics passes (e.g. TIES top-k, L1 rescale, SLERP norms)", name, res.Passes))
	}
	return notes
}
