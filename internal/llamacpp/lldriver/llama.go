//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// The structs below mirror llama.h of llama.cpp release v0.5.0 (commit
// de3ff815ea7d, the source of @node-llama-cpp/linux-x64@3.22.1). They are
// passed by value, so their layout must match exactly; newContext checks a few
// fields by reading them back through the library's own getters.

type modelParams struct {
	devices             uintptr
	tensorBuftOverrides uintptr
	nGPULayers          int32
	splitMode           int32
	loadMode            int32
	lazyMode            int32
	mainGPU             int32
	tensorSplit         uintptr
	progressCallback    uintptr
	progressUserData    uintptr
	kvOverrides         uintptr
	vocabOnly           bool
	checkTensors        bool
	useExtraBufts       bool
	noHost              bool
	noAlloc             bool
	loadMTP             bool
}

type contextParams struct {
	nCtx              uint32
	nBatch            uint32
	nUbatch           uint32
	nSeqMax           uint32
	nRsSeq            uint32
	nOutputsMax       uint32
	nOutputsMaxPerSeq uint32
	nThreads          int32
	nThreadsBatch     int32
	ctxType           int32
	ropeScalingType   int32
	poolingType       int32
	attentionType     int32
	flashAttnType     int32
	ropeFreqBase      float32
	ropeFreqScale     float32
	yarnExtFactor     float32
	yarnAttnFactor    float32
	yarnBetaFast      float32
	yarnBetaSlow      float32
	yarnOrigCtx       uint32
	defragThold       float32
	cbEval            uintptr
	cbEvalUserData    uintptr
	typeK             int32
	typeV             int32
	abortCallback     uintptr
	abortCallbackData uintptr
	embeddings        bool
	offloadKQV        bool
	noPerf            bool
	opOffload         bool
	swaFull           bool
	kvUnified         bool
	samplers          uintptr
	nSamplers         uintptr
	ctxOther          uintptr
}

// batch mirrors llama_batch; its arrays come from llama_batch_init (C memory).
type batch struct {
	nTokens int32
	token   *int32
	embd    *float32
	pos     *int32
	nSeqID  *int32
	seqID   **int32
	logits  *int8
}

// lib holds the llama.cpp entry points the driver uses.
type lib struct {
	dir string

	backendInit          func()
	loadAllFromPath      func(dir string)
	loadBackend          func(path string) uintptr
	devCount             func() uintptr
	modelDefaultParams   func() modelParams
	contextDefaultParams func() contextParams
	modelLoad            func(path string, p modelParams) uintptr
	modelFree            func(model uintptr)
	modelDesc            func(model uintptr, buf *byte, size uintptr) int32
	modelNParams         func(model uintptr) uint64
	modelVocab           func(model uintptr) uintptr
	vocabNTokens         func(vocab uintptr) int32
	vocabIsEOG           func(vocab uintptr, tok int32) bool
	tokenize             func(vocab uintptr, text string, textLen int32, toks *int32, max int32, addSpecial, parseSpecial bool) int32
	tokenToPiece         func(vocab uintptr, tok int32, buf *byte, length int32, lstrip int32, special bool) int32
	initFromModel        func(model uintptr, p contextParams) uintptr
	free                 func(ctx uintptr)
	nCtx                 func(ctx uintptr) uint32
	nBatch               func(ctx uintptr) uint32
	nUbatch              func(ctx uintptr) uint32
	nThreads             func(ctx uintptr) int32
	batchInit            func(n, embd, nSeqMax int32) batch
	batchFree            func(b batch)
	decode               func(ctx uintptr, b batch) int32
	logitsIth            func(ctx uintptr, i int32) *float32
	modelChatTemplate    func(model uintptr, name *byte) *byte
	chatApplyTemplate    func(tmpl *byte, chat *chatMessage, n uintptr, addAss bool, buf *byte, length int32) int32
}

// chatMessage mirrors llama_chat_message (two C strings).
type chatMessage struct {
	role, content *byte
}

// openLib loads libllama from dir and the ggml CPU backend: the variant named
// by cpu (e.g. "x64" for the portable baseline), or the best one for this CPU.
func openLib(dir, cpu string) (*lib, error) {
	h, err := purego.Dlopen(filepath.Join(dir, "libllama.v0.5.0.so"), purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("cannot load libllama from %s: %v", dir, err)
	}
	l := &lib{dir: dir}
	syms := []struct {
		fn   any
		name string
	}{
		{&l.backendInit, "llama_backend_init"},
		{&l.loadAllFromPath, "ggml_backend_load_all_from_path"},
		{&l.loadBackend, "ggml_backend_load"},
		{&l.devCount, "ggml_backend_dev_count"},
		{&l.modelDefaultParams, "llama_model_default_params"},
		{&l.contextDefaultParams, "llama_context_default_params"},
		{&l.modelLoad, "llama_model_load_from_file"},
		{&l.modelFree, "llama_model_free"},
		{&l.modelDesc, "llama_model_desc"},
		{&l.modelNParams, "llama_model_n_params"},
		{&l.modelVocab, "llama_model_get_vocab"},
		{&l.vocabNTokens, "llama_vocab_n_tokens"},
		{&l.vocabIsEOG, "llama_vocab_is_eog"},
		{&l.tokenize, "llama_tokenize"},
		{&l.tokenToPiece, "llama_token_to_piece"},
		{&l.initFromModel, "llama_init_from_model"},
		{&l.free, "llama_free"},
		{&l.nCtx, "llama_n_ctx"},
		{&l.nBatch, "llama_n_batch"},
		{&l.nUbatch, "llama_n_ubatch"},
		{&l.nThreads, "llama_n_threads"},
		{&l.batchInit, "llama_batch_init"},
		{&l.batchFree, "llama_batch_free"},
		{&l.decode, "llama_decode"},
		{&l.logitsIth, "llama_get_logits_ith"},
		{&l.modelChatTemplate, "llama_model_chat_template"},
		{&l.chatApplyTemplate, "llama_chat_apply_template"},
	}
	for _, s := range syms {
		addr, err := purego.Dlsym(h, s.name)
		if err != nil {
			return nil, fmt.Errorf("libllama in %s lacks %s: %v", dir, s.name, err)
		}
		purego.RegisterFunc(s.fn, addr)
	}
	if cpu != "" {
		p := filepath.Join(dir, "libggml-cpu-"+cpu+".so")
		if l.loadBackend(p) == 0 {
			return nil, fmt.Errorf("cannot load CPU backend %s", p)
		}
	} else {
		l.loadAllFromPath(dir)
	}
	if l.devCount() == 0 {
		return nil, fmt.Errorf("no ggml backend could be loaded from %s", dir)
	}
	l.backendInit()
	return l, nil
}

// cpuVariant names the libggml-cpu-*.so mapped into this process.
func cpuVariant() string {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if i := strings.Index(line, "libggml-cpu-"); i >= 0 {
			return strings.TrimSuffix(line[i+len("libggml-cpu-"):], ".so")
		}
	}
	return "?"
}

// loadModel loads a GGUF on the CPU; a nil error means llama.cpp accepted it.
func (l *lib) loadModel(path string) (uintptr, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, err
	}
	p := l.modelDefaultParams()
	p.nGPULayers = 0
	m := l.modelLoad(path, p)
	if m == 0 {
		return 0, fmt.Errorf("llama.cpp cannot load %s", path)
	}
	return m, nil
}

func (l *lib) describe(model uintptr) string {
	buf := make([]byte, 256)
	n := l.modelDesc(model, &buf[0], uintptr(len(buf)))
	if n < 0 {
		return ""
	}
	return string(buf[:min(int(n), len(buf)-1)])
}

// newContext makes a context whose single batch holds nCtx tokens, so a
// whole prompt is evaluated in one pass, and checks that the library read
// the parameters where this file put them.
func (l *lib) newContext(model uintptr, nCtx, threads int) (uintptr, error) {
	p := l.contextDefaultParams()
	p.nCtx = uint32(nCtx)
	p.nBatch = uint32(nCtx)
	p.nUbatch = uint32(nCtx)
	p.nSeqMax = 1
	p.nThreads = int32(threads)
	p.nThreadsBatch = int32(threads)
	p.noPerf = true
	ctx := l.initFromModel(model, p)
	if ctx == 0 {
		return 0, fmt.Errorf("llama.cpp cannot create a context (n_ctx %d)", nCtx)
	}
	if got := l.nThreads(ctx); got != int32(threads) || l.nBatch(ctx) < l.nUbatch(ctx) || l.nCtx(ctx) < uint32(nCtx) {
		l.free(ctx)
		return 0, fmt.Errorf("llama_context_params layout mismatch: n_threads %d (want %d), n_ctx %d, n_batch %d, n_ubatch %d",
			got, threads, l.nCtx(ctx), l.nBatch(ctx), l.nUbatch(ctx))
	}
	return ctx, nil
}

func (l *lib) tokenizeText(vocab uintptr, text string) ([]int32, error) {
	toks := make([]int32, len(text)+8)
	n := l.tokenize(vocab, text, int32(len(text)), &toks[0], int32(len(toks)), true, false)
	if n < 0 {
		return nil, fmt.Errorf("tokenize: needs %d tokens", -n)
	}
	return toks[:n], nil
}

func (l *lib) piece(vocab uintptr, tok int32) string {
	buf := make([]byte, 128)
	n := l.tokenToPiece(vocab, tok, &buf[0], int32(len(buf)), 0, false)
	if n < 0 || int(n) > len(buf) {
		return ""
	}
	return string(buf[:n])
}

// decodeTokens evaluates toks at positions pos0.. in sequence 0 and asks for
// logits at every position.
func (l *lib) decodeTokens(ctx uintptr, toks []int32, pos0 int) error {
	n := len(toks)
	b := l.batchInit(int32(n), 0, 1)
	defer l.batchFree(b)
	b.nTokens = int32(n)
	token := unsafe.Slice(b.token, n)
	pos := unsafe.Slice(b.pos, n)
	nSeq := unsafe.Slice(b.nSeqID, n)
	seq := unsafe.Slice(b.seqID, n)
	out := unsafe.Slice(b.logits, n)
	for i, t := range toks {
		token[i] = t
		pos[i] = int32(pos0 + i)
		nSeq[i] = 1
		*seq[i] = 0
		out[i] = 1
	}
	if rc := l.decode(ctx, b); rc != 0 {
		return fmt.Errorf("llama_decode returned %d", rc)
	}
	return nil
}

func (l *lib) logits(ctx uintptr, i, nVocab int) []float32 {
	p := l.logitsIth(ctx, int32(i))
	if p == nil {
		return nil
	}
	return unsafe.Slice(p, nVocab)
}

// chatTemplate is the model's default chat template (tokenizer.chat_template),
// "" when it has none.
func (l *lib) chatTemplate(model uintptr) string {
	var b []byte
	for c := l.modelChatTemplate(model, nil); c != nil && *c != 0; c = (*byte)(unsafe.Add(unsafe.Pointer(c), 1)) {
		b = append(b, *c)
	}
	return string(b)
}

// applyTemplate formats role/content pairs with llama.cpp's built-in
// rendering of the template family it detects in tmpl (it is not a Jinja
// engine); ok is false when it recognizes none.
func (l *lib) applyTemplate(tmpl string, msgs [][2]string, addAss bool) (string, bool) {
	cstr := func(s string) *byte { b := append([]byte(s), 0); return &b[0] }
	chat := make([]chatMessage, len(msgs))
	for i, m := range msgs {
		chat[i] = chatMessage{cstr(m[0]), cstr(m[1])}
	}
	var first *chatMessage
	if len(chat) > 0 {
		first = &chat[0]
	}
	t := cstr(tmpl)
	n := l.chatApplyTemplate(t, first, uintptr(len(chat)), addAss, nil, 0)
	if n < 0 {
		return "", false
	}
	buf := make([]byte, n+1)
	l.chatApplyTemplate(t, first, uintptr(len(chat)), addAss, &buf[0], int32(len(buf)))
	runtime.KeepAlive(chat)
	return string(buf[:n]), true
}
