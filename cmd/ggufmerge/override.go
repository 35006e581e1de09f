package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ggufmerge/ggufmerge/quant/recipe"
)

// overrideFlag is llama-quantize's --override-kv, shared by merge and quantize.
func overrideFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "override-kv",
		Usage: "set output metadata `KEY=TYPE:VALUE`, TYPE int, float, bool or str (repeatable; e.g. tokenizer.ggml.add_bos_token=bool:false)"}
}

// overrides reads overrideFlag.
func overrides(c *cli.Context) ([]recipe.KVOverride, error) {
	var out []recipe.KVOverride
	for _, s := range c.StringSlice("override-kv") {
		o, err := recipe.ParseKVOverride(s)
		if err != nil {
			return nil, fmt.Errorf("--override-kv: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}
