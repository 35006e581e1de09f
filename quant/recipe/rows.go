package recipe

import (
	"fmt"
	"math"

	"github.com/ggufmerge/ggufmerge/quant"
	"github.com/ggufmerge/ggufmerge/simd"
)

// QuantizeRows converts float32 rows of the tensor into the chosen target
// type, byte for byte what llama-quantize writes for them. src holds whole
// rows (a multiple of RowLen() values) starting at global row firstRow
// (rows of all experts counted together, as in the file); dst receives
// exactly their bytes. Each expert's rows get that expert's importance
// weights. Safe to call concurrently for disjoint rows; the bytes do not
// depend on how the rows are split into calls.
func (c *Choice) QuantizeRows(dst []byte, src []float32, firstRow int64) error {
	ne0 := c.RowLen()
	if ne0 <= 0 || int64(len(src))%ne0 != 0 {
		return fmt.Errorf("tensor %q: %d values are not whole rows of %d", c.Name, len(src), ne0)
	}
	rowBytes, err := c.Target.RowSize(ne0)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", c.Name, err)
	}
	nrows := int64(len(src)) / ne0
	if int64(len(dst)) != nrows*rowBytes {
		return fmt.Errorf("tensor %q: %d rows of %s need %d bytes, got %d", c.Name, nrows, c.Target, nrows*rowBytes, len(dst))
	}
	if firstRow < 0 || firstRow+nrows > c.Rows() {
		return fmt.Errorf("tensor %q: rows [%d, %d) outside its %d rows", c.Name, firstRow, firstRow+nrows, c.Rows())
	}
	if err := checkFinite(src, ne0, firstRow); err != nil {
		return fmt.Errorf("tensor %q: %w", c.Name, err)
	}
	perExpert := dim(c.Shape, 1)
	for r := int64(0); r < nrows; {
		g := firstRow + r
		n := min(nrows-r, perExpert-g%perExpert) // a call never crosses an expert
		err := quant.Quantize(c.Target, dst[r*rowBytes:(r+n)*rowBytes], src[r*ne0:(r+n)*ne0], int(ne0), c.imatrixForRow(g))
		if err != nil {
			return fmt.Errorf("tensor %q rows %d..%d: %w", c.Name, g, g+n-1, err)
		}
		r += n
	}
	return nil
}

// imatrixForRow is the importance slice of the expert holding global row g.
func (c *Choice) imatrixForRow(g int64) []float32 {
	if c.Imatrix == nil {
		return nil
	}
	ne0 := c.RowLen()
	e := (g / dim(c.Shape, 1)) % dim(c.Shape, 2)
	return c.Imatrix[e*ne0 : (e+1)*ne0]
}

// checkFinite rejects NaN and infinities: quantizing them gives blocks that
// ggml rejects or silently wrong weights, and they always mean a broken model.
// A NaN or an infinity makes the vectorized sum of |x| non-finite, so the
// element-wise scan (which names the place) runs only then, or when finite
// values overflow the sum.
func checkFinite(src []float32, ne0, firstRow int64) error {
	if s := float64(simd.SumAbs(src)); !math.IsNaN(s) && !math.IsInf(s, 0) {
		return nil
	}
	for i, v := range src {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("row %d column %d holds %v; refusing to quantize non-finite weights", firstRow+int64(i)/ne0, int64(i)%ne0, v)
		}
	}
	return nil
}
