package quant

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tests of the dequantizers (and, against the real ggml, of the simple
// quantizers) that go beyond the golden vectors: random bytes through
// ggml_qref, the types ggml has no to_float for, and the scale decoders.

// sameFloat32 is bit equality, except that any NaN equals any NaN.
func sameFloat32(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// refTool returns the path of ggml_qref, skipping t when it is not installed.
func refTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ggml_qref")
	if err != nil {
		t.Skip("ggml_qref not on PATH (source ~/.cache/ggufmerge-ref/env.sh): skipping comparison with the real ggml")
	}
	return p
}

// runRefBatch runs commands through `ggml_qref batch` and fails t on any
// command that ggml reports as failed.
func runRefBatch(t *testing.T, tool string, cmds []string) {
	t.Helper()
	cmd := exec.Command(tool, "batch")
	cmd.Stdin = strings.NewReader(strings.Join(cmds, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ggml_qref batch: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	i := 0
	for sc.Scan() {
		var res struct {
			Op string `json:"op"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil || res.Op == "error" {
			t.Fatalf("ggml_qref failed on %q: %s\n%s", cmds[min(i, len(cmds)-1)], sc.Text(), stderr.String())
		}
		i++
	}
	if i != len(cmds) {
		t.Fatalf("ggml_qref answered %d of %d commands\n%s", i, len(cmds), stderr.String())
	}
}

func writeF32(t *testing.T, path string, x []float32) {
	t.Helper()
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ggmlToFloatTypes are the types whose ggml type traits have a to_float.
var ggmlToFloatTypes = []Type{F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K,
	IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0, MXFP4, NVFP4, Q1_0, Q2_0}

// randomBlocks returns n blocks of t filled with random bytes, except that
// fp16 scales are drawn from plausible magnitudes in half of the blocks
// (uniform bytes alone give mostly huge or NaN scales).
func randomBlocks(r *rand.Rand, t Type, n int) []byte {
	ts := t.TypeSize()
	b := make([]byte, n*ts)
	r.Read(b)
	for i := 0; i < n; i += 2 {
		blk := b[i*ts : (i+1)*ts]
		h := FP32ToFP16(float32(r.NormFloat64() * 0.01))
		for _, off := range halfOffsets(t) {
			binary.LittleEndian.PutUint16(blk[off:], h)
		}
	}
	return b
}

// halfOffsets are the byte offsets of the fp16 scales inside a block of t.
func halfOffsets(t Type) []int {
	switch t {
	case Q4_0, Q5_0, Q8_0, Q1_0, Q2_0, IQ4_NL, IQ4_XS, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S:
		return []int{0}
	case Q4_1, Q5_1, Q4_K, Q5_K:
		return []int{0, 2}
	case Q2_K:
		return []int{80, 82}
	case Q3_K:
		return []int{108}
	case Q6_K:
		return []int{208}
	case TQ1_0:
		return []int{52}
	case TQ2_0:
		return []int{64}
	}
	return nil
}

// TestDequantizeRandomBytesVsGGML feeds random blocks (so every bit pattern,
// grid index, sign code and scale nibble occurs) to ggml's to_float and to
// ours, and compares every float bit for bit (NaN payloads aside).
func TestDequantizeRandomBytesVsGGML(t *testing.T) {
	tool := refTool(t)
	dir := t.TempDir()
	r := rand.New(rand.NewSource(7))
	const blocks = 512
	inputs := map[Type][]byte{}
	var cmds []string
	for _, typ := range ggmlToFloatTypes {
		q := randomBlocks(r, typ, blocks)
		inputs[typ] = q
		in := filepath.Join(dir, typ.String()+".bin")
		if err := os.WriteFile(in, q, 0o644); err != nil {
			t.Fatal(err)
		}
		cols := typ.BlockSize() * blocks / 8
		cmds = append(cmds, fmt.Sprintf("dequant %s 8 %d %s %s", typ, cols, in, filepath.Join(dir, typ.String()+".f32")))
	}
	runRefBatch(t, tool, cmds)
	for _, typ := range ggmlToFloatTypes {
		want := readF32(t, filepath.Join(dir, typ.String()+".f32"))
		for _, portable := range []bool{false, true} { // registered kernel (if any) and the Go code
			got := make([]float32, len(want))
			restore := setPortable(portable)
			err := Dequantize(typ, got, inputs[typ])
			restore()
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !sameFloat32(got[i], want[i]) {
					bs := typ.BlockSize()
					t.Errorf("%s (portable only: %v): element %d (block %d, index %d): got %g (%#08x), ggml %g (%#08x)",
						typ, portable, i, i/bs, i%bs, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
					break
				}
			}
		}
	}
}

// quantInput returns rows×cols floats with a different character per row:
// Gaussian at several scales, heavy tails, sparse, constant and all-zero
// 32-value stretches, and values tiny enough to make fp16 scales subnormal.
func quantInput(r *rand.Rand, rows, cols int) []float32 {
	x := make([]float32, rows*cols)
	for i := 0; i < rows; i++ {
		row := x[i*cols : (i+1)*cols]
		scale := math.Pow(10, float64(i%9)-6) // 1e-6 .. 1e2
		for j := range row {
			v := r.NormFloat64()
			switch i % 4 {
			case 1: // heavy tail
				v = v / (math.Abs(r.NormFloat64()) + 0.05)
			case 2: // sparse with positive bias
				if r.Intn(4) != 0 {
					v = 0
				} else {
					v = math.Abs(v)
				}
			case 3: // constant 32-runs and zero runs
				if (j/32)%3 == 0 {
					v = 0
				} else if (j/32)%3 == 1 {
					v = float64(int(j/32)%7) - 3
				}
			}
			row[j] = float32(v * scale)
		}
	}
	return x
}

// myQuantTypes are the quantizers implemented in quant_simple.go,
// quant_fp4.go and quant_iq4.go (F32 has no ggml to_float to compare with
// but ggml_quantize_chunk copies it, so it is included).
var myQuantTypes = []Type{F32, F16, BF16, Q8_0, Q1_0, Q2_0, TQ1_0, TQ2_0, MXFP4, NVFP4, IQ4_NL, IQ4_XS}

// TestQuantizeRandomVsGGML quantizes fresh random matrices (other shapes,
// scales and seeds than the golden set) with ggml_quantize_chunk and with
// our quantizers, with and without importance weights, and compares bytes.
func TestQuantizeRandomVsGGML(t *testing.T) {
	tool := refTool(t)
	dir := t.TempDir()
	r := rand.New(rand.NewSource(11))
	const rows, cols = 18, 768
	x := quantInput(r, rows, cols)
	in := filepath.Join(dir, "x.f32")
	writeF32(t, in, x)
	imat := make([]float32, cols)
	for j := range imat {
		imat[j] = float32(math.Exp(r.NormFloat64()))
		if j%11 == 0 {
			imat[j] = 0
		}
	}
	wpath := filepath.Join(dir, "w.f32")
	writeF32(t, wpath, imat)
	type job struct {
		typ  Type
		imat bool
		out  string
	}
	var jobs []job
	var cmds []string
	for _, typ := range myQuantTypes {
		for _, withW := range []bool{false, true} {
			if withW && Imatrix(typ) == ImatrixIgnored && typ != Q8_0 {
				continue // Q8_0 stands in for all ignoring types
			}
			out := filepath.Join(dir, fmt.Sprintf("%s-%v.bin", typ, withW))
			c := fmt.Sprintf("quant %s %d %d %s %s", typ, rows, cols, in, out)
			if withW {
				c += " --imatrix " + wpath
			}
			jobs = append(jobs, job{typ, withW, out})
			cmds = append(cmds, c)
		}
	}
	runRefBatch(t, tool, cmds)
	for _, j := range jobs {
		want, err := os.ReadFile(j.out)
		if err != nil {
			t.Fatal(err)
		}
		var w []float32
		if j.imat {
			w = imat
		}
		got := make([]byte, len(want))
		if err := Quantize(j.typ, got, x, cols, w); err != nil {
			t.Fatal(err)
		}
		if i := firstDiff(got, want); i >= 0 {
			t.Errorf("%s (imatrix %v): %d bytes differ, first at %d (row %d): got %#02x, ggml %#02x",
				j.typ, j.imat, countDiff(got, want), i, i/(len(want)/rows), got[i], want[i])
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// TestDequantizeNoGGMLTraits checks the types ggml gives no to_float
// against their definitions, one hand-built block each.
func TestDequantizeNoGGMLTraits(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	t.Run("q8_1", func(t *testing.T) {
		blk := randomBlocks(r, Q8_1, 4)
		got := make([]float32, 4*32)
		mustDequant(t, Q8_1, got, blk)
		for i, v := range got {
			b := blk[36*(i/32):]
			want := float32(int8(b[4+i%32])) * FP16ToFP32(binary.LittleEndian.Uint16(b))
			if !sameFloat32(v, want) {
				t.Fatalf("element %d: got %g want %g", i, v, want)
			}
		}
	})
	t.Run("q8_K", func(t *testing.T) {
		blk := make([]byte, 2*292)
		r.Read(blk)
		binary.LittleEndian.PutUint32(blk, math.Float32bits(0.0123))
		binary.LittleEndian.PutUint32(blk[292:], math.Float32bits(-7.5e-5))
		got := make([]float32, 2*QK_K)
		mustDequant(t, Q8_K, got, blk)
		for i, v := range got {
			b := blk[292*(i/QK_K):]
			want := math.Float32frombits(binary.LittleEndian.Uint32(b)) * float32(int8(b[4+i%QK_K]))
			if v != want {
				t.Fatalf("element %d: got %g want %g", i, v, want)
			}
		}
	})
	t.Run("integers_and_f64", func(t *testing.T) {
		var b []byte
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(0.1))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(-1e300))
		got := make([]float32, 2)
		mustDequant(t, F64, got, b)
		if got[0] != float32(0.1) || !math.IsInf(float64(got[1]), -1) {
			t.Errorf("f64: got %v", got)
		}
		mustDequant(t, I8, got, []byte{0x80, 0x7f})
		if got[0] != -128 || got[1] != 127 {
			t.Errorf("i8: got %v", got)
		}
		mustDequant(t, I16, got, []byte{0x00, 0x80, 0xff, 0x7f})
		if got[0] != -32768 || got[1] != 32767 {
			t.Errorf("i16: got %v", got)
		}
		b = binary.LittleEndian.AppendUint32(nil, uint32(1<<24+1)) // rounds to even
		b = binary.LittleEndian.AppendUint32(b, uint32(0x80000000))
		mustDequant(t, I32, got, b)
		if got[0] != 1<<24 || got[1] != -(1<<31) {
			t.Errorf("i32: got %v", got)
		}
		b = binary.LittleEndian.AppendUint64(nil, uint64(1<<40+3))
		b = binary.LittleEndian.AppendUint64(b, 1<<63)
		mustDequant(t, I64, got, b)
		if got[0] != 1<<40 || got[1] != -(1<<63) {
			t.Errorf("i64: got %v", got)
		}
		mustDequant(t, F32, got, binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 0x80000000), 0x7fc00001))
		if math.Float32bits(got[0]) != 0x80000000 || math.Float32bits(got[1]) != 0x7fc00001 {
			t.Errorf("f32: got %#x %#x", math.Float32bits(got[0]), math.Float32bits(got[1]))
		}
	})
}

func mustDequant(t *testing.T, typ Type, dst []float32, src []byte) {
	t.Helper()
	if err := Dequantize(typ, dst, src); err != nil {
		t.Fatal(err)
	}
}

// TestHalfToFloatAllHalves checks the inlined fp16 widening on all 65536
// codes against FP16ToFP32.
func TestHalfToFloatAllHalves(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		if got, want := halfToFloat(uint16(h)), FP16ToFP32(uint16(h)); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("%#04x: got %#08x want %#08x", h, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

// TestScaleDecoders pins the E8M0 and UE4M3 decoders to their definitions
// and checks that the UE4M3 encoder inverts the decoder on every code it
// can produce.
func TestScaleDecoders(t *testing.T) {
	for e := 0; e < 256; e++ {
		if got, want := e8m0Half(uint8(e)), math.Ldexp(1, e-128); float64(got) != want {
			t.Fatalf("e8m0Half(%d) = %g, want %g", e, got, want)
		}
	}
	if ue4m3Table[0] != 0 || ue4m3Table[0x7f] != 0 || ue4m3Table[0xff] != 240 {
		t.Fatalf("ue4m3 special codes: %g %g %g", ue4m3Table[0], ue4m3Table[0x7f], ue4m3Table[0xff])
	}
	for x := 0x80; x < 0xff; x++ { // the sign bit is ignored (only 0x7F is special)
		if ue4m3Table[x] != ue4m3Table[x&0x7f] {
			t.Fatalf("ue4m3(%#x) = %g, ue4m3(%#x) = %g", x, ue4m3Table[x], x&0x7f, ue4m3Table[x&0x7f])
		}
	}
	for x := 1; x <= 0x7e; x++ {
		v := 2 * ue4m3Table[x] // the encoder takes the full value
		want := uint8(x)
		if x >= 0x78 { // every exponent-15 value encodes as 0x7E (448)
			want = 0x7e
		}
		if got := fp32ToUE4M3(v); got != want {
			t.Fatalf("fp32ToUE4M3(%g) = %#x, want %#x", v, got, want)
		}
	}
	for _, c := range []struct {
		x    float32
		want uint8
	}{{0, 0}, {-1, 0}, {float32(math.NaN()), 0}, {1e9, 0x7e}, {float32(math.Inf(1)), 0x7e},
		{0.49 / 512, 0}, {0.5 / 512, 1}, {7.6 / 512, 7}, {1.0624, 0x38}, {1.0625, 0x39}} {
		if got := fp32ToUE4M3(c.x); got != c.want {
			t.Errorf("fp32ToUE4M3(%g) = %#x, want %#x", c.x, got, c.want)
		}
	}
}

// TestDequantizeRejectsBadSizes checks the registry's size errors reach the
// caller for every type instead of a panic.
func TestDequantizeRejectsBadSizes(t *testing.T) {
	for _, typ := range Types() {
		if !CanDequantize(typ) {
			t.Errorf("%s has no dequantizer", typ)
			continue
		}
		ts, bs := typ.TypeSize(), typ.BlockSize()
		if ts > 1 {
			if err := Dequantize(typ, make([]float32, bs), make([]byte, ts-1)); err == nil {
				t.Errorf("%s: short block accepted", typ)
			}
		}
		if err := Dequantize(typ, make([]float32, bs+1), make([]byte, ts)); err == nil {
			t.Errorf("%s: wrong destination length accepted", typ)
		}
		if err := Dequantize(typ, nil, nil); err != nil {
			t.Errorf("%s: empty input: %v", typ, err)
		}
	}
}
