package simd

// An implementation registry after crypto/internal/impl: each architecture
// file registers its kernel sets with a pointer to the bool that enables
// them, so tests can force each one in turn.

type implEntry struct {
	name      string
	available bool  // what the CPU supports, fixed at start-up
	enabled   *bool // the switch the dispatch code reads
}

var impls []implEntry

// register records a kernel set; call from init, best set first.
func register(name string, enabled *bool) {
	impls = append(impls, implEntry{name: name, available: *enabled, enabled: enabled})
}

// Generic is the name of the pure-Go kernel set, present everywhere.
const Generic = "generic"

// Impls lists the kernel sets this CPU can run, best first, ending with
// Generic. Sets compiled in but not supported by the CPU are left out.
func Impls() []string {
	var names []string
	for _, e := range impls {
		if e.available {
			names = append(names, e.name)
		}
	}
	return append(names, Generic)
}

// KernelSet names the kernel set the exported functions use now:
// "avx2", "neon" or "generic".
func KernelSet() string {
	for _, e := range impls {
		if *e.enabled {
			return e.name
		}
	}
	return Generic
}

// Select makes the kernels use the named set (one of Impls) and returns a
// function that restores the previous choice. It reports false, changing
// nothing, for a set this CPU cannot run. It is meant for tests and
// benchmarks and must not race with kernel calls.
func Select(name string) (restore func(), ok bool) {
	if name != Generic {
		found := false
		for _, e := range impls {
			found = found || (e.name == name && e.available)
		}
		if !found {
			return func() {}, false
		}
	}
	saved := make([]bool, len(impls))
	for i, e := range impls {
		saved[i] = *e.enabled
		*e.enabled = e.name == name
	}
	return func() {
		for i, e := range impls {
			*e.enabled = saved[i]
		}
	}, true
}
