package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/features"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/ui/widget"
)

// specState is the feature-spec editor (F): one line per column with its transform, changed by
// keys, and a preview of the first rows the spec makes, fitted to the stored profile and streamed
// by the features stage exactly as `mlwb data features --preview` would, after every change. w
// writes the spec whole (a temporary file renamed over it), for the user to commit.
type specState struct {
	open   bool
	path   string // the spec file: <dataset name>.features.yaml at the project root
	data   string // the dataset file the preview reads
	root   string // where the commands in a new file's header are run from: the project root
	loaded bool   // the file existed and was read
	rest   string
	cols   []features.ColumnSpec // the profile's columns in file order, then spec columns it lacks
	types  map[string]string     // column → the profile's type
	cursor int
	top    int
	dirty  bool
	quit   bool // esc once with unsaved changes: a second esc discards them
	leave  bool // q or ctrl+c once with unsaved changes: a second one quits mlwb without them

	input  widget.LineInput
	prompt string // "clip", "args" or "constant" while the prompt is open
	err    error  // the last key's problem (a bad argument, a failed write)
	note   string // what the last write did

	seq     int
	running bool
	prev    specPreview
}

// specPreview is the answer of one preview: the spec's problem, or the output's first rows with
// the raw values of the input's first rows beside them.
type specPreview struct {
	seq      int
	err      error
	warnings []string
	names    []string
	rows     [][]string
	inNames  []string
	inRows   [][]string
}

type specPreviewMsg specPreview

var (
	specKey       = key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "feature spec"))
	specCycle     = key.NewBinding(key.WithKeys("right", "l", "left", "h"), key.WithHelp("←/→", "transform"))
	specImpute    = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "impute"))
	specClip      = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clip"))
	specArgs      = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit arguments"))
	specWrite     = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write spec"))
	specRest      = key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rest keep/drop"))
	specClose     = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))
	promptAccept  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply"))
	promptCancel  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	specRowsShown = 20 // preview rows asked for
)

// specPath is where the dataset's spec lives: where mlwb.yaml's features: says, else named for
// the dataset next to mlwb.yaml, so `mlwb data features DATA --spec <name>.features.yaml` finds
// it from the project root.
func (p *Page) specPath(e entry) string {
	if p.ctx.Project != nil && p.ctx.Project.Root != "" {
		return p.ctx.Project.FeatureSpecPath(e.Name, e.Features)
	}
	return filepath.Join(filepath.Dir(p.absPath(e)), project.FeatureSpecFile(e.Name))
}

// openSpec opens the editor on the highlighted dataset's spec, or on a new one listing the
// profile's columns unchanged.
func (p *Page) openSpec() tea.Cmd {
	if p.cursor >= len(p.entries) {
		return nil
	}
	e := p.entries[p.cursor]
	s := specState{open: true, path: p.specPath(e), data: p.absPath(e), rest: "keep", types: map[string]string{}, seq: p.spec.seq}
	s.root = filepath.Dir(s.path)
	if p.ctx.Project != nil && p.ctx.Project.Root != "" {
		s.root = p.ctx.Project.Root
	}
	byName := map[string]features.ColumnSpec{}
	var order []string
	if sp, err := features.LoadSpec(s.path); err == nil {
		s.loaded, s.rest = true, sp.Rest
		for _, c := range sp.Columns {
			byName[c.Name] = c
			order = append(order, c.Name)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		s.err = err // shown; the editor starts from the profile, and w would replace the file
	}
	if pr := p.prof.profile; pr != nil && p.prof.path == s.data {
		for _, c := range pr.Columns {
			s.types[c.Name] = c.Type
			cs, ok := byName[c.Name]
			if !ok {
				cs = features.ColumnSpec{Name: c.Name, Drop: s.rest == "drop"}
			}
			delete(byName, c.Name)
			s.cols = append(s.cols, cs)
		}
	}
	for _, n := range order {
		if cs, ok := byName[n]; ok {
			s.cols = append(s.cols, cs)
		}
	}
	p.spec = s
	p.showSpec = true
	p.showHistory, p.showCorr = false, false
	return p.specPreviewCmd()
}

// specOf is the spec as the editor holds it now.
func (s *specState) specOf() *features.Spec {
	sp := &features.Spec{Path: filepath.Base(s.path), Rest: s.rest}
	sp.Columns = append(sp.Columns, s.cols...)
	return sp
}

// specPreviewCmd parses the spec as it would be written, fits it to the profile and previews it,
// in the background; a newer change makes an older answer stale.
func (p *Page) specPreviewCmd() tea.Cmd {
	s := &p.spec
	s.seq++
	seq := s.seq
	if len(s.cols) == 0 {
		s.prev = specPreview{seq: seq, err: errors.New("no columns: the dataset is not profiled yet (esc, then p), and there is no spec file")}
		return nil
	}
	text := features.FormatSpec(s.specOf())
	pr := p.prof.profile
	if p.prof.path != s.data {
		pr = nil
	}
	s.running = true
	path, name := s.data, filepath.Base(s.path)
	return func() tea.Msg {
		out := specPreviewMsg{seq: seq}
		sp, err := features.ParseSpec(name, text)
		if err != nil {
			out.err = specMsg(err)
			return out
		}
		if pr == nil {
			out.err = errors.New("the dataset is not profiled yet: esc, then p, to fit the spec and see its rows")
			return out
		}
		plan, err := features.Fit(sp, pr)
		if err != nil {
			out.err = specMsg(err)
			return out
		}
		out.warnings = plan.Warnings
		out.names, out.rows, out.err = features.Preview(context.Background(), path, plan, specRowsShown)
		if out.err == nil {
			out.inNames, out.inRows, _ = engine.Head(path, specRowsShown)
		}
		return out
	}
}

// specMsg is a spec error without its file:line prefix, which would point into text the editor
// made rather than the file on disk (the message names the column).
func specMsg(err error) error {
	var se *features.SpecError
	if errors.As(err, &se) {
		return errors.New(se.Msg)
	}
	return err
}

func (p *Page) onSpecPreview(msg specPreviewMsg) {
	if msg.seq != p.spec.seq {
		return
	}
	p.spec.running = false
	p.spec.prev = specPreview(msg)
}

// transforms are what ←/→ cycle through for a column of a profile type: keep first and drop
// last, so either is one key away from the other.
func transforms(typ string) []string {
	switch typ {
	case "int":
		return []string{"keep", "standardize", "minmax", "log1p", "log1p+minmax", "bucketize", "onehot", "drop"}
	case "float":
		return []string{"keep", "standardize", "minmax", "log1p", "log1p+minmax", "bucketize", "drop"}
	case "string", "bool":
		return []string{"keep", "onehot", "drop"}
	case "datetime":
		return []string{"keep", "dateparts", "drop"}
	}
	return []string{"keep", "standardize", "minmax", "log1p", "log1p+minmax", "bucketize", "onehot", "dateparts", "drop"}
}

// mainOf names a column's main transform, as transforms lists it.
func mainOf(c *features.ColumnSpec) string {
	switch {
	case c.Drop:
		return "drop"
	case c.DateParts != nil:
		return "dateparts"
	case c.OneHot != nil:
		return "onehot"
	case c.Bucketize != nil:
		return "bucketize"
	case c.Log1p && c.Scale == "minmax":
		return "log1p+minmax"
	case c.Log1p:
		return "log1p"
	case c.Scale != "":
		return c.Scale
	}
	return "keep"
}

// setMain gives a column another main transform with default arguments; its impute and clip
// stay (FormatSpec leaves out what the transform excludes, and the fit says what else is wrong).
func setMain(c *features.ColumnSpec, m string) {
	*c = features.ColumnSpec{Name: c.Name, Impute: c.Impute, Clip: c.Clip}
	switch m {
	case "drop":
		c.Drop = true
	case "standardize", "minmax":
		c.Scale = m
	case "log1p":
		c.Log1p = true
	case "log1p+minmax":
		c.Log1p, c.Scale = true, "minmax"
	case "bucketize":
		c.Bucketize = &features.Bucketize{Quantiles: 4}
	case "onehot":
		c.OneHot = &features.OneHot{Top: 5}
	case "dateparts":
		c.DateParts = []string{"year", "month", "day", "weekday"}
	}
}

// describe is a column's transform as one line: main transform with its arguments, then impute
// and clip where they apply.
func describe(c *features.ColumnSpec) string {
	m := mainOf(c)
	switch m {
	case "drop":
		return "drop"
	case "dateparts":
		return "dateparts " + strings.Join(c.DateParts, " ")
	case "onehot":
		m = fmt.Sprintf("onehot top %d", c.OneHot.Top)
	case "bucketize":
		if c.Bucketize.Edges != nil {
			m = "bucketize edges " + numList(c.Bucketize.Edges)
		} else if c.Bucketize.Quantiles == 2 {
			m = "bucketize at the median"
		} else {
			m = "bucketize at the quartiles"
		}
	}
	var parts []string
	if m != "keep" || (c.Impute == nil && c.Clip == nil) {
		parts = append(parts, m)
	}
	if im := c.Impute; im != nil {
		if im.Method == "constant" {
			parts = append(parts, "impute "+strconv.Quote(im.Value))
		} else {
			parts = append(parts, "impute "+im.Method)
		}
	}
	if cl := c.Clip; cl != nil && c.OneHot == nil {
		parts = append(parts, "clip "+clipText(cl))
	}
	return strings.Join(parts, " · ")
}

func numList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ", ")
}

// clipText is a clip as the prompt takes it: "lo, hi" with an open side empty.
func clipText(cl *features.Clip) string {
	lo, hi := "", ""
	if cl.Min != nil {
		lo = strconv.FormatFloat(*cl.Min, 'g', -1, 64)
	}
	if cl.Max != nil {
		hi = strconv.FormatFloat(*cl.Max, 'g', -1, 64)
	}
	return "[" + lo + ", " + hi + "]"
}

// specKeyPress handles keys while the editor is open; it takes every key.
func (p *Page) specKeyPress(msg tea.KeyPressMsg) tea.Cmd {
	s := &p.spec
	if msg.String() == "ctrl+c" { // q too: the app turns it into ctrl+c while the spec is unsaved
		if s.dirty && !s.leave {
			s.leave, s.quit, s.err, s.note = true, false, nil, ""
			s.input.Active, s.prompt = false, ""
			return nil
		}
		s.leave = false
		return tea.Quit
	}
	s.leave = false
	if s.input.Active {
		switch s.input.Key(msg) {
		case widget.InputAccepted:
			if err := s.applyPrompt(s.input.Text); err != nil {
				s.err = err
				return nil
			}
			s.dirty = true
			return p.specPreviewCmd()
		case widget.InputCancelled:
			s.prompt = ""
		}
		return nil
	}
	quit := s.quit
	s.err, s.quit, s.note = nil, false, ""
	if key.Matches(msg, specClose) {
		if s.dirty && !quit {
			s.quit = true
			return nil
		}
		p.showSpec = false
		return nil
	}
	if key.Matches(msg, specWrite) {
		s.err = s.write()
		return nil
	}
	if key.Matches(msg, specRest) {
		// What becomes of columns the spec does not name: those the file gains after this.
		if s.rest == "drop" {
			s.rest = "keep"
		} else {
			s.rest = "drop"
		}
		s.dirty = true
		return p.specPreviewCmd()
	}
	if c, ok := p.keys.Move(msg.String(), s.cursor, len(s.cols), 5); ok {
		s.cursor = c
		return nil
	}
	if s.cursor >= len(s.cols) {
		return nil
	}
	c := &s.cols[s.cursor]
	typ := s.types[c.Name]
	switch {
	case key.Matches(msg, specCycle):
		ts := transforms(typ)
		i := 0
		for j, t := range ts {
			if t == mainOf(c) {
				i = j
			}
		}
		if k := msg.String(); k == "left" || k == "h" {
			i = (i + len(ts) - 1) % len(ts)
		} else {
			i = (i + 1) % len(ts)
		}
		setMain(c, ts[i])
	case key.Matches(msg, specImpute):
		methods := []string{"", "mode", "constant"}
		if typ == "int" || typ == "float" {
			methods = []string{"", "mean", "median", "mode", "constant"}
		}
		cur := ""
		if c.Impute != nil {
			cur = c.Impute.Method
		}
		i := 0
		for j, m := range methods {
			if m == cur {
				i = j
			}
		}
		next := methods[(i+1)%len(methods)]
		switch next {
		case "":
			c.Impute = nil
		case "constant":
			s.prompt, s.input = "constant", widget.LineInput{Active: true}
			return nil
		default:
			c.Impute = &features.Impute{Method: next}
		}
	case key.Matches(msg, specClip):
		text := ""
		if c.Clip != nil {
			text = strings.Trim(clipText(c.Clip), "[]")
		}
		s.prompt, s.input = "clip", widget.LineInput{Active: true, Text: text}
		return nil
	case key.Matches(msg, specArgs):
		text := ""
		switch mainOf(c) {
		case "onehot":
			text = strconv.Itoa(c.OneHot.Top)
		case "bucketize":
			text = "q" + strconv.Itoa(c.Bucketize.Quantiles)
			if c.Bucketize.Edges != nil {
				text = numList(c.Bucketize.Edges)
			}
		case "dateparts":
			text = strings.Join(c.DateParts, " ")
		default:
			if c.Impute != nil && c.Impute.Method == "constant" {
				s.prompt, s.input = "constant", widget.LineInput{Active: true, Text: c.Impute.Value}
				return nil
			}
			s.err = fmt.Errorf("%s takes no arguments: e edits onehot's top, bucketize's edges, dateparts' parts and a constant impute", mainOf(c))
			return nil
		}
		s.prompt, s.input = "args", widget.LineInput{Active: true, Text: text}
		return nil
	default:
		return nil
	}
	s.dirty = true
	return p.specPreviewCmd()
}

// applyPrompt reads what was typed into the open prompt into the highlighted column.
func (s *specState) applyPrompt(text string) error {
	c := &s.cols[s.cursor]
	text = strings.TrimSpace(text)
	prompt := s.prompt
	s.prompt = ""
	switch prompt {
	case "constant":
		c.Impute = &features.Impute{Method: "constant", Value: text}
	case "clip":
		if text == "" {
			c.Clip = nil
			return nil
		}
		lo, hi, ok := strings.Cut(text, ",")
		if !ok {
			return fmt.Errorf("clip %q: write min, max (a side may be empty: -60, or , 240)", text)
		}
		cl := &features.Clip{}
		for i, t := range []string{lo, hi} {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			v, err := strconv.ParseFloat(t, 64)
			if err != nil {
				return fmt.Errorf("clip: %q is not a number", t)
			}
			if i == 0 {
				cl.Min = &v
			} else {
				cl.Max = &v
			}
		}
		if cl.Min == nil && cl.Max == nil {
			c.Clip = nil
		} else {
			c.Clip = cl
		}
	case "args":
		switch mainOf(c) {
		case "onehot":
			k, err := strconv.Atoi(text)
			if err != nil || k < 1 || k > 1000 {
				return fmt.Errorf("onehot top %q: a whole number from 1 to 1000", text)
			}
			c.OneHot = &features.OneHot{Top: k}
		case "bucketize":
			if q := strings.TrimPrefix(strings.ToLower(text), "q"); q == "2" || q == "4" {
				n, _ := strconv.Atoi(q)
				c.Bucketize = &features.Bucketize{Quantiles: n}
				return nil
			}
			var edges []float64
			for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' }) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					return fmt.Errorf("bucketize: %q is not a number (write edges 0, 15, 60, or q2 / q4 for the median / quartiles)", f)
				}
				if len(edges) > 0 && v <= edges[len(edges)-1] {
					return fmt.Errorf("bucketize: edges must increase: %g follows %g", v, edges[len(edges)-1])
				}
				edges = append(edges, v)
			}
			if len(edges) == 0 {
				return errors.New("bucketize: give edges (0, 15, 60) or q2 / q4")
			}
			c.Bucketize = &features.Bucketize{Edges: edges}
		case "dateparts":
			parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' })
			seen := map[string]bool{}
			for _, d := range parts {
				switch d {
				case "year", "month", "day", "weekday", "hour":
				default:
					return fmt.Errorf("dateparts: %q is not one of year, month, day, weekday, hour", d)
				}
				if seen[d] {
					return fmt.Errorf("dateparts: %s is listed twice", d)
				}
				seen[d] = true
			}
			if len(parts) == 0 {
				return errors.New("dateparts: name at least one of year, month, day, weekday, hour")
			}
			c.DateParts = parts
		}
	}
	return nil
}

// write saves the spec whole: to a temporary file in the same directory, renamed over the spec,
// so a reader never sees half a file.
func (s *specState) write() error {
	var text []byte
	if orig, err := os.ReadFile(s.path); err == nil {
		// The file as it is now (edited elsewhere since it was read, maybe): its comments stay.
		text = features.FormatSpecKeeping(orig, s.specOf())
	} else {
		// A new file says what it is and how to use it.
		rel := func(path string) string {
			if r, err := filepath.Rel(s.root, path); err == nil && !strings.HasPrefix(r, "..") {
				return filepath.ToSlash(r)
			}
			return path
		}
		data := rel(s.data)
		text = append([]byte(fmt.Sprintf("# Feature spec for %s, written by mlwb's Data tab (F).\n# mlwb data features %s --spec %s -o OUT\n\n", data, data, rel(s.path))),
			features.FormatSpec(s.specOf())...)
	}
	if _, err := features.ParseSpec(s.path, text); err != nil {
		return fmt.Errorf("not written: %w", specMsg(err))
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil { // a declared spec's folder may not exist yet
		return fmt.Errorf("write spec: %w", err)
	}
	out, err := engine.CreateOutput(s.path) // whole or not at all; its mode and a symlink kept
	if err != nil {
		return fmt.Errorf("write spec: %w", err)
	}
	defer out.Abort()
	if _, err := out.Write(text); err != nil {
		return fmt.Errorf("write spec: %w", err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("write spec: %w", err)
	}
	s.dirty, s.loaded = false, true
	s.note = fmt.Sprintf("wrote %s (%d columns, %s): commit it", filepath.Base(s.path), len(s.cols), features.SpecHash(text)[:8])
	return nil
}
