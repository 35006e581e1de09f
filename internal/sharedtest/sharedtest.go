// Package sharedtest finds the ../shared folder (golden data, models and the
// reference toolkit) that sits beside a checkout of this repository. Tests
// that need it call Dir, which skips the test with a message when it is not
// there: a user's fresh clone builds and tests without it.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the shared folder, or "" when it cannot be found.
// GGUFMERGE_SHARED overrides the search.
func Root() string {
	if d := os.Getenv("GGUFMERGE_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns shared/<rel>, skipping t when it does not exist.
func Dir(t testing.TB, rel string) string {
	t.Helper()
	root := Root()
	if root == "" {
		t.Skip("../shared not found beside the checkout (set GGUFMERGE_SHARED): skipping test that needs reference data")
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present: skipping", p)
	}
	return p
}
