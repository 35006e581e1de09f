package recipe

import (
	"slices"
	"testing"
)

func TestPruneLayers(t *testing.T) {
	names := []string{"token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_up.weight", "blk.1.attn_q.weight",
		"blk.2.attn_q.weight", "blk.3.attn_q.weight", "blk.3.ffn_up.weight", "blk.10.attn_q.weight", "output.weight"}
	got, blocks := pruneLayers(names, []int{1, 3})
	want := []string{"token_embd.weight", "blk.0.attn_q.weight", "blk.0.ffn_up.weight", "", "blk.1.attn_q.weight",
		"", "", "blk.2.attn_q.weight", "output.weight"}
	if !slices.Equal(got, want) || blocks != 3 {
		t.Errorf("pruning 1,3: %q, %d blocks; want %q, 3", got, blocks, want)
	}
	got, blocks = pruneLayers(names, []int{0})
	if got[1] != "" || got[3] != "blk.0.attn_q.weight" || got[7] != "blk.3.attn_q.weight" || blocks != 4 {
		t.Errorf("pruning 0: %q, %d blocks", got, blocks)
	}
	// importance data follows the tensor, looked up under its old name
	im := &Imatrix{entries: map[string][]float32{"blk.2.attn_q.weight": {2}, "blk.1.attn_q.weight": {1}}}
	got, _ = pruneLayers(names, []int{1, 3})
	r := im.renamed(names, got)
	if v, ok := r.entries["blk.1.attn_q.weight"]; !ok || v[0] != 2 || len(r.entries) != 1 || im.Len() != 2 {
		t.Errorf("renamed imatrix %v (original %v)", r.entries, im.entries)
	}
}
