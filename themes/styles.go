package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style the TUI draws with, built once from a palette; switching theme builds a
// new one. Pages receive it through the shared context, never from a package variable.
type Styles struct {
	Palette Palette

	Text, Muted, Bold          lipgloss.Style
	Good, Bad, Warn, Info      lipgloss.Style
	Accent                     lipgloss.Style
	Title                      lipgloss.Style // page and panel titles
	Tab, TabActive             lipgloss.Style
	TabBar                     lipgloss.Style
	StatusBar, StatusKey       lipgloss.Style
	HelpKey, HelpDesc, HelpSep lipgloss.Style
	Header                     lipgloss.Style // table header cells
	Selected                   lipgloss.Style // the selected table row
	Marked                     lipgloss.Style // rows marked for Diff/Live
	Panel, PanelFocused        lipgloss.Style // bordered boxes
	Modal                      lipgloss.Style
	Error                      lipgloss.Style
}

// fg is a style with a foreground colour (no colour in mono).
func fg(p Palette, c color.Color) lipgloss.Style {
	s := lipgloss.NewStyle()
	if !p.Mono && c != nil {
		s = s.Foreground(c)
	}
	return s
}

// New builds the styles of a palette.
func New(p Palette) Styles {
	s := Styles{Palette: p}
	s.Text = fg(p, p.Text)
	s.Muted = fg(p, p.Muted)
	if p.Mono {
		s.Muted = s.Muted.Faint(true)
	}
	s.Bold = s.Text.Bold(true)
	s.Good, s.Bad, s.Warn, s.Info = fg(p, p.Good), fg(p, p.Bad).Bold(p.Mono), fg(p, p.Warn), fg(p, p.Info)
	s.Accent = fg(p, p.Accent).Bold(true)
	s.Title = s.Accent
	s.Tab = s.Muted.Padding(0, 1)
	s.TabActive = lipgloss.NewStyle().Bold(true).Padding(0, 1)
	if p.Mono {
		s.TabActive = s.TabActive.Reverse(true)
	} else {
		s.TabActive = s.TabActive.Foreground(p.AccentFg).Background(p.Accent)
	}
	s.TabBar = lipgloss.NewStyle()
	s.StatusBar = s.Muted
	s.StatusKey = s.Accent
	s.HelpKey = s.Accent.Bold(false)
	s.HelpDesc = s.Muted
	s.HelpSep = s.Muted
	s.Header = s.Bold.Underline(p.Mono)
	if !p.Mono {
		s.Header = s.Header.Foreground(p.Accent)
	}
	s.Selected = lipgloss.NewStyle().Bold(true)
	if p.Mono {
		s.Selected = s.Selected.Reverse(true)
	} else {
		s.Selected = s.Selected.Background(p.Selection)
	}
	s.Marked = fg(p, p.Warn).Bold(true)
	border := lipgloss.RoundedBorder()
	s.Panel = lipgloss.NewStyle().Border(border)
	s.PanelFocused = lipgloss.NewStyle().Border(border)
	if !p.Mono {
		s.Panel = s.Panel.BorderForeground(p.Border)
		s.PanelFocused = s.PanelFocused.BorderForeground(p.Accent)
	} else {
		s.PanelFocused = s.PanelFocused.Border(lipgloss.ThickBorder())
	}
	s.Modal = s.PanelFocused.Padding(0, 1)
	s.Error = s.Bad.Bold(true)
	return s
}

// Series is the style of the i-th series of a chart or legend.
func (s Styles) Series(i int) lipgloss.Style {
	if s.Palette.Mono || len(s.Palette.Series) == 0 {
		return lipgloss.NewStyle()
	}
	return lipgloss.NewStyle().Foreground(s.Palette.Series[i%len(s.Palette.Series)])
}

// Status is the style for a run status word.
func (s Styles) Status(status string) lipgloss.Style {
	switch status {
	case "finished":
		return s.Good
	case "failed":
		return s.Bad
	case "running", "queued":
		return s.Info
	case "killed", "lost":
		return s.Warn
	}
	return s.Text
}
