// Package ui is mlwb's terminal interface: the TUI shell (this file's Model, the only tea.Model
// that builds a tea.View), the stage pages under it, and the headless CLI in ui/cli.
package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// Minimum terminal size the workbench lays out in; smaller shows a "too small" line.
const (
	minWidth  = 60
	minHeight = 12
)

// ui_state keys.
const (
	stateTab   = "tab"
	stateTheme = "theme"
)

// Options configure the workbench.
type Options struct {
	Store   *store.Store
	Project *project.Project
	// Theme forces a theme (from --theme or NO_COLOR); "" uses the saved one, else the
	// terminal's background decides between dark and light.
	Theme string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Refresh is how often pages re-read the store; 0 is one second, negative never (a still
	// picture whose every load is started by a key or by Init: goldens and screenshots).
	Refresh time.Duration
}

// Model is the TUI shell: tabs, status line, help bar, help overlay and layout. It routes input to
// the active page and every other message to all pages, so a page in the background still gets
// the data it asked for.
type Model struct {
	ctx        *common.Context
	keys       common.GlobalKeys
	pages      []common.Page
	active     int
	width      int
	height     int
	help       help.Model
	showHelp   bool
	status     statusInfo
	err        error
	errAt      time.Time
	themeFixed bool // theme chosen by flag or saved: the background colour does not override it
}

// New builds the shell and its pages, restoring the last tab and theme.
func New(opt Options) *Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Refresh == 0 {
		opt.Refresh = time.Second
	}
	ctx := &common.Context{Store: opt.Store, Project: opt.Project, Now: opt.Now, Marked: map[int64]bool{},
		Refresh: opt.Refresh}
	m := &Model{ctx: ctx, keys: common.DefaultGlobalKeys(), help: help.New()}
	theme, fixed := opt.Theme, opt.Theme != ""
	bg := context.Background()
	if !fixed {
		if saved, ok, _ := opt.Store.UIState(bg, stateTheme); ok {
			theme, fixed = saved, true
		}
	}
	m.themeFixed = fixed
	m.setTheme(theme)
	for _, e := range registry {
		m.pages = append(m.pages, e.new(ctx))
	}
	if saved, ok, _ := opt.Store.UIState(bg, stateTab); ok {
		for i, e := range registry {
			if e.id == saved {
				m.active = i
			}
		}
	}
	return m
}

// setTheme switches the palette; an unknown name falls back to dark.
func (m *Model) setTheme(name string) {
	p, err := themes.ByName(name)
	if err != nil {
		p = themes.Dark()
	}
	m.ctx.Theme = p.Name
	m.ctx.Styles = themes.New(p)
	st := &m.ctx.Styles
	m.help.Styles = help.Styles{
		ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.HelpSep,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.HelpSep, Ellipsis: st.HelpSep,
	}
}

// tick schedules the next refresh; none when refreshing is off.
func (m *Model) tick() tea.Cmd {
	if m.ctx.Refresh < 0 {
		return nil
	}
	return common.Tick(m.ctx.Refresh)
}

// Init starts every page's first load, the status line's git and count reads, and the refresh tick.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.tick(), loadCounts(m.ctx.Store)}
	if m.ctx.Project.InGit {
		cmds = append(cmds, loadHead(m.ctx.Project.Root), m.status.askDirty(m.ctx.Project.Root, time.Now(), true))
	}
	if !m.themeFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	for _, p := range m.pages {
		cmds = append(cmds, p.Init())
	}
	return tea.Batch(cmds...)
}

// Update routes messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		if !m.themeFixed {
			if msg.IsDark() {
				m.setTheme("dark")
			} else {
				m.setTheme("light")
			}
		}
		return m, nil
	case headMsg:
		moved := msg.err == nil && m.status.head.Commit != "" && msg.head.Commit != m.status.head.Commit
		m.status.head, m.status.headErr = msg.head, msg.err
		if m.ctx.Project.InGit {
			// A commit usually cleans the tree; otherwise an edit shows within dirtyEvery.
			return m, m.status.askDirty(m.ctx.Project.Root, time.Now(), moved)
		}
		return m, nil
	case dirtyMsg:
		m.status.dirty, m.status.dirtyBusy = msg.dirty, false
		return m, nil
	case countsMsg:
		return m, m.status.setCounts(msg, bellOn(m.ctx))
	case common.ErrorMsg:
		m.err, m.errAt = msg.Err, m.ctx.Now()
		return m, nil
	case common.TickMsg:
		cmds := []tea.Cmd{m.tick(), loadCounts(m.ctx.Store)}
		if m.ctx.Project.InGit {
			cmds = append(cmds, loadHead(m.ctx.Project.Root))
		}
		return m, tea.Batch(append(cmds, m.broadcast(msg))...)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, m.broadcast(msg)
}

// broadcast gives a message to every page.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, len(m.pages))
	for i, p := range m.pages {
		m.pages[i], cmds[i] = p.Update(msg)
	}
	return tea.Batch(cmds...)
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.showHelp { // the overlay takes input first
		switch {
		case key.Matches(msg, m.keys.Help), msg.String() == "esc", msg.String() == "q":
			m.showHelp = false
		case msg.String() == "ctrl+c":
			m.showHelp = false
			return m.quit()
		}
		return nil
	}
	page := m.pages[m.active]
	if page.Capturing() {
		if msg.String() == "ctrl+c" {
			return m.quit()
		}
		var cmd tea.Cmd
		m.pages[m.active], cmd = page.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(msg, m.keys.Theme):
		next := themes.Next(m.ctx.Theme)
		m.setTheme(next)
		m.themeFixed = true
		return m.save(stateTheme, next)
	case key.Matches(msg, m.keys.NextTab):
		return m.switchTo((m.active + 1) % len(m.pages))
	case key.Matches(msg, m.keys.PrevTab):
		return m.switchTo((m.active + len(m.pages) - 1) % len(m.pages))
	}
	if s := msg.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		if i := int(s[0] - '1'); i < len(m.pages) {
			return m.switchTo(i)
		}
	}
	var cmd tea.Cmd
	m.pages[m.active], cmd = page.Update(msg)
	return cmd
}

// quit ends the program, unless a page holds unsaved work (common.Guarded), wherever it is: then
// that page is shown and handed the quit key, so it asks first (and quits on a second press).
func (m *Model) quit() tea.Cmd {
	for i, p := range m.pages {
		if g, ok := p.(common.Guarded); ok && g.Unsaved() {
			// Handed as ctrl+c, which a page asks about even with a prompt open (where q would
			// be typed into it).
			var cmd tea.Cmd
			m.pages[i], cmd = p.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			return tea.Batch(m.switchTo(i), cmd)
		}
	}
	return tea.Quit
}

func (m *Model) switchTo(i int) tea.Cmd {
	m.active = i
	return m.save(stateTab, registry[i].id)
}

// save persists a UI choice in the background; a failure shows in the status line.
func (m *Model) save(k, v string) tea.Cmd {
	st := m.ctx.Store
	return func() tea.Msg {
		if err := st.SetUIState(context.Background(), k, v); err != nil {
			return common.ErrorMsg{Err: err}
		}
		return nil
	}
}

// contentHeight is the page area: the screen less the tab bar, status line and help bar.
func (m *Model) contentHeight() int { return m.height - 3 }

// layout sizes every page once per resize; View never measures.
func (m *Model) layout() {
	m.help.SetWidth(m.width)
	for _, p := range m.pages {
		p.SetSize(m.width, max(0, m.contentHeight()))
	}
}

// View renders the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "mlwb"
	if m.ctx.Project.Config != nil && m.ctx.Project.Config.Name != "" {
		v.WindowTitle = "mlwb · " + m.ctx.Project.Config.Name
	}
	return v
}

// Render is the screen as text: what View shows, and what golden tests compare.
func (m *Model) Render() string {
	if m.width == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := "terminal too small: mlwb needs at least 60×12"
		return widget.Lines(widget.Fit(msg, m.width), m.width, m.height)
	}
	var content string
	if m.showHelp {
		content = m.helpOverlay()
	} else {
		content = m.pages[m.active].View()
	}
	right := m.ctx.Styles.Muted.Render(m.ctx.Theme)
	if m.err != nil && m.ctx.Now().Sub(m.errAt) < 10*time.Second {
		right = m.ctx.Styles.Error.Render(errText(m.err))
	}
	return strings.Join([]string{
		m.tabBar(),
		widget.Lines(content, m.width, m.contentHeight()),
		statusLine(m.ctx, m.status, right, m.width),
		widget.Fit(" "+m.help.ShortHelpView(m.shortHelp()), m.width),
	}, "\n")
}

func errText(err error) string {
	for u := errors.Unwrap(err); u != nil && len(err.Error()) > 60; u = errors.Unwrap(err) {
		err = u
	}
	return err.Error()
}

// tabBar is "mlwb  1 Data  2 Runs  3 Diff  4 Live" with the active tab highlighted.
func (m *Model) tabBar() string {
	st := &m.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(" mlwb "))
	for i, p := range m.pages {
		label := string(rune('1'+i)) + " " + p.Title()
		if i == m.active {
			b.WriteString(st.TabActive.Render(label))
		} else {
			b.WriteString(st.Tab.Render(label))
		}
	}
	return widget.Fit(b.String(), m.width)
}

// shortHelp is the help bar: the active page's keys, then the global ones.
func (m *Model) shortHelp() []key.Binding {
	if m.showHelp {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/?", "close help"))}
	}
	out := append([]key.Binding{}, m.pages[m.active].ShortHelp()...)
	if m.pages[m.active].Capturing() { // the page takes every key (a prompt, labelling's 1–9): no tab keys
		return out
	}
	return append(out, m.keys.Tab1, m.keys.NextTab, m.keys.Help, m.keys.Quit)
}

// helpOverlay is the full help: global keys and the active page's, in a centred box.
func (m *Model) helpOverlay() string {
	st := &m.ctx.Styles
	global := []key.Binding{m.keys.Tab1, m.keys.NextTab, m.keys.PrevTab, m.keys.Theme, m.keys.Help, m.keys.Quit}
	groups := append([][]key.Binding{global}, m.pages[m.active].FullHelp()...)
	// The groups go side by side while they fit and wrap onto more rows after: in one row the
	// help cut off at 80 columns, and with it half the page's keys.
	h := m.help
	h.SetWidth(0) // no cutting: the rows are fitted here
	maxW := m.width - st.Modal.GetHorizontalFrameSize()
	sepW := lipgloss.Width(h.Styles.FullSeparator.Inline(true).Render(h.FullSeparator))
	var rows []string
	var cur [][]key.Binding
	curW := 0
	for _, g := range groups {
		w := lipgloss.Width(h.FullHelpView([][]key.Binding{g})) // each group measured once
		if len(cur) > 0 && curW+sepW+w > maxW {
			rows = append(rows, h.FullHelpView(cur))
			cur, curW = nil, 0
		}
		if len(cur) > 0 {
			curW += sepW
		}
		cur, curW = append(cur, g), curW+w
	}
	if len(cur) > 0 {
		rows = append(rows, h.FullHelpView(cur))
	}
	body := st.Title.Render("Keys · "+m.pages[m.active].Title()) + "\n\n" + strings.Join(rows, "\n\n")
	box := st.Modal.Render(body)
	return lipgloss.Place(m.width, m.contentHeight(), lipgloss.Center, lipgloss.Center, box)
}
