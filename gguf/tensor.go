package gguf

import (
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/ggufmerge/ggufmerge/quant"
)

// MaxDims is GGML_MAX_DIMS: a tensor has at most four dimensions.
const MaxDims = 4

// MaxNameLen is the longest tensor name gguf.cpp accepts (GGML_MAX_NAME - 1).
const MaxNameLen = 63

// TensorInfo describes a tensor: name, ggml type and shape in ggml order
// (Shape[0] = ne0, the contiguous row length). The number of dimensions is
// kept as read (gguf-py keeps trailing 1s, gguf.cpp drops them), so writing
// it back reproduces the file.
type TensorInfo struct {
	Name  string
	Type  quant.Type
	Shape []int64
}

// Elements is the number of elements (1 for a 0-dimensional tensor).
func (t TensorInfo) Elements() int64 {
	n := int64(1)
	for _, ne := range t.Shape {
		n *= ne
	}
	return n
}

// RowLen is ne0, the number of elements in one row.
func (t TensorInfo) RowLen() int64 {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Shape[0]
}

// Rows is the number of rows (Elements / RowLen).
func (t TensorInfo) Rows() int64 {
	n := int64(1)
	for i := 1; i < len(t.Shape); i++ {
		n *= t.Shape[i]
	}
	return n
}

// RowBytes is the byte size of one row (0 if the row length is not a whole
// number of blocks; Check reports that).
func (t TensorInfo) RowBytes() int64 {
	n, err := t.Type.RowSize(t.RowLen())
	if err != nil {
		return 0
	}
	return n
}

// Size is the byte size of the tensor data (ggml_nbytes), without padding.
func (t TensorInfo) Size() int64 { return t.RowBytes() * t.Rows() }

// Check validates the info as gguf.cpp does when it reads one: name length,
// number of dimensions, non-negative dims, element count and byte size that
// fit int64, a known type and a row length that is a whole number of blocks.
func (t TensorInfo) Check() error {
	if p := t.problem(); p != "" {
		return fmt.Errorf("tensor %q: %s", t.Name, p)
	}
	return nil
}

// problem describes what is wrong with t, without naming it; "" if valid.
func (t TensorInfo) problem() string {
	if len(t.Name) > MaxNameLen {
		return fmt.Sprintf("name is %d bytes long, longer than ggml's limit of %d", len(t.Name), MaxNameLen)
	}
	if len(t.Shape) > MaxDims {
		return fmt.Sprintf("%d dimensions, ggml allows at most %d", len(t.Shape), MaxDims)
	}
	prod := uint64(1)
	for i, ne := range t.Shape {
		if ne < 0 {
			return fmt.Sprintf("dimension %d is negative (%d)", i, ne)
		}
		hi, lo := bits.Mul64(prod, uint64(ne))
		if hi != 0 || lo > math.MaxInt64 {
			return fmt.Sprintf("shape %v has too many elements", t.Shape)
		}
		prod = lo
	}
	if !t.Type.Valid() {
		return fmt.Sprintf("unknown or removed ggml type id %d", uint32(t.Type))
	}
	rowBytes, err := t.Type.RowSize(t.RowLen())
	if err != nil {
		return err.Error()
	}
	// Half of int64 leaves room for offsets and padding without overflow.
	hi, lo := bits.Mul64(uint64(rowBytes), uint64(t.Rows()))
	if hi != 0 || lo > math.MaxInt64/2 {
		return fmt.Sprintf("shape %v of type %s is too large", t.Shape, t.Type)
	}
	return ""
}

// ShapeString is the shape in ggml order, "ne0,ne1,…".
func (t TensorInfo) ShapeString() string {
	s := ""
	for i, ne := range t.Shape {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(ne)
	}
	return s
}

// Tensor is a tensor of an opened model: its info, the shard file it lives
// in and the absolute file offset of its first data byte.
type Tensor struct {
	TensorInfo
	Shard  int   // index into Model.Files
	Offset int64 // absolute offset of the data in Model.Files[Shard]

	r    io.ReaderAt
	file string
}

// ReadAt reads tensor bytes starting at off (relative to the tensor's first
// byte). Reads are bounded to Size(): a read reaching past the end returns
// the bytes that exist and io.EOF. Safe for concurrent use.
func (t *Tensor) ReadAt(p []byte, off int64) (int, error) {
	size := t.Size()
	if off < 0 {
		return 0, fmt.Errorf("%s: tensor %q: negative read offset %d", t.file, t.Name, off)
	}
	if off >= size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	short := false
	if int64(len(p)) > size-off {
		p = p[:size-off]
		short = true
	}
	n, err := t.r.ReadAt(p, t.Offset+off)
	if err != nil && !(err == io.EOF && n == len(p)) {
		return n, fmt.Errorf("%s: tensor %q: read at %d: %w", t.file, t.Name, off, err)
	}
	if short {
		return n, io.EOF
	}
	return n, nil
}

// Section returns an io.SectionReader over the tensor's bytes.
func (t *Tensor) Section() *io.SectionReader { return io.NewSectionReader(t.r, t.Offset, t.Size()) }

// File is the path of the shard that holds the tensor.
func (t *Tensor) File() string { return t.file }
