package diff

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// histRepo is a project whose params.yaml changes lr twice in four commits by three authors, with
// runs at three of them:
//
//	c1 Ann  lr 0.01, train.py      runs: base (acc 0.60, loss 0.9)
//	c2 Bob  train.py only          runs: tweak (acc 0.70, loss 0.5)
//	c3 Cid  lr 0.1                 runs: hot (acc 0.90, loss 0.3), hot2 (acc 0.85, loss 0.2)
//	c4 Ann  epochs 9 (lr kept)     runs: none
type histFixture struct {
	dir     string
	commits [4]string // c1…c4
	runs    map[string]int64
	page    *Page
}

func newHistFixture(t *testing.T) *histFixture {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	f := &histFixture{dir: t.TempDir(), runs: map[string]int64{}}
	dir := f.dir
	gitIn(t, dir, "init", "-q", "-b", "main")
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(author, msg string) string {
		gitIn(t, dir, "add", "-A")
		gitIn(t, dir, "commit", "-q", "--author", author+" <"+strings.ToLower(author)+"@x>", "-m", msg)
		out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	write("mlwb.yaml", "name: hist\ntrain:\n  command: echo {lr}\n  params: {lr: 0.1}\n  params_files: [params.yaml]\nmetrics:\n  primary: acc\n  direction: max\n")
	write("params.yaml", "lr: 0.01\nepochs: 5\nseed: 1\n")
	write("train.py", "print('v1')\n")
	f.commits[0] = commit("Ann", "start")
	write("train.py", "print('v2')\n")
	f.commits[1] = commit("Bob", "tweak the trainer")
	write("params.yaml", "lr: 0.1\nepochs: 5\nseed: 1\n")
	f.commits[2] = commit("Cid", "raise lr")
	write("params.yaml", "lr: 0.1\nepochs: 9\nseed: 1\n")
	f.commits[3] = commit("Ann", "train longer")

	c := projectContext(t, dir, themes.Mono())
	s := c.Store
	ctx := context.Background()
	for i, r := range []struct {
		name      string
		commit    int
		lr        string
		acc, loss float64
	}{
		{"base", 0, "0.01", 0.60, 0.9}, {"tweak", 1, "0.01", 0.70, 0.5},
		{"hot", 2, "0.1", 0.90, 0.3}, {"hot2", 2, "0.1", 0.85, 0.2},
	} {
		run := &store.Run{UUID: fmt.Sprintf("0123456789abcdef0123456789abcd%02d", i), Name: r.name,
			Status: store.StatusFinished, Command: []string{"echo", r.lr}, GitCommit: f.commits[r.commit],
			Created: time.Now(), Started: time.Now()}
		if err := s.CreateRun(ctx, run, map[string]string{"lr": r.lr, "epochs": "5", "seed": "1"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteMetrics(ctx, []store.Point{{RunID: run.ID, Key: "acc", Value: r.acc},
			{RunID: run.ID, Key: "loss", Value: r.loss}}); err != nil {
			t.Fatal(err)
		}
		f.runs[r.name] = run.ID
	}
	f.page = New(c)
	f.page.SetSize(120, 30)
	drive(t, f.page, f.page.Init())
	return f
}

// gitLines runs git in the fixture and returns its output lines: the independent answer.
func (f *histFixture) gitLines(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", f.dir}, args...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(strings.TrimSpace(string(out)))
}

// rowOf is the screen line that holds s.
func rowOf(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestFileAndParamHistoryByKeys opens a commit's diff, the history of a file from its file list
// (H), a change from that history (enter), and the history of a params key from the prompt (P),
// all by keys, and checks each against git and the runs made.
func TestFileAndParamHistoryByKeys(t *testing.T) {
	f := newHistFixture(t)
	p := f.page
	// A run at c3 that overrode lr: on c3's commit, but not on the value 0.1.
	over := &store.Run{UUID: "0123456789abcdef0123456789abcd99", Name: "override", Status: store.StatusFinished,
		Command: []string{"echo", "0.5"}, GitCommit: f.commits[2], Created: time.Now(), Started: time.Now()}
	ctx := context.Background()
	if err := p.ctx.Store.CreateRun(ctx, over, map[string]string{"lr": "0.50", "epochs": "5", "seed": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.ctx.Store.WriteMetrics(ctx, []store.Point{{RunID: over.ID, Key: "acc", Value: 0.95}}); err != nil {
		t.Fatal(err)
	}
	press(t, p, "enter") // HEAD's diff: params.yaml only
	if v := screen(p); !strings.Contains(v, "params.yaml  modified  +1 −1") {
		t.Fatalf("HEAD's diff:\n%s", v)
	}
	press(t, p, "H")
	v := screen(p)
	// The commits that touched params.yaml, as git lists them.
	want := f.gitLines(t, "log", "--format=%h", "--", "params.yaml")
	if len(want) != 3 {
		t.Fatalf("git lists %d commits for params.yaml", len(want))
	}
	if !strings.Contains(v, "history of params.yaml") || !strings.Contains(v, "3 changes") {
		t.Errorf("file history title:\n%s", v)
	}
	for _, h := range want {
		if rowOf(v, h) == "" {
			t.Errorf("file history lacks %s:\n%s", h, v)
		}
	}
	if strings.Contains(v, f.commits[1][:7]) {
		t.Errorf("c2 did not touch params.yaml but is listed:\n%s", v)
	}
	// Runs at each commit: c3 has three (best acc 0.95, the override), c1 one (0.6), c4 none.
	if r := rowOf(v, f.commits[2][:7]); !regexp.MustCompile(`Cid\s+3\s+0\.95\s+raise lr`).MatchString(r) {
		t.Errorf("c3 row: %q", r)
	}
	if r := rowOf(v, f.commits[0][:7]); !regexp.MustCompile(`Ann\s+1\s+0\.6\s+start`).MatchString(r) {
		t.Errorf("c1 row: %q", r)
	}
	press(t, p, "j", "enter") // c3's change, params.yaml shown first
	v = screen(p)
	if !strings.Contains(v, f.commits[2][:7]) || !strings.Contains(v, "-lr: 0.01") || !strings.Contains(v, "+lr: 0.1") {
		t.Errorf("c3's diff from the file history:\n%s", v)
	}
	press(t, p, "esc")
	if v := screen(p); !strings.Contains(v, "history of params.yaml") {
		t.Errorf("esc from the diff did not return to the file history:\n%s", v)
	}
	press(t, p, "esc", "esc")
	if v := screen(p); !strings.Contains(v, "train longer") || !strings.Contains(v, "tweak the trainer") {
		t.Errorf("esc esc did not return to the commit list:\n%s", v)
	}

	// P asks for FILE:KEY, filled with the params file from mlwb.yaml.
	press(t, p, "P")
	if !p.Capturing() || !strings.Contains(screen(p), "history of FILE:KEY (ctrl+u clears) params.yaml:") {
		t.Fatalf("no prompt:\n%s", screen(p))
	}
	press(t, p, "l", "r", "enter")
	v = screen(p)
	if !strings.Contains(v, "values of params.yaml:lr") || !strings.Contains(v, "2 changes") {
		t.Fatalf("param history:\n%s", v)
	}
	// lr was 0.1 from c3 on (runs at c3 and c4 with lr 0.1: hot, hot2 → 2 runs, best 0.9; the
	// override ran with 0.5), 0.01 from c1 to c2 (runs base, tweak → 2 runs, best 0.7).
	if r := rowOf(v, f.commits[2][:7]); !regexp.MustCompile(`Cid\s+0\.01 → 0\.1\s+2\s+0\.9\s`).MatchString(r) {
		t.Errorf("lr 0.1 row: %q", r)
	}
	if r := rowOf(v, f.commits[0][:7]); !regexp.MustCompile(`Ann\s+0\.01\s+2\s+0\.7\s`).MatchString(r) {
		t.Errorf("lr 0.01 row: %q", r)
	}
	if rowOf(v, f.commits[3][:7]) != "" {
		t.Errorf("c4 changed epochs, not lr, but is listed:\n%s", v)
	}
	press(t, p, "enter") // the two adjacent values' commits: c1 → c3
	v = screen(p)
	if !strings.Contains(v, f.commits[0][:7]+" → "+f.commits[2][:7]) || !strings.Contains(v, "+lr: 0.1") ||
		!strings.Contains(v, "train.py") {
		t.Errorf("diff of c1 → c3:\n%s", v)
	}
	press(t, p, "esc", "esc")

	// A load shows "loading…" and never blocks; esc cancels it and its late answer is dropped.
	press(t, p, "P", "l", "r")
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if v := screen(p); !strings.Contains(v, "loading… (esc cancels)") {
		t.Errorf("no loading line:\n%s", v)
	}
	press(t, p, "esc")
	msg := cmd()
	if hm, ok := msg.(histMsg); !ok || hm.err == nil {
		t.Errorf("the cancelled load answered %#v, want a cancelled history", msg)
	}
	p.Update(msg)
	if v := screen(p); !strings.Contains(v, "train longer") || strings.Contains(v, "values of") {
		t.Errorf("after cancelling:\n%s", v)
	}
	// A bad FILE:KEY is reported, not loaded.
	p.Update(tea.KeyPressMsg{Code: 'P', Text: "P"})
	p.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	p.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if _, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd == nil {
		t.Error("a prompt without FILE:KEY gave no message")
	} else if e, ok := cmd().(common.ErrorMsg); !ok || !strings.Contains(e.Err.Error(), "FILE:KEY") {
		t.Errorf("bad prompt: %#v", cmd())
	}
}

// TestRunsTableByKeys marks runs from the commit list's run badges and the Runs tab's marks,
// opens the N-run table, shows all params, sorts by a metric and cycles to the next, and diffs
// the first two runs.
func TestRunsTableByKeys(t *testing.T) {
	f := newHistFixture(t)
	p := f.page
	p.ctx.Marked[f.runs["base"]] = true // marked on the Runs tab
	press(t, p, "j", "space")           // c3's two runs by its badge
	for _, n := range []string{"base", "hot", "hot2"} {
		if !p.ctx.Marked[f.runs[n]] {
			t.Errorf("%s not marked: %v", n, p.ctx.Marked)
		}
	}
	if r := rowOf(screen(p), "raise lr"); !strings.Contains(r, "✓2") {
		t.Errorf("c3's badge does not show its runs marked: %q", r)
	}
	press(t, p, "j", "space") // c2's run
	if v := screen(p); !strings.Contains(v, "marked runs (4)") {
		t.Fatalf("panel:\n%s", v)
	}
	press(t, p, "t")
	v := screen(p)
	header := rowOf(v, "#1 base")
	for _, n := range []string{"#1 base", "#2 tweak", "#3 hot", "#4 hot2"} {
		if !strings.Contains(header, n) {
			t.Errorf("table header lacks %s: %q", n, header)
		}
	}
	if !strings.Contains(v, "param lr") || strings.Contains(v, "param seed") {
		t.Errorf("differing params only by default:\n%s", v)
	}
	// Best acc is hot's 0.9, best loss hot2's 0.2: starred.
	if r := rowOf(v, "  acc"); !regexp.MustCompile(`0\.6\s+0\.7\s+0\.9\*\s+0\.85\s*$`).MatchString(r) {
		t.Errorf("acc row: %q", r)
	}
	if r := rowOf(v, "  loss"); !regexp.MustCompile(`0\.9\s+0\.5\s+0\.3\s+0\.2\*\s*$`).MatchString(r) {
		t.Errorf("loss row: %q", r)
	}
	press(t, p, "a")
	if v := screen(p); !strings.Contains(v, "param seed") || !strings.Contains(v, "all params") {
		t.Errorf("a did not show all params:\n%s", v)
	}
	// s sorts by acc, best first; again by loss, lowest first. The expected orders are computed
	// from the fixture's values.
	acc := map[string]float64{"base": 0.6, "tweak": 0.7, "hot": 0.9, "hot2": 0.85}
	loss := map[string]float64{"base": 0.9, "tweak": 0.5, "hot": 0.3, "hot2": 0.2}
	order := func(less func(a, b string) bool) []string {
		names := []string{"base", "tweak", "hot", "hot2"}
		sort.Slice(names, func(i, j int) bool { return less(names[i], names[j]) })
		return names
	}
	for _, c := range []struct {
		metric string
		want   []string
	}{
		{"acc", order(func(a, b string) bool { return acc[a] > acc[b] })},
		{"loss", order(func(a, b string) bool { return loss[a] < loss[b] })},
	} {
		press(t, p, "s")
		v := screen(p)
		if !strings.Contains(v, "sorted by "+c.metric) || !strings.Contains(v, "› "+c.metric) {
			t.Errorf("sort by %s not shown:\n%s", c.metric, v)
		}
		header := rowOf(v, "#1 base")
		at := func(n string) int { return strings.Index(header, fmt.Sprintf("#%d %s", f.runs[n], n)) }
		for i := 1; i < len(c.want); i++ {
			if at(c.want[i-1]) > at(c.want[i]) {
				t.Errorf("by %s: %s should come before %s: %q", c.metric, c.want[i-1], c.want[i], header)
			}
		}
	}
	// c diffs the first two columns (by loss: hot2 then hot).
	press(t, p, "c")
	if v := screen(p); !strings.Contains(v, fmt.Sprintf("run #%d → run #%d", f.runs["hot2"], f.runs["hot"])) {
		t.Errorf("c did not diff the first two runs:\n%s", v)
	}
	press(t, p, "esc", "esc")
	// space on a commit whose runs are all marked unmarks them.
	press(t, p, "g", "j", "space")
	if p.ctx.Marked[f.runs["hot"]] || p.ctx.Marked[f.runs["hot2"]] {
		t.Errorf("second space did not unmark c3's runs: %v", p.ctx.Marked)
	}
	// At 80×24 the table still fits the screen.
	p.SetSize(80, 24)
	press(t, p, "t")
	for i, l := range strings.Split(screen(p), "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line %d is %d cells wide at 80 columns", i, w)
		}
	}
	// The two runs still marked fit in 80 columns: → does not scroll them away.
	press(t, p, "l")
	if v := screen(p); strings.Contains(v, "runs 2–") || !strings.Contains(rowOf(v, "#1 base"), "#2 tweak") {
		t.Errorf("→ scrolled runs that all fit:\n%s", v)
	}
	// The help lists every key in two groups (the shell shows two beside its own at 80 columns).
	press(t, p, "esc")
	h := p.FullHelp()
	var listed []string
	for _, b := range h[len(h)-1] {
		listed = append(listed, b.Help().Key)
	}
	if len(h) != 2 || !slices.Contains(listed, "P") || !slices.Contains(listed, "t") || !slices.Contains(listed, "space") {
		t.Errorf("history help: %d groups, keys %v", len(h), listed)
	}
}

// TestParamPromptWithoutParamsFiles: with no train.params_files the key history prompt offers
// mlwb.yaml's train.params (it offered a params.yaml the project did not have).
func TestParamPromptWithoutParamsFiles(t *testing.T) {
	cfg, err := project.Parse("mlwb.yaml", []byte("name: t\ntrain:\n  command: python t.py --lr {lr}\n  params: {lr: 0.1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := New(&common.Context{Project: &project.Project{Config: cfg}})
	p.askParam("lr")
	if p.prompt.Text != "mlwb.yaml:train.params.lr" {
		t.Fatalf("prompt %q", p.prompt.Text)
	}
}
