package recipe

import (
	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// Metadata keys llama-quantize writes.
const (
	KeyQuantVersion      = "general.quantization_version"
	KeyFileType          = "general.file_type"
	KeyImatrixFile       = "quantize.imatrix.file"
	KeyImatrixDataset    = "quantize.imatrix.dataset"
	KeyImatrixEntries    = "quantize.imatrix.entries_count"
	KeyImatrixChunks     = "quantize.imatrix.chunks_count"
	quantizationVersion  = 2   // GGML_QNT_VERSION
	overrideStringMaxLen = 127 // llama_model_kv_override.val_str holds 127 bytes and a NUL
)

// splitKeys are dropped: the output is one file.
var splitKeys = []string{"split.no", "split.count", "split.tensors.count"}

// OutputMetadata is the metadata llama-quantize writes for a file of type ft:
// the input pairs in input order, then general.quantization_version and
// general.file_type (moved to the end), without the split.* keys, then the
// quantize.imatrix.* keys when an importance matrix is used.
func OutputMetadata(in *gguf.Metadata, ft FileType, im *Imatrix, overrides []KVOverride) *gguf.Metadata {
	m := in.Clone()
	m.Set(KeyQuantVersion, gguf.U32(quantizationVersion))
	m.Set(KeyFileType, gguf.U32(uint32(ft)))
	for _, k := range splitKeys {
		m.Delete(k)
	}
	ApplyOverrides(m, overrides)
	if im.Len() == 0 {
		return m
	}
	m.Set(KeyImatrixFile, gguf.Str(cut(im.File, overrideStringMaxLen)))
	if len(im.Datasets) > 0 {
		m.Set(KeyImatrixDataset, gguf.Str(cut(im.Datasets[0], overrideStringMaxLen)))
	}
	m.Set(KeyImatrixEntries, gguf.U32(uint32(im.Len())))
	if im.ChunkCount > 0 {
		m.Set(KeyImatrixChunks, gguf.U32(uint32(im.ChunkCount)))
	}
	return m
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// CopyFileType is the file type COPY records: the input's general.file_type,
// or else the loader's guess from the most common tensor type (flagged
// Guessed), given the tensor types in loader order.
func CopyFileType(meta *gguf.Metadata, typesInLoaderOrder []quant.Type) FileType {
	if v, ok := meta.Uint32(KeyFileType); ok {
		return FileType(v)
	}
	if v, ok := meta.Int(KeyFileType); ok && v >= 0 { // llama.cpp insists on u32; keep the value anyway
		return FileType(v)
	}
	return guessFileType(typesInLoaderOrder)
}
