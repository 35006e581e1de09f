package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/ggufmerge/ggufmerge/simd"
)

func TestVersionText(t *testing.T) {
	var out bytes.Buffer
	if err := writeVersion(&out, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"ggufmerge " + version, runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH,
		"kernels:   " + simd.KernelSet(), "L2 "} {
		if !strings.Contains(s, want) {
			t.Errorf("version output lacks %q:\n%s", want, s)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	var out bytes.Buffer
	if err := writeVersion(&out, true); err != nil {
		t.Fatal(err)
	}
	var v versionInfo
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if v.KernelSet != simd.KernelSet() || len(v.KernelSets) == 0 || v.CPU.Arch != runtime.GOARCH || v.RowBlock <= 0 {
		t.Errorf("unexpected version JSON: %+v", v)
	}
}

func TestCacheSize(t *testing.T) {
	for in, want := range map[int]string{-1: "unknown", 0: "unknown", 49152: "48 KiB", 1 << 20: "1 MiB", 32 << 20: "32 MiB", 1536 << 10: "1536 KiB"} {
		if got := cacheSize(in); got != want {
			t.Errorf("cacheSize(%d) = %q, want %q", in, got, want)
		}
	}
}
