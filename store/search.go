package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadQuery is returned for a search filter or order the store cannot express: an unknown
// kind, attribute or operator, or a value of the wrong type.
var ErrBadQuery = errors.New("invalid search query")

// Filter kinds: what a Filter's Key names.
const (
	FilterMetric = "metric" // a run's metric, by its last logged value
	FilterParam  = "param"
	FilterTag    = "tag"
	FilterAttr   = "attribute" // a column of the searched row, from a fixed list per search
)

// Filter operators.
const (
	OpEq    = "="
	OpNe    = "!="
	OpLt    = "<"
	OpLe    = "<="
	OpGt    = ">"
	OpGe    = ">="
	OpLike  = "LIKE"  // SQL pattern (% and _), case-sensitive
	OpILike = "ILIKE" // SQL pattern, case-insensitive (ASCII)
	OpIn    = "IN"    // Value is a []string
	OpNotIn = "NOT IN"
)

// Filter is one condition of a search; the conditions of a search are ANDed. Only Value and Key
// reach SQL, and always as bound parameters: Kind, attribute keys and Op pick from fixed lists, so
// no filter can change the statement. A row that lacks the metric, param or tag never matches.
type Filter struct {
	Kind  string
	Key   string
	Op    string
	Value any // string, float64 or int64; []string for OpIn and OpNotIn
}

// Order is one sort key of a search. Rows lacking the value sort last in either direction.
type Order struct {
	Kind string // FilterMetric, FilterParam, FilterTag or FilterAttr
	Key  string
	Desc bool
}

// View selects rows by lifecycle: active only (the zero value), deleted only, or all.
type View int

// Views.
const (
	ViewActive View = iota
	ViewDeleted
	ViewAll
)

func lifecycleSQL(v View, active, deleted string) string {
	switch v {
	case ViewDeleted:
		return deleted
	case ViewAll:
		return "1"
	}
	return active
}

func dirSQL(desc bool) string {
	if desc {
		return " DESC"
	}
	return " ASC"
}

// column is an SQL expression from our own fixed lists, and whether it holds numbers.
type column struct {
	expr    string
	numeric bool
}

// queryBuilder collects WHERE conditions and their arguments in order.
type queryBuilder struct {
	conds []string
	args  []any
}

func (b *queryBuilder) where(cond string, args ...any) {
	b.conds = append(b.conds, cond)
	b.args = append(b.args, args...)
}

func (b *queryBuilder) whereSQL() string {
	if len(b.conds) == 0 {
		return "1"
	}
	return strings.Join(b.conds, " AND ")
}

// compare adds "c op value". The arguments that c itself needs must already be in b.args.
func (b *queryBuilder) compare(c column, op string, v any) error {
	switch op {
	case OpIn, OpNotIn:
		list, ok := v.([]string)
		if !ok {
			return fmt.Errorf("%s needs a list of strings: %w", op, ErrBadQuery)
		}
		if len(list) == 0 {
			// Like MLflow, a row lacking the value matches neither IN () nor NOT IN ().
			if op == OpIn {
				b.where("0")
			} else {
				b.where(c.expr + " IS NOT NULL")
			}
			return nil
		}
		b.where(c.expr + " " + op + " (?" + strings.Repeat(",?", len(list)-1) + ")")
		for _, s := range list {
			b.args = append(b.args, s)
		}
		return nil
	case OpLike, OpILike:
		pat, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s needs a string pattern: %w", op, ErrBadQuery)
		}
		if op == OpLike {
			b.where(c.expr+" GLOB ?", likeToGlob(pat))
		} else {
			b.where("lower("+c.expr+") LIKE lower(?)", pat)
		}
		return nil
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		switch x := v.(type) {
		case string:
			if c.numeric {
				return fmt.Errorf("a number is needed, not %q: %w", x, ErrBadQuery)
			}
		case float64, int64:
			if !c.numeric && op != OpEq && op != OpNe {
				return fmt.Errorf("%s compares strings here, not numbers: %w", op, ErrBadQuery)
			}
		default:
			return fmt.Errorf("value of type %T: %w", v, ErrBadQuery)
		}
		b.where(c.expr+" "+op+" ?", v)
		return nil
	}
	return fmt.Errorf("operator %q: %w", op, ErrBadQuery)
}

// likeToGlob turns an SQL LIKE pattern into a GLOB pattern, which SQLite matches case-sensitively
// (its LIKE ignores ASCII case): % → *, _ → ?, and GLOB's own special characters made literal.
func likeToGlob(p string) string {
	var sb strings.Builder
	for _, r := range p {
		switch r {
		case '%':
			sb.WriteByte('*')
		case '_':
			sb.WriteByte('?')
		case '*', '?', '[':
			sb.WriteByte('[')
			sb.WriteRune(r)
			sb.WriteByte(']')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
