package common

import "charm.land/bubbles/v2/key"

// GlobalKeys are the keys the shell handles on every page.
type GlobalKeys struct {
	Quit, Help, Theme, NextTab, PrevTab, Tab1, Tab2, Tab3, Tab4 key.Binding
}

// DefaultGlobalKeys returns the shell's key bindings.
func DefaultGlobalKeys() GlobalKeys {
	return GlobalKeys{
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Theme:   key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "theme")),
		NextTab: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev tab")),
		Tab1:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1-4", "go to tab")),
		Tab2:    key.NewBinding(key.WithKeys("2")),
		Tab3:    key.NewBinding(key.WithKeys("3")),
		Tab4:    key.NewBinding(key.WithKeys("4")),
	}
}

// ListKeys are the movement keys every list-like page shares (vim keys and arrows both work).
type ListKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultListKeys returns the shared movement keys.
func DefaultListKeys() ListKeys {
	return ListKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	}
}

// Move applies a movement key to a cursor over n items with a page of pageSize, returning the
// new cursor and whether the key was a movement key.
func (k ListKeys) Move(msgKey string, cursor, n, pageSize int) (int, bool) {
	m := func(b key.Binding) bool {
		for _, s := range b.Keys() {
			if s == msgKey {
				return true
			}
		}
		return false
	}
	switch {
	case m(k.Up):
		cursor--
	case m(k.Down):
		cursor++
	case m(k.PageUp):
		cursor -= max(pageSize, 1)
	case m(k.PageDown):
		cursor += max(pageSize, 1)
	case m(k.Top):
		cursor = 0
	case m(k.Bottom):
		cursor = n - 1
	default:
		return cursor, false
	}
	return max(0, min(cursor, n-1)), true
}
