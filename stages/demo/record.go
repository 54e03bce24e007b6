package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
)

// recorded is what recordRun reports back for the progress line.
type recorded struct {
	Status  string
	Summary string
}

// expandArgv splits a train.command template into argv and fills each {placeholder} inside its
// own element, so a value is always one argument, never shell text.
func expandArgv(template string, vals map[string]string) ([]string, error) {
	var out []string
	for _, f := range strings.Fields(template) {
		for _, name := range project.Placeholders(f) {
			v, ok := vals[name]
			if !ok {
				return nil, fmt.Errorf("train.command: no value for {%s}", name)
			}
			f = strings.ReplaceAll(f, "{"+name+"}", v)
		}
		out = append(out, f)
	}
	return out, nil
}

// recordRun runs the demo trainer in this process (until the runs stage's supervisor runs it as
// a child) and records it as a run: row, params, log, parsed metrics, dataset version, end state.
func recordRun(ctx context.Context, s *store.Store, p *project.Project, commit string, spec runSpec) (*recorded, error) {
	cfg := p.Config
	uuid := store.NewRunUUID()
	runDir := p.RunDir(uuid)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	ds := cfg.Datasets[0]
	vals := map[string]string{project.PlaceholderRun: uuid, project.PlaceholderRunDir: runDir,
		project.PlaceholderData: ds.Path}
	for k, v := range spec.params {
		vals[k] = v
	}
	argv, err := expandArgv(cfg.Train.Command, vals)
	if err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	host, _ := os.Hostname()
	who := ""
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	logPath := filepath.Join(runDir, "output.log")
	r := &store.Run{UUID: uuid, Name: spec.name, Status: store.StatusRunning, Source: "demo", Command: argv,
		Workdir: p.Root, Host: host, User: who, PID: os.Getpid(), Started: time.Now(), GitCommit: commit,
		GitBranch: "main", LogPath: logPath, ArtifactDir: runDir}
	if err := s.CreateRun(ctx, r, spec.params, map[string]string{"demo": "true"}); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	if err := linkDataset(ctx, s, p, r.ID, ds, commit); err != nil {
		return nil, err
	}

	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	defer logf.Close()
	parser, err := runs.NewMetricParser(cfg.Metrics.Patterns)
	if err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	pr, pw := io.Pipe()
	collected := make(chan []store.Point, 1)
	go func() { collected <- collectMetrics(pr, logf, parser, r.ID) }()

	trainErr := func() error {
		tc, err := runs.ParseTrainArgs(argv[2:])
		if err != nil {
			return err
		}
		if !filepath.IsAbs(tc.DataPath) {
			tc.DataPath = filepath.Join(p.Root, tc.DataPath)
		}
		_, err = runs.Train(ctx, tc, pw)
		return err
	}()
	if trainErr != nil {
		fmt.Fprintf(pw, "error: %v\n", trainErr)
	}
	pw.Close()
	pts := <-collected
	if err := s.WriteMetrics(ctx, pts); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	end := store.RunEnd{Status: store.StatusFinished, ExitCode: new(int)}
	out := &recorded{Status: end.Status}
	if trainErr != nil {
		code := 2
		end = store.RunEnd{Status: store.StatusFailed, ExitCode: &code}
		out = &recorded{Status: end.Status, Summary: trainErr.Error()}
	} else if len(pts) > 0 {
		out.Summary = fmt.Sprintf("%s=%.4f", cfg.Metrics.Primary, lastOf(pts, cfg.Metrics.Primary))
	}
	if err := s.EndRun(ctx, r.ID, end); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	// Evaluated as the supervisor evaluates a run: the report and eval/ metrics with the run.
	if _, err := runs.EvaluateRun(ctx, s, r, cfg.Eval, end.Status); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	return out, nil
}

// collectMetrics copies the trainer's output to the log and parses its metric lines, stamping
// each point with the time its line arrived.
func collectMetrics(r io.Reader, log io.Writer, parser *runs.MetricParser, runID int64) []store.Point {
	var pts []store.Point
	var ms []runs.Metric
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		log.Write(line)
		log.Write([]byte{'\n'})
		now := time.Now().UnixMilli()
		ms = parser.Parse(ms[:0], line)
		for _, m := range ms {
			pts = append(pts, store.Point{RunID: runID, Key: m.Key, Step: m.Step, Time: now, Value: m.Value})
		}
	}
	io.Copy(io.Discard, r) // drain after an over-long line so the writer never blocks
	return pts
}

func lastOf(pts []store.Point, key string) float64 {
	v := 0.0
	for _, p := range pts {
		if p.Key == key {
			v = p.Value
		}
	}
	return v
}

// linkDataset records the dataset's current content as a version and links the run to it.
func linkDataset(ctx context.Context, s *store.Store, p *project.Project, runID int64, ds project.DatasetSpec, commit string) error {
	path := p.DatasetPath(ds)
	hash, size, err := data.HashFile(ctx, s, path)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	rows, cols, err := countCSV(path)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	id, err := s.UpsertDataset(ctx, store.Dataset{Name: ds.Name, Path: ds.Path, Target: ds.Target})
	if err != nil {
		return err
	}
	vid, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: id, ContentHash: hash, Size: size,
		Rows: rows, Columns: cols, GitCommit: commit})
	if err != nil {
		return err
	}
	return s.LinkRunDataset(ctx, runID, vid, "input")
}

// countCSV counts the data rows and the columns of a small CSV (the demo's own file).
func countCSV(path string) (rows int64, cols int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) == 0 {
		return 0, 0, fmt.Errorf("%s: empty", path)
	}
	return int64(len(lines) - 1), len(strings.Split(lines[0], ",")), nil
}
