package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ggufmerge/ggufmerge/gguf"
)

// splitFlags are gguf-split's output-splitting options, shared by merge and quantize.
func splitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "split-max-size", Usage: "split the output into shards of at most `SIZE` (e.g. 4G, 500M), named and keyed as gguf-split does"},
		&cli.IntFlag{Name: "split-max-tensors", Usage: "split the output into shards of at most `N` tensors, as gguf-split"},
	}
}

// splitOptions reads splitFlags.
func splitOptions(c *cli.Context) (gguf.WriterOptions, error) {
	var opt gguf.WriterOptions
	if s := c.String("split-max-size"); s != "" {
		n, err := gguf.ParseSize(s)
		if err != nil {
			return opt, fmt.Errorf("--split-max-size: %w", err)
		}
		opt.SplitMaxBytes = n
	}
	if n := c.Int("split-max-tensors"); n < 0 {
		return opt, fmt.Errorf("--split-max-tensors: %d is negative", n)
	} else {
		opt.SplitMaxTensors = n
	}
	return opt, nil
}
