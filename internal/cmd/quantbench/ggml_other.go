//go:build !(linux && amd64)

package main

import (
	"errors"
	"time"

	"github.com/ggufmerge/ggufmerge/quant"
)

type ggml struct{}

func loadGGML(string) (*ggml, error) {
	return nil, errors.New("the reference libggml-base.so is linux/amd64 only")
}

func (*ggml) quantize(quant.Type, []byte, []float32, int, []float32) {}

func threadTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
