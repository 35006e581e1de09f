//go:build (!amd64 && !arm64) || purego

package simd

import "testing"

func checkQKXLayout(t *testing.T) { t.Skip("no assembly in this build") }

func checkQXLayout(t *testing.T) { t.Skip("no assembly in this build") }
