// Command mlwb is a terminal workbench for machine-learning work. This file only wires: the
// command line lives in ui/cli, the engines in stages/, the state in store/.
package main

import (
	"embed"
	"io/fs"
	"os"

	"github.com/mlwb/mlwb/ui/cli"
)

// demoFiles is the demo project's dataset, shipped in the binary (see testdata/README.md).
//
//go:embed testdata/demo/wine.csv
var demoFiles embed.FS

func main() {
	demo, err := fs.Sub(demoFiles, "testdata/demo")
	if err != nil {
		panic(err) // the embedded path is a constant
	}
	os.Exit(cli.Execute(demo, os.Args[1:], os.Stdout, os.Stderr))
}
