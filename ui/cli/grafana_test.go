package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mlwb/mlwb/stages/live"
)

// TestGrafanaDashboard runs the verb and reads its output back as Grafana's JSON model.
func TestGrafanaDashboard(t *testing.T) {
	var out bytes.Buffer
	root := NewRoot(nil)
	root.SetArgs([]string{"grafana-dashboard", "--title", "t1"})
	root.SetOut(&out)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title      string `json:"title"`
		Templating struct {
			List []struct {
				Name, Type string
			} `json:"list"`
		} `json:"templating"`
		Panels []struct {
			Type, Title, Repeat string
			Targets             []struct{ Expr string }
		} `json:"panels"`
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if d.Title != "t1" {
		t.Errorf("title %q", d.Title)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
	}
	if vars["datasource"] != "datasource" || vars["run"] != "query" || vars["key"] != "query" {
		t.Errorf("variables %v", vars)
	}
	exprs := map[string]string{}
	repeated := ""
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) != 1 {
			t.Fatalf("panel %q has %d queries", p.Title, len(p.Targets))
		}
		exprs[p.Title] = p.Targets[0].Expr
		if p.Repeat == "key" {
			repeated = p.Targets[0].Expr
		}
	}
	if repeated != `mlwb_run_metric{key="$key", run=~"$run"}` {
		t.Errorf("per-key panel query %q", repeated)
	}
	for _, title := range []string{"Runs by status", "GPU utilisation", "GPU memory used", "Process CPU (100 = one core)"} {
		if exprs[title] == "" {
			t.Errorf("no %q panel (have %v)", title, exprs)
		}
	}
	if exprs["Runs by status"] != `sum by (status) (mlwb_runs)` || exprs["GPU utilisation"] != `mlwb_run_gpu{run=~"$run", resource="util_percent"}` {
		t.Errorf("queries %v", exprs)
	}
	if len(live.DashboardPanels())+1 != len(exprs) {
		t.Errorf("%d panels, want %d", len(exprs), len(live.DashboardPanels())+1)
	}
}
