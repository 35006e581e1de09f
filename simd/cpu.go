package simd

import (
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// CPUInfo describes the processor for `ggufmerge version` and for sizing
// row blocks. Cache sizes are in bytes, -1 when the OS does not say.
type CPUInfo struct {
	Brand    string
	Arch     string   // GOARCH
	Features []string // the features the kernels care about that are present (NEON = ASIMD)
	Cores    int      // physical cores, 0 if unknown
	Threads  int      // logical CPUs, 0 if unknown
	L1D      int
	L2       int
	L3       int
}

// CPU reports the processor as github.com/klauspost/cpuid/v2 sees it.
func CPU() CPUInfo {
	c := cpuid.CPU
	info := CPUInfo{
		Brand:   strings.TrimSpace(c.BrandName),
		Arch:    runtime.GOARCH,
		Cores:   c.PhysicalCores,
		Threads: c.LogicalCores,
		L1D:     c.Cache.L1D,
		L2:      c.Cache.L2,
		L3:      c.Cache.L3,
	}
	if info.Brand == "" {
		info.Brand = "unknown " + runtime.GOARCH + " CPU"
	}
	wanted := []struct {
		name string
		id   cpuid.FeatureID
	}{
		{"SSE4.2", cpuid.SSE42}, {"AVX", cpuid.AVX}, {"AVX2", cpuid.AVX2},
		{"FMA", cpuid.FMA3}, {"F16C", cpuid.F16C}, {"BMI2", cpuid.BMI2},
		{"AVX-512F", cpuid.AVX512F}, {"AVX-512BW", cpuid.AVX512BW},
		{"AVX-512VL", cpuid.AVX512VL}, {"AVX-512BF16", cpuid.AVX512BF16},
		{"NEON", cpuid.ASIMD}, {"FPHP", cpuid.FPHP}, {"ASIMDHP", cpuid.ASIMDHP},
		{"ASIMDDP", cpuid.ASIMDDP}, {"SVE", cpuid.SVE},
	}
	for _, f := range wanted {
		if c.Supports(f.id) {
			info.Features = append(info.Features, f.name)
		}
	}
	return info
}

// defaultL2 is assumed when the cache size is unknown (common on arm64
// Linux and in VMs): small enough to stay inside any modern core's L2.
const defaultL2 = 512 << 10

// L2CacheBytes returns the per-core L2 cache size, or a conservative
// 512 KiB when it cannot be read.
func L2CacheBytes() int {
	if l2 := cpuid.CPU.Cache.L2; l2 > 0 {
		return l2
	}
	return defaultL2
}

// RowsPerBlock returns how many rows of rowBytes bytes fit in half of the
// L2 cache (at least 1): the size of a row block that a merge step can
// keep cache-resident while several inputs stream through it.
func RowsPerBlock(rowBytes int) int {
	if rowBytes <= 0 {
		return 1
	}
	return max(1, L2CacheBytes()/2/rowBytes)
}
