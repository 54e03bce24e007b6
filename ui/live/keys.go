package live

import (
	"charm.land/bubbles/v2/key"

	"github.com/mlwb/mlwb/ui/common"
)

// keyMap is the Live page's keys: the shared list keys page the grid of charts by rows, the
// rest drive the cursor and the chart settings.
type keyMap struct {
	common.ListKeys
	Left, Right, FarLeft, FarRight, CursorOff key.Binding
	Filter, Smooth, Weight, LogY, XMode, Zoom key.Binding
	MoreCols, FewerCols, DropEnded            key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		ListKeys:  common.DefaultListKeys(),
		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "cursor")),
		Right:     key.NewBinding(key.WithKeys("right")),
		FarLeft:   key.NewBinding(key.WithKeys("[", "shift+left"), key.WithHelp("[/]", "cursor ×10")),
		FarRight:  key.NewBinding(key.WithKeys("]", "shift+right")),
		CursorOff: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "hide cursor, clear filter")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter keys")),
		Smooth:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "smoothing")),
		Weight:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "smoothing weight")),
		LogY:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log y")),
		XMode:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "x: step/time/relative")),
		Zoom:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom to last N")),
		MoreCols:  key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "columns")),
		FewerCols: key.NewBinding(key.WithKeys("-")),
		DropEnded: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "drop ended runs")),
	}
}
