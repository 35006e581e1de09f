// Command quantbench measures our K-quant quantizers against the real ggml
// on the same data, one thread each, and checks that the bytes agree:
//
//	go run ./internal/cmd/quantbench [-rows 2048] [-cols 4096] [-runs 3] [-types q2_K,q3_K,...]
//
// The reference is ggml_quantize_chunk from the pinned libggml-base.so of
// the reference toolkit (shared/tools/ref/setup.sh, the library ggml_qref
// and llama-quantize call), loaded into this process with purego, so both
// sides quantize the same buffers in memory and are timed the same way:
// the CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID) around one
// call over all rows, best of -runs, the two sides interleaved so that load
// from other processes hits both alike. Throughput is MB/s of float32 input.
//
// The data are weight-like: Gaussian rows with a per-row and per-column
// scale (log-normal) and rare outliers (-dist gauss: plain Gaussian); the
// importance matrix is log-normal per column. Without the library the command says so and exits 0.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/ggufmerge/ggufmerge/quant"
)

func main() {
	rows := flag.Int("rows", 2048, "rows of the test matrix")
	cols := flag.Int("cols", 4096, "values per row (a multiple of 256)")
	runs := flag.Int("runs", 3, "timed runs per measurement (best is kept)")
	types := flag.String("types", "q2_K,q3_K,q4_K,q5_K,q6_K", "comma-separated ggml types")
	lib := flag.String("lib", "", "libggml-base.so to compare with (default: the reference toolkit's)")
	dist := flag.String("dist", "weights", "test data: weights (weight-like) or gauss (plain N(0, 0.02²))")
	flag.Parse()
	if *cols <= 0 || *cols%256 != 0 || *rows <= 0 || *runs <= 0 {
		fmt.Fprintln(os.Stderr, "quantbench: -cols must be a positive multiple of 256, -rows and -runs positive")
		os.Exit(2)
	}
	ref, err := loadGGML(*lib)
	if err != nil {
		fmt.Println("quantbench: skipping, the reference ggml is not available:", err)
		return
	}
	var ts []quant.Type
	for _, name := range strings.Split(*types, ",") {
		t, err := quant.ParseType(strings.TrimSpace(name))
		if err != nil || !quant.CanQuantize(t) {
			fmt.Fprintf(os.Stderr, "quantbench: cannot quantize to %q\n", name)
			os.Exit(2)
		}
		ts = append(ts, t)
	}
	x, imat := weightLike(*rows, *cols)
	switch *dist {
	case "weights":
	case "gauss":
		x = gauss(len(x))
	default:
		fmt.Fprintf(os.Stderr, "quantbench: unknown -dist %q\n", *dist)
		os.Exit(2)
	}
	runtime.LockOSThread()
	fmt.Printf("%s data, %d x %d float32 (%.0f MB), 1 thread, best of %d, MB/s of float32 input\n",
		*dist, *rows, *cols, float64(4*len(x))/1e6, *runs)
	fmt.Printf("%-16s %10s %10s %7s  %s\n", "type", "ggml", "ours", "ratio", "bytes")
	failed := false
	for _, t := range ts {
		for _, w := range [][]float32{nil, imat} {
			r := compare(ref, t, x, *cols, w, *runs)
			name := t.String()
			if w != nil {
				name += "+imatrix"
			}
			status := "identical"
			if !r.same {
				status = "DIFFER"
				failed = true
			}
			mb := float64(4*len(x)) / 1e6
			fmt.Printf("%-16s %10.1f %10.1f %6.2fx  %s\n", name, mb/r.ggml.Seconds(), mb/r.ours.Seconds(),
				r.ggml.Seconds()/r.ours.Seconds(), status)
		}
	}
	if failed {
		os.Exit(1)
	}
}

type result struct {
	ggml, ours time.Duration
	same       bool
}

// compare quantizes x with both sides runs times, interleaved.
func compare(ref *ggml, t quant.Type, x []float32, cols int, imat []float32, runs int) result {
	rs, err := t.RowSize(int64(cols))
	if err != nil {
		panic(err)
	}
	n := len(x) / cols * int(rs)
	want, got := make([]byte, n), make([]byte, n)
	r := result{ggml: time.Duration(math.MaxInt64), ours: time.Duration(math.MaxInt64)}
	for range runs {
		r.ggml = min(r.ggml, threadTime(func() { ref.quantize(t, want, x, cols, imat) }))
		r.ours = min(r.ours, threadTime(func() {
			if err := quant.Quantize(t, got, x, cols, imat); err != nil {
				panic(err)
			}
		}))
	}
	r.same = bytes.Equal(got, want)
	return r
}

// weightLike returns rows×cols Gaussian values scaled per row and per
// column (log-normal, as trained weight matrices are), with one value in
// 500 an outlier of 8σ scale, and a log-normal importance matrix.
func weightLike(rows, cols int) (x, imat []float32) {
	rng := rand.New(rand.NewPCG(2024, 12))
	colScale := make([]float64, cols)
	imat = make([]float32, cols)
	for c := range cols {
		colScale[c] = math.Exp(0.3 * rng.NormFloat64())
		imat[c] = float32(math.Exp(1.5 * rng.NormFloat64()))
	}
	x = make([]float32, rows*cols)
	for r := range rows {
		rowScale := 0.02 * math.Exp(0.5*rng.NormFloat64())
		for c := range cols {
			v := rng.NormFloat64() * rowScale * colScale[c]
			if rng.IntN(500) == 0 {
				v *= 8
			}
			x[r*cols+c] = float32(v)
		}
	}
	return x, imat
}

// gauss returns n values N(0, 0.02²) (the data of quant's benchmarks).
func gauss(n int) []float32 {
	rng := rand.New(rand.NewPCG(2024, 13))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(0.02 * rng.NormFloat64())
	}
	return x
}
