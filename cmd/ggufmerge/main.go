// Command ggufmerge merges, quantizes and inspects GGUF models.
//
// Each subcommand lives in its own file and registers itself in init, so
// main stays the only place that assembles the CLI.
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/urfave/cli/v2"
)

// version is set with -ldflags "-X main.version=..." by the Makefile.
var version = "dev"

var commands []*cli.Command

// register adds a subcommand; called from the init of each command file.
func register(c *cli.Command) { commands = append(commands, c) }

// exitCode carries a specific process exit status through cli's error return.
type exitCode struct {
	err  error
	code int
}

func (e exitCode) Error() string { return e.err.Error() }
func (e exitCode) Unwrap() error { return e.err }

func newApp() *cli.App {
	sort.Slice(commands, func(i, j int) bool { return commands[i].Name < commands[j].Name })
	return &cli.App{
		Name:                 "ggufmerge",
		Usage:                "merge and requantize GGUF models in one streaming pass",
		Version:              version,
		Commands:             commands,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
	}
}

func main() {
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "ggufmerge:", err)
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(ec.code)
		}
		os.Exit(1)
	}
}
