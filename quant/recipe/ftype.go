// Package recipe reproduces llama-quantize: which tensors of a model are
// quantized, to which ggml type (the per-ftype "mixtures" such as Q4_K_M),
// the metadata it writes, how it reads importance matrices, and the whole-file
// pipeline. The reference is src/llama-quant.cpp and tools/quantize/quantize.cpp
// of the pinned llama.cpp; where that code and the written spec disagree,
// the code is followed.
//
// Whole files: QuantizeFile (or Prepare + Job.Run for a custom writer).
// Other producers of tensors (the merge executor) use the pieces:
//
//	mi, _ := recipe.ModelInfoFrom(meta)            // hyperparameters the rules read
//	choices, _ := recipe.Plan(mi, infos, opts)     // target type per tensor (infos in any order)
//	meta = recipe.OutputMetadata(meta, opts.FileType, opts.Imatrix, opts.Overrides)
//	order := recipe.LoaderOrder(names)             // llama-quantize's output tensor order
//	choices[i].QuantizeRows(dst, rows, firstRow)   // float32 rows -> target bytes, any goroutine
//
// Choice.Target is the type to write; Choice.Convert() is false when the
// tensor keeps its type (its bytes are copied; norms, 1-D tensors, ...).
package recipe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ggufmerge/ggufmerge/quant"
)

// FileType is a llama_ftype: the value stored in general.file_type. It is
// not ggml's own ggml_ftype enum, which numbers the same types differently.
type FileType uint32

// llama_ftype values (include/llama.h). Removed ids (4-6, 33-35) are absent.
const (
	AllF32       FileType = 0
	MostlyF16    FileType = 1
	MostlyQ4_0   FileType = 2
	MostlyQ4_1   FileType = 3
	MostlyQ8_0   FileType = 7
	MostlyQ5_0   FileType = 8
	MostlyQ5_1   FileType = 9
	MostlyQ2_K   FileType = 10
	MostlyQ3_K_S FileType = 11
	MostlyQ3_K_M FileType = 12
	MostlyQ3_K_L FileType = 13
	MostlyQ4_K_S FileType = 14
	MostlyQ4_K_M FileType = 15
	MostlyQ5_K_S FileType = 16
	MostlyQ5_K_M FileType = 17
	MostlyQ6_K   FileType = 18
	MostlyIQ2XXS FileType = 19
	MostlyIQ2XS  FileType = 20
	MostlyQ2_K_S FileType = 21
	MostlyIQ3XS  FileType = 22
	MostlyIQ3XXS FileType = 23
	MostlyIQ1S   FileType = 24
	MostlyIQ4NL  FileType = 25
	MostlyIQ3S   FileType = 26
	MostlyIQ3M   FileType = 27
	MostlyIQ2S   FileType = 28
	MostlyIQ2M   FileType = 29
	MostlyIQ4XS  FileType = 30
	MostlyIQ1M   FileType = 31
	MostlyBF16   FileType = 32
	MostlyTQ1_0  FileType = 36
	MostlyTQ2_0  FileType = 37
	MostlyMXFP4  FileType = 38 // MXFP4_MOE
	MostlyNVFP4  FileType = 39 // has no default type: llama-quantize cannot produce it
	MostlyQ1_0   FileType = 40
	MostlyQ2_0   FileType = 41

	// Guessed is or-ed into the loader's file type when general.file_type is
	// absent; COPY writes it through unchanged, as llama-quantize does.
	Guessed FileType = 1024
)

// noType marks "no default tensor type" in the table below.
const noType = quant.TypeCount

type ftypeInfo struct {
	def  quant.Type // llama_ftype_get_default_type
	name string     // llama_ftype_name (without the "(guessed) " prefix)
}

var ftypes = map[FileType]ftypeInfo{
	AllF32:       {quant.F32, "all F32"},
	MostlyF16:    {quant.F16, "F16"},
	MostlyQ4_0:   {quant.Q4_0, "Q4_0"},
	MostlyQ4_1:   {quant.Q4_1, "Q4_1"},
	MostlyQ8_0:   {quant.Q8_0, "Q8_0"},
	MostlyQ5_0:   {quant.Q5_0, "Q5_0"},
	MostlyQ5_1:   {quant.Q5_1, "Q5_1"},
	MostlyQ2_K:   {quant.Q2_K, "Q2_K - Medium"},
	MostlyQ3_K_S: {quant.Q3_K, "Q3_K - Small"},
	MostlyQ3_K_M: {quant.Q3_K, "Q3_K - Medium"},
	MostlyQ3_K_L: {quant.Q3_K, "Q3_K - Large"},
	MostlyQ4_K_S: {quant.Q4_K, "Q4_K - Small"},
	MostlyQ4_K_M: {quant.Q4_K, "Q4_K - Medium"},
	MostlyQ5_K_S: {quant.Q5_K, "Q5_K - Small"},
	MostlyQ5_K_M: {quant.Q5_K, "Q5_K - Medium"},
	MostlyQ6_K:   {quant.Q6_K, "Q6_K"},
	MostlyIQ2XXS: {quant.IQ2_XXS, "IQ2_XXS - 2.0625 bpw"},
	MostlyIQ2XS:  {quant.IQ2_XS, "IQ2_XS - 2.3125 bpw"},
	MostlyQ2_K_S: {quant.Q2_K, "Q2_K - Small"},
	MostlyIQ3XS:  {quant.IQ3_S, "IQ3_XS - 3.3 bpw"},
	MostlyIQ3XXS: {quant.IQ3_XXS, "IQ3_XXS - 3.0625 bpw"},
	MostlyIQ1S:   {quant.IQ1_S, "IQ1_S - 1.5625 bpw"},
	MostlyIQ4NL:  {quant.IQ4_NL, "IQ4_NL - 4.5 bpw"},
	MostlyIQ3S:   {quant.IQ3_S, "IQ3_S - 3.4375 bpw"},
	MostlyIQ3M:   {quant.IQ3_S, "IQ3_S mix - 3.66 bpw"},
	MostlyIQ2S:   {quant.IQ2_XS, "IQ2_S - 2.5 bpw"}, // IQ2_XS is what llama.cpp returns (sic)
	MostlyIQ2M:   {quant.IQ2_S, "IQ2_M - 2.7 bpw"},
	MostlyIQ4XS:  {quant.IQ4_XS, "IQ4_XS - 4.25 bpw"},
	MostlyIQ1M:   {quant.IQ1_M, "IQ1_M - 1.75 bpw"},
	MostlyBF16:   {quant.BF16, "BF16"},
	MostlyTQ1_0:  {quant.TQ1_0, "TQ1_0 - 1.69 bpw ternary"},
	MostlyTQ2_0:  {quant.TQ2_0, "TQ2_0 - 2.06 bpw ternary"},
	MostlyMXFP4:  {quant.MXFP4, "MXFP4 MoE"},
	MostlyNVFP4:  {noType, "NVFP4"},
	MostlyQ1_0:   {quant.Q1_0, "Q1_0"},
	MostlyQ2_0:   {quant.Q2_0, "Q2_0"},
}

// cliNames are the llama-quantize type names in its QUANT_OPTIONS order;
// aliases map to the same file type. COPY is handled by ParseFileType.
var cliNames = []struct {
	name string
	ft   FileType
}{
	{"Q1_0", MostlyQ1_0}, {"Q2_0", MostlyQ2_0}, {"Q4_0", MostlyQ4_0}, {"Q4_1", MostlyQ4_1},
	{"MXFP4_MOE", MostlyMXFP4}, {"Q5_0", MostlyQ5_0}, {"Q5_1", MostlyQ5_1},
	{"IQ2_XXS", MostlyIQ2XXS}, {"IQ2_XS", MostlyIQ2XS}, {"IQ2_S", MostlyIQ2S}, {"IQ2_M", MostlyIQ2M},
	{"IQ1_S", MostlyIQ1S}, {"IQ1_M", MostlyIQ1M}, {"TQ1_0", MostlyTQ1_0}, {"TQ2_0", MostlyTQ2_0},
	{"Q2_K", MostlyQ2_K}, {"Q2_K_S", MostlyQ2_K_S}, {"IQ3_XXS", MostlyIQ3XXS}, {"IQ3_S", MostlyIQ3S},
	{"IQ3_M", MostlyIQ3M}, {"Q3_K", MostlyQ3_K_M}, {"IQ3_XS", MostlyIQ3XS}, {"Q3_K_S", MostlyQ3_K_S},
	{"Q3_K_M", MostlyQ3_K_M}, {"Q3_K_L", MostlyQ3_K_L}, {"IQ4_NL", MostlyIQ4NL}, {"IQ4_XS", MostlyIQ4XS},
	{"Q4_K", MostlyQ4_K_M}, {"Q4_K_S", MostlyQ4_K_S}, {"Q4_K_M", MostlyQ4_K_M}, {"Q5_K", MostlyQ5_K_M},
	{"Q5_K_S", MostlyQ5_K_S}, {"Q5_K_M", MostlyQ5_K_M}, {"Q6_K", MostlyQ6_K}, {"Q8_0", MostlyQ8_0},
	{"F16", MostlyF16}, {"BF16", MostlyBF16}, {"F32", AllF32},
}

// DefaultType is the tensor type a file type quantizes to before the
// per-tensor rules (llama_ftype_get_default_type); ok is false for ids
// llama-quantize rejects ("invalid output file type").
func (f FileType) DefaultType() (t quant.Type, ok bool) {
	info, found := ftypes[f]
	if !found || info.def == noType {
		return 0, false
	}
	return info.def, true
}

// String is llama.cpp's description (llama_ftype_name), e.g. "Q4_K - Medium".
func (f FileType) String() string {
	prefix := ""
	if f&Guessed != 0 {
		prefix = "(guessed) "
	}
	if info, ok := ftypes[f&^Guessed]; ok {
		return prefix + info.name
	}
	return prefix + "unknown, may not work"
}

// Name is the canonical llama-quantize CLI name ("Q4_K_M", "F32"), or the
// number when the id has none.
func (f FileType) Name() string {
	for _, c := range cliNames {
		// the aliases Q3_K/Q4_K/Q5_K come before their canonical names in
		// cliNames, so prefer a name with a size suffix
		if c.ft == f && !isAlias(c.name) {
			return c.name
		}
	}
	return strconv.FormatUint(uint64(f), 10)
}

func isAlias(name string) bool { return name == "Q3_K" || name == "Q4_K" || name == "Q5_K" }

// ParseFileType accepts what llama-quantize accepts as its type argument: a
// name from its list in any case (Q4_K_M, q4_k = Q4_K_M, COPY) or a llama_ftype
// number listed there. copyOnly is true for COPY (file type AllF32, tensors
// copied verbatim).
func ParseFileType(s string) (ft FileType, copyOnly bool, err error) {
	if strings.EqualFold(s, "COPY") {
		return AllF32, true, nil
	}
	for _, c := range cliNames {
		if strings.EqualFold(c.name, s) {
			return c.ft, false, nil
		}
	}
	if n, perr := strconv.ParseUint(strings.TrimSpace(s), 10, 32); perr == nil {
		for _, c := range cliNames {
			if uint64(c.ft) == n {
				return c.ft, false, nil
			}
		}
	}
	return 0, false, fmt.Errorf("unknown quantization type %q (try Q4_K_M, Q8_0, IQ4_XS, F16, COPY; see 'ggufmerge quantize --help')", s)
}

// FileTypeNames lists the accepted type names (canonical names, then COPY).
func FileTypeNames() []string {
	var out []string
	for _, c := range cliNames {
		if !isAlias(c.name) {
			out = append(out, c.name)
		}
	}
	return append(out, "COPY")
}

// guessFileType is the loader's guess when general.file_type is absent: the
// most frequent tensor type (the first to reach the top count, visiting
// tensors in loader order) mapped to a file type, or'ed with Guessed.
func guessFileType(types []quant.Type) FileType {
	count := map[quant.Type]int{}
	best, bestN := quant.F32, 0
	for _, t := range types {
		count[t]++
		if count[t] > bestN {
			best, bestN = t, count[t]
		}
	}
	ft, ok := typeToFileType[best]
	if !ok {
		ft = AllF32
	}
	return ft | Guessed
}

// typeToFileType is the loader's mapping from the dominant tensor type.
var typeToFileType = map[quant.Type]FileType{
	quant.F32: AllF32, quant.F16: MostlyF16, quant.BF16: MostlyBF16,
	quant.Q4_0: MostlyQ4_0, quant.Q4_1: MostlyQ4_1, quant.Q5_0: MostlyQ5_0, quant.Q5_1: MostlyQ5_1,
	quant.Q8_0: MostlyQ8_0, quant.Q2_K: MostlyQ2_K, quant.Q3_K: MostlyQ3_K_M, quant.Q4_K: MostlyQ4_K_M,
	quant.Q5_K: MostlyQ5_K_M, quant.Q6_K: MostlyQ6_K, quant.TQ1_0: MostlyTQ1_0, quant.TQ2_0: MostlyTQ2_0,
	quant.IQ2_XXS: MostlyIQ2XXS, quant.IQ2_XS: MostlyIQ2XS, quant.IQ2_S: MostlyIQ2S,
	quant.IQ3_XXS: MostlyIQ3XXS, quant.IQ1_S: MostlyIQ1S, quant.IQ1_M: MostlyIQ1M,
	quant.IQ4_NL: MostlyIQ4NL, quant.IQ4_XS: MostlyIQ4XS, quant.IQ3_S: MostlyIQ3S,
	quant.NVFP4: MostlyNVFP4, quant.Q1_0: MostlyQ1_0, quant.Q2_0: MostlyQ2_0,
}
