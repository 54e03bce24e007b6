package widget

import (
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// LineInput is a one-line text prompt (a filter bar, a search, a form field): typed text,
// backspace, ctrl+u to clear; enter accepts and esc cancels, both reported to the caller.
type LineInput struct {
	Active bool
	Text   string
}

// InputResult is what a key did to a LineInput.
type InputResult int

// What a key did: edited the text, accepted it (enter) or cancelled (esc).
const (
	InputEdited InputResult = iota
	InputAccepted
	InputCancelled
)

// maxInput bounds the text, so a pasted file cannot grow a prompt without end.
const maxInput = 4096

// Key applies one key press.
func (in *LineInput) Key(msg tea.KeyPressMsg) InputResult {
	switch msg.String() {
	case "enter":
		in.Active = false
		return InputAccepted
	case "esc":
		in.Active = false
		return InputCancelled
	case "backspace":
		if in.Text != "" {
			_, n := utf8.DecodeLastRuneInString(in.Text)
			in.Text = in.Text[:len(in.Text)-n]
		}
	case "ctrl+u":
		in.Text = ""
	case "space":
		in.Text += " "
	default:
		if t := msg.Key().Text; t != "" && len(in.Text)+len(t) <= maxInput {
			in.Text += t
		}
	}
	return InputEdited
}

// View is the prompt, the text and a block cursor, fitted to w cells.
func (in *LineInput) View(prompt string, w int) string {
	return Fit(prompt+in.Text+"█", w)
}
