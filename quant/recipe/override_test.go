package recipe

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/gguf"
)

func TestParseKVOverride(t *testing.T) {
	for _, c := range []struct {
		in   string
		want gguf.Value
	}{
		{"general.name=str:My merge", gguf.Str("My merge")},
		{"a=str:", gguf.Str("")},
		{"a=str:x=y:z", gguf.Str("x=y:z")},
		{"llama.context_length=int:8192", gguf.U32(8192)},
		{"a=int:-7", gguf.U32(7)}, // llama-quantize writes |v| as uint32
		{"a=float:0.25", gguf.F32(0.25)},
		{"a=bool:false", gguf.Bool(false)},
		{"a=bool:true", gguf.Bool(true)},
		{"a=str:" + strings.Repeat("x", 127), gguf.Str(strings.Repeat("x", 127))},
	} {
		o, err := ParseKVOverride(c.in)
		if err != nil || o.Value.Type != c.want.Type || fmt.Sprint(o.Value.V) != fmt.Sprint(c.want.V) {
			t.Errorf("%q: %+v, %v; want %+v", c.in, o, err, c.want)
		}
	}
	for _, bad := range []string{"", "noequals", "=str:x", "a=str", "a=string:x", "a=int:12x", "a=int:", "a=float:one",
		"a=bool:yes", "a=str:" + strings.Repeat("x", 128), strings.Repeat("k", 128) + "=int:1"} {
		if o, err := ParseKVOverride(bad); err == nil {
			t.Errorf("%q accepted as %+v", bad, o)
		}
	}
}

func overrideModel(t *testing.T, path string, kvHeads int) {
	const d = 256
	specs := []tensorSpec{{"token_embd.weight", []int64{d, 64}}, {"output.weight", []int64{d, 64}}}
	for l := range 4 {
		p := fmt.Sprintf("blk.%d.", l)
		specs = append(specs, tensorSpec{p + "attn_q.weight", []int64{d, d}}, tensorSpec{p + "attn_v.weight", []int64{d, d}},
			tensorSpec{p + "ffn_down.weight", []int64{d, d}}, tensorSpec{p + "attn_output.weight", []int64{d, d}})
	}
	writeModel(t, path, llamaMeta("llama", 4, d, d, 8, kvHeads, 0), specs, 13)
}

// Overrides land in the output where llama-quantize puts them: after the
// file type, in order (a key already there moves), before the imatrix keys.
func TestOverridesInOutput(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.gguf"), filepath.Join(dir, "out.gguf")
	overrideModel(t, in, 8)
	var ovs []KVOverride
	for _, s := range []string{"general.name=str:merged", "tokenizer.ggml.add_bos_token=bool:false", "llama.context_length=int:-4096", "x.y=float:0.5"} {
		o, err := ParseKVOverride(s)
		if err != nil {
			t.Fatal(err)
		}
		ovs = append(ovs, o)
	}
	im := &Imatrix{File: "calib.dat", ChunkCount: 3, entries: map[string][]float32{}}
	for l := range 4 {
		im.entries[fmt.Sprintf("blk.%d.attn_q.weight", l)] = slices.Repeat([]float32{1}, 256)
	}
	if _, err := QuantizeFile(context.Background(), in, out, Options{FileType: MostlyQ8_0, Overrides: ovs, Imatrix: im}); err != nil {
		t.Fatal(err)
	}
	m, err := gguf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	keys := m.Meta.Keys()
	want := []string{KeyQuantVersion, KeyFileType, "general.name", "tokenizer.ggml.add_bos_token", "llama.context_length", "x.y",
		KeyImatrixFile, KeyImatrixEntries, KeyImatrixChunks}
	if tail := keys[len(keys)-len(want):]; !slices.Equal(tail, want) {
		t.Errorf("metadata ends with %q, want %q", tail, want)
	}
	for _, o := range ovs {
		v, _ := m.Meta.Get(o.Key)
		if v.Type != o.Value.Type || fmt.Sprint(v.V) != fmt.Sprint(o.Value.V) {
			t.Errorf("%s = %+v, want %+v", o.Key, v, o.Value)
		}
	}
}

// The recipe sees the overridden hyperparameters, as llama.cpp's loader
// answers with them: overriding head_count_kv gives the tensor types of a
// model that has that value.
func TestOverridesSeenByRecipe(t *testing.T) {
	dir := t.TempDir()
	plain, gqa := filepath.Join(dir, "plain.gguf"), filepath.Join(dir, "gqa.gguf")
	overrideModel(t, plain, 8)
	overrideModel(t, gqa, 2)
	o, _ := ParseKVOverride("llama.attention.head_count_kv=int:2")
	differs := false
	for _, ft := range []FileType{MostlyQ2_K, MostlyQ3_K_M, MostlyQ4_K_M, MostlyQ5_K_S} {
		types := func(path string, ovs []KVOverride) []string {
			m, err := gguf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			j, err := Prepare(m, Options{FileType: ft, Overrides: ovs})
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, c := range j.Choices {
				s = append(s, c.Name+":"+c.Target.String())
			}
			return s
		}
		got, want, base := types(plain, []KVOverride{o}), types(gqa, nil), types(plain, nil)
		if !slices.Equal(got, want) {
			t.Errorf("%v: with the override %v, want the GQA model's %v", ft, got, want)
		}
		differs = differs || !slices.Equal(base, want)
	}
	if !differs {
		t.Fatal("head_count_kv changes no tensor type in these recipes: the test proves nothing")
	}
}
