//go:build !(linux && amd64)

// Command lldriver needs the prebuilt linux/x86-64 llama.cpp libraries; on
// other platforms it only says so.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "lldriver: the prebuilt llama.cpp libraries are linux/amd64 only (this is %s/%s)\n", runtime.GOOS, runtime.GOARCH)
	os.Exit(3)
}
