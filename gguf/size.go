package gguf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseSize parses a split size the way gguf-split's --split-max-size does:
// a positive whole number with a decimal unit, "500M" = 500*1000*1000 and
// "2G" = 2*1000*1000*1000 bytes. K and T and a plain byte count are
// accepted too; units are not case-sensitive.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K', 'k':
			mult = 1000
		case 'M', 'm':
			mult = 1000 * 1000
		case 'G', 'g':
			mult = 1000 * 1000 * 1000
		case 'T', 't':
			mult = 1000 * 1000 * 1000 * 1000
		}
		if mult != 1 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q: want a positive whole number with an optional unit K, M, G or T (decimal, as gguf-split)", s)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}
