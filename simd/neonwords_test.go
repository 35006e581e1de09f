package simd

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The arm64 assembly writes NEON instructions that Go's assembler lacks
// as WORD $0x........ // <mnemonic>. This test re-assembles every such
// comment with llvm-mc and checks the WORD; with -update it rewrites the
// WORDs from the comments (how they were produced). Without llvm-mc it
// skips: the qemu arm64 run of the kernel tests checks behaviour anyway.

var updateWords = flag.Bool("update", false, "rewrite the WORD encodings in *_arm64.s from their comments (needs llvm-mc)")

var wordLine = regexp.MustCompile(`^(\s*WORD\s+\$)(0x[0-9a-fA-F]{8}|\?)(\s*//\s*)(.+?)\s*$`)

func TestNEONWords(t *testing.T) {
	mc, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Skip("llvm-mc not installed: WORD encodings not re-checked")
	}
	files, _ := filepath.Glob("*_arm64.s")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		var idx []int
		var asm []string
		for i, l := range lines {
			if m := wordLine.FindStringSubmatch(l); m != nil {
				idx = append(idx, i)
				asm = append(asm, m[4])
			}
		}
		if len(asm) == 0 {
			continue
		}
		enc, err := llvmEncode(mc, asm)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		changed := false
		for k, i := range idx {
			m := wordLine.FindStringSubmatch(lines[i])
			want := fmt.Sprintf("0x%08x", enc[k])
			if m[2] == want {
				continue
			}
			if !*updateWords {
				t.Errorf("%s:%d: WORD %s but %q assembles to %s", f, i+1, m[2], m[4], want)
				continue
			}
			lines[i] = m[1] + want + m[3] + m[4]
			changed = true
		}
		if changed {
			if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: WORDs updated", f)
		}
	}
}

var encodingRE = regexp.MustCompile(`encoding: \[(0x[0-9a-f]{2}),(0x[0-9a-f]{2}),(0x[0-9a-f]{2}),(0x[0-9a-f]{2})\]`)

// llvmEncode assembles one instruction per line and returns each 32-bit
// encoding.
func llvmEncode(mc string, asm []string) ([]uint32, error) {
	cmd := exec.Command(mc, "-triple=aarch64", "-mattr=+neon,+fullfp16", "-show-encoding")
	cmd.Stdin = strings.NewReader(strings.Join(asm, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("llvm-mc: %v: %s", err, errb.String())
	}
	var enc []uint32
	for _, l := range strings.Split(out.String(), "\n") {
		m := encodingRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		var v uint32
		for b := 4; b >= 1; b-- {
			x, _ := strconv.ParseUint(m[b][2:], 16, 8)
			v = v<<8 | uint32(x)
		}
		enc = append(enc, v)
	}
	if len(enc) != len(asm) {
		return nil, fmt.Errorf("llvm-mc gave %d encodings for %d instructions: %s", len(enc), len(asm), errb.String())
	}
	return enc, nil
}
