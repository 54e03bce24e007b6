package mlflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mlwb/mlwb/store"
)

// This file parses MLflow's search syntax: filters such as
//
//	metrics.acc > 0.9 and params.lr = "0.01" and tags.`my tag` LIKE 'x%' and attributes.status = 'FINISHED'
//
// (comparisons ANDed together; no OR, no parentheses but IN's list) and order_by entries such as
// "metrics.acc DESC". The parser only builds clauses; the store turns them into SQL with every
// key and value bound as a parameter.

// ErrFilter is wrapped by every error of the filter and order_by parsers.
var ErrFilter = errors.New("invalid search filter")

// Clause is one comparison of a filter.
type Clause struct {
	Entity string // "metric", "param", "tag", "attribute" (MLflow's aliases folded)
	Key    string
	Op     string // one of store's Op constants
	Value  any    // string (quoted in the filter), float64 (a number), or []string (IN lists)
}

// OrderTerm is one entry of order_by.
type OrderTerm struct {
	Entity string
	Key    string
	Desc   bool
}

// maxFilterLen bounds a filter string; a longer one is refused before it is parsed.
const maxFilterLen = 64 << 10

var entityAliases = map[string]string{
	"metric": store.FilterMetric, "metrics": store.FilterMetric,
	"param": store.FilterParam, "params": store.FilterParam, "parameter": store.FilterParam, "parameters": store.FilterParam,
	"tag": store.FilterTag, "tags": store.FilterTag,
	"attribute": store.FilterAttr, "attributes": store.FilterAttr, "attr": store.FilterAttr, "run": store.FilterAttr,
}

// ParseFilter parses a search filter; "" (or only spaces) is no clause.
func ParseFilter(s string) ([]Clause, error) {
	if len(s) > maxFilterLen {
		return nil, fmt.Errorf("filter of %d bytes is over the limit of %d: %w", len(s), maxFilterLen, ErrFilter)
	}
	p := &parser{src: s}
	p.skipSpace()
	if p.eof() {
		return nil, nil
	}
	var out []Clause
	for {
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		p.skipSpace()
		if p.eof() {
			return out, nil
		}
		w := p.word()
		switch strings.ToUpper(w) {
		case "AND":
		case "OR":
			return nil, fmt.Errorf("OR is not supported (only AND) at offset %d: %w", p.pos, ErrFilter)
		default:
			return nil, fmt.Errorf("expected AND at offset %d, found %q: %w", p.pos, truncate(p.rest(), 20), ErrFilter)
		}
	}
}

// ParseOrderBy parses one order_by entry: an identifier and an optional ASC or DESC.
func ParseOrderBy(s string) (OrderTerm, error) {
	p := &parser{src: s}
	p.skipSpace()
	ent, key, err := p.identifier()
	if err != nil {
		return OrderTerm{}, err
	}
	t := OrderTerm{Entity: ent, Key: key}
	p.skipSpace()
	if !p.eof() {
		switch strings.ToUpper(p.word()) {
		case "ASC":
		case "DESC":
			t.Desc = true
		default:
			return OrderTerm{}, fmt.Errorf("order_by %q: expected ASC or DESC after the column: %w", truncate(s, 80), ErrFilter)
		}
	}
	p.skipSpace()
	if !p.eof() {
		return OrderTerm{}, fmt.Errorf("order_by %q: unexpected %q: %w", truncate(s, 80), truncate(p.rest(), 20), ErrFilter)
	}
	return t, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) eof() bool    { return p.pos >= len(p.src) }
func (p *parser) rest() string { return p.src[p.pos:] }

func (p *parser) skipSpace() {
	for !p.eof() {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

// word reads a run of letters (AND, LIKE, ASC...).
func (p *parser) word() string {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// isKeyByte reports whether c may appear in an unquoted key.
func isKeyByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '=', '!', '<', '>', '\'', '"', '`', '(', ')', ',':
		return false
	}
	return true
}

// identifier reads [entity "."] key, where the key may be quoted with backticks or double quotes.
func (p *parser) identifier() (entity, key string, err error) {
	start := p.pos
	if p.eof() {
		return "", "", fmt.Errorf("expected a column at offset %d: %w", p.pos, ErrFilter)
	}
	if c := p.src[p.pos]; c == '`' || c == '"' {
		// A quoted identifier without an entity is an attribute.
		k, err := p.quoted(c)
		return store.FilterAttr, k, err
	}
	for !p.eof() && isKeyByte(p.src[p.pos]) && p.src[p.pos] != '.' {
		p.pos++
	}
	head := p.src[start:p.pos]
	if p.eof() || p.src[p.pos] != '.' {
		if head == "" {
			return "", "", fmt.Errorf("expected a column at offset %d, found %q: %w", start, truncate(p.rest(), 20), ErrFilter)
		}
		return store.FilterAttr, head, nil // a bare name is an attribute
	}
	ent, ok := entityAliases[strings.ToLower(head)]
	if !ok {
		return "", "", fmt.Errorf("invalid entity type %q: expected metrics, params, tags or attributes: %w", truncate(head, 40), ErrFilter)
	}
	p.pos++ // the dot
	if !p.eof() && (p.src[p.pos] == '`' || p.src[p.pos] == '"') {
		k, err := p.quoted(p.src[p.pos])
		return ent, k, err
	}
	ks := p.pos
	for !p.eof() && isKeyByte(p.src[p.pos]) {
		p.pos++
	}
	if p.pos == ks {
		return "", "", fmt.Errorf("expected a key after %q: %w", head+".", ErrFilter)
	}
	return ent, p.src[ks:p.pos], nil
}

// quoted reads a string quoted with q; a doubled quote stands for itself.
func (p *parser) quoted(q byte) (string, error) {
	start := p.pos
	p.pos++
	var sb strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		if c == q {
			if p.pos+1 < len(p.src) && p.src[p.pos+1] == q {
				sb.WriteByte(q)
				p.pos += 2
				continue
			}
			p.pos++
			return sb.String(), nil
		}
		if c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == q || p.src[p.pos+1] == '\\') {
			sb.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		sb.WriteByte(c)
		p.pos++
	}
	return "", fmt.Errorf("unterminated quote starting at offset %d: %w", start, ErrFilter)
}

// operator reads a comparison operator.
func (p *parser) operator() (string, error) {
	p.skipSpace()
	rest := p.rest()
	for _, op := range []string{"<=", ">=", "!=", "<>", "=", "<", ">"} {
		if strings.HasPrefix(rest, op) {
			p.pos += len(op)
			if op == "<>" {
				op = store.OpNe
			}
			return op, nil
		}
	}
	w := strings.ToUpper(p.word())
	switch w {
	case "LIKE":
		return store.OpLike, nil
	case "ILIKE":
		return store.OpILike, nil
	case "IN":
		return store.OpIn, nil
	case "NOT":
		p.skipSpace()
		if strings.ToUpper(p.word()) == "IN" {
			return store.OpNotIn, nil
		}
	}
	return "", fmt.Errorf("expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) at offset %d: %w", p.pos, ErrFilter)
}

// value reads a quoted string, a number, or (for IN) a parenthesised list of strings.
func (p *parser) value(list bool) (any, error) {
	p.skipSpace()
	if p.eof() {
		return nil, fmt.Errorf("expected a value at the end of the filter: %w", ErrFilter)
	}
	c := p.src[p.pos]
	if list {
		if c != '(' {
			return nil, fmt.Errorf("IN needs a list such as ('a', 'b') at offset %d: %w", p.pos, ErrFilter)
		}
		p.pos++
		var out []string
		for {
			p.skipSpace()
			if p.eof() {
				return nil, fmt.Errorf("unterminated list: %w", ErrFilter)
			}
			if c := p.src[p.pos]; c != '\'' && c != '"' {
				return nil, fmt.Errorf("IN lists hold quoted strings, at offset %d: %w", p.pos, ErrFilter)
			}
			s, err := p.quoted(p.src[p.pos])
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			p.skipSpace()
			if p.eof() {
				return nil, fmt.Errorf("unterminated list: %w", ErrFilter)
			}
			switch p.src[p.pos] {
			case ',':
				p.pos++
			case ')':
				p.pos++
				return out, nil
			default:
				return nil, fmt.Errorf("expected , or ) in a list at offset %d: %w", p.pos, ErrFilter)
			}
		}
	}
	if c == '\'' || c == '"' {
		return p.quoted(c)
	}
	start := p.pos
	for !p.eof() && isKeyByte(p.src[p.pos]) {
		p.pos++
	}
	tok := p.src[start:p.pos]
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil || tok == "" {
		return nil, fmt.Errorf("expected a quoted string or a number at offset %d, found %q: %w", start, truncate(tok, 40), ErrFilter)
	}
	return v, nil
}

func (p *parser) clause() (Clause, error) {
	p.skipSpace()
	ent, key, err := p.identifier()
	if err != nil {
		return Clause{}, err
	}
	op, err := p.operator()
	if err != nil {
		return Clause{}, err
	}
	v, err := p.value(op == store.OpIn || op == store.OpNotIn)
	if err != nil {
		return Clause{}, err
	}
	return Clause{Entity: ent, Key: key, Op: op, Value: v}, nil
}

// runAttributes maps MLflow's run attribute names to the store's, and whether they are numbers.
var runAttributes = map[string]struct {
	key     string
	numeric bool
}{
	"run_id":     {"uuid", false},
	"run_uuid":   {"uuid", false},
	"run_name":   {"name", false},
	"status":     {"status", false},
	"user_id":    {"user", false},
	"start_time": {"started", true},
	"created":    {"started", true},
	"Created":    {"started", true},
	"end_time":   {"ended", true},
}

// runFilters turns parsed clauses into the store's filters, checking each against what MLflow
// allows for its entity: numbers for metrics, quoted strings for params and tags.
func runFilters(cs []Clause) ([]store.Filter, error) {
	out := make([]store.Filter, 0, len(cs))
	for _, c := range cs {
		f := store.Filter{Kind: c.Entity, Key: c.Key, Op: c.Op, Value: c.Value}
		switch c.Entity {
		case store.FilterMetric:
			if _, ok := c.Value.(float64); !ok {
				return nil, fmt.Errorf("metric %q: expected a numeric value: %w", c.Key, ErrFilter)
			}
			if c.Op == store.OpLike || c.Op == store.OpILike {
				return nil, fmt.Errorf("metric %q: %s compares strings, metrics are numbers: %w", c.Key, c.Op, ErrFilter)
			}
		case store.FilterParam, store.FilterTag:
			if _, ok := c.Value.(float64); ok {
				return nil, fmt.Errorf("%s %q: expected a quoted string value: %w", c.Entity, c.Key, ErrFilter)
			}
			switch c.Op {
			case store.OpEq, store.OpNe, store.OpLike, store.OpILike, store.OpIn, store.OpNotIn:
			default:
				return nil, fmt.Errorf("%s %q: %s is not supported (=, !=, LIKE, ILIKE, IN are): %w", c.Entity, c.Key, c.Op, ErrFilter)
			}
		case store.FilterAttr:
			a, ok := runAttributes[c.Key]
			if !ok {
				return nil, fmt.Errorf("invalid attribute key %q: expected one of run_id, run_name, status, user_id, start_time, end_time: %w", c.Key, ErrFilter)
			}
			f.Key = a.key
			if a.numeric {
				if _, ok := c.Value.(float64); !ok {
					return nil, fmt.Errorf("attribute %q: expected a numeric value: %w", c.Key, ErrFilter)
				}
				if c.Op == store.OpLike || c.Op == store.OpILike {
					return nil, fmt.Errorf("attribute %q: %s compares strings: %w", c.Key, c.Op, ErrFilter)
				}
			} else if _, ok := c.Value.(float64); ok {
				return nil, fmt.Errorf("attribute %q: expected a quoted string value: %w", c.Key, ErrFilter)
			}
			if a.key == "status" {
				sf, err := statusFilter(c)
				if err != nil {
					return nil, err
				}
				f = sf
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// statusFilter evaluates a status clause over MLflow's statuses and gives the store the set of
// mlwb statuses that match (FAILED covers mlwb's "lost" too).
func statusFilter(c Clause) (store.Filter, error) {
	var match []string
	for _, name := range runStatusNames[1:] {
		ok, err := evalString(name, c.Op, c.Value)
		if err != nil {
			return store.Filter{}, err
		}
		if ok {
			match = append(match, ourStatuses(name)...)
		}
	}
	if match == nil {
		match = []string{}
	}
	return store.Filter{Kind: store.FilterAttr, Key: "status", Op: store.OpIn, Value: match}, nil
}

// evalString applies a string comparison in Go (for values the store keeps in another form).
func evalString(s, op string, v any) (bool, error) {
	if list, ok := v.([]string); ok {
		in := false
		for _, x := range list {
			in = in || x == s
		}
		return in == (op == store.OpIn), nil
	}
	pat, ok := v.(string)
	if !ok {
		return false, fmt.Errorf("expected a quoted string value: %w", ErrFilter)
	}
	switch op {
	case store.OpEq:
		return s == pat, nil
	case store.OpNe:
		return s != pat, nil
	case store.OpLt:
		return s < pat, nil
	case store.OpLe:
		return s <= pat, nil
	case store.OpGt:
		return s > pat, nil
	case store.OpGe:
		return s >= pat, nil
	case store.OpLike:
		return likeMatch(pat, s), nil
	case store.OpILike:
		return likeMatch(strings.ToLower(pat), strings.ToLower(s)), nil
	}
	return false, fmt.Errorf("operator %s: %w", op, ErrFilter)
}

// likeMatch matches s against an SQL LIKE pattern (% any run, _ one character).
func likeMatch(pat, s string) bool {
	p, t := []rune(pat), []rune(s)
	// Iterative matching with backtracking to the last %.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '_' || p[pi] == t[ti]) && p[pi] != '%':
			pi++
			ti++
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// runOrders turns order_by entries into the store's orders.
func runOrders(entries []string) ([]store.Order, error) {
	var out []store.Order
	for _, e := range entries {
		t, err := ParseOrderBy(e)
		if err != nil {
			return nil, err
		}
		o := store.Order{Kind: t.Entity, Key: t.Key, Desc: t.Desc}
		if t.Entity == store.FilterAttr {
			a, ok := runAttributes[t.Key]
			if !ok {
				return nil, fmt.Errorf("invalid order_by attribute %q: %w", t.Key, ErrFilter)
			}
			o.Key = a.key
		}
		out = append(out, o)
	}
	return out, nil
}

// experimentAttributes maps MLflow's experiment attribute names to the store's.
var experimentAttributes = map[string]struct {
	key     string
	numeric bool
}{
	"name":             {"name", false},
	"experiment_id":    {"id", true},
	"creation_time":    {"created", true},
	"last_update_time": {"updated", true},
}

func experimentFilters(cs []Clause) ([]store.Filter, error) {
	out := make([]store.Filter, 0, len(cs))
	for _, c := range cs {
		f := store.Filter{Kind: c.Entity, Key: c.Key, Op: c.Op, Value: c.Value}
		switch c.Entity {
		case store.FilterTag:
			if _, ok := c.Value.(string); !ok {
				return nil, fmt.Errorf("tag %q: expected a quoted string value: %w", c.Key, ErrFilter)
			}
			switch c.Op {
			case store.OpEq, store.OpNe, store.OpLike, store.OpILike:
			default:
				return nil, fmt.Errorf("tag %q: %s is not supported (=, !=, LIKE, ILIKE are): %w", c.Key, c.Op, ErrFilter)
			}
		case store.FilterAttr:
			a, ok := experimentAttributes[c.Key]
			if !ok {
				return nil, fmt.Errorf("invalid attribute key %q: expected name, creation_time or last_update_time: %w", c.Key, ErrFilter)
			}
			f.Key = a.key
			if _, isNum := c.Value.(float64); isNum != a.numeric {
				if a.numeric {
					return nil, fmt.Errorf("attribute %q: expected a numeric value: %w", c.Key, ErrFilter)
				}
				return nil, fmt.Errorf("attribute %q: expected a quoted string value: %w", c.Key, ErrFilter)
			}
			if a.numeric && (c.Op == store.OpLike || c.Op == store.OpILike || c.Op == store.OpIn || c.Op == store.OpNotIn) {
				return nil, fmt.Errorf("attribute %q: %s is not supported for numbers: %w", c.Key, c.Op, ErrFilter)
			}
		default:
			return nil, fmt.Errorf("experiments are filtered by attributes and tags, not %ss: %w", c.Entity, ErrFilter)
		}
		out = append(out, f)
	}
	return out, nil
}

func experimentOrders(entries []string) ([]store.Order, error) {
	var out []store.Order
	for _, e := range entries {
		t, err := ParseOrderBy(e)
		if err != nil {
			return nil, err
		}
		a, ok := experimentAttributes[t.Key]
		if t.Entity != store.FilterAttr || !ok {
			return nil, fmt.Errorf("invalid order_by %q: experiments are ordered by name, experiment_id, creation_time or last_update_time: %w", truncate(e, 80), ErrFilter)
		}
		out = append(out, store.Order{Kind: store.FilterAttr, Key: a.key, Desc: t.Desc})
	}
	return out, nil
}

// RunFilters parses a filter in MLflow's search syntax (`metrics.acc > 0.9 and params.lr =
// "0.01"`) into the store's filters: what `mlwb runs ls --filter` and the runs page use.
func RunFilters(filter string) ([]store.Filter, error) {
	cs, err := ParseFilter(filter)
	if err != nil {
		return nil, err
	}
	return runFilters(cs)
}

// RunOrder parses one MLflow order_by entry (`metrics.acc DESC`) into the store's order.
func RunOrder(entry string) (store.Order, error) {
	os, err := runOrders([]string{entry})
	if err != nil {
		return store.Order{}, err
	}
	if len(os) != 1 {
		return store.Order{}, fmt.Errorf("order %q: %w", entry, ErrFilter)
	}
	return os[0], nil
}
