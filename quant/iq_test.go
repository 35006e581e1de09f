package quant

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// iqGridSpec names a grid with the parameters of ggml's init functions.
type iqGridSpec struct {
	name     string
	grid     *lazyGrid
	kgrid    []uint16
	dim      int
	bits     uint
	maxLevel int
	nwant    int
}

var iqGridSpecs = []iqGridSpec{
	{"iq2_xxs", gridIQ2XXS, kgrid_2bit_256[:], 8, 2, 2, 2},
	{"iq2_xs", gridIQ2XS, kgrid_2bit_512[:], 8, 2, 2, 2},
	{"iq2_s", gridIQ2S, kgrid_2bit_1024[:], 8, 2, 2, 1},
	{"iq1", gridIQ1, kgrid_1bit_2048[:], 8, 2, 2, 3},
	{"iq3_xxs", gridIQ3XXS, kgrid_256[:], 4, 3, 7, 2},
	{"iq3_s", gridIQ3S, kgrid_512[:], 4, 3, 7, 3},
}

// bruteNeighbours is ggml's neighbour list for code, computed literally:
// all (distance, index) pairs sorted by that total order, cut after the
// nwant-th distinct distance.
func bruteNeighbours(s iqGridSpec, code int) []uint16 {
	mask := 1<<s.bits - 1
	// (distance, index) packed so that integer order is ggml's order
	pairs := make([]int, len(s.kgrid))
	for j, v := range s.kgrid {
		d2 := 0
		for i := 0; i < s.dim; i++ {
			pg := 2*(int(v)>>(s.bits*uint(i))&mask) + 1
			pos := 2*(code>>(s.bits*uint(i))&mask) + 1
			d2 += (pg - pos) * (pg - pos)
		}
		pairs[j] = d2<<16 | j
	}
	slices.Sort(pairs)
	var out []uint16
	d2, have := pairs[0]>>16, 1
	for _, p := range pairs {
		if p>>16 > d2 {
			if have == s.nwant {
				break
			}
			d2 = p >> 16
			have++
		}
		out = append(out, uint16(p&0xffff))
	}
	return out
}

// TestIQGridNeighbours checks the code map and the neighbour lists against
// a literal transcription of ggml's sort-based construction: every code for
// the IQ3 grids, a random sample of codes for the larger IQ1/IQ2 grids.
func TestIQGridNeighbours(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, s := range iqGridSpecs {
		t.Run(s.name, func(t *testing.T) {
			g := s.grid.get()
			for j := range s.kgrid {
				for i, p := range g.point(j) {
					l := int(p-1) / 2
					if l > s.maxLevel {
						t.Fatalf("grid point %d coordinate %d has level %d > %d: a quantizer could never select it", j, i, l, s.maxLevel)
					}
				}
				if gi, _ := g.lookup(g.codeOfPoint(j)); gi != j {
					t.Fatalf("code of grid point %d maps to %d", j, gi)
				}
			}
			var codes []int
			for c := 0; c < 1<<(s.bits*uint(s.dim)); c++ {
				if g.levelsAtMost(c, s.maxLevel) {
					codes = append(codes, c)
				}
			}
			if len(codes)*len(s.kgrid) > 2_000_000 {
				r.Shuffle(len(codes), func(a, b int) { codes[a], codes[b] = codes[b], codes[a] })
				codes = codes[:2_000_000/len(s.kgrid)]
			}
			offGrid := 0
			for _, c := range codes {
				gi, nb := g.lookup(c)
				if gi >= 0 {
					continue
				}
				offGrid++
				want := bruteNeighbours(s, c)
				if len(nb) == 0 || !equalU16(nb, want) {
					t.Fatalf("code %#x: neighbours %v, ggml order gives %v", c, nb, want)
				}
			}
			if offGrid == 0 {
				t.Fatal("no off-grid code checked")
			}
		})
	}
}

func equalU16(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// iqMaxRelErr bounds ‖x − deq(q(x))‖/‖x‖ per row of the Gaussian rows of
// TestIQRoundTrip, about 15% above what these quantizers (byte-identical to
// ggml) give there.
var iqMaxRelErr = map[Type]float64{
	IQ1_S: 0.6, IQ1_M: 0.68, IQ2_XXS: 0.42, IQ2_XS: 0.38, IQ2_S: 0.33, IQ3_XXS: 0.27, IQ3_S: 0.21,
}

// TestIQRoundTrip quantizes and dequantizes Gaussian rows: the error must
// be bounded for every type with and (where allowed) without an imatrix,
// all-zero rows must stay zero, and quantizing is deterministic.
func TestIQRoundTrip(t *testing.T) {
	const rows, cols = 6, 1024
	r := rand.New(rand.NewPCG(3, 9))
	src := make([]float32, rows*cols)
	for i := range src {
		src[i] = float32(r.NormFloat64() * math.Pow(10, -float64(i/cols)))
	}
	clear(src[4*cols : 5*cols])
	imat := iqImatrix(4, cols, false)
	for _, typ := range iqTypes {
		for _, w := range [][]float32{imat, nil} {
			if w == nil && Imatrix(typ) == ImatrixRequired {
				if err := Quantize(typ, make([]byte, rows*cols/QK_K*typ.TypeSize()), src, cols, nil); err == nil {
					t.Errorf("%s: quantizing without an imatrix must fail", typ)
				}
				continue
			}
			q := make([]byte, rows*cols/QK_K*typ.TypeSize())
			if err := Quantize(typ, q, src, cols, w); err != nil {
				t.Fatal(err)
			}
			q2 := make([]byte, len(q))
			if err := Quantize(typ, q2, src, cols, w); err != nil || !bytes.Equal(q, q2) {
				t.Fatalf("%s: quantizing twice differs (%v)", typ, err)
			}
			deq := make([]float32, len(src))
			if err := Dequantize(typ, deq, q); err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			for row := 0; row < rows; row++ {
				var num, den float64
				for i := row * cols; i < (row+1)*cols; i++ {
					d := float64(src[i]) - float64(deq[i])
					num += d * d
					den += float64(src[i]) * float64(src[i])
				}
				if den == 0 {
					if num != 0 {
						t.Errorf("%s imatrix=%v: zero row %d dequantizes to non-zero", typ, w != nil, row)
					}
					continue
				}
				if rel := math.Sqrt(num / den); rel > iqMaxRelErr[typ] {
					t.Errorf("%s imatrix=%v row %d: relative error %.3f > %.2f", typ, w != nil, row, rel, iqMaxRelErr[typ])
				}
			}
		}
	}
}

// TestIQConcurrent quantizes from several goroutines at once (the grids
// are built on first use) and requires the sequential bytes.
func TestIQConcurrent(t *testing.T) {
	const cols = 512
	r := rand.New(rand.NewPCG(5, 5))
	src := make([]float32, 2*cols)
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	imat := iqImatrix(6, cols, false)
	want := map[Type][]byte{}
	for _, typ := range iqTypes {
		want[typ] = make([]byte, 2*cols/QK_K*typ.TypeSize())
		if err := Quantize(typ, want[typ], src, cols, imat); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(iqTypes))
	for range 4 {
		for _, typ := range iqTypes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got := make([]byte, len(want[typ]))
				if err := Quantize(typ, got, src, cols, imat); err != nil || !bytes.Equal(got, want[typ]) {
					errs <- typ.String()
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("%s: concurrent quantization differs", e)
	}
}

// FuzzIQQuantize feeds arbitrary float bit patterns (NaN, Inf, subnormals,
// huge values) and weights to every IQ quantizer: no panic, the output is
// deterministic.
func FuzzIQQuantize(f *testing.F) {
	f.Add([]byte{0, 0, 0x80, 0x7f}, []byte{0, 0, 0x80, 0x3f}, uint8(0))
	f.Add([]byte{1, 0, 0xc0, 0x7f, 0xff, 0xff, 0x7f, 0x7f}, []byte{}, uint8(3))
	f.Fuzz(func(t *testing.T, xb, wb []byte, typeSel uint8) {
		typ := iqTypes[int(typeSel)%len(iqTypes)]
		src := make([]float32, QK_K)
		for i := range src {
			if len(xb) >= 4 {
				src[i] = math.Float32frombits(leU32(xb, 4*i%(len(xb)-len(xb)%4)))
			}
		}
		var w []float32
		if len(wb) >= 4 || Imatrix(typ) == ImatrixRequired {
			w = make([]float32, QK_K)
			for i := range w {
				w[i] = 1
				if len(wb) >= 4 {
					w[i] = math.Float32frombits(leU32(wb, 4*i%(len(wb)-len(wb)%4)))
				}
			}
		}
		a := make([]byte, typ.TypeSize())
		b := make([]byte, typ.TypeSize())
		if err := Quantize(typ, a, src, QK_K, w); err != nil {
			t.Fatal(err)
		}
		if err := Quantize(typ, b, src, QK_K, w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: not deterministic", typ)
		}
	})
}

func leU32(b []byte, off int) uint32 {
	return uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24
}
