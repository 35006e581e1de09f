package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ggufmerge/ggufmerge/simd"
)

func init() {
	register(&cli.Command{
		Name:  "version",
		Usage: "print the version, the CPU and the SIMD kernel set in use",
		Description: `Prints the ggufmerge version, the Go toolchain and platform, the CPU brand,
the CPU features the kernels use (AVX2, FMA, F16C, AVX-512, ASIMD/NEON), the
cache sizes, and which kernel set runs: "avx2" (amd64), "neon" (arm64) or
"generic" (pure Go: other CPUs, -tags purego, or GODEBUG=cpu.avx2=off /
cpu.asimd=off). Row blocks are sized from the L2 cache.`,
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "machine-readable output"}},
		Action: func(c *cli.Context) error { return writeVersion(c.App.Writer, c.Bool("json")) },
	})
}

// versionInfo is what `ggufmerge version --json` prints.
type versionInfo struct {
	Version    string       `json:"version"`
	Go         string       `json:"go"`
	Platform   string       `json:"platform"`
	CPU        simd.CPUInfo `json:"cpu"`
	KernelSet  string       `json:"kernel_set"`
	KernelSets []string     `json:"kernel_sets_available"`
	RowBlock   int          `json:"row_block_bytes"`
}

func currentVersion() versionInfo {
	return versionInfo{
		Version:    version,
		Go:         runtime.Version(),
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
		CPU:        simd.CPU(),
		KernelSet:  simd.KernelSet(),
		KernelSets: simd.Impls(),
		RowBlock:   simd.L2CacheBytes() / 2,
	}
}

func writeVersion(w io.Writer, asJSON bool) error {
	v := currentVersion()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	c := v.CPU
	features := strings.Join(c.Features, " ")
	if features == "" {
		features = "(none detected)"
	}
	_, err := fmt.Fprintf(w, `ggufmerge %s
go:        %s %s
cpu:       %s (%s)
features:  %s
caches:    L1d %s, L2 %s, L3 %s
kernels:   %s (available: %s)
row block: %s (half of L2)
`, v.Version, v.Go, v.Platform, c.Brand, coreCount(c), features,
		cacheSize(c.L1D), cacheSize(c.L2), cacheSize(c.L3),
		v.KernelSet, strings.Join(v.KernelSets, ", "), cacheSize(v.RowBlock))
	return err
}

func coreCount(c simd.CPUInfo) string {
	usable := fmt.Sprintf("%d usable by this process", runtime.NumCPU())
	if c.Cores <= 0 && c.Threads <= 0 {
		return usable
	}
	return fmt.Sprintf("%d cores, %d threads, %s", c.Cores, c.Threads, usable)
}

func cacheSize(b int) string {
	switch {
	case b <= 0:
		return "unknown"
	case b >= 1<<20 && b%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", b>>20)
	default:
		return fmt.Sprintf("%d KiB", b>>10)
	}
}
