package runs

import (
	"context"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	runsengine "github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// formKind is what a one-line form on the Runs page does with its text.
type formKind int

const (
	formLaunch formKind = iota // launch a run with these params (new, or a rerun with changes)
	formTag                    // set tags k=v… on a run
	formNote                   // replace a run's note
)

// form is a one-line form over the table: the launch form, a tag or a note.
type form struct {
	kind formKind
	run  *store.Run // the run tagged, noted or rerun; nil for a new run
	in   widget.LineInput
}

func (f *form) prompt() string {
	switch f.kind {
	case formTag:
		return fmt.Sprintf("tag run %d (k=v …): ", f.run.ID)
	case formNote:
		return fmt.Sprintf("note on run %d: ", f.run.ID)
	}
	if f.run != nil {
		return fmt.Sprintf("rerun %d with params (name:NAME optional): ", f.run.ID)
	}
	return "new run with params (name:NAME optional): "
}

// splitName takes a name:NAME word out of the launch form's words (a param cannot be called
// that way: params are key=value).
func splitName(words []string) (string, []string) {
	name, rest := "", make([]string, 0, len(words))
	for _, w := range words {
		if n, ok := strings.CutPrefix(w, "name:"); ok {
			name = n
			continue
		}
		rest = append(rest, w)
	}
	return name, rest
}

// changedName names a new run after the params it changes from mlwb.yaml's defaults (lr-0.3),
// so runs launched from the form are told apart in the table and the Live legend; "" when it
// changes none.
func changedName(cfg *project.Config, params map[string]string) string {
	if cfg == nil {
		return ""
	}
	defaults := cfg.Train.ParamStrings()
	var parts []string
	for _, k := range cfg.Train.ParamOrder {
		if v, ok := params[k]; ok && v != defaults[k] {
			parts = append(parts, k+"-"+v)
		}
	}
	for _, k := range cfg.Train.UnknownParams(params) {
		parts = append(parts, k+"-"+params[k])
	}
	return strings.Join(parts, "_")
}

// formDoneMsg reports what a submitted form did.
type formDoneMsg struct{ text string }

// launchForm opens the launch form pre-filled with the params of run r (a rerun with changes) or,
// for nil, with mlwb.yaml's defaults.
func (p *Page) launchForm(r *store.Run) {
	var words []string
	if r != nil {
		ps := p.params[r.ID]
		keys := make([]string, 0, len(ps))
		for k := range ps {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			words = append(words, k+"="+quoteWord(ps[k]))
		}
	} else if cfg := p.ctx.Project.Config; cfg != nil {
		for _, k := range cfg.Train.ParamOrder {
			words = append(words, k+"="+quoteWord(fmt.Sprint(cfg.Train.Params[k])))
		}
	}
	p.form = &form{kind: formLaunch, run: r, in: widget.LineInput{Active: true, Text: strings.Join(words, " ")}}
}

// quoteWord quotes a value with spaces or quotes so SplitWords gives it back whole.
func quoteWord(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t'\"\\") {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// submitForm acts on a form's text in the background.
func (p *Page) submitForm(f *form) tea.Cmd {
	words, err := project.SplitWords(f.in.Text)
	if err != nil {
		p.notice = err.Error()
		return nil
	}
	st := p.ctx.Store
	switch f.kind {
	case formNote:
		id, text := f.run.ID, strings.TrimSpace(f.in.Text)
		return func() tea.Msg {
			if err := st.SetNote(context.Background(), id, text); err != nil {
				return formDoneMsg{err.Error()}
			}
			return formDoneMsg{fmt.Sprintf("run %d: note saved", id)}
		}
	case formTag:
		tags, err := project.KeyValues("tag", words)
		if err != nil {
			p.notice = err.Error()
			return nil
		}
		id := f.run.ID
		return func() tea.Msg {
			if err := st.SetTags(context.Background(), id, tags); err != nil {
				return formDoneMsg{err.Error()}
			}
			return formDoneMsg{fmt.Sprintf("run %d: %d tags set", id, len(tags))}
		}
	}
	name, words := splitName(words)
	params, err := project.KeyValues("param", words)
	if err != nil {
		p.notice = err.Error()
		return nil
	}
	o := runsengine.LaunchOptions{Store: st, Project: p.ctx.Project, Params: params, Source: "tui", Name: name}
	if o.Name == "" && f.run == nil {
		o.Name = changedName(p.ctx.Project.Config, params)
	}
	if r := f.run; r != nil {
		if o.Name == "" {
			o.Name = r.Name + "-rerun"
		}
		if p.ctx.Project.InGit && r.GitCommit != "" {
			// On the run's own code, as `mlwb rerun` does: launching in the working tree ran
			// whatever the code is today.
			ro := runsengine.RerunOptions{LaunchOptions: o, Run: r}
			return func() tea.Msg {
				nr, code, err := runsengine.Rerun(context.Background(), ro)
				if err != nil {
					return formDoneMsg{"rerun: " + err.Error()}
				}
				return formDoneMsg{fmt.Sprintf("launched run %d on run %d's code in %s: %s", nr.ID, r.ID, code, strings.Join(nr.Command, " "))}
			}
		}
		if cfg := p.ctx.Project.Config; cfg == nil || cfg.Train.Command == "" {
			o.Command, o.Workdir = r.Command, r.Workdir // no template to fill: the same argv
		}
	}
	return func() tea.Msg {
		r, err := runsengine.Launch(context.Background(), o)
		if err != nil {
			return formDoneMsg{"launch: " + err.Error()}
		}
		return formDoneMsg{fmt.Sprintf("launched run %d: %s", r.ID, strings.Join(r.Command, " "))}
	}
}
