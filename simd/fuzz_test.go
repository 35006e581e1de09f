package simd

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// Fuzz targets: each compares the dispatched kernel (the best set on this
// machine) with its generic twin on arbitrary bytes.

func floatsFrom(b []byte) []float32 {
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

func seedFloats(f *testing.F) {
	f.Add([]byte{})
	var b []byte
	for _, s := range specials {
		b = binary.LittleEndian.AppendUint32(b, s)
	}
	f.Add(b)
	f.Add(append(b, b...))
}

func FuzzF16ToF32(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)&^1]
		got, want := make([]float32, len(b)/2), make([]float32, len(b)/2)
		F16ToF32(got, b)
		f16ToF32Generic(want, b)
		compareF32(t, "F16ToF32", got, want, sameBits)
	})
}

func FuzzF32ToF16(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := floatsFrom(b)
		got, want := make([]byte, 2*len(x)), make([]byte, 2*len(x))
		F32ToF16(got, x)
		f32ToF16Generic(want, x)
		compareHalves(t, "F32ToF16", got, want, x)
	})
}

func FuzzBF16ToF32(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)&^1]
		got, want := make([]float32, len(b)/2), make([]float32, len(b)/2)
		BF16ToF32(got, b)
		bf16ToF32Generic(want, b)
		compareF32(t, "BF16ToF32", got, want, sameBits)
	})
}

func FuzzF32ToBF16(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := floatsFrom(b)
		got, want := make([]byte, 2*len(x)), make([]byte, 2*len(x))
		F32ToBF16(got, x)
		f32ToBF16Generic(want, x)
		compareHalves(t, "F32ToBF16", got, want, x)
	})
}

// FuzzDequant runs every dequantizer over the bytes cut to whole blocks.
func FuzzDequant(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 1024))
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, k := range dequantKernels {
			src := b[:len(b)/k.bytes*k.bytes]
			n := len(src) / k.bytes * k.elems
			got, want := make([]float32, n), make([]float32, n)
			k.fast(got, src)
			k.ref(want, src)
			compareF32(t, k.name, got, want, sameOrNaN)
		}
	})
}

// FuzzMerge splits the input into 3 rows and 3 weights and runs the
// element-wise merge kernels over them.
func FuzzMerge(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := floatsFrom(b)
		if len(x) < 3 {
			return
		}
		w, x := x[:3], x[3:]
		n := len(x) / 3
		rows := [][]float32{x[:n], x[n : 2*n], x[2*n : 3*n]}
		got, want := make([]float32, n), make([]float32, n)
		check := func(name string) {
			t.Helper()
			compareF32(t, name, got, want, sameOrNaN)
		}
		Add(got, rows[0], rows[1])
		addGeneric(want, rows[0], rows[1])
		check("Add")
		Sub(got, rows[0], rows[1])
		subGeneric(want, rows[0], rows[1])
		check("Sub")
		Scale(got, rows[2], w[0])
		scaleGeneric(want, rows[2], w[0])
		check("Scale")
		copy(got, rows[0])
		copy(want, rows[0])
		AddScaled(got, rows[1], w[1])
		addScaledGeneric(want, rows[1], w[1])
		check("AddScaled")
		DivScalar(got, rows[0], w[2])
		divScalarGeneric(want, rows[0], w[2])
		check("DivScalar")
		SumRows(got, rows)
		sumRowsGeneric(want, rows)
		check("SumRows")
		ElectWeightedMean(got, rows, w)
		electWeightedMeanGeneric(want, rows, w)
		check("ElectWeightedMean")
		WeightedSum(got, rows, w)
		weightedSumGeneric(want, rows, w)
		check("WeightedSum")
		for _, norm := range []bool{false, true} {
			TIESFuse(got, rows, w, norm)
			tiesFuseGeneric(want, rows, w, norm)
			check("TIESFuse")
		}
		rank := make([]uint32, n)
		for j := range rank {
			rank[j] = math.Float32bits(rows[2][j]) >> 1
		}
		for _, rescale := range []bool{false, true} {
			MagPrune(got, rows[0], rank, rows[1], w[0], w[1], w[2], rescale)
			magPruneGeneric(want, rows[0], rank, rows[1], w[0], w[1], w[2], rescale)
			check("MagPrune")
			KeepBelowEach(got, rows[0], rows[1], rows[2])
			keepBelowEachGeneric(want, rows[0], rows[1], rows[2], false)
			check("KeepBelowEach")
			KeepBelowDiv(got, rows[0], rows[1], w[0])
			keepBelowGeneric(want, rows[0], rows[1], w[0], true)
			check("KeepBelowDiv")
		}
	})
}

func FuzzReduce(f *testing.F) {
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		x := floatsFrom(b)
		for _, k := range []struct {
			name      string
			fast, ref func([]float32) float32
		}{{"AbsMax", AbsMax, absMaxGeneric}, {"Sum", Sum, sumGeneric}, {"SumAbs", SumAbs, sumAbsGeneric},
			{"SumSquares", SumSquares, sumSquaresGeneric}} {
			if got, want := k.fast(x), k.ref(x); !sameOrNaN(got, want) {
				t.Fatalf("%s: got %#08x, want %#08x", k.name, math.Float32bits(got), math.Float32bits(want))
			}
		}
		if got, want := SumAbs64(x), sumAbs64Generic(x); got != want && !(got != got && want != want) {
			t.Fatalf("SumAbs64: got %x, want %x", math.Float64bits(got), math.Float64bits(want))
		}
		h := len(x) / 2
		if got, want := Dot(x[:h], x[h:2*h]), dotGeneric(x[:h], x[h:2*h]); !sameOrNaN(got, want) {
			t.Fatalf("Dot: got %#08x, want %#08x", math.Float32bits(got), math.Float32bits(want))
		}
	})
}

func FuzzPhilox(f *testing.F) {
	f.Add(uint32(0), uint32(0), uint32(0), uint32(0), uint32(0), uint16(0), uint16(70))
	f.Add(^uint32(0), uint32(1), uint32(2), uint32(3), uint32(4), uint16(5), uint16(129))
	f.Fuzz(func(t *testing.T, k0, k1, c1, c2, c3 uint32, col0, n uint16) {
		got, want := make([]float32, n), make([]float32, n)
		PhiloxUniforms(got, k0, k1, c1, c2, c3, int(col0))
		philoxUniformsGeneric(want, k0, k1, c1, c2, c3, int(col0))
		compareF32(t, "PhiloxUniforms", got, want, sameBits)
	})
}

// FuzzQKXSearch8 runs the K-quant search on a super-block built from the
// bytes (finite values and non-negative weights, as quant passes them).
func FuzzQKXSearch8(f *testing.F) {
	f.Add(make([]byte, 2048))
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		sel := len(b) // picks the parameter set
		v := floatsFrom(b)
		x, w := make([]float32, 256), make([]float32, 256)
		for i := range x {
			if len(v) > 0 {
				x[i] = v[i%len(v)]
				w[i] = abs32(v[(i*7+3)%len(v)])
			}
			if x[i] != x[i] || math.IsInf(float64(x[i]), 0) || x[i] > 1e30 || x[i] < -1e30 {
				x[i] = 0
			}
			if w[i] != w[i] || w[i] > 1e30 {
				w[i] = 1
			}
		}
		p := qkxParamSets[sel%len(qkxParamSets)]
		var gs, gm, ws, wm [8]float32
		gL, wL := make([]uint8, 256), make([]uint8, 256)
		QKXSearch8(x, w, gL, p, &gs, &gm)
		qkxSearch8Generic(x, w, wL, p, &ws, &wm)
		for j := 0; j < 8; j++ {
			if !sameOrNaN(gs[j], ws[j]) || !sameOrNaN(gm[j], wm[j]) {
				t.Fatalf("sub-block %d: %#x,%#x want %#x,%#x", j, math.Float32bits(gs[j]), math.Float32bits(gm[j]),
					math.Float32bits(ws[j]), math.Float32bits(wm[j]))
			}
		}
		if !bytes.Equal(gL, wL) {
			t.Fatalf("levels differ")
		}
	})
}

// FuzzQXSearch16 runs the Q6_K search on a super-block built from the
// bytes (finite values; weights or nil).
func FuzzQXSearch16(f *testing.F) {
	f.Add(make([]byte, 2048))
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v := floatsFrom(b)
		x, w := make([]float32, 256), make([]float32, 256)
		for i := range x {
			if len(v) > 0 {
				x[i] = v[i%len(v)]
				w[i] = abs32(v[(i*5+1)%len(v)])
			}
			if x[i] != x[i] || math.IsInf(float64(x[i]), 0) || abs32(x[i]) > 1e30 {
				x[i] = 0
			}
			if w[i] != w[i] || w[i] > 1e30 {
				w[i] = 1
			}
		}
		if len(b)%2 == 0 {
			w = nil
		}
		nmax := []int{32, 4, 8, 16}[len(b)%4]
		var gs, ws [16]float32
		gL, wL := make([]int8, 256), make([]int8, 256)
		QXSearch16(x, w, gL, nmax, &gs)
		qxSearch16Generic(x, w, wL, nmax, &ws)
		for j := range gs {
			if !sameOrNaN(gs[j], ws[j]) {
				t.Fatalf("sub-block %d: scale %#x, want %#x", j, math.Float32bits(gs[j]), math.Float32bits(ws[j]))
			}
		}
		for i := range gL {
			if gL[i] != wL[i] {
				t.Fatalf("L[%d] = %d, want %d", i, gL[i], wL[i])
			}
		}
	})
}

// FuzzQKXSearch16 runs the Q2_K-shaped search (16 sub-blocks of 16) on a
// super-block built from the bytes (finite values, weights |v| of another
// value or |x| itself).
func FuzzQKXSearch16(f *testing.F) {
	f.Add(make([]byte, 2048))
	seedFloats(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		sel := len(b) // picks the parameter set and the weights
		v := floatsFrom(b)
		x, w := make([]float32, 256), make([]float32, 256)
		for i := range x {
			if len(v) > 0 {
				x[i] = v[i%len(v)]
				w[i] = abs32(v[(i*7+3)%len(v)])
			}
			if x[i] != x[i] || math.IsInf(float64(x[i]), 0) || x[i] > 1e30 || x[i] < -1e30 {
				x[i] = 0
			}
			if sel%3 == 0 {
				w[i] = abs32(x[i])
			}
			if w[i] != w[i] || w[i] > 1e30 {
				w[i] = 1
			}
		}
		sets := append(q2KParamSets[:len(q2KParamSets):len(q2KParamSets)], qkxParamSets...)
		p := sets[sel%len(sets)]
		var gs, gm, ws, wm [16]float32
		gL, wL := make([]uint8, 256), make([]uint8, 256)
		QKXSearch16(x, w, gL, p, &gs, &gm)
		qkxSearch16Generic(x, w, wL, p, &ws, &wm)
		for j := 0; j < 16; j++ {
			if !sameOrNaN(gs[j], ws[j]) || !sameOrNaN(gm[j], wm[j]) {
				t.Fatalf("sub-block %d: %#x,%#x want %#x,%#x", j, math.Float32bits(gs[j]), math.Float32bits(gm[j]),
					math.Float32bits(ws[j]), math.Float32bits(wm[j]))
			}
		}
		if !bytes.Equal(gL, wL) {
			t.Fatalf("levels differ")
		}
	})
}
