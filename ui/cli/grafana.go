package cli

import (
	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/live"
)

// newGrafanaCmd is `mlwb grafana-dashboard`: a Grafana dashboard for the /metrics series.
func newGrafanaCmd() *cobra.Command {
	var title string
	cmd := &cobra.Command{
		Use:   "grafana-dashboard",
		Short: "Print a Grafana dashboard (JSON model) for the series mlwb server exports at /metrics",
		Long: `grafana-dashboard prints a dashboard in Grafana's JSON model, for Dashboards → Import:

  mlwb grafana-dashboard > dash.json

It has one chart per metric key (a series per run, choose keys and runs at the top), run counts
by status, and the CPU, memory and GPU gauges of running runs. Point a Prometheus at
mlwb server's /metrics first; the dashboard asks which Prometheus data source to use.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := live.GrafanaDashboard(title)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	cmd.Flags().StringVar(&title, "title", "mlwb runs", "the dashboard's title")
	return cmd
}
