package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs/mlflow"
	"github.com/mlwb/mlwb/store"
)

// newServerCmd is `mlwb server`: the MLflow-compatible tracking API over the project's store.
func newServerCmd(g *globals) *cobra.Command {
	var host, token string
	var port int
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Serve the MLflow tracking API, so MLflow clients log into this project",
		Long: `server serves the MLflow REST tracking API (experiments, runs, metrics, params, tags and
artifacts) over this project's state, so training code that uses the MLflow client records
straight into mlwb:

  export MLFLOW_TRACKING_URI=http://127.0.0.1:5000

It listens on 127.0.0.1 unless told otherwise. Any other address needs --token (clients
send it with MLFLOW_TRACKING_TOKEN): the API can write files and change every run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkServerAddr(host, token); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			go live.NewChecker(s, alertRules(p)).Run(ctx, live.CheckEvery, func(err error) { log.Warn("alert rules", "err", err) })
			ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
			if err != nil {
				return fmt.Errorf("server: %w", err)
			}
			h := withMetrics(mlflow.NewHandler(s, mlflow.Options{Token: token, Logger: log}), s, log, token)
			return serveMLflow(ctx, ln, h, cmd.OutOrStdout(), s.Path(), token != "")
		},
	}
	f := cmd.Flags()
	f.StringVar(&host, "host", "127.0.0.1", "address to listen on (anything but loopback needs --token)")
	f.IntVar(&port, "port", 5000, "port to listen on (0: any free port)")
	f.StringVar(&token, "token", "", "require this bearer token of every request (MLFLOW_TRACKING_TOKEN)")
	return cmd
}

// metricsPath is where `mlwb server` serves the Prometheus exporter, beside the MLflow API.
const metricsPath = "/metrics"

// withMetrics serves the Prometheus exporter at /metrics (behind the same bearer token as the API)
// and everything else with api, untouched (no ServeMux: it would redirect the API's unclean paths).
func withMetrics(api http.Handler, s *store.Store, log *slog.Logger, token string) http.Handler {
	metrics := live.RequireToken(live.MetricsHandler(s, log), token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == metricsPath {
			metrics.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// checkServerAddr refuses to serve beyond this machine without a token.
func checkServerAddr(host, token string) error {
	if token != "" || isLoopback(host) {
		return nil
	}
	return fmt.Errorf("server: refusing to listen on %q without --token: anyone who can reach it could change "+
		"every run and write files; use --host 127.0.0.1 (and an SSH tunnel), or give --token", host)
}

// isLoopback reports whether host names this machine only: localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveMLflow serves h on ln until ctx ends, then shuts down, letting requests in flight finish
// (their metric points are being stored) for up to ten seconds.
func serveMLflow(ctx context.Context, ln net.Listener, h http.Handler, out io.Writer, db string, withToken bool) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "MLflow tracking API on %s (state in %s)\n  export MLFLOW_TRACKING_URI=%s\n", url, db, url)
	if withToken {
		fmt.Fprintln(out, "  export MLFLOW_TRACKING_TOKEN=<the token>")
	}
	fmt.Fprintf(out, "Prometheus metrics on %s%s\n", url, metricsPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// alertRules are the project's alert rules (mlwb.yaml's alerts section over the defaults).
func alertRules(p *project.Project) live.Rules {
	if p == nil || p.Config == nil {
		return live.DefaultRules()
	}
	return p.Config.Alerts
}
