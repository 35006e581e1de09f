//go:build linux && amd64

// Command lldriver runs a GGUF model through the real llama.cpp (the prebuilt
// libraries of @node-llama-cpp/linux-x64, loaded with purego) for ggufmerge's
// end-to-end tests. It is test tooling, never linked into ggufmerge.
//
//	lldriver [-lib DIR] [-cpu VARIANT] [-threads N] load MODEL
//	lldriver [-lib DIR] [-cpu VARIANT] [-threads N] eval MODEL PROMPT N [LOGITS.bin]
//	lldriver [-lib DIR] chat MODEL ROLE CONTENT [ROLE CONTENT ...]
//	lldriver [-lib DIR] quantize IN OUT FTYPE [--pure] [--override-kv K=T:V] [--tensor-type P=T] [--prune-layers L,..] [--keep-split]
//
// load exits 1 when llama.cpp refuses the model. eval tokenizes PROMPT (with
// BOS when the vocab adds one), evaluates it in one batch, then generates N
// tokens greedily (argmax, first index on ties, stopping at end of
// generation); LOGITS.bin receives float32 rows of n_vocab: one per prompt
// position, then one per generated token fed back (all but the last). chat
// prints the model's chat template and the messages formatted by llama.cpp's
// built-in rendering of the template family it detects (with the assistant
// prompt added). Each prints one JSON line.
// llama.cpp's own log goes to stderr.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
)

type loadResult struct {
	Desc    string `json:"desc"`
	NParams uint64 `json:"n_params"`
	NVocab  int    `json:"n_vocab"`
	CPU     string `json:"cpu"`
}

type evalResult struct {
	PromptTokens []int32 `json:"prompt_tokens"`
	Tokens       []int32 `json:"tokens"`
	Text         string  `json:"text"`
	NVocab       int     `json:"n_vocab"`
	LogitsRows   int     `json:"logits_rows"`
	CPU          string  `json:"cpu"`
}

func main() {
	libDir := flag.String("lib", os.Getenv("GGUFMERGE_LLAMA_LIB"), "folder with libllama.v0.5.0.so and libggml-*.so")
	cpu := flag.String("cpu", "", "ggml CPU variant to load (x64, haswell, zen4, ...; default: best for this CPU)")
	threads := flag.Int("threads", 1, "threads for evaluation")
	flag.Parse()
	if err := run(*libDir, *cpu, *threads, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "lldriver:", err)
		os.Exit(1)
	}
}

func run(libDir, cpu string, threads int, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: lldriver load MODEL | eval MODEL PROMPT N [LOGITS.bin]")
	}
	if libDir == "" {
		return fmt.Errorf("no library folder: pass -lib or set GGUFMERGE_LLAMA_LIB")
	}
	l, err := openLib(libDir, cpu)
	if err != nil {
		return err
	}
	switch args[0] {
	case "load":
		return cmdLoad(l, args[1])
	case "quantize":
		return cmdQuantize(l, args[1:])
	case "chat":
		if len(args)%2 != 0 {
			return fmt.Errorf("usage: lldriver chat MODEL ROLE CONTENT [ROLE CONTENT ...]")
		}
		var msgs [][2]string
		for i := 2; i+1 < len(args); i += 2 {
			msgs = append(msgs, [2]string{args[i], args[i+1]})
		}
		return cmdChat(l, args[1], msgs)
	case "eval":
		if len(args) < 4 {
			return fmt.Errorf("usage: lldriver eval MODEL PROMPT N [LOGITS.bin]")
		}
		n, err := strconv.Atoi(args[3])
		if err != nil || n < 0 {
			return fmt.Errorf("bad token count %q", args[3])
		}
		out := ""
		if len(args) > 4 {
			out = args[4]
		}
		return cmdEval(l, args[1], args[2], n, out, threads)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

func cmdLoad(l *lib, path string) error {
	m, err := l.loadModel(path)
	if err != nil {
		return err
	}
	defer l.modelFree(m)
	return printJSON(loadResult{
		Desc:    l.describe(m),
		NParams: l.modelNParams(m),
		NVocab:  int(l.vocabNTokens(l.modelVocab(m))),
		CPU:     cpuVariant(),
	})
}

type chatResult struct {
	Template   string `json:"template"`
	Recognized bool   `json:"recognized"`
	Text       string `json:"text"`
}

func cmdChat(l *lib, path string, msgs [][2]string) error {
	m, err := l.loadModel(path)
	if err != nil {
		return err
	}
	defer l.modelFree(m)
	r := chatResult{Template: l.chatTemplate(m)}
	if r.Template != "" {
		r.Text, r.Recognized = l.applyTemplate(r.Template, msgs, true)
	}
	return printJSON(r)
}

func cmdEval(l *lib, path, prompt string, n int, logitsPath string, threads int) error {
	m, err := l.loadModel(path)
	if err != nil {
		return err
	}
	defer l.modelFree(m)
	vocab := l.modelVocab(m)
	nVocab := int(l.vocabNTokens(vocab))
	toks, err := l.tokenizeText(vocab, prompt)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return fmt.Errorf("prompt %q has no tokens", prompt)
	}
	ctx, err := l.newContext(m, len(toks)+n+1, threads)
	if err != nil {
		return err
	}
	defer l.free(ctx)

	var rows [][]float32
	res := evalResult{PromptTokens: toks, Tokens: []int32{}, NVocab: nVocab, CPU: cpuVariant()}
	if err := l.decodeTokens(ctx, toks, 0); err != nil {
		return err
	}
	for i := range toks {
		rows = append(rows, append([]float32(nil), l.logits(ctx, i, nVocab)...))
	}
	last := rows[len(rows)-1]
	for len(res.Tokens) < n {
		tok := argmax(last)
		if l.vocabIsEOG(vocab, tok) {
			break
		}
		res.Tokens = append(res.Tokens, tok)
		res.Text += l.piece(vocab, tok)
		if len(res.Tokens) == n {
			break
		}
		if err := l.decodeTokens(ctx, []int32{tok}, len(toks)+len(res.Tokens)-1); err != nil {
			return err
		}
		last = append([]float32(nil), l.logits(ctx, 0, nVocab)...)
		rows = append(rows, last)
	}
	res.LogitsRows = len(rows)
	if logitsPath != "" {
		if err := writeRows(logitsPath, rows); err != nil {
			return err
		}
	}
	return printJSON(res)
}

// argmax returns the first index of the largest logit.
func argmax(v []float32) int32 {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return int32(best)
}

func writeRows(path string, rows [][]float32) error {
	var buf []byte
	for _, r := range rows {
		for _, x := range r {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
	}
	return os.WriteFile(path, buf, 0o644)
}

func printJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}
