// Command mergebench measures the merge command against plain
// requantization, in one run on the same machine:
//
//	go run ./internal/cmd/mergebench [-dir DIR] [-dim 1024 -layers 8 -ffn 2816] [-threads N] [-runs 2]
//
// It writes (once, cached in DIR) a random llama base and three related
// "experts" (base + noise), quantizes each to Q4_K_M with our byte-exact
// llama-quantize, then times
//
//	quantize: one expert F16 -> Q4_K_M (what llama-quantize does)
//	requant:  one expert Q4_K_M -> Q4_K_M through the merge pipeline
//	          (passthrough with scale 0.5, so every tensor is dequantized,
//	          scaled and quantized again; same-type requantization would be
//	          a byte copy)
//	della:    base + 3 experts, all Q4_K_M -> DELLA -> Q4_K_M
//
// and prints the seconds (best of -runs) and the ratios. With -torch it also
// times della_torch.py (mergekit's DELLA in PyTorch) on the same four files.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/ggufmerge/ggufmerge/internal/llamacpp"
	"github.com/ggufmerge/ggufmerge/merge"
	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

type options struct {
	dir                string
	dim, layers, ffn   int
	threads, runs      int
	torch              string // python interpreter for the PyTorch comparison ("" = skip)
	vocab, script, out string
	only, cpuprofile   string // "" = all measurements; or quantize|requant|della
}

func main() {
	home, _ := os.UserCacheDir()
	var o options
	flag.StringVar(&o.dir, "dir", filepath.Join(home, "ggufmerge", "bench"), "folder for the generated models (kept as a cache)")
	flag.IntVar(&o.dim, "dim", 1024, "embedding width")
	flag.IntVar(&o.layers, "layers", 8, "layers")
	flag.IntVar(&o.ffn, "ffn", 2816, "feed-forward width")
	flag.IntVar(&o.threads, "threads", runtime.NumCPU(), "worker threads for both commands")
	flag.IntVar(&o.runs, "runs", 2, "runs of each measurement (best is kept)")
	flag.StringVar(&o.torch, "torch", "", "python3 with torch: also time mergekit's DELLA in PyTorch")
	flag.StringVar(&o.vocab, "vocab", filepath.Join("testdata", "base.gguf"), "model whose tokenizer the random models use")
	flag.StringVar(&o.script, "script", filepath.Join("internal", "cmd", "mergebench", "della_torch.py"), "the PyTorch DELLA script")
	flag.StringVar(&o.out, "json", "", "also write the results as JSON to this file")
	flag.StringVar(&o.only, "only", "", "run one measurement only: quantize, requant or della")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the measurements to this file")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "mergebench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	q, err := models(o)
	if err != nil {
		return err
	}
	res := map[string]float64{}
	fmt.Printf("models: 4 × %s (Q4_K_M, dim %d, %d layers, ffn %d), %d threads, best of %d\n",
		merge.HumanBytes(size(q[1])), o.dim, o.layers, o.ffn, o.threads, o.runs)
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cfg := filepath.Join(o.dir, "della.yml")
	steps := []struct {
		name, key string
		f         func() error
	}{
		{"quantize", "quantize_f16_s", func() error { return quantizeF16(f16Path(o, 1), filepath.Join(o.dir, "quant.gguf"), o.threads) }},
		{"requant", "requant_s", func() error { return requantize(o.dir, q[1], filepath.Join(o.dir, "requant.gguf"), o.threads) }},
		{"della", "della_s", func() error { return della(cfg, q, filepath.Join(o.dir, "della.gguf"), o.threads) }},
	}
	for _, st := range steps {
		if o.only != "" && o.only != st.name {
			continue
		}
		if res[st.key], err = best(o.runs, st.f); err != nil {
			return err
		}
	}
	if o.only != "" {
		for k, v := range res {
			fmt.Printf("%s: %.2f s\n", k, v)
		}
		return nil
	}
	res["ratio_della_vs_requant"] = res["della_s"] / res["requant_s"]
	res["ratio_della_vs_quantize_f16"] = res["della_s"] / res["quantize_f16_s"]
	fmt.Printf("quantize one expert F16 -> Q4_K_M        : %7.2f s\n", res["quantize_f16_s"])
	fmt.Printf("requantize one expert Q4_K_M -> Q4_K_M   : %7.2f s\n", res["requant_s"])
	fmt.Printf("DELLA base + 3 experts Q4_K_M -> Q4_K_M  : %7.2f s  (%.2f× requantize, %.2f× quantize from F16)\n",
		res["della_s"], res["ratio_della_vs_requant"], res["ratio_della_vs_quantize_f16"])
	if err := llamaQuantize(o, res); err != nil {
		return err
	}
	if o.torch != "" {
		if err := torchDella(o, q, res); err != nil {
			return err
		}
	}
	if o.out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		return os.WriteFile(o.out, b, 0o644)
	}
	return nil
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func stem(o options, i int) string { return fmt.Sprintf("m%d-%d-%d-%d", i, o.dim, o.layers, o.ffn) }

func f16Path(o options, i int) string { return filepath.Join(o.dir, stem(o, i)+"-f16.gguf") }

// models makes (or reuses) the four Q4_K_M inputs, base first, and keeps
// the F16 original of expert 1.
func models(o options) ([]string, error) {
	var out []string
	for i := 0; i < 4; i++ {
		stem := stem(o, i)
		f16 := f16Path(o, i)
		q4 := filepath.Join(o.dir, stem+"-q4_k_m.gguf")
		out = append(out, q4)
		if size(q4) > 0 && (i != 1 || size(f16) > 0) {
			continue
		}
		s := llamacpp.LlamaShape{Dim: o.dim, Layers: o.layers, FFN: o.ffn, Heads: o.dim / 128, KVHeads: o.dim / 128,
			Seed: 1, Type: quant.F16, Name: stem}
		if i > 0 {
			s.Noise, s.NoiseSeed = 0.2, uint64(i)
		}
		fmt.Println("generating", f16)
		if err := llamacpp.WriteRandomLlama(f16, o.vocab, s); err != nil {
			return nil, err
		}
		if _, err := recipe.QuantizeFile(context.Background(), f16, q4, recipe.Options{FileType: recipe.MostlyQ4_K_M}); err != nil {
			return nil, err
		}
		if i != 1 {
			os.Remove(f16)
		}
	}
	return out, nil
}

func best(runs int, f func() error) (float64, error) {
	b := 0.0
	for i := 0; i < max(runs, 1); i++ {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if s := time.Since(start).Seconds(); i == 0 || s < b {
			b = s
		}
	}
	return b, nil
}

func quantizeF16(in, out string, threads int) error {
	_, err := recipe.QuantizeFile(context.Background(), in, out, recipe.Options{FileType: recipe.MostlyQ4_K_M, Threads: threads})
	return err
}

// requantize sends one model through the merge pipeline with a method that
// touches every value (passthrough, scale 0.5) and writes Q4_K_M.
func requantize(dir, in, out string, threads int) error {
	cfg := filepath.Join(dir, "requant.yml")
	yaml := fmt.Sprintf("merge_method: passthrough\nmodels:\n  - model: %s\n    parameters: {scale: 0.5}\n", in)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		return err
	}
	return runMerge(cfg, out, threads)
}

func runMerge(cfgPath, out string, threads int) error {
	cfg, err := merge.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	p, err := merge.NewPlan(cfg, merge.PlanOptions{Quant: recipe.Options{FileType: recipe.MostlyQ4_K_M}, Seed: merge.DefaultSeed})
	if err != nil {
		return err
	}
	defer p.Close()
	_, err = p.Execute(context.Background(), out, merge.RunOptions{Threads: threads})
	return err
}

const dellaYAML = `merge_method: della
base_model: %s
models:
  - model: %s
    parameters: {weight: 1.0}
  - model: %s
    parameters: {weight: 1.0}
  - model: %s
    parameters: {weight: 1.0}
parameters: {density: 0.7, epsilon: 0.07, lambda: 1.1}
`

// della runs the same merge as `ggufmerge merge della.yml --type Q4_K_M`.
func della(cfgPath string, q []string, out string, threads int) error {
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(dellaYAML, q[0], q[1], q[2], q[3])), 0o644); err != nil {
		return err
	}
	return runMerge(cfgPath, out, threads)
}

// llamaQuantize times llama.cpp's own llama_model_quantize (through the
// reference toolkit's llref, when it is on PATH) on the same F16 expert and
// thread count: the last step of the usual mergekit workflow. (Its
// "requantize" of a Q4_K_M file to Q4_K_M would only copy the tensors.)
func llamaQuantize(o options, res map[string]float64) error {
	llref, err := exec.LookPath("llref")
	if err != nil {
		fmt.Println("llama.cpp quantize: skipped (llref not on PATH; `make ref` installs it)")
		return nil
	}
	out := filepath.Join(o.dir, "llama-quant.gguf")
	defer os.Remove(out)
	res["llama_quantize_f16_s"], err = best(o.runs, func() error {
		cmd := exec.Command(llref, "quantize", f16Path(o, 1), out, "Q4_K_M", "--threads", fmt.Sprint(o.threads))
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("llref quantize: %v: %s", err, b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	res["ratio_della_vs_llama_quantize_f16"] = res["della_s"] / res["llama_quantize_f16_s"]
	fmt.Printf("llama.cpp quantize one expert F16 -> Q4_K_M: %5.2f s  (our DELLA merge takes %.2f× this)\n",
		res["llama_quantize_f16_s"], res["ratio_della_vs_llama_quantize_f16"])
	return nil
}

// torchDella times mergekit's DELLA in PyTorch on the same files (the
// script dequantizes with gguf-py and writes F16 safetensors-like raw
// output; it cannot write Q4_K) and reports its own phases.
func torchDella(o options, q []string, res map[string]float64) error {
	args := append([]string{o.script, "--threads", fmt.Sprint(o.threads), "--out", filepath.Join(o.dir, "della_torch.bin")}, q...)
	start := time.Now()
	cmd := exec.Command(o.torch, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s %s: %v", o.torch, strings.Join(args, " "), err)
	}
	total := time.Since(start).Seconds()
	var phases map[string]float64
	if err := json.Unmarshal(b, &phases); err != nil {
		return fmt.Errorf("torch script output %q: %v", b, err)
	}
	for k, v := range phases {
		res["torch_"+k] = v
	}
	res["torch_total_s"] = total
	res["ratio_torch_vs_della"] = total / res["della_s"]
	fmt.Printf("mergekit DELLA in PyTorch (same inputs)  : %7.2f s  (load+dequant %.2f s, merge %.2f s; %.2f× ours)\n",
		total, phases["load_s"], phases["merge_s"], res["ratio_torch_vs_della"])
	return nil
}
