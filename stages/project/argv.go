package project

import (
	"fmt"
	"strings"
)

// SplitWords splits a command template into words the way a POSIX shell would for a simple
// command: blanks separate words, 'single' and "double" quotes group, and a backslash escapes the
// next character (inside double quotes only before $, `, ", \ or a newline). There is no
// expansion of any kind: mlwb runs argv directly, never through a shell.
func SplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in command %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" in command %q", s)
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("trailing backslash in command %q", s)
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ExpandArgv splits a train.command template into argv and fills each {placeholder} inside its own
// word, so a value is always part of one argument and never shell text: `--lr {lr}` with
// lr = "1; rm -rf ~" gives the two arguments "--lr" and "1; rm -rf ~".
func ExpandArgv(template string, values map[string]string) ([]string, error) {
	words, err := SplitWords(template)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("train.command is empty")
	}
	for i, w := range words {
		spans, names := placeholderSpans(w)
		if len(spans) == 0 {
			continue
		}
		var b strings.Builder
		prev := 0
		for j, sp := range spans {
			v, ok := values[names[j]]
			if !ok {
				return nil, fmt.Errorf("train.command: no value for {%s}", names[j])
			}
			b.WriteString(w[prev:sp[0]])
			b.WriteString(v)
			prev = sp[1]
		}
		b.WriteString(w[prev:])
		words[i] = b.String()
	}
	return words, nil
}

// KeyValues parses key=value words (-p lr=0.1, --tag k=v, the runs page's forms); what names
// them in the error.
func KeyValues(what string, words []string) (map[string]string, error) {
	out := make(map[string]string, len(words))
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want key=value", what, w)
		}
		out[k] = v
	}
	return out, nil
}
