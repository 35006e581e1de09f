//go:build linux && amd64

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
	"golang.org/x/sys/unix"

	"github.com/ggufmerge/ggufmerge/quant"
)

// ggml holds ggml_quantize_chunk of the reference libggml-base.so.
type ggml struct {
	chunk func(typ int32, src unsafe.Pointer, dst unsafe.Pointer, start, nrows, nPerRow int64, imatrix unsafe.Pointer) uintptr
	init  func(typ int32)
}

// loadGGML opens lib, or the reference toolkit's library when lib is "".
func loadGGML(lib string) (*ggml, error) {
	if lib == "" {
		home := os.Getenv("REF_HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return nil, err
			}
			home = filepath.Join(h, ".cache", "ggufmerge-ref")
		}
		lib = filepath.Join(home, "nlc", "node_modules", "@node-llama-cpp", "linux-x64", "bins", "linux-x64", "libggml-base.so")
	}
	if _, err := os.Stat(lib); err != nil {
		return nil, fmt.Errorf("%s not found (install the reference toolkit with shared/tools/ref/setup.sh)", lib)
	}
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", lib, err)
	}
	var g ggml
	purego.RegisterLibFunc(&g.chunk, h, "ggml_quantize_chunk")
	purego.RegisterLibFunc(&g.init, h, "ggml_quantize_init")
	return &g, nil
}

// quantize runs ggml_quantize_chunk over all rows of x; quant.Type values
// are ggml's type ids.
func (g *ggml) quantize(t quant.Type, dst []byte, x []float32, cols int, imat []float32) {
	var w unsafe.Pointer
	if imat != nil {
		w = unsafe.Pointer(&imat[0])
	}
	g.init(int32(t))
	n := g.chunk(int32(t), unsafe.Pointer(&x[0]), unsafe.Pointer(&dst[0]), 0, int64(len(x)/cols), int64(cols), w)
	if int(n) != len(dst) {
		panic(errors.New("ggml_quantize_chunk wrote an unexpected number of bytes"))
	}
}

// threadTime returns the CPU time the calling (locked) thread spends in f.
func threadTime(f func()) time.Duration {
	var a, b unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &a); err != nil {
		panic(err)
	}
	f()
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &b); err != nil {
		panic(err)
	}
	return time.Duration(b.Nano() - a.Nano())
}
