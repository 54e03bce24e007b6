package runs

import (
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// lineInput is a one-line text prompt (the filter bar, the log search): typed text, backspace,
// ctrl+u to clear; enter accepts and esc cancels, both reported to the caller.
type lineInput struct {
	active bool
	text   string
}

// inputResult is what a key did to the input.
type inputResult int

const (
	inputEdited inputResult = iota
	inputAccepted
	inputCancelled
)

// key applies one key press.
func (in *lineInput) key(msg tea.KeyPressMsg) inputResult {
	switch msg.String() {
	case "enter":
		in.active = false
		return inputAccepted
	case "esc":
		in.active = false
		return inputCancelled
	case "backspace":
		if in.text != "" {
			_, n := utf8.DecodeLastRuneInString(in.text)
			in.text = in.text[:len(in.text)-n]
		}
	case "ctrl+u":
		in.text = ""
	case "space":
		in.text += " "
	default:
		if t := msg.Key().Text; t != "" && len(in.text) < 4096 {
			in.text += t
		}
	}
	return inputEdited
}
