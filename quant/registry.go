package quant

import "fmt"

// dequantFunc turns whole blocks into floats:
// len(src) == n*TypeSize and len(dst) == n*BlockSize for some n.
type dequantFunc func(dst []float32, src []byte)

// quantFunc quantizes whole rows as ggml_quantize_chunk does:
// len(src) == rows*nPerRow, len(dst) == rows*RowSize(nPerRow),
// imatrix is nil or holds nPerRow importance weights applied to every row.
type quantFunc func(dst []byte, src []float32, nPerRow int, imatrix []float32)

// ImatrixUse says what a quantizer does with importance weights.
type ImatrixUse int

const (
	ImatrixIgnored  ImatrixUse = iota // Q8_0, MXFP4, TQ*, F16...: weights are not read
	ImatrixOptional                   // Q4_0.., K-quants, IQ4, IQ3, IQ2_S, IQ1_M: weighted path when given
	ImatrixRequired                   // IQ2_XXS, IQ2_XS, IQ1_S: ggml asserts without one
)

type codec struct {
	dequant dequantFunc
	quant   quantFunc
	imatrix ImatrixUse
	// fast paths (SIMD-backed, registered by quant's simd hooks); they must
	// give exactly the bytes/bits of the portable functions above.
	fastDequant dequantFunc
	fastQuant   quantFunc
}

var codecs [TypeCount]codec

// portableOnly forces the portable implementations (tests compare the two).
var portableOnly bool

// registerDequant is called from the init of the file that implements t.
func registerDequant(t Type, f dequantFunc) { codecs[t].dequant = f }

// registerQuant is called from the init of the file that implements t.
func registerQuant(t Type, f quantFunc, use ImatrixUse) {
	codecs[t].quant = f
	codecs[t].imatrix = use
}

// registerFastDequant installs an accelerated dequantizer for t that is
// bit-identical to the portable one; Dequantize prefers it.
func registerFastDequant(t Type, f dequantFunc) { codecs[t].fastDequant = f }

// registerFastQuant installs an accelerated quantizer for t that is
// byte-identical to the portable one; Quantize prefers it.
func registerFastQuant(t Type, f quantFunc) { codecs[t].fastQuant = f }

// CanDequantize reports whether Dequantize supports t.
func CanDequantize(t Type) bool { return t.Valid() && codecs[t].dequant != nil }

// CanQuantize reports whether Quantize supports t.
func CanQuantize(t Type) bool { return t.Valid() && codecs[t].quant != nil }

// Imatrix reports how t's quantizer uses importance weights.
func Imatrix(t Type) ImatrixUse {
	if !t.Valid() {
		return ImatrixIgnored
	}
	return codecs[t].imatrix
}

// Dequantize converts whole blocks of type t in src into dst, exactly as
// ggml's to_float does. len(src) must be a whole number of blocks and dst
// must hold their elements.
func Dequantize(t Type, dst []float32, src []byte) error {
	if !CanDequantize(t) {
		return fmt.Errorf("cannot dequantize ggml type %s", t)
	}
	ti := typeTable[t]
	if len(src)%ti.TypeSize != 0 {
		return fmt.Errorf("%s: %d bytes is not a whole number of %d-byte blocks", t, len(src), ti.TypeSize)
	}
	if n := len(src) / ti.TypeSize * ti.BlockSize; len(dst) != n {
		return fmt.Errorf("%s: %d bytes hold %d values, destination has %d", t, len(src), n, len(dst))
	}
	if f := codecs[t].fastDequant; f != nil && !portableOnly {
		f(dst, src)
	} else {
		codecs[t].dequant(dst, src)
	}
	return nil
}

// Quantize converts whole rows of nPerRow floats into type t, byte for byte
// what ggml_quantize_chunk writes. imatrix is nil or nPerRow weights.
func Quantize(t Type, dst []byte, src []float32, nPerRow int, imatrix []float32) error {
	if !CanQuantize(t) {
		return fmt.Errorf("cannot quantize to ggml type %s", t)
	}
	rs, err := t.RowSize(int64(nPerRow))
	if err != nil {
		return err
	}
	if nPerRow == 0 || len(src)%nPerRow != 0 {
		return fmt.Errorf("%s: %d values are not whole rows of %d", t, len(src), nPerRow)
	}
	rows := len(src) / nPerRow
	if len(dst) != rows*int(rs) {
		return fmt.Errorf("%s: %d rows need %d bytes, destination has %d", t, rows, rows*int(rs), len(dst))
	}
	if imatrix != nil && len(imatrix) != nPerRow {
		return fmt.Errorf("%s: importance weights have %d values, rows have %d", t, len(imatrix), nPerRow)
	}
	if imatrix == nil && codecs[t].imatrix == ImatrixRequired {
		return fmt.Errorf("quantizing to %s requires an importance matrix (--imatrix)", t)
	}
	if codecs[t].imatrix == ImatrixIgnored {
		imatrix = nil
	}
	if f := codecs[t].fastQuant; f != nil && !portableOnly {
		f(dst, src, nPerRow, imatrix)
	} else {
		codecs[t].quant(dst, src, nPerRow, imatrix)
	}
	return nil
}
