package mlflow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// This file holds MLflow's JSON shapes. MLflow speaks proto3 JSON (field names as in the .proto,
// snake_case) with two habits kept here: int64 fields are written as JSON numbers, and doubles that
// JSON cannot hold are the strings "NaN", "Infinity" and "-Infinity". Readers accept what
// protobuf's JSON parser accepts: numbers or numeric strings, and enums by name or number.

// errWrongType is wrapped by decoding errors of a value of the wrong JSON type.
var errWrongType = errors.New("wrong type")

var jsonNull = []byte("null")

// optFloat is a double that may be absent.
type optFloat struct {
	V   float64
	Set bool
}

// UnmarshalJSON reads a number, a numeric string, or "NaN", "Infinity", "-Infinity".
func (f *optFloat) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, jsonNull) {
		*f = optFloat{}
		return nil
	}
	v, err := parseFloatJSON(b)
	if err != nil {
		return err
	}
	*f = optFloat{v, true}
	return nil
}

func parseFloatJSON(b []byte) (float64, error) {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, fmt.Errorf("value %s: %w", b, errWrongType)
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity", "inf", "+Infinity":
			return math.Inf(1), nil
		case "-Infinity", "-inf":
			return math.Inf(-1), nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("value %q is not a number: %w", s, errWrongType)
		}
		return v, nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("value %s is not a number: %w", truncate(string(b), 40), errWrongType)
	}
	return v, nil
}

// optInt is an int64 that may be absent.
type optInt struct {
	V   int64
	Set bool
}

// UnmarshalJSON reads an integer, or an integer in a string (protobuf's int64 JSON form).
func (n *optInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, jsonNull) {
		*n = optInt{}
		return nil
	}
	v, err := parseIntJSON(b)
	if err != nil {
		return err
	}
	*n = optInt{v, true}
	return nil
}

func parseIntJSON(b []byte) (int64, error) {
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, fmt.Errorf("value %s: %w", truncate(string(b), 40), errWrongType)
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Protobuf accepts an integral float ("1e3", "5.0").
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
			return 0, fmt.Errorf("value %s is not an integer: %w", truncate(s, 40), errWrongType)
		}
		v = int64(f)
	}
	return v, nil
}

// optString is a string that may be absent.
type optString struct {
	V   string
	Set bool
}

// UnmarshalJSON reads a string.
func (s *optString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, jsonNull) {
		*s = optString{}
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return fmt.Errorf("value %s is not a string: %w", truncate(string(b), 40), errWrongType)
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = optString{v, true}
	return nil
}

// optID is an id that may be absent: a string, or a number, since clients send experiment ids
// either way ("1" or 1).
type optID struct {
	V   string
	Set bool
}

// UnmarshalJSON reads a string or an integer (kept as written).
func (s *optID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' && !bytes.Equal(b, jsonNull) {
		if _, err := strconv.ParseInt(string(b), 10, 64); err != nil {
			return fmt.Errorf("id %s is not a string or an integer: %w", truncate(string(b), 40), errWrongType)
		}
		*s = optID{string(b), true}
		return nil
	}
	var o optString
	err := o.UnmarshalJSON(b)
	*s = optID(o)
	return err
}

// stringList is a list of strings (ids) that also takes a single string, and numbers.
type stringList []string

// UnmarshalJSON reads ["1","2"], [1,2] or "1".
func (l *stringList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, jsonNull) {
		*l = nil
		return nil
	}
	if len(b) > 0 && b[0] != '[' {
		var s optID
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		*l = stringList{s.V}
		return nil
	}
	var raw []optID
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(stringList, len(raw))
	for i, s := range raw {
		out[i] = s.V
	}
	*l = out
	return nil
}

// enumValue is a protobuf enum, by name ("FINISHED") or number (3).
type enumValue struct {
	Name string
	Num  int64
	Set  bool
}

// UnmarshalJSON reads a name or a number.
func (e *enumValue) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, jsonNull) {
		*e = enumValue{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = enumValue{Name: s, Set: true}
		if n, err := strconv.ParseInt(s, 10, 32); err == nil {
			*e = enumValue{Num: n, Set: true}
		}
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 32)
	if err != nil {
		return fmt.Errorf("enum value %s: %w", truncate(string(b), 40), errWrongType)
	}
	*e = enumValue{Num: n, Set: true}
	return nil
}

// pick returns the enum's name, mapping a number through names (index = number).
func (e enumValue) pick(names []string) (string, bool) {
	if e.Name != "" {
		for _, n := range names {
			if n != "" && n == e.Name {
				return n, true
			}
		}
		return "", false
	}
	if e.Num > 0 && e.Num < int64(len(names)) && names[e.Num] != "" {
		return names[e.Num], true
	}
	return "", false
}

// Run statuses (MLflow's RunStatus enum, by number) and view types (ViewType).
var (
	runStatusNames = []string{"", "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"}
	viewTypeNames  = []string{"", "ACTIVE_ONLY", "DELETED_ONLY", "ALL"}
)

// jsonFloat writes a double as MLflow does: a number, or "NaN", "Infinity", "-Infinity".
type jsonFloat float64

// MarshalJSON writes f.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	return appendFloat(nil, float64(f)), nil
}

func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Infinity"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// kvIn is a key/value pair in a request (Param, RunTag, ExperimentTag).
type kvIn struct {
	Key   optString `json:"key"`
	Value optString `json:"value"`
}

// kvOut is a key/value pair in a response.
type kvOut struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// metricIn is a Metric in a request.
type metricIn struct {
	Key       optString `json:"key"`
	Value     optFloat  `json:"value"`
	Timestamp optInt    `json:"timestamp"`
	Step      optInt    `json:"step"`
}

// metricOut is a Metric in a response.
type metricOut struct {
	Key       string    `json:"key"`
	Value     jsonFloat `json:"value"`
	Timestamp int64     `json:"timestamp"`
	Step      int64     `json:"step"`
}

// experimentOut is an Experiment.
type experimentOut struct {
	ExperimentID     string  `json:"experiment_id"`
	Name             string  `json:"name"`
	ArtifactLocation string  `json:"artifact_location"`
	LifecycleStage   string  `json:"lifecycle_stage"`
	LastUpdateTime   int64   `json:"last_update_time"`
	CreationTime     int64   `json:"creation_time"`
	Tags             []kvOut `json:"tags,omitempty"`
}

// runInfoOut is a RunInfo.
type runInfoOut struct {
	RunUUID        string `json:"run_uuid"`
	RunName        string `json:"run_name"`
	ExperimentID   string `json:"experiment_id"`
	UserID         string `json:"user_id"`
	Status         string `json:"status"`
	StartTime      int64  `json:"start_time"`
	EndTime        *int64 `json:"end_time,omitempty"`
	ArtifactURI    string `json:"artifact_uri"`
	LifecycleStage string `json:"lifecycle_stage"`
	RunID          string `json:"run_id"`
}

// runDataOut is a RunData.
type runDataOut struct {
	Metrics []metricOut `json:"metrics,omitempty"`
	Params  []kvOut     `json:"params,omitempty"`
	Tags    []kvOut     `json:"tags,omitempty"`
}

// runOut is a Run. Inputs (datasets) are accepted and not kept, so they are always empty.
type runOut struct {
	Info   runInfoOut `json:"info"`
	Data   runDataOut `json:"data"`
	Inputs struct{}   `json:"inputs"`
}

// fileInfoOut is a FileInfo; FileSize is unset for directories.
type fileInfoOut struct {
	Path     string `json:"path"`
	IsDir    bool   `json:"is_dir"`
	FileSize *int64 `json:"file_size,omitempty"`
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
