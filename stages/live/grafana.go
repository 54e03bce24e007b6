package live

import (
	"encoding/json"
	"fmt"
)

// Grafana's JSON dashboard model, only the fields the dashboard uses. Panels point at a
// "datasource" template variable, so the file imports into any Grafana with a Prometheus source.

type gfDashboard struct {
	Title         string       `json:"title"`
	UID           string       `json:"uid"`
	Tags          []string     `json:"tags"`
	Timezone      string       `json:"timezone"`
	Refresh       string       `json:"refresh"`
	SchemaVersion int          `json:"schemaVersion"`
	Time          gfRange      `json:"time"`
	Templating    gfTemplating `json:"templating"`
	Panels        []gfPanel    `json:"panels"`
}

type gfRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type gfTemplating struct {
	List []gfVariable `json:"list"`
}

type gfVariable struct {
	Name       string        `json:"name"`
	Label      string        `json:"label"`
	Type       string        `json:"type"` // datasource or query
	Query      any           `json:"query"`
	Datasource *gfDatasource `json:"datasource,omitempty"`
	Multi      bool          `json:"multi"`
	IncludeAll bool          `json:"includeAll"`
	Refresh    int           `json:"refresh,omitempty"` // 2: on time range change
	Current    struct{}      `json:"current"`
}

type gfDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type gfGrid struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

type gfTarget struct {
	RefID        string        `json:"refId"`
	Expr         string        `json:"expr"`
	LegendFormat string        `json:"legendFormat"`
	Datasource   *gfDatasource `json:"datasource"`
}

type gfPanel struct {
	ID              int           `json:"id"`
	Type            string        `json:"type"` // timeseries, stat, row
	Title           string        `json:"title"`
	GridPos         gfGrid        `json:"gridPos"`
	Datasource      *gfDatasource `json:"datasource,omitempty"`
	Targets         []gfTarget    `json:"targets,omitempty"`
	Repeat          string        `json:"repeat,omitempty"`
	RepeatDirection string        `json:"repeatDirection,omitempty"`
	MaxPerRow       int           `json:"maxPerRow,omitempty"`
	FieldConfig     *gfFieldCfg   `json:"fieldConfig,omitempty"`
}

type gfFieldCfg struct {
	Defaults  gfDefaults `json:"defaults"`
	Overrides []any      `json:"overrides"`
}

type gfDefaults struct {
	Unit string `json:"unit,omitempty"`
	Min  *int   `json:"min,omitempty"`
	Max  *int   `json:"max,omitempty"`
}

// DashboardPanel names one panel of the dashboard and its PromQL, for tests and the README.
type DashboardPanel struct {
	Title, Expr string
}

// dashboardPanels are the panels after the per-key row: run counts, then system and GPU gauges.
var dashboardPanels = []struct {
	DashboardPanel
	kind, legend, unit string
	max                int
}{
	{DashboardPanel{"Runs by status", `sum by (status) (mlwb_runs)`}, "stat", "{{status}}", "none", 0},
	{DashboardPanel{"Process CPU (100 = one core)", `mlwb_run_system{run=~"$run", resource="cpu_percent"}`}, "timeseries", "{{name}} ({{run}})", "percent", 0},
	{DashboardPanel{"Process memory", `mlwb_run_system{run=~"$run", resource="rss_mb"}`}, "timeseries", "{{name}} ({{run}})", "decmbytes", 0},
	{DashboardPanel{"GPU utilisation", `mlwb_run_gpu{run=~"$run", resource="util_percent"}`}, "timeseries", "{{name}} ({{run}}) gpu{{gpu}}", "percent", 100},
	{DashboardPanel{"GPU memory used", `mlwb_run_gpu{run=~"$run", resource="mem_used_mb"}`}, "timeseries", "{{name}} ({{run}}) gpu{{gpu}}", "decmbytes", 0},
	{DashboardPanel{"GPU temperature", `mlwb_run_gpu{run=~"$run", resource="temp_c"}`}, "timeseries", "{{name}} ({{run}}) gpu{{gpu}}", "celsius", 0},
	{DashboardPanel{"GPU power", `mlwb_run_gpu{run=~"$run", resource="power_w"}`}, "timeseries", "{{name}} ({{run}}) gpu{{gpu}}", "watt", 0},
	{DashboardPanel{"Host CPU and memory", `mlwb_run_system{run=~"$run", resource=~"host_cpu_percent|host_mem_percent"}`}, "timeseries", "{{name}} ({{run}}) {{resource}}", "percent", 0},
}

// MetricPanelExpr is the query of the repeated per-key panel: one series per run.
const MetricPanelExpr = `mlwb_run_metric{key="$key", run=~"$run"}`

// GrafanaDashboard returns a Grafana dashboard (JSON model, importable with Dashboards → Import)
// over the exporter's series: one panel per metric key (repeated over the key variable, a series
// per run), run counts by status, and the system and GPU gauges of running runs.
func GrafanaDashboard(title string) ([]byte, error) {
	ds := &gfDatasource{Type: "prometheus", UID: "${datasource}"}
	d := gfDashboard{
		Title: title, UID: "mlwb-live", Tags: []string{"mlwb"}, Timezone: "browser", Refresh: "10s",
		SchemaVersion: 39, Time: gfRange{From: "now-6h", To: "now"},
		Templating: gfTemplating{List: []gfVariable{
			{Name: "datasource", Label: "Prometheus", Type: "datasource", Query: "prometheus"},
			{Name: "run", Label: "Run", Type: "query", Datasource: ds, Multi: true, IncludeAll: true, Refresh: 2,
				Query: map[string]string{"query": "label_values(mlwb_run_metric, run)", "refId": "run"}},
			{Name: "key", Label: "Metric", Type: "query", Datasource: ds, Multi: true, IncludeAll: true, Refresh: 2,
				Query: map[string]string{"query": `label_values(mlwb_run_metric{run=~"$run"}, key)`, "refId": "key"}},
		}},
	}
	id := 0
	next := func() int { id++; return id }
	d.Panels = append(d.Panels, gfPanel{ID: next(), Type: "row", Title: "Run metrics", GridPos: gfGrid{H: 1, W: 24}},
		gfPanel{ID: next(), Type: "timeseries", Title: "$key", GridPos: gfGrid{H: 8, W: 12, Y: 1}, Datasource: ds,
			Repeat: "key", RepeatDirection: "h", MaxPerRow: 3,
			Targets: []gfTarget{{RefID: "A", Expr: MetricPanelExpr, LegendFormat: "{{name}} ({{run}})", Datasource: ds}}},
		gfPanel{ID: next(), Type: "row", Title: "Runs and system", GridPos: gfGrid{H: 1, W: 24, Y: 9}})
	for i, p := range dashboardPanels {
		fc := &gfFieldCfg{Defaults: gfDefaults{Unit: p.unit}, Overrides: []any{}}
		if p.max > 0 {
			zero, mx := 0, p.max
			fc.Defaults.Min, fc.Defaults.Max = &zero, &mx
		}
		d.Panels = append(d.Panels, gfPanel{ID: next(), Type: p.kind, Title: p.Title, Datasource: ds, FieldConfig: fc,
			GridPos: gfGrid{H: 8, W: 12, X: 12 * (i % 2), Y: 10 + 8*(i/2)},
			Targets: []gfTarget{{RefID: "A", Expr: p.Expr, LegendFormat: p.legend, Datasource: ds}}})
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("grafana dashboard: %w", err)
	}
	return append(b, '\n'), nil
}

// DashboardPanels lists the fixed panels of the dashboard (after the per-key one) with their queries.
func DashboardPanels() []DashboardPanel {
	out := make([]DashboardPanel, len(dashboardPanels))
	for i, p := range dashboardPanels {
		out[i] = p.DashboardPanel
	}
	return out
}
