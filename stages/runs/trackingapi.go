package runs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mlwb/mlwb/stages/runs/mlflow"
	"github.com/mlwb/mlwb/store"
)

// trackingAPI is the MLflow tracking API a supervisor serves its child on 127.0.0.1, so a script
// that logs with the MLflow client records into its own run unchanged: the child's environment
// names the server, the run and its experiment, and mlflow.start_run() picks them up.
type trackingAPI struct {
	srv  *http.Server
	done chan error
	// Env is what the child needs: MLFLOW_TRACKING_URI, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_ID.
	Env []string
}

// serveTracking starts the API for run r on a free loopback port.
func serveTracking(s *store.Store, r *store.Run, logw io.Writer) (*trackingAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("run %d: tracking API: %w", r.ID, err)
	}
	h := mlflow.NewHandler(s, mlflow.Options{Logger: slog.New(slog.NewTextHandler(logw, nil))})
	t := &trackingAPI{
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute},
		done: make(chan error, 1),
		Env: []string{"MLFLOW_TRACKING_URI=http://" + ln.Addr().String(), "MLFLOW_RUN_ID=" + r.UUID,
			"MLFLOW_EXPERIMENT_ID=" + strconv.FormatInt(r.ExperimentID, 10)},
	}
	go func() { t.done <- t.srv.Serve(ln) }()
	return t, nil
}

// close stops the API once the run's processes are gone, letting requests in flight (whose points
// are being stored) finish for up to five seconds.
func (t *trackingAPI) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := t.srv.Shutdown(ctx)
	if serr := <-t.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
