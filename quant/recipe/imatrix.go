package recipe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/ggufmerge/ggufmerge/gguf"
	"github.com/ggufmerge/ggufmerge/quant"
)

// Imatrix is an importance matrix as llama-quantize uses it: per weight
// tensor, one importance value per column (per expert for 3-D tensors),
// already normalized (sum of squared activations / count).
type Imatrix struct {
	File       string   // path as given (recorded in quantize.imatrix.file)
	Datasets   []string // names of the calibration datasets
	ChunkCount int      // chunks the statistics were collected over (0 = unknown)
	Legacy     bool     // read from the legacy .dat format

	entries map[string][]float32
}

// Len is the number of tensors with importance data.
func (im *Imatrix) Len() int {
	if im == nil {
		return 0
	}
	return len(im.entries)
}

// Names lists the tensor names with importance data, sorted.
func (im *Imatrix) Names() []string {
	out := make([]string, 0, len(im.entries))
	for n := range im.entries {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns the importance values of a tensor (ne0 × experts).
func (im *Imatrix) Get(name string) ([]float32, bool) {
	v, ok := im.entries[name]
	return v, ok
}

// Filter keeps only entries whose name contains one of include (when
// given), after dropping those containing one of exclude, like
// llama-quantize's --include-weights / --exclude-weights.
func (im *Imatrix) Filter(include, exclude []string) {
	for name := range im.entries {
		if containsAny(name, exclude) || (len(include) > 0 && !containsAny(name, include)) {
			delete(im.entries, name)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// maxImatrixValues bounds one entry (2^31 floats, far above any real model
// row times experts) so a corrupt length cannot allocate without limit.
const maxImatrixValues = 1 << 31

// LoadImatrix reads an importance matrix written by llama-imatrix: the GGUF
// format (<name>.in_sum2 and <name>.counts tensors) or, for any file that is
// not GGUF, the legacy .dat format. Values are normalized as llama-quantize
// does; Plan rejects non-finite ones.
func LoadImatrix(path string) (*Imatrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imatrix: %w", err)
	}
	var magic [4]byte
	_, merr := io.ReadFull(f, magic[:])
	f.Close()
	var im *Imatrix
	if merr == nil && string(magic[:]) == "GGUF" {
		im, err = loadImatrixGGUF(path)
	} else {
		im, err = loadImatrixLegacy(path)
	}
	if err != nil {
		return nil, err
	}
	im.File = path
	return im, nil
}

// check rejects non-finite values, as llama-quantize does for the entries
// it keeps (after --include/--exclude-weights).
func (im *Imatrix) check() error {
	for _, name := range im.Names() {
		for _, v := range im.entries[name] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("imatrix %s: entry %s contains a non-finite value %v", im.File, name, v)
			}
		}
	}
	return nil
}

// loadImatrixLegacy parses the .dat format: i32 n_entries, then per entry
// i32 name length, name, i32 ncall, i32 nval, nval f32 (sum/count·ncall);
// optionally i32 chunk count, i32 length and the dataset name.
func loadImatrixLegacy(path string) (*Imatrix, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("imatrix: %w", err)
	}
	return parseLegacy(path, data)
}

func parseLegacy(path string, data []byte) (*Imatrix, error) {
	r := &datReader{b: data}
	bad := func(what string, i int) error {
		return fmt.Errorf("imatrix %s: not a GGUF file, and as a legacy .dat file: %s of entry %d is missing or invalid", path, what, i+1)
	}
	n, ok := r.i32()
	if !ok || n < 1 {
		return nil, fmt.Errorf("imatrix %s: no data (not a GGUF file, and as a legacy .dat file it has no entries)", path)
	}
	im := &Imatrix{Legacy: true, entries: map[string][]float32{}}
	for i := 0; i < int(n); i++ {
		ln, ok := r.i32()
		if !ok || ln < 0 {
			return nil, bad("name length", i)
		}
		name, ok := r.bytes(int(ln))
		if !ok {
			return nil, bad("name", i)
		}
		ncall, ok1 := r.i32()
		nval, ok2 := r.i32()
		if !ok1 || !ok2 || nval < 1 {
			return nil, bad("value count", i)
		}
		raw, ok := r.bytes(4 * int(nval))
		if !ok {
			return nil, bad("values", i)
		}
		vals := make([]float32, nval)
		for j := range vals {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
			if ncall > 0 { // stored values are mean·ncall
				v /= float32(ncall)
			}
			vals[j] = v
		}
		im.entries[cString(name)] = vals
	}
	// optional trailer; a truncated one keeps what was read, as llama.cpp does
	if r.left() > 0 {
		chunks, _ := r.i32()
		im.ChunkCount = int(chunks)
		if ln, ok := r.i32(); ok && ln > 0 {
			if ds, ok := r.bytes(int(ln)); ok {
				im.Datasets = []string{cString(ds)}
			}
		}
	}
	return im, nil
}

// cString cuts at the first NUL, as a C string read from the file would be.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

type datReader struct {
	b   []byte
	off int
}

func (r *datReader) left() int { return len(r.b) - r.off }

func (r *datReader) i32() (int32, bool) {
	if r.left() < 4 {
		r.off = len(r.b)
		return 0, false
	}
	v := int32(binary.LittleEndian.Uint32(r.b[r.off:]))
	r.off += 4
	return v, true
}

func (r *datReader) bytes(n int) ([]byte, bool) {
	if n < 0 || n > r.left() {
		r.off = len(r.b)
		return nil, false
	}
	b := r.b[r.off : r.off+n]
	r.off += n
	return b, true
}

// loadImatrixGGUF reads the GGUF format: imatrix.datasets (string array),
// imatrix.chunk_count and imatrix.chunk_size (u32), and per weight the F32
// tensors <name>.in_sum2 [ne0, n_mat] and <name>.counts [1, n_mat].
// Importance = in_sum2 / round(count) per matrix, 1 where the count is 0.
func loadImatrixGGUF(path string) (*Imatrix, error) {
	m, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imatrix: %w", err)
	}
	defer m.Close()
	if len(m.Tensors) == 0 {
		return nil, fmt.Errorf("imatrix %s: no data (the GGUF file has no tensors)", path)
	}
	im := &Imatrix{entries: map[string][]float32{}}
	if err := im.readGGUFMeta(path, m.Meta); err != nil {
		return nil, err
	}
	type pair struct{ sums, counts *gguf.Tensor }
	pairs := map[string]*pair{}
	get := func(name string) *pair {
		if pairs[name] == nil {
			pairs[name] = &pair{}
		}
		return pairs[name]
	}
	for _, t := range m.Tensors {
		if base, ok := strings.CutSuffix(t.Name, ".in_sum2"); ok {
			get(base).sums = t
		} else if base, ok := strings.CutSuffix(t.Name, ".counts"); ok {
			get(base).counts = t
		}
	}
	for name, p := range pairs {
		if p.sums == nil || p.counts == nil {
			return nil, fmt.Errorf("imatrix %s: %s has sums without counts or counts without sums", path, name)
		}
		vals, err := normalizeEntry(p.sums, p.counts)
		if err != nil {
			return nil, fmt.Errorf("imatrix %s: %s: %w", path, name, err)
		}
		im.entries[name] = vals
	}
	return im, nil
}

// readGGUFMeta requires the three keys llama-quantize requires ("missing
// imatrix metadata").
func (im *Imatrix) readGGUFMeta(path string, meta *gguf.Metadata) error {
	for _, k := range []string{"imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"} {
		if !meta.Has(k) {
			return fmt.Errorf("imatrix %s: missing imatrix metadata (%s); is this an imatrix file?", path, k)
		}
	}
	if ds, ok := meta.Strings("imatrix.datasets"); ok {
		im.Datasets = append([]string(nil), ds...)
	}
	cc, ok := meta.Uint32("imatrix.chunk_count")
	if !ok {
		return fmt.Errorf("imatrix %s: imatrix.chunk_count is not a u32", path)
	}
	if _, ok := meta.Uint32("imatrix.chunk_size"); !ok {
		return fmt.Errorf("imatrix %s: imatrix.chunk_size is not a u32", path)
	}
	im.ChunkCount = int(int32(cc)) // llama-quantize keeps it in an int
	return nil
}

// normalizeEntry turns raw sums and counts into per-column importance.
func normalizeEntry(sums, counts *gguf.Tensor) ([]float32, error) {
	if sums.Type != quant.F32 || counts.Type != quant.F32 {
		return nil, errors.New("sums and counts must be F32")
	}
	ns, nc := sums.Elements(), counts.Elements()
	if nc == 0 || ns%nc != 0 || ns > maxImatrixValues {
		return nil, fmt.Errorf("%d sums do not split into %d matrices", ns, nc)
	}
	s, err := readF32(sums, ns)
	if err != nil {
		return nil, err
	}
	c, err := readF32(counts, nc)
	if err != nil {
		return nil, err
	}
	ne0 := ns / nc
	for j := int64(0); j < nc; j++ {
		cv := float64(c[j])
		if math.IsNaN(cv) || math.IsInf(cv, 0) {
			return nil, fmt.Errorf("count %d is not finite", j)
		}
		cnt := float32(math.Round(cv)) // std::lround, then back to float
		row := s[j*ne0 : (j+1)*ne0]
		for i := range row {
			if cnt > 0 {
				row[i] /= cnt
			} else {
				row[i] = 1
			}
		}
	}
	return s, nil
}

func readF32(t *gguf.Tensor, n int64) ([]float32, error) {
	raw := make([]byte, 4*n)
	if _, err := t.ReadAt(raw, 0); err != nil {
		return nil, err
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out, nil
}

// forTensor returns the importance values for a tensor that is being
// converted: nil when the matrix has no entry for it; an error when the
// entry's length does not match ne0·ne2 (except for token embeddings, which
// llama-quantize then quantizes without weights).
func (im *Imatrix) forTensor(t gguf.TensorInfo) ([]float32, error) {
	v, ok := im.entries[t.Name]
	if !ok {
		return nil, nil
	}
	want := t.RowLen() * dim(t.Shape, 2)
	if int64(len(v)) != want {
		if isTokenEmbd(t.Name) {
			return nil, nil
		}
		return nil, fmt.Errorf("tensor %q: importance matrix entry has %d values, the tensor needs %d (row length %d × %d experts); was it computed for another model?",
			t.Name, len(v), want, t.RowLen(), dim(t.Shape, 2))
	}
	return v, nil
}

// dim is shape[i], 1 when the tensor has fewer dimensions.
func dim(shape []int64, i int) int64 {
	if i < len(shape) {
		return shape[i]
	}
	return 1
}
