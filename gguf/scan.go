package gguf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/ggufmerge/ggufmerge/quant"
)

// This file is our own bounded GGUF header scanner. It is the source of the
// metadata values and the validation gate in front of gguf-parser-go (see
// parserlib.go for what the library does and why it cannot be trusted with
// raw input or with metadata values): every count and length is checked
// against the bytes left in the file before anything is allocated from it,
// and every rule gguf.cpp applies in gguf_init_from_reader is applied here.

// Limits from gguf.cpp.
const (
	maxStringLen     = 1 << 30 // GGUF_MAX_STRING_LENGTH
	maxArrayElements = 1 << 30 // GGUF_MAX_ARRAY_ELEMENTS
	// DefaultAlignment is GGUF_DEFAULT_ALIGNMENT.
	DefaultAlignment = 32
	// AlignmentKey holds the data alignment (u32, power of two).
	AlignmentKey = "general.alignment"
)

var magic = [4]byte{'G', 'G', 'U', 'F'}

// FormatError reports a malformed or unsupported file.
type FormatError struct {
	File   string
	Tensor string // set when the problem is in one tensor
	Offset int64  // byte offset where the problem was found, -1 if none
	Msg    string
}

func (e *FormatError) Error() string {
	s := e.File + ": "
	if e.Tensor != "" {
		s += fmt.Sprintf("tensor %q: ", e.Tensor)
	}
	if e.Offset >= 0 {
		s += fmt.Sprintf("at byte %d: ", e.Offset)
	}
	return s + e.Msg
}

// header is what the scan of one file yields.
type header struct {
	version   uint32
	meta      *Metadata
	infos     []TensorInfo
	offsets   []int64 // as stored: relative to the data section
	alignment int64
	dataStart int64 // absolute offset of the data section
	infoEnd   int64 // end of the tensor infos (before padding)
	size      int64 // file size
}

// scanner reads little-endian values, never past size.
type scanner struct {
	br   *bufio.Reader
	pos  int64
	size int64
	file string
	err  error
}

// errTruncated marks reads past the end of the file.
var errTruncated = errors.New("file is truncated")

func (s *scanner) fail(off int64, format string, a ...any) {
	if s.err == nil {
		s.err = &FormatError{File: s.file, Offset: off, Msg: fmt.Sprintf(format, a...)}
	}
}

func (s *scanner) remaining() int64 { return s.size - s.pos }

// bytes reads n bytes into a fresh slice; n is checked against the file.
func (s *scanner) bytes(n int64, what string) []byte {
	if s.err != nil {
		return nil
	}
	if n < 0 || n > s.remaining() {
		s.fail(s.pos, "%s: needs %d bytes but only %d remain (%v)", what, n, s.remaining(), errTruncated)
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(s.br, b); err != nil {
		s.fail(s.pos, "%s: %v", what, err)
		return nil
	}
	s.pos += n
	return b
}

// fixed reads n ≤ 8 bytes without allocating.
func (s *scanner) fixed(n int, what string) []byte {
	var buf [8]byte
	if s.err != nil {
		return buf[:n]
	}
	if int64(n) > s.remaining() {
		s.fail(s.pos, "%s: needs %d bytes but only %d remain (%v)", what, n, s.remaining(), errTruncated)
		return buf[:n]
	}
	if _, err := io.ReadFull(s.br, buf[:n]); err != nil {
		s.fail(s.pos, "%s: %v", what, err)
	}
	s.pos += int64(n)
	return buf[:n]
}

func (s *scanner) u32(what string) uint32 { return le.Uint32(s.fixed(4, what)) }
func (s *scanner) u64(what string) uint64 { return le.Uint64(s.fixed(8, what)) }

func (s *scanner) str(what string) string {
	start := s.pos
	n := s.u64(what + " length")
	if s.err != nil {
		return ""
	}
	if n > maxStringLen {
		s.fail(start, "%s: string length %d exceeds gguf's limit of %d", what, n, maxStringLen)
		return ""
	}
	if n > uint64(s.remaining()) {
		s.fail(start, "%s: string length %d exceeds the %d bytes left in the file", what, n, s.remaining())
		return ""
	}
	return string(s.bytes(int64(n), what))
}

// scanHeader reads and validates the header, metadata and tensor infos of
// one GGUF file of the given size.
func scanHeader(r io.ReaderAt, size int64, file string) (*header, error) {
	s := &scanner{br: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 1<<16), size: size, file: file}
	h := &header{size: size, meta: &Metadata{}}
	if err := s.readPreamble(h); err != nil {
		return nil, err
	}
	nTensors, nKV := s.u64("tensor count"), s.u64("metadata count")
	if s.err != nil {
		return nil, s.err
	}
	// Smallest possible KV: 8-byte key length, 1-byte key, type, 1-byte value.
	if nKV > uint64(s.remaining()/14) {
		return nil, &FormatError{File: file, Offset: 16, Msg: fmt.Sprintf("metadata count %d is impossible in a file of %d bytes", nKV, size)}
	}
	// Smallest tensor info: name length, n_dims, type, offset.
	if nTensors > uint64(s.remaining()/24) {
		return nil, &FormatError{File: file, Offset: 8, Msg: fmt.Sprintf("tensor count %d is impossible in a file of %d bytes", nTensors, size)}
	}
	for i := uint64(0); i < nKV && s.err == nil; i++ {
		s.readKV(h.meta, i)
	}
	if s.err != nil {
		return nil, s.err
	}
	align, err := alignmentOf(h.meta)
	if err != nil {
		return nil, &FormatError{File: file, Offset: -1, Msg: err.Error()}
	}
	h.alignment = align
	if err := s.readTensorInfos(h, int(nTensors)); err != nil {
		return nil, err
	}
	return h, h.layout(file)
}

func (s *scanner) readPreamble(h *header) error {
	m := s.fixed(4, "magic")
	if s.err != nil {
		return s.err
	}
	if string(m) == "FUGG" {
		return &FormatError{File: s.file, Offset: 0, Msg: "byte-swapped magic \"FUGG\": a big-endian file; only little-endian GGUF files are supported"}
	}
	if [4]byte(m) != magic {
		return &FormatError{File: s.file, Offset: 0, Msg: fmt.Sprintf("not a GGUF file (magic %q, want \"GGUF\")", m)}
	}
	v := s.u32("version")
	if s.err != nil {
		return s.err
	}
	switch {
	case v == 0:
		return &FormatError{File: s.file, Offset: 4, Msg: "invalid GGUF version 0"}
	case v&0xFFFF == 0:
		return &FormatError{File: s.file, Offset: 4, Msg: fmt.Sprintf("version field 0x%08x: this is a big-endian GGUF file; only little-endian files are supported", v)}
	case v == 1:
		return &FormatError{File: s.file, Offset: 4, Msg: "GGUF version 1 is no longer supported (llama.cpp refuses it too); convert the model again"}
	case v > 3:
		return &FormatError{File: s.file, Offset: 4, Msg: fmt.Sprintf("unsupported GGUF version %d (supported: 2 and 3)", v)}
	}
	h.version = v
	return nil
}

func (s *scanner) readKV(m *Metadata, i uint64) {
	start := s.pos
	key := s.str(fmt.Sprintf("metadata key #%d", i))
	if s.err != nil {
		return
	}
	if key == "" {
		s.fail(start, "metadata key #%d is empty", i)
		return
	}
	if m.Has(key) {
		s.fail(start, "duplicate metadata key %q", key)
		return
	}
	tpos := s.pos
	t := ValueType(s.u32("value type of " + key))
	if s.err != nil {
		return
	}
	var v Value
	switch {
	case t == Array:
		v = s.readArray(key)
	case t.validScalar():
		v = Value{Type: t, V: s.scalar(t, key)}
	default:
		s.fail(tpos, "metadata key %q has invalid value type %d", key, uint32(t))
	}
	if s.err == nil {
		m.Set(key, v)
	}
}

func (s *scanner) scalar(t ValueType, key string) any {
	switch t {
	case Uint8:
		return s.fixed(1, key)[0]
	case Int8:
		return int8(s.fixed(1, key)[0])
	case Uint16:
		return le.Uint16(s.fixed(2, key))
	case Int16:
		return int16(le.Uint16(s.fixed(2, key)))
	case Uint32:
		return s.u32(key)
	case Int32:
		return int32(s.u32(key))
	case Float32:
		return math.Float32frombits(s.u32(key))
	case Boolean:
		return s.fixed(1, key)[0] != 0 // gguf.cpp: int8 != 0
	case String:
		return s.str("value of " + key)
	case Uint64:
		return s.u64(key)
	case Int64:
		return int64(s.u64(key))
	case Float64:
		return math.Float64frombits(s.u64(key))
	}
	return nil
}

func (s *scanner) readArray(key string) Value {
	start := s.pos
	elem := ValueType(s.u32("array type of " + key))
	n := s.u64("array length of " + key)
	if s.err != nil {
		return Value{}
	}
	if !elem.validScalar() {
		s.fail(start, "metadata key %q: invalid array element type %d", key, uint32(elem))
		return Value{}
	}
	minSize := elem.size()
	if elem == String {
		minSize = 8
	}
	if n > maxArrayElements {
		s.fail(start, "metadata key %q: array of %d elements exceeds gguf's limit of %d", key, n, maxArrayElements)
		return Value{}
	}
	if n*uint64(minSize) > uint64(s.remaining()) {
		s.fail(start, "metadata key %q: array of %d %s needs more than the %d bytes left in the file", key, n, elem, s.remaining())
		return Value{}
	}
	if elem == String {
		return StrArray(s.stringArray(key, int(n)))
	}
	raw := s.bytes(int64(n)*minSize, "array "+key)
	if s.err != nil {
		return Value{}
	}
	return Value{Type: Array, Elem: elem, V: decodeNumbers(elem, raw, int(n))}
}

func (s *scanner) stringArray(key string, n int) []string {
	// Grow as strings are actually read rather than trusting n up front:
	// a hostile count cannot make us reserve more than we have read.
	out := make([]string, 0, min(n, 1<<16))
	for i := 0; i < n && s.err == nil; i++ {
		out = append(out, s.str(key))
	}
	return out
}

// decodeNumbers turns n little-endian elements of type t into a typed slice.
func decodeNumbers(t ValueType, b []byte, n int) any {
	switch t {
	case Uint8:
		return b
	case Int8:
		return mapSlice(n, func(i int) int8 { return int8(b[i]) })
	case Boolean:
		return mapSlice(n, func(i int) bool { return b[i] != 0 })
	case Uint16:
		return mapSlice(n, func(i int) uint16 { return le.Uint16(b[2*i:]) })
	case Int16:
		return mapSlice(n, func(i int) int16 { return int16(le.Uint16(b[2*i:])) })
	case Uint32:
		return mapSlice(n, func(i int) uint32 { return le.Uint32(b[4*i:]) })
	case Int32:
		return mapSlice(n, func(i int) int32 { return int32(le.Uint32(b[4*i:])) })
	case Float32:
		return mapSlice(n, func(i int) float32 { return math.Float32frombits(le.Uint32(b[4*i:])) })
	case Uint64:
		return mapSlice(n, func(i int) uint64 { return le.Uint64(b[8*i:]) })
	case Int64:
		return mapSlice(n, func(i int) int64 { return int64(le.Uint64(b[8*i:])) })
	case Float64:
		return mapSlice(n, func(i int) float64 { return math.Float64frombits(le.Uint64(b[8*i:])) })
	}
	return nil
}

func mapSlice[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// alignmentOf returns general.alignment (must be a u32 power of two) or 32.
func alignmentOf(m *Metadata) (int64, error) {
	v, ok := m.Get(AlignmentKey)
	if !ok {
		return DefaultAlignment, nil
	}
	if v.Type != Uint32 {
		return 0, fmt.Errorf("%s must be of type u32 but is %s", AlignmentKey, v.TypeName())
	}
	a := v.V.(uint32)
	if a == 0 || a&(a-1) != 0 {
		return 0, fmt.Errorf("%s = %d is not a power of two", AlignmentKey, a)
	}
	return int64(a), nil
}

func (s *scanner) readTensorInfos(h *header, n int) error {
	names := make(map[string]bool, min(n, 1<<16))
	for i := 0; i < n; i++ {
		start := s.pos
		ti, off := s.readTensorInfo(i)
		if s.err != nil {
			return s.err
		}
		if names[ti.Name] {
			return &FormatError{File: s.file, Tensor: ti.Name, Offset: start, Msg: "duplicate tensor name"}
		}
		names[ti.Name] = true
		if p := ti.problem(); p != "" {
			return &FormatError{File: s.file, Tensor: ti.Name, Offset: start, Msg: p}
		}
		h.infos = append(h.infos, ti)
		h.offsets = append(h.offsets, off)
	}
	h.infoEnd = s.pos
	return nil
}

func (s *scanner) readTensorInfo(i int) (TensorInfo, int64) {
	var ti TensorInfo
	start := s.pos
	ti.Name = s.str(fmt.Sprintf("name of tensor #%d", i))
	nd := s.u32("number of dimensions")
	if s.err != nil {
		return ti, 0
	}
	if nd > MaxDims {
		s.err = &FormatError{File: s.file, Tensor: ti.Name, Offset: start, Msg: fmt.Sprintf("%d dimensions, ggml allows at most %d", nd, MaxDims)}
		return ti, 0
	}
	ti.Shape = make([]int64, nd)
	for j := range ti.Shape {
		ti.Shape[j] = int64(s.u64("dimension"))
	}
	ti.Type = quant.Type(s.u32("tensor type"))
	offPos := s.pos
	off := s.u64("tensor data offset")
	if s.err == nil && off > math.MaxInt64/2 {
		s.err = &FormatError{File: s.file, Tensor: ti.Name, Offset: offPos, Msg: fmt.Sprintf("data offset %d is impossible", off)}
	}
	return ti, int64(off)
}

// layout finds the data section and checks that the offsets are exactly
// what gguf.cpp requires (contiguous, in info order, each tensor padded to
// the alignment) and that every tensor's bytes are inside the file.
func (h *header) layout(file string) error {
	h.dataStart = h.infoEnd
	if len(h.infos) > 0 {
		h.dataStart = pad(h.infoEnd, h.alignment)
		if h.dataStart > h.size {
			return &FormatError{File: file, Offset: h.infoEnd, Msg: fmt.Sprintf("file ends (%d bytes) before the data section at %d", h.size, h.dataStart)}
		}
	}
	want := int64(0)
	for i, ti := range h.infos {
		if h.offsets[i] != want {
			return &FormatError{File: file, Tensor: ti.Name, Offset: -1, Msg: fmt.Sprintf(
				"data offset %d, but gguf requires %d (tensors contiguous in info order, each padded to %d bytes)",
				h.offsets[i], want, h.alignment)}
		}
		size := ti.Size()
		if end := h.dataStart + want + size; end > h.size {
			return &FormatError{File: file, Tensor: ti.Name, Offset: -1, Msg: fmt.Sprintf(
				"data [%d, %d) lies past the end of the file (%d bytes): file is truncated", h.dataStart+want, end, h.size)}
		}
		want += pad(size, h.alignment)
	}
	return nil
}
