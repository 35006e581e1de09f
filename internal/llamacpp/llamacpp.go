// Package llamacpp runs GGUF files through the real llama.cpp for
// ggufmerge's end-to-end tests: does it load, what logits does it give for a
// prompt, what text does it generate greedily.
//
// The libraries are the prebuilt ones of @node-llama-cpp/linux-x64@3.22.1
// (llama.cpp release v0.5.0), installed by install.sh beside this file into
// $GGUFMERGE_LLAMA_HOME (default ~/.cache/ggufmerge/llama). They are driven by
// the lldriver program (purego, no cgo), which this package builds with the
// go tool on first use and runs as a child process, so a crash inside
// llama.cpp fails one call rather than the test binary. Nothing here is part
// of the ggufmerge binary.
package llamacpp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Version is the pinned npm package the libraries come from.
const Version = "@node-llama-cpp/linux-x64@3.22.1"

// Home is the install folder of the libraries.
func Home() string {
	if d := os.Getenv("GGUFMERGE_LLAMA_HOME"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "ggufmerge", "llama")
	}
	return filepath.Join(os.TempDir(), "ggufmerge-llama")
}

// LibDir returns the folder holding libllama, or an error that says how to
// install it. GGUFMERGE_LLAMA_LIB overrides the location.
func LibDir() (string, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "", fmt.Errorf("the prebuilt llama.cpp libraries are linux/amd64 only (this is %s/%s)", runtime.GOOS, runtime.GOARCH)
	}
	dir := os.Getenv("GGUFMERGE_LLAMA_LIB")
	if dir == "" {
		dir = filepath.Join(Home(), "node_modules", "@node-llama-cpp", "linux-x64", "bins", "linux-x64")
	}
	if _, err := os.Stat(filepath.Join(dir, "libllama.v0.5.0.so")); err != nil {
		return "", fmt.Errorf("llama.cpp libraries (%s) not installed in %s: run `make llama` or internal/llamacpp/install.sh (needs npm)", Version, dir)
	}
	return dir, nil
}

// Driver runs lldriver against one library folder.
type Driver struct {
	bin, lib string
	// CPU pins the ggml CPU variant ("x64", "haswell", ...); empty picks the best.
	CPU string
	// Threads for evaluation (default 1: ggml threads spin while waiting,
	// which a busy machine punishes); results do not depend on it.
	Threads int
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// New finds the libraries and builds the driver.
func New() (*Driver, error) {
	lib, err := LibDir()
	if err != nil {
		return nil, err
	}
	buildOnce.Do(func() { builtBin, buildErr = buildDriver() })
	if buildErr != nil {
		return nil, buildErr
	}
	return &Driver{bin: builtBin, lib: lib, Threads: 1}, nil
}

// Require returns a driver, or skips t with the reason when the libraries are
// not installed. With GGUFMERGE_LLAMA_REQUIRED=1 (set by CI once the install
// step succeeded) a missing install fails instead of skipping.
func Require(t testing.TB) *Driver {
	t.Helper()
	if _, err := LibDir(); err != nil {
		if os.Getenv("GGUFMERGE_LLAMA_REQUIRED") == "1" {
			t.Fatalf("llama.cpp end-to-end test cannot run: %v", err)
		}
		t.Skipf("SKIP llama.cpp end-to-end test: %v", err)
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// buildDriver compiles lldriver (a sibling folder of this file) into the
// install folder; the rename makes concurrent test binaries safe.
func buildDriver() (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("llamacpp: cannot locate the driver source")
	}
	src := filepath.Join(filepath.Dir(self), "lldriver")
	dir := filepath.Join(Home(), "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "lldriver-*.tmp")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command("go", "build", "-o", tmp.Name(), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building lldriver: %v\n%s", err, out)
	}
	bin := filepath.Join(dir, "lldriver")
	if err := os.Rename(tmp.Name(), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// Model describes a model llama.cpp loaded.
type Model struct {
	Desc    string `json:"desc"`
	NParams uint64 `json:"n_params"`
	NVocab  int    `json:"n_vocab"`
	CPU     string `json:"cpu"`
}

// Eval is the result of evaluating a prompt and generating greedily.
type Eval struct {
	PromptTokens []int32 `json:"prompt_tokens"`
	Tokens       []int32 `json:"tokens"`
	Text         string  `json:"text"`
	NVocab       int     `json:"n_vocab"`
	CPU          string  `json:"cpu"`
	// Logits has one row of NVocab per prompt position, then one per
	// generated token that was fed back (all but the last).
	Logits [][]float32 `json:"-"`
}

// Load asks llama.cpp to load model; an error means it refused.
func (d *Driver) Load(model string) (*Model, error) {
	var m Model
	if err := d.run(&m, "load", model); err != nil {
		return nil, err
	}
	return &m, nil
}

// Eval evaluates prompt with model and generates up to n tokens greedily.
func (d *Driver) Eval(model, prompt string, n int) (*Eval, error) {
	f, err := os.CreateTemp("", "lldriver-logits-*.bin")
	if err != nil {
		return nil, err
	}
	f.Close()
	defer os.Remove(f.Name())
	var e Eval
	if err := d.run(&e, "eval", model, prompt, strconv.Itoa(n), f.Name()); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(f.Name())
	if err != nil {
		return nil, err
	}
	if err := e.parseLogits(raw); err != nil {
		return nil, err
	}
	return &e, nil
}

// Chat is what llama.cpp makes of a model's chat template.
type Chat struct {
	Template   string `json:"template"`   // tokenizer.chat_template as llama.cpp reads it
	Recognized bool   `json:"recognized"` // llama_chat_apply_template knows its family
	Text       string `json:"text"`       // the messages in that family's format, assistant prompt added
}

// Chat formats messages (role, content pairs) with model's chat template
// through llama_chat_apply_template.
func (d *Driver) Chat(model string, msgs [][2]string) (*Chat, error) {
	args := []string{"chat", model}
	for _, m := range msgs {
		args = append(args, m[0], m[1])
	}
	var c Chat
	if err := d.run(&c, args...); err != nil {
		return nil, err
	}
	return &c, nil
}

// Quantize runs llama.cpp's llama_model_quantize on in, as the
// llama-quantize tool sets it up (ftype is a llama_ftype number; opts are
// lldriver's quantize options, e.g. "--override-kv", "k=int:3").
func (d *Driver) Quantize(in, out string, ftype int, opts ...string) error {
	var r struct {
		RC int `json:"rc"`
	}
	return d.run(&r, append([]string{"quantize", in, out, strconv.Itoa(ftype)}, opts...)...)
}

// parseLogits splits float32 rows of NVocab values.
func (e *Eval) parseLogits(raw []byte) error {
	row := 4 * e.NVocab
	if e.NVocab <= 0 || len(raw)%row != 0 {
		return fmt.Errorf("%d bytes of logits for n_vocab %d", len(raw), e.NVocab)
	}
	for off := 0; off < len(raw); off += row {
		r := make([]float32, e.NVocab)
		for i := range r {
			r[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[off+4*i:]))
		}
		e.Logits = append(e.Logits, r)
	}
	return nil
}

func (d *Driver) run(out any, args ...string) error {
	flags := []string{"-lib", d.lib, "-threads", strconv.Itoa(max(d.Threads, 1))}
	if d.CPU != "" {
		flags = append(flags, "-cpu", d.CPU)
	}
	cmd := exec.Command(d.bin, append(flags, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("llama.cpp %s %s: %v\n%s", args[0], args[1], err, tail(stderr.String(), 15))
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("lldriver %s: bad output %q: %v", args[0], stdout.String(), err)
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// MaxAbsDiff is the largest |a-b| over two logits tables of the same shape
// (+Inf when either holds a NaN).
func MaxAbsDiff(a, b [][]float32) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("logits rows differ: %d vs %d", len(a), len(b))
	}
	worst := 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return 0, fmt.Errorf("logits row %d: %d vs %d values", i, len(a[i]), len(b[i]))
		}
		for j := range a[i] {
			d := math.Abs(float64(a[i][j]) - float64(b[i][j]))
			if math.IsNaN(d) {
				d = math.Inf(1)
			}
			worst = max(worst, d)
		}
	}
	return worst, nil
}
