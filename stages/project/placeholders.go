package project

import (
	"fmt"
	"regexp"
	"strings"
)

// Built-in placeholders of train.command, filled by the launcher.
const (
	// PlaceholderRun is the run's id.
	PlaceholderRun = "run"
	// PlaceholderRunDir is the run's directory, .mlwb/runs/<id>.
	PlaceholderRunDir = "run_dir"
	// PlaceholderData is the path of the first declared dataset.
	PlaceholderData = "data"
)

// builtins is the set of built-in placeholder names.
var builtins = map[string]struct{}{PlaceholderRun: {}, PlaceholderRunDir: {}, PlaceholderData: {}}

// placeholderName is the grammar of a param or placeholder name.
const placeholderName = `[A-Za-z_][A-Za-z0-9_.-]*`

// placeholderRe matches {name}, with the character before it (if any) so
// that the shell's ${VAR} can be told apart.
var placeholderRe = regexp.MustCompile(`(^|[^$])\{(` + placeholderName + `)\}`)

// placeholderSpans returns [start, end) of each {name} in command and the name.
func placeholderSpans(command string) (spans [][2]int, names []string) {
	for i := 0; i < len(command); {
		m := placeholderRe.FindStringSubmatchIndex(command[i:])
		if m == nil {
			break
		}
		start, end := i+m[4]-1, i+m[5]+1 // the braces around group 2
		spans = append(spans, [2]int{start, end})
		names = append(names, command[i+m[4]:i+m[5]])
		i = end
	}
	return spans, names
}

// Placeholders returns the distinct placeholder names in a train.command
// template, in order of first use. A placeholder is {name}, where name is
// letters, digits, _ . - not starting with a digit; ${NAME} is left to the
// shell, and braces around anything else ({}, {a,b}) are plain text.
func Placeholders(command string) []string {
	_, names := placeholderSpans(command)
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// ExpandCommand fills the placeholders of a train.command template from
// values, quoting each value for a POSIX shell when it holds anything but
// letters, digits and _ @ % + = : , . / -. A placeholder with no value is an
// error naming it.
func ExpandCommand(command string, values map[string]string) (string, error) {
	spans, names := placeholderSpans(command)
	var b strings.Builder
	last := 0
	for i, sp := range spans {
		v, ok := values[names[i]]
		if !ok {
			return "", fmt.Errorf("expanding train command: no value for placeholder {%s}", names[i])
		}
		b.WriteString(command[last:sp[0]])
		b.WriteString(ShellQuote(v))
		last = sp[1]
	}
	b.WriteString(command[last:])
	return b.String(), nil
}

// shellSafeRe matches words a POSIX shell reads literally.
var shellSafeRe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// ShellQuote returns s as one POSIX shell word: unchanged when it is safe,
// else in single quotes.
func ShellQuote(s string) string {
	if shellSafeRe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
