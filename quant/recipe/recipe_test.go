package recipe

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

func TestParseFileType(t *testing.T) {
	cases := []struct {
		in   string
		ft   FileType
		copy bool
	}{
		{"Q4_K_M", MostlyQ4_K_M, false}, {"q4_k_m", MostlyQ4_K_M, false}, {"Q4_K", MostlyQ4_K_M, false},
		{"Q3_K", MostlyQ3_K_M, false}, {"Q5_K", MostlyQ5_K_M, false}, {"IQ2_S", MostlyIQ2S, false},
		{"F32", AllF32, false}, {"copy", AllF32, true}, {"15", MostlyQ4_K_M, false}, {"0", AllF32, false},
		{"MXFP4_MOE", MostlyMXFP4, false}, {"TQ2_0", MostlyTQ2_0, false}, {"bf16", MostlyBF16, false},
	}
	for _, c := range cases {
		ft, cp, err := ParseFileType(c.in)
		if err != nil || ft != c.ft || cp != c.copy {
			t.Errorf("ParseFileType(%q) = %d, %v, %v; want %d, %v", c.in, ft, cp, err, c.ft, c.copy)
		}
	}
	for _, bad := range []string{"", "Q4", "Q4_K_X", "4", "39x", "NVFP4", "1024"} {
		if _, _, err := ParseFileType(bad); err == nil {
			t.Errorf("ParseFileType(%q) accepted", bad)
		}
	}
	// every listed name parses back to a file type whose canonical name it is
	for _, n := range FileTypeNames() {
		ft, cp, err := ParseFileType(n)
		if err != nil {
			t.Fatal(err)
		}
		if !cp && ft.Name() != n {
			t.Errorf("%s parses to %d named %s", n, ft, ft.Name())
		}
		if _, ok := ft.DefaultType(); !ok {
			t.Errorf("%s has no default type", n)
		}
	}
	if _, ok := MostlyNVFP4.DefaultType(); ok {
		t.Error("NVFP4 must not be producible")
	}
	if got := (MostlyQ4_K_M | Guessed).String(); got != "(guessed) Q4_K - Medium" {
		t.Errorf("String = %q", got)
	}
}

func TestFallbackType(t *testing.T) {
	cases := []struct {
		t     quant.Type
		ncols int64
		want  quant.Type
		fell  bool
		ok    bool
	}{
		{quant.Q4_K, 4096, quant.Q4_K, false, true},
		{quant.Q4_K, 64, quant.Q5_0, true, true},
		{quant.Q5_K, 96, quant.Q5_1, true, true},
		{quant.Q6_K, 160, quant.Q8_0, true, true},
		{quant.Q2_K, 32, quant.Q4_0, true, true},
		{quant.Q3_K, 32, quant.Q4_0, true, true},
		{quant.TQ1_0, 32, quant.Q4_0, true, true},
		{quant.IQ2_XXS, 32, quant.IQ4_NL, true, true},
		{quant.IQ4_XS, 4128, quant.IQ4_NL, true, true},
		{quant.Q6_K, 172, quant.F16, true, true},    // not even 32 fits
		{quant.Q4_0, 172, quant.F16, true, true},    // a 32-block type goes straight to F16
		{quant.MXFP4, 48, quant.F16, true, true},    // MXFP4 blocks are 32 too
		{quant.NVFP4, 96, quant.NVFP4, true, false}, // 64-block, no fallback: llama.cpp errors
		{quant.F16, 7, quant.F16, false, true},
	}
	for _, c := range cases {
		got, fell, ok := fallbackType(c.t, c.ncols)
		if got != c.want || fell != c.fell || ok != c.ok {
			t.Errorf("fallbackType(%s, %d) = %s, %v, %v; want %s, %v, %v", c.t, c.ncols, got, fell, ok, c.want, c.fell, c.ok)
		}
	}
}

func TestUseMoreBits(t *testing.T) {
	// 32 layers: first 4, last 4, and every third from layer 6 (4 + 2)
	var got []int
	for i := range 32 {
		if useMoreBits(i, 32) {
			got = append(got, i)
		}
	}
	want := []int{0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("useMoreBits over 32 layers = %v, want %v", got, want)
	}
}

func TestLoaderOrder(t *testing.T) {
	names := []string{"blk.10.attn_q.weight", "output.weight", "blk.2.ffn_up.weight", "blk.2.attn_k.weight",
		"token_embd.weight", "output_norm.weight", "blk.x.weight", "blk.-1.a", "blk. 3.z"}
	var got []string
	for _, i := range LoaderOrder(names) {
		got = append(got, names[i])
	}
	// no layer (and "blk.-1.") sort as -1 by name; then layers numerically
	want := []string{"blk.-1.a", "blk.x.weight", "output.weight", "output_norm.weight", "token_embd.weight",
		"blk.2.attn_k.weight", "blk.2.ffn_up.weight", "blk. 3.z", "blk.10.attn_q.weight"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
}

func TestAllowsQuantization(t *testing.T) {
	m2 := []int64{256, 256}
	cases := []struct {
		name  string
		shape []int64
		leave bool
		want  bool
	}{
		{"blk.0.attn_q.weight", m2, false, true},
		{"blk.0.attn_q.weight", []int64{256, 1}, false, false}, // effectively 1-D
		{"blk.0.ffn_up_exps.weight", []int64{256, 1, 8}, false, true},
		{"blk.0.attn_norm.weight", m2, false, false},
		{"blk.0.attn_q.bias", m2, false, false},
		{"output.weight", m2, false, true},
		{"output.weight", m2, true, false},
		{"blk.0.ffn_gate_inp.weight", m2, false, false},
		{"position_embd.weight", m2, false, false},
		{"token_types.weight", m2, false, false},
		{"blk.0.ssm_conv1d.weight", m2, false, false},
		{"v.patch_embd.weight", m2, false, false},
		{"abcde", m2, false, true}, // llama.cpp's size_t wrap-around lets 5-byte names through
		{"abcd", m2, false, false},
	}
	for _, c := range cases {
		if got := AllowsQuantization(c.name, c.shape, c.leave); got != c.want {
			t.Errorf("AllowsQuantization(%q, %v, %v) = %v", c.name, c.shape, c.leave, got)
		}
	}
}

// writeDat writes a legacy imatrix: stored values are mean·ncall.
func writeDat(t *testing.T, path string, names []string, vals [][]float32, ncall []int32, trailer bool, chunks int32, dataset string) {
	t.Helper()
	var b []byte
	le := binary.LittleEndian
	b = le.AppendUint32(b, uint32(len(names)))
	for i, n := range names {
		b = le.AppendUint32(b, uint32(len(n)))
		b = append(b, n...)
		b = le.AppendUint32(b, uint32(ncall[i]))
		b = le.AppendUint32(b, uint32(len(vals[i])))
		for _, v := range vals[i] {
			b = le.AppendUint32(b, math.Float32bits(v))
		}
	}
	if trailer {
		b = le.AppendUint32(b, uint32(chunks))
		b = le.AppendUint32(b, uint32(len(dataset)))
		b = append(b, dataset...)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLegacyImatrix(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.dat")
	writeDat(t, p, []string{"blk.0.x.weight", "blk.1.y.weight", "blk.0.x.weight"},
		[][]float32{{1, 2}, {30, 60, 90}, {10, 20}}, []int32{5, 3, 0}, true, 42, "wiki.train")
	im, err := LoadImatrix(p)
	if err != nil {
		t.Fatal(err)
	}
	if !im.Legacy || im.ChunkCount != 42 || !reflect.DeepEqual(im.Datasets, []string{"wiki.train"}) || im.File != p {
		t.Errorf("header: %+v", im)
	}
	// the duplicate replaces the first entry; ncall 0 keeps values as stored
	if v, _ := im.Get("blk.0.x.weight"); !reflect.DeepEqual(v, []float32{10, 20}) {
		t.Errorf("x = %v", v)
	}
	if v, _ := im.Get("blk.1.y.weight"); !reflect.DeepEqual(v, []float32{10, 20, 30}) {
		t.Errorf("y = %v", v)
	}
	if im.Len() != 2 {
		t.Errorf("Len = %d", im.Len())
	}
	im.Filter(nil, []string{"blk.1."})
	if !reflect.DeepEqual(im.Names(), []string{"blk.0.x.weight"}) {
		t.Errorf("after exclude: %v", im.Names())
	}

	// no trailer: no chunks, no dataset
	writeDat(t, p, []string{"a"}, [][]float32{{1}}, []int32{1}, false, 0, "")
	if im, err = LoadImatrix(p); err != nil || im.ChunkCount != 0 || im.Datasets != nil {
		t.Errorf("no trailer: %+v %v", im, err)
	}

	// malformed files are errors, never panics
	full, _ := os.ReadFile(filepath.Join(dir, "a.dat"))
	for _, bad := range [][]byte{{}, {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, full[:len(full)-3]} {
		os.WriteFile(p, bad, 0o644)
		if _, err := LoadImatrix(p); err == nil {
			t.Errorf("accepted malformed %x", bad)
		}
	}
	ones := make([]float32, 256)
	for i := range ones {
		ones[i] = 1
	}
	writeDat(t, p, []string{"blk.0.attn_q.weight", "blk.0.attn_k.weight"}, [][]float32{{float32(math.Inf(1))}, ones}, []int32{1, 1}, false, 0, "")
	im, err = LoadImatrix(p)
	if err != nil {
		t.Fatal(err)
	}
	mi := ModelInfo{Arch: "llama", NLayer: 1, NHead: 1, NHeadKV: 1}
	if _, err := Plan(mi, llamaTensors(1, false), Options{FileType: MostlyQ4_0, Imatrix: im}); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("infinite value: %v", err)
	}
	im.Filter(nil, []string{"attn_q"}) // llama-quantize only checks the entries it keeps
	if _, err := Plan(mi, llamaTensors(1, false), Options{FileType: MostlyQ4_0, Imatrix: im}); err != nil {
		t.Errorf("after excluding the bad entry: %v", err)
	}
}

func FuzzLegacyImatrix(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 1, 0, 0, 0, 'a', 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x80, 0x3f})
	f.Add([]byte{1, 0, 0, 0, 1, 0, 0, 0, 'a', 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x80, 0x3f, 5, 0, 0, 0, 2, 0, 0, 0, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := parseLegacy("fuzz.dat", data) // must not panic
		if err == nil && im.Len() == 0 {
			t.Error("accepted a file without entries")
		}
	})
}

// llama-3-8B-like shapes (scaled down): the worked example of the spec.
func llamaTensors(layers int, tied bool) []gguf.TensorInfo {
	var ts []gguf.TensorInfo
	add := func(name string, shape ...int64) {
		ts = append(ts, gguf.TensorInfo{Name: name, Type: quant.F16, Shape: shape})
	}
	add("token_embd.weight", 256, 1000)
	if !tied {
		add("output.weight", 256, 1000)
	}
	add("output_norm.weight", 256)
	for l := range layers {
		p := "blk." + strconv.Itoa(l) + "."
		add(p+"attn_q.weight", 256, 256)
		add(p+"attn_k.weight", 256, 64)
		add(p+"attn_v.weight", 256, 64)
		add(p+"attn_output.weight", 256, 256)
		add(p+"ffn_gate.weight", 256, 512)
		add(p+"ffn_up.weight", 256, 512)
		add(p+"ffn_down.weight", 512, 256)
		add(p+"attn_norm.weight", 256)
		add(p+"ffn_norm.weight", 256)
	}
	return ts
}

func types(t *testing.T, ch []Choice) map[string]quant.Type {
	t.Helper()
	m := map[string]quant.Type{}
	for _, c := range ch {
		m[c.Name] = c.Target
	}
	return m
}

func TestPlanQ4KM(t *testing.T) {
	mi := ModelInfo{Arch: "llama", NLayer: 32, NHead: 32, NHeadKV: 8}
	ch, err := Plan(mi, llamaTensors(32, false), Options{FileType: MostlyQ4_K_M})
	if err != nil {
		t.Fatal(err)
	}
	ty := types(t, ch)
	if ty["output.weight"] != quant.Q6_K || ty["token_embd.weight"] != quant.Q4_K || ty["output_norm.weight"] != quant.F16 {
		t.Errorf("output %s token_embd %s norm %s", ty["output.weight"], ty["token_embd.weight"], ty["output_norm.weight"])
	}
	for l := range 32 {
		p := "blk." + strconv.Itoa(l) + "."
		want := quant.Q4_K
		if useMoreBits(l, 32) {
			want = quant.Q6_K
		}
		if ty[p+"attn_v.weight"] != want || ty[p+"ffn_down.weight"] != want {
			t.Errorf("layer %d: attn_v %s ffn_down %s, want %s", l, ty[p+"attn_v.weight"], ty[p+"ffn_down.weight"], want)
		}
		if ty[p+"attn_q.weight"] != quant.Q4_K || ty[p+"ffn_up.weight"] != quant.Q4_K {
			t.Errorf("layer %d: q %s up %s", l, ty[p+"attn_q.weight"], ty[p+"ffn_up.weight"])
		}
	}
	// the same tensors in another order get the same decisions
	ts := llamaTensors(32, false)
	for i, j := 0, len(ts)-1; i < j; i, j = i+1, j-1 {
		ts[i], ts[j] = ts[j], ts[i]
	}
	ch2, err := Plan(mi, ts, Options{FileType: MostlyQ4_K_M})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(types(t, ch2), ty) {
		t.Error("decisions depend on the input order")
	}
}

func TestPlanOptions(t *testing.T) {
	mi := ModelInfo{Arch: "llama", NLayer: 4, NHead: 4, NHeadKV: 4}
	q8 := quant.Q8_0
	re := regexp.MustCompile(`attn_(q|k)`)
	ch, err := Plan(mi, llamaTensors(4, true), Options{FileType: MostlyQ4_K_S, OutputType: &q8,
		TensorTypes: []TensorTypeRule{{re, quant.Q5_0}}})
	if err != nil {
		t.Fatal(err)
	}
	ty := types(t, ch)
	// tied embeddings follow the output rule, and --output-tensor-type with them
	if ty["token_embd.weight"] != quant.Q8_0 {
		t.Errorf("tied token_embd = %s", ty["token_embd.weight"])
	}
	if ty["blk.0.attn_q.weight"] != quant.Q5_0 || ty["blk.3.attn_k.weight"] != quant.Q5_0 || ty["blk.0.attn_output.weight"] != quant.Q4_K {
		t.Errorf("tensor-type rules: %s %s %s", ty["blk.0.attn_q.weight"], ty["blk.3.attn_k.weight"], ty["blk.0.attn_output.weight"])
	}
	if _, err := Plan(mi, llamaTensors(4, false), Options{FileType: MostlyIQ2XXS}); err == nil || !strings.Contains(err.Error(), "importance matrix") {
		t.Errorf("IQ2_XXS without imatrix: %v", err)
	}
	dup := append(llamaTensors(1, false), gguf.TensorInfo{Name: "output.weight", Type: quant.F32, Shape: []int64{256, 1}})
	if _, err := Plan(mi, dup, Options{FileType: MostlyQ8_0}); err == nil {
		t.Error("duplicate tensor accepted")
	}
	ch, _ = Plan(mi, llamaTensors(2, false), Options{FileType: MostlyQ8_0, Copy: true})
	for _, c := range ch {
		if c.Convert() || c.Allowed {
			t.Errorf("COPY converts %s", c.Name)
		}
	}
}

func TestQuantizeRowsExperts(t *testing.T) {
	// 3 experts of 2 rows: each expert's rows must use its own importance slice,
	// however the rows are split into calls.
	ne0 := int64(32)
	c := Choice{TensorInfo: gguf.TensorInfo{Name: "e", Type: quant.F32, Shape: []int64{ne0, 2, 3}}, Target: quant.Q4_0}
	c.Imatrix = make([]float32, ne0*3)
	for i := range c.Imatrix {
		c.Imatrix[i] = float32(1 + (i*7919)%13)
	}
	src := make([]float32, ne0*6)
	for i := range src {
		src[i] = float32(math.Sin(float64(i) * 0.37))
	}
	rs, _ := quant.Q4_0.RowSize(ne0)
	whole := make([]byte, 6*rs)
	if err := c.QuantizeRows(whole, src, 0); err != nil {
		t.Fatal(err)
	}
	for r := int64(0); r < 6; r++ {
		one := make([]byte, rs)
		if err := c.QuantizeRows(one, src[r*ne0:(r+1)*ne0], r); err != nil {
			t.Fatal(err)
		}
		want := make([]byte, rs)
		e := r / 2
		quant.Quantize(quant.Q4_0, want, src[r*ne0:(r+1)*ne0], int(ne0), c.Imatrix[e*ne0:(e+1)*ne0])
		if string(one) != string(want) || string(whole[r*rs:(r+1)*rs]) != string(want) {
			t.Errorf("row %d differs from a quantization with expert %d's weights", r, e)
		}
	}
	src[5] = float32(math.NaN())
	if err := c.QuantizeRows(whole, src, 0); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("NaN accepted: %v", err)
	}
	if err := c.QuantizeRows(whole[:rs], src[:ne0], 6); err == nil {
		t.Error("row past the end accepted")
	}
}

// TestCheckFinite: the vectorized screen must catch every NaN and infinity
// wherever it sits, name its place, and still accept finite rows whose sum
// of magnitudes overflows float32.
func TestCheckFinite(t *testing.T) {
	const ne0 = 96
	src := make([]float32, 3*ne0)
	for i := range src {
		src[i] = float32(math.Cos(float64(i)))
	}
	if err := checkFinite(src, ne0, 10); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		for _, at := range []int{0, 7, 31, 32, 100, 3*ne0 - 1} {
			x := append([]float32(nil), src...)
			x[at] = bad
			err := checkFinite(x, ne0, 10)
			want := fmt.Sprintf("row %d column %d holds %v", 10+at/ne0, at%ne0, bad)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%v at %d: got %v, want %q", bad, at, err, want)
			}
		}
	}
	huge := make([]float32, 3*ne0)
	for i := range huge {
		huge[i] = math.MaxFloat32 * float32(1-2*(i&1))
	}
	if err := checkFinite(huge, ne0, 0); err != nil {
		t.Errorf("finite values whose magnitudes overflow the sum refused: %v", err)
	}
}
