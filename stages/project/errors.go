package project

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlwb/mlwb/stages/live"
)

// ConfigError is a problem in an mlwb.yaml, located by file and line. Every
// error that Parse returns is a *ConfigError; Load also returns read errors.
type ConfigError struct {
	// Path is the config file as given to Parse or Load.
	Path string
	// Line is 1-based; 0 when the problem has no single line.
	Line int
	// Msg says what is wrong, without the location.
	Msg string
}

// Error formats the problem as "path:line: msg", or "path: msg" without a line.
func (e *ConfigError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// errorf builds a *ConfigError.
func errorf(path string, line int, format string, args ...any) *ConfigError {
	return &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

var (
	// syntaxRe matches yaml.v3 parser errors: "yaml: line 3: did not find expected key".
	syntaxRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	// typeErrRe matches one entry of a yaml.TypeError: "line 7: field comand not found in type project.rawTrain".
	typeErrRe    = regexp.MustCompile(`^line (\d+): (.*)$`)
	notFoundRe   = regexp.MustCompile(`^field (.+) not found in type (\S+)$`)
	cannotRe     = regexp.MustCompile("^cannot unmarshal (\\S+)(?: `(.*)`)? into (\\S+)$")
	duplicateRe  = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	alreadySetRe = regexp.MustCompile(`^field (.+) already set in type (\S+)$`)
)

// syntaxError turns an error from decoding into a yaml.Node into a ConfigError.
func syntaxError(path string, err error) *ConfigError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := syntaxRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch {
	case line > 0 && parserProblems[msg]:
		// yaml.v3 prints the parser's (not the scanner's) lines 0-based.
		line++
	case line == 0 && locatable(msg):
		// Both marks were on the first line, which yaml.v3 leaves out.
		line = 1
	}
	return errorf(path, line, "invalid YAML: %s", msg)
}

// parserProblems are the messages of libyaml's parser (as opposed to its
// scanner and reader); see yaml_parser_set_parser_error in parserc.go.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// locatable reports whether msg comes from libyaml's scanner or parser,
// whose errors have a position, rather than its reader (bad encoding) or
// yaml.v3's decoder (unknown anchors, excessive aliasing), whose have none.
func locatable(msg string) bool {
	for _, p := range []string{"did not find", "could not find", "found ", "mapping keys are", "mapping values are", "block sequence entries"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// decodeError turns an error from the strict decode into the Go types into a
// ConfigError, using the node tree to name the key involved.
func decodeError(path string, idx *nodeIndex, err error) *ConfigError {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return syntaxError(path, err)
	}
	m := typeErrRe.FindStringSubmatch(te.Errors[0])
	if m == nil {
		return errorf(path, 0, "%s", te.Errors[0])
	}
	line, _ := strconv.Atoi(m[1])
	return errorf(path, line, "%s", typeErrMessage(idx, line, m[2]))
}

// typeErrMessage rewrites the text of one yaml.v3 type error for a person.
func typeErrMessage(idx *nodeIndex, line int, msg string) string {
	if m := notFoundRe.FindStringSubmatch(msg); m != nil {
		where := ""
		if p, ok := idx.parentOfKey(line, m[1]); ok && p != "" {
			where = " in " + p
		}
		hint := ""
		if keys := knownKeys[m[2]]; len(keys) > 0 {
			hint = " (expected one of: " + strings.Join(keys, ", ") + ")"
		}
		return fmt.Sprintf("unknown key %q%s%s", m[1], where, hint)
	}
	if m := cannotRe.FindStringSubmatch(msg); m != nil {
		got := tagNames[m[1]]
		if got == "" {
			got = "a value tagged " + m[1]
		}
		if m[2] != "" {
			got += " " + strconv.Quote(m[2])
		}
		what := "value"
		if p, ok := idx.pathOfValue(line, m[1], m[3]); ok {
			what = p
			if p == "" {
				what = "the file"
			}
		}
		return fmt.Sprintf("%s: expected %s, got %s", what, goTypeName(m[3]), got)
	}
	if m := duplicateRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("duplicate key %q (first at line %s)", m[1], m[2])
	}
	if m := alreadySetRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("key %q is set twice", m[1])
	}
	return msg
}

// tagNames names the YAML core tags in messages.
var tagNames = map[string]string{
	"!!str":       "a string",
	"!!int":       "a number",
	"!!float":     "a number",
	"!!bool":      "a boolean",
	"!!null":      "nothing",
	"!!seq":       "a list",
	"!!map":       "a mapping",
	"!!binary":    "binary data",
	"!!timestamp": "a timestamp",
	"!!merge":     "a merge key",
}

// goTypeName names the Go type a value was decoded into in words.
func goTypeName(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "time.Duration":
		return "a duration such as 90s, 10m or 1h30m"
	case t == "float64" || t == "int":
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "[]string":
		return "a list of strings"
	case t == "[]"+reflect.TypeFor[DatasetSpec]().String():
		return "a list of datasets (each a mapping with name, path, target)"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	default:
		return "a mapping"
	}
}

// knownKeys lists, by Go type name as yaml.v3 prints it, the keys a mapping
// of that type accepts.
var knownKeys = func() map[string][]string {
	out := map[string][]string{}
	for _, t := range []reflect.Type{
		reflect.TypeFor[rawConfig](), reflect.TypeFor[rawTrain](), reflect.TypeFor[DatasetSpec](),
		reflect.TypeFor[MetricsSpec](), reflect.TypeFor[EvalSpec](), reflect.TypeFor[live.Rules](),
	} {
		var keys []string
		for i := range t.NumField() {
			if k := yamlKey(t.Field(i)); k != "" {
				keys = append(keys, k)
			}
		}
		out[t.String()] = keys
	}
	return out
}()
