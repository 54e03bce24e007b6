package mlflowimport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/mlwb/mlwb/store"
)

// The file store's layout (mlflow/store/tracking/file_store.py):
//
//	mlruns/<exp id>/meta.yaml             experiment: experiment_id, name, artifact_location, lifecycle_stage, …
//	mlruns/<exp id>/tags/<key>            experiment tags, the file's content is the value
//	mlruns/<exp id>/<run id>/meta.yaml    run: run_id, run_uuid, run_name, status (1-5), start_time, end_time, …
//	mlruns/<exp id>/<run id>/metrics/<key>  one "timestamp value [step]" line per logged point
//	mlruns/<exp id>/<run id>/params/<key>   the value
//	mlruns/<exp id>/<run id>/tags/<key>     the value
//	mlruns/.trash/<exp id>/…               deleted experiments, same layout
//
// Keys with "/" are nested folders.

// fileReader reads an mlruns folder.
type fileReader struct {
	root string
}

func (*fileReader) Close() error { return nil }

// experimentMeta is an experiment's meta.yaml.
type experimentMeta struct {
	ExperimentID     string `yaml:"experiment_id"`
	Name             string `yaml:"name"`
	ArtifactLocation string `yaml:"artifact_location"`
	LifecycleStage   string `yaml:"lifecycle_stage"`
}

// runMeta is a run's meta.yaml.
type runMeta struct {
	RunID          string `yaml:"run_id"`
	RunUUID        string `yaml:"run_uuid"`
	RunName        string `yaml:"run_name"`
	ExperimentID   string `yaml:"experiment_id"`
	UserID         string `yaml:"user_id"`
	Status         string `yaml:"status"` // an int (1-5) in files MLflow writes; a name is taken too
	StartTime      *int64 `yaml:"start_time"`
	EndTime        *int64 `yaml:"end_time"`
	LifecycleStage string `yaml:"lifecycle_stage"`
	ArtifactURI    string `yaml:"artifact_uri"`
}

// runStatusNames are MLflow's RunStatus numbers (mlflow/protos/service.proto).
var runStatusNames = map[string]string{"1": "RUNNING", "2": "SCHEDULED", "3": "FINISHED", "4": "FAILED", "5": "KILLED"}

// readSmall reads a file of at most maxLine bytes.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxLine+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxLine {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxLine)
	}
	return b, nil
}

// decodeYAML decodes a meta.yaml; errors name the file (yaml's name the line).
func decodeYAML(path string, data []byte, v any) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("%s: not UTF-8 text", path)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// parseExperimentMeta parses an experiment's meta.yaml.
func parseExperimentMeta(path string, data []byte) (*experimentMeta, error) {
	var m experimentMeta
	if err := decodeYAML(path, data, &m); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.Name) == "" {
		return nil, fmt.Errorf("%s: the experiment has no name", path)
	}
	switch m.LifecycleStage {
	case "", "active", "deleted":
	default:
		return nil, fmt.Errorf("%s: unknown lifecycle_stage %q", path, m.LifecycleStage)
	}
	return &m, nil
}

// parseRunMeta parses a run's meta.yaml into a run (without params and tags). dirID is the
// name of the run's folder, its id when the file has none.
func parseRunMeta(path string, data []byte, dirID string) (*run, error) {
	var m runMeta
	if err := decodeYAML(path, data, &m); err != nil {
		return nil, err
	}
	id := m.RunID
	if id == "" {
		id = m.RunUUID
	}
	if id == "" {
		id = dirID
	}
	if m.RunUUID != "" && m.RunUUID != id {
		return nil, fmt.Errorf("%s: run_id %q and run_uuid %q differ", path, id, m.RunUUID)
	}
	if !validRunID.MatchString(id) {
		return nil, fmt.Errorf("%s: run id %q is not an MLflow run id", path, id)
	}
	status := m.Status
	if name, ok := runStatusNames[status]; ok {
		status = name
	}
	if _, ok := statuses[status]; !ok {
		return nil, fmt.Errorf("%s: unknown run status %q", path, m.Status)
	}
	switch m.LifecycleStage {
	case "", "active", "deleted":
	default:
		return nil, fmt.Errorf("%s: unknown lifecycle_stage %q", path, m.LifecycleStage)
	}
	r := &run{UUID: id, Name: m.RunName, User: m.UserID, Status: status, Deleted: m.LifecycleStage == "deleted",
		ArtifactURI: m.ArtifactURI}
	if m.StartTime != nil {
		r.Start = *m.StartTime
	}
	if m.EndTime != nil {
		r.End = *m.EndTime
	}
	if r.Start < 0 || r.End < 0 {
		return nil, fmt.Errorf("%s: negative start_time or end_time", path)
	}
	return r, nil
}

func (fr *fileReader) experiments(ctx context.Context) ([]*experiment, []Failure, error) {
	var out []*experiment
	var fails []Failure
	for _, base := range []string{fr.root, filepath.Join(fr.root, ".trash")} {
		ents, err := os.ReadDir(base)
		if errors.Is(err, fs.ErrNotExist) && base != fr.root {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("list experiments: %w", err)
		}
		for _, de := range ents {
			if !de.IsDir() || de.Name() == ".trash" || de.Name() == "models" {
				continue // models/ is the model registry's
			}
			dir := filepath.Join(base, de.Name())
			metaPath := filepath.Join(dir, "meta.yaml")
			data, err := readSmall(metaPath)
			if errors.Is(err, fs.ErrNotExist) {
				if isNumber(de.Name()) { // an experiment folder that lost its meta.yaml
					fails = append(fails, failure(de.Name(), "", fmt.Errorf("experiment %s: %w", dir, err)))
				}
				continue
			}
			if err != nil {
				fails = append(fails, failure(de.Name(), "", err))
				continue
			}
			m, err := parseExperimentMeta(metaPath, data)
			if err != nil {
				fails = append(fails, failure(de.Name(), "", err))
				continue
			}
			tags, err := readKV(filepath.Join(dir, "tags"))
			if err != nil {
				fails = append(fails, failure(m.Name, "", err))
				continue
			}
			out = append(out, &experiment{ID: de.Name(), Name: m.Name, ArtifactLocation: m.ArtifactLocation,
				Deleted: m.LifecycleStage == "deleted" || base != fr.root, Tags: tags, handle: dir})
		}
	}
	slices.SortStableFunc(out, func(a, b *experiment) int { return compareIDs(a.ID, b.ID) })
	return out, fails, ctx.Err()
}

func failure(exp, run string, err error) Failure {
	return Failure{Experiment: exp, Run: run, Err: err, Message: err.Error()}
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// compareIDs orders numeric ids as numbers, then the rest as text.
func compareIDs(a, b string) int {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		return cmpU(na, nb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// reserved are folders of an experiment that are not runs.
var reserved = map[string]bool{"tags": true, "datasets": true, "models": true, "traces": true, "artifacts": true}

// looksLikeRunID is MLflow's own run id form: a folder of that name must be a run.
var looksLikeRunID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (fr *fileReader) runs(_ context.Context, e *experiment) ([]runHandle, error) {
	dir := e.handle.(string)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var out []runHandle
	for _, de := range ents {
		if !de.IsDir() || reserved[de.Name()] {
			continue
		}
		rd := filepath.Join(dir, de.Name())
		if _, err := os.Stat(filepath.Join(rd, "meta.yaml")); err != nil && !looksLikeRunID.MatchString(de.Name()) {
			continue // not a run folder
		}
		out = append(out, runHandle{ID: de.Name(), ref: rd})
	}
	return out, nil
}

func (fr *fileReader) load(_ context.Context, h runHandle) (*run, error) {
	dir := h.ref.(string)
	metaPath := filepath.Join(dir, "meta.yaml")
	data, err := readSmall(metaPath)
	if err != nil {
		return nil, fmt.Errorf("run meta: %w", err)
	}
	r, err := parseRunMeta(metaPath, data, h.ID)
	if err != nil {
		return nil, err
	}
	if r.Params, err = readKV(filepath.Join(dir, "params")); err != nil {
		return nil, err
	}
	if r.Tags, err = readKV(filepath.Join(dir, "tags")); err != nil {
		return nil, err
	}
	return r, nil
}

// readKV reads a params or tags folder: each file (nested folders for keys with "/") holds its
// key's value. A missing folder is no keys.
func readKV(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := walkFiles(dir, func(key, path string) error {
		b, err := readSmall(path)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			return fmt.Errorf("%s: not UTF-8 text", path)
		}
		out[key] = string(b)
		return nil
	})
	return out, err
}

// walkFiles calls fn for each regular file under dir (in lexical order) with its key: the path
// below dir with "/" separators. A missing dir is no files.
func walkFiles(dir string, fn func(key, path string) error) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel), path)
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	return nil
}

func (fr *fileReader) metrics(ctx context.Context, h runHandle, emit func(store.Point) error) error {
	dir := filepath.Join(h.ref.(string), "metrics")
	return walkFiles(dir, func(key, path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return scanMetrics(f, path, key, emit)
	})
}

// scanMetrics streams the lines of one metrics file as points of key. Lines longer than maxLine,
// and lines that are not "timestamp value [step]", are errors naming path and line.
func scanMetrics(rd io.Reader, path, key string, emit func(store.Point) error) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		ts, v, step, err := ParseMetricLine(b)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if err := emit(store.Point{Key: key, Step: step, Time: ts, Value: v}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes: %w", path, line+1, maxLine, err)
		}
		return fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return nil
}

// ErrMetricLine is wrapped by every error of ParseMetricLine.
var ErrMetricLine = errors.New(`malformed metric line: want "timestamp value [step]"`)

// ParseMetricLine parses one line of an MLflow metrics file: "timestamp value step", or
// "timestamp value" as MLflow before 1.0 wrote (step 0). The timestamp is Unix milliseconds
// and the step an integer; the value is a float, "nan" and "inf" included (MLflow writes
// Python's str(float)).
func ParseMetricLine(line []byte) (ts int64, value float64, step int64, err error) {
	var fields [3][]byte
	n := 0
	for f := range bytes.FieldsSeq(line) {
		if n == 3 {
			return 0, 0, 0, fmt.Errorf("%w: more than 3 fields", ErrMetricLine)
		}
		fields[n] = f
		n++
	}
	if n < 2 {
		return 0, 0, 0, fmt.Errorf("%w: %d field(s)", ErrMetricLine, n)
	}
	if ts, err = strconv.ParseInt(string(fields[0]), 10, 64); err != nil {
		return 0, 0, 0, fmt.Errorf("%w: timestamp %q is not an integer", ErrMetricLine, clip(fields[0]))
	}
	vs := string(fields[1])
	if strings.ContainsAny(vs, "xX_") { // hex floats and digit separators are Go's, not MLflow's
		return 0, 0, 0, fmt.Errorf("%w: value %q is not a number", ErrMetricLine, clip(fields[1]))
	}
	if value, err = strconv.ParseFloat(vs, 64); err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || !errors.Is(ne.Err, strconv.ErrRange) {
			return 0, 0, 0, fmt.Errorf("%w: value %q is not a number", ErrMetricLine, clip(fields[1]))
		}
		// Out of range: Python's float() gives ±inf (or 0) too.
	}
	if math.IsNaN(value) {
		value = math.NaN() // one NaN, whatever its sign
	}
	if n == 3 {
		if step, err = strconv.ParseInt(string(fields[2]), 10, 64); err != nil {
			return 0, 0, 0, fmt.Errorf("%w: step %q is not an integer", ErrMetricLine, clip(fields[2]))
		}
	}
	return ts, value, step, nil
}

// clip shortens b for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
