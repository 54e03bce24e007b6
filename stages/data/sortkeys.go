package data

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SortKey is one column to sort by, and its direction.
type SortKey struct {
	Column string
	Desc   bool
}

// ParseSortKeys reads a key list such as `delay:desc,origin`: columns separated by commas, each
// optionally followed by `:asc` or `:desc` (any case). A name that holds a comma, a colon or a
// double quote, or starts or ends with a space, is written in double quotes with inner quotes
// doubled, as CSV does: `"a,b":desc`. A colon followed by anything but asc/desc belongs to the name
// (`time:utc` is the column "time:utc").
func ParseSortKeys(spec string) ([]SortKey, error) {
	var keys []SortKey
	s := spec
	for {
		var k SortKey
		if strings.HasPrefix(s, `"`) {
			name, rest, err := quotedName(s)
			if err != nil {
				return nil, fmt.Errorf("sort keys %q: %w", spec, err)
			}
			k.Column = name
			s = strings.TrimLeft(rest, " ")
			if s != "" && s[0] == ':' {
				end := strings.IndexByte(s, ',')
				if end < 0 {
					end = len(s)
				}
				dir := strings.TrimSpace(s[1:end])
				switch strings.ToLower(dir) {
				case "asc":
				case "desc":
					k.Desc = true
				default:
					return nil, fmt.Errorf("sort keys %q: column %q: direction %q is neither asc nor desc", spec, name, dir)
				}
				s = s[end:]
			}
			if s != "" && s[0] != ',' {
				return nil, fmt.Errorf("sort keys %q: column %q: expected ',' or ':asc'/':desc' after the closing quote, found %q", spec, name, clipString(s, 20))
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			item := strings.TrimSpace(s[:end])
			s = s[end:]
			if c := strings.LastIndexByte(item, ':'); c >= 0 {
				switch strings.ToLower(item[c+1:]) {
				case "asc":
					item = item[:c]
				case "desc":
					item, k.Desc = item[:c], true
				}
			}
			k.Column = strings.TrimSpace(item)
			if strings.Contains(k.Column, `"`) {
				return nil, fmt.Errorf("sort keys %q: column %q: a name with a double quote must be quoted whole (\"a\"\"b\")", spec, k.Column)
			}
		}
		if k.Column == "" {
			return nil, fmt.Errorf("sort keys %q: key %d names no column", spec, len(keys)+1)
		}
		if !utf8.ValidString(k.Column) {
			return nil, fmt.Errorf("sort keys %q: key %d is not valid UTF-8", spec, len(keys)+1)
		}
		keys = append(keys, k)
		if s == "" {
			return keys, nil
		}
		s = s[1:] // the comma
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("sort keys %q: a comma with no column after it", spec)
		}
		s = strings.TrimLeft(s, " ")
	}
}

// quotedName reads a double-quoted name at the start of s (doubled quotes stand for one) and
// returns it with the text after the closing quote.
func quotedName(s string) (string, string, error) {
	var b strings.Builder
	i := 1
	for {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return "", "", fmt.Errorf("a quoted column name is never closed: %s", clipString(s, 30))
		}
		b.WriteString(s[i : i+j])
		i += j + 1
		if i < len(s) && s[i] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), s[i:], nil
	}
}

// FormatSortKeys writes keys back in the syntax ParseSortKeys reads (quoting names that need it),
// so a sort can be shown or repeated.
func FormatSortKeys(keys []SortKey) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name := k.Column
		if strings.ContainsAny(name, `,:"`) || strings.TrimSpace(name) != name {
			name = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
		b.WriteString(name)
		if k.Desc {
			b.WriteString(":desc")
		}
	}
	return b.String()
}

// ParseByteSize reads a memory size such as 512MiB, 2G, 64k or 1048576 (bytes). K, M, G and T
// (with or without "iB" or "B") are powers of 1024, as memory is counted.
func ParseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToLower(strings.TrimSpace(t[len(num):]))
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: expected a number of bytes with an optional unit (512MiB, 2G)", s)
	}
	shifts := map[string]int{"": 0, "b": 0, "k": 10, "kb": 10, "kib": 10, "m": 20, "mb": 20, "mib": 20,
		"g": 30, "gb": 30, "gib": 30, "t": 40, "tb": 40, "tib": 40}
	shift, ok := shifts[unit]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q (use K, M, G or T, as in 512MiB)", s, unit)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n << shift, nil
}
