package ui

import (
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/data"
	"github.com/mlwb/mlwb/ui/diff"
	"github.com/mlwb/mlwb/ui/live"
	"github.com/mlwb/mlwb/ui/runs"
)

// pageEntry registers one tab: its stable id (saved as the last tab) and its constructor.
type pageEntry struct {
	id  string
	new func(*common.Context) common.Page
}

// registry is the tabs in the order a user walks the stages (DESIGN.md). Shared behaviour is
// added around pages in the shell, never inside them.
var registry = []pageEntry{
	{"data", func(c *common.Context) common.Page { return data.New(c) }},
	{"runs", func(c *common.Context) common.Page { return runs.New(c) }},
	{"diff", func(c *common.Context) common.Page { return diff.New(c) }},
	{"live", func(c *common.Context) common.Page { return live.New(c) }},
}
