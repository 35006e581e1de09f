package recipe

import (
	"regexp"
	"slices"
	"strconv"
)

// blockNumber finds the first "blk.N." in a tensor name, as llama-quantize's
// pattern does.
var blockNumber = regexp.MustCompile(`blk\.(\d+)\.`)

// pruneLayers renumbers the blocks of names (in loader order) with the
// layers in prune removed, as llama-quantize --prune-layers does: a block
// below the first pruned one keeps its number, every later kept block takes
// the next free one, in the order the blocks are met. It returns each
// name's new name ("" for a pruned tensor) and the new block count.
func pruneLayers(names []string, prune []int) (renamed []string, blocks int) {
	mapped := map[int]int{} // old block -> new block, -1 when pruned
	next := 0
	renamed = make([]string, len(names))
	for i, name := range names {
		m := blockNumber.FindStringSubmatchIndex(name)
		if m == nil {
			renamed[i] = name
			continue
		}
		blk, err := strconv.Atoi(name[m[2]:m[3]])
		if err != nil {
			renamed[i] = name
			continue
		}
		to, seen := mapped[blk]
		if !seen {
			switch {
			case slices.Contains(prune, blk):
				to = -1
			case blk < prune[0]:
				to, next = blk, blk+1
			default:
				to = next
				next++
			}
			mapped[blk] = to
		}
		if to >= 0 {
			renamed[i] = name[:m[2]] + strconv.Itoa(to) + name[m[3]:]
		}
	}
	return renamed, next
}

// renamed is the importance matrix with entries under the new names of the
// tensors that pruning keeps (llama-quantize looks up each renamed tensor's
// data under its original name).
func (im *Imatrix) renamed(names, renamed []string) *Imatrix {
	if im == nil {
		return nil
	}
	out := *im
	out.entries = map[string][]float32{}
	for i, old := range names {
		if v, ok := im.entries[old]; ok && renamed[i] != "" {
			out.entries[renamed[i]] = v
		}
	}
	return &out
}
