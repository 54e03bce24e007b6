package data

import (
	"bytes"
	"regexp"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// The filter's compiled evaluator. expr-lang's machine takes its variables from a map[string]any,
// so every row would box every column into an interface and write it into a map before the
// expression could look at two of them: that was most of a filter's time (25 million allocations
// over the 3-million-row benchmark). Written by hand, as the filter's hot loop is our core: the
// common expressions (comparisons, arithmetic, and/or/not, in a list of constants, the string
// operators) are compiled to closures over typed values, and a column is typed only when the
// expression reaches it (`delay > 30 && origin == "ORD"` never looks at origin when delay is 5).
//
// Every closure answers only where expr-lang's answer is certain (two numbers, two strings, two
// booleans...); on anything else — a null compared with a number, a string added to a number, a
// non-boolean where a boolean is needed — it gives up on the row, and the row is evaluated by the
// expression machine itself, which then decides the result or the error exactly as before. A test
// compares the two on random expressions and rows.

// fastRow is one row as the compiled evaluator reads it: values typed on first use.
type fastRow struct {
	fields [][]byte // CSV: the record's fields; JSON: unused (vals are filled up front)
	cols   []int    // slot → column index (CSV)
	vals   []fval
	typed  []bool
	dp     dateParser
}

// value returns slot i's value, typing it from its CSV field the first time.
func (r *fastRow) value(i int) fval {
	if !r.typed[i] {
		r.typed[i] = true
		if c := r.cols[i]; c < len(r.fields) {
			r.vals[i] = textValue(r.fields[c], &r.dp)
		} else {
			r.vals[i] = fval{} // a short row: the missing field is null
		}
	}
	return r.vals[i]
}

// reset starts a new CSV record.
func (r *fastRow) reset(fields [][]byte) {
	r.fields = fields
	clear(r.typed)
}

// fastExpr evaluates one node on a row; ok is false when the row must go to the machine.
type fastExpr func(r *fastRow) (v fval, ok bool)

// fastProgram is a compiled filter expression and the columns it reads, by slot.
type fastProgram struct {
	eval  fastExpr
	names []string // slot → column name
}

// newRow makes a row for this program; cols maps each slot to its CSV column (nil for JSON).
func (p *fastProgram) newRow(cols []int) *fastRow {
	return &fastRow{cols: cols, vals: make([]fval, len(p.names)), typed: make([]bool, len(p.names))}
}

// match evaluates the expression on a row: kept, or ok false when the machine must decide.
func (p *fastProgram) match(r *fastRow) (keep, ok bool) {
	v, ok := p.eval(r)
	if !ok || v.k != fBool {
		return false, false
	}
	return v.b, true
}

// compileFast compiles an expression whose every node the evaluator knows; nil when it has one it
// does not (function calls, member access into values, conditionals...), and the whole filter
// then runs on the machine. isColumn says whether an identifier names a column.
func compileFast(src string, isColumn func(string) bool) *fastProgram {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	c := &fastCompiler{slots: map[string]int{}, isColumn: isColumn}
	e := c.node(tree.Node)
	if e == nil {
		return nil
	}
	return &fastProgram{eval: e, names: c.names}
}

type fastCompiler struct {
	slots    map[string]int
	names    []string
	isColumn func(string) bool
}

func (c *fastCompiler) slot(name string) fastExpr {
	if !c.isColumn(name) {
		return nil
	}
	i, ok := c.slots[name]
	if !ok {
		i = len(c.names)
		c.slots[name] = i
		c.names = append(c.names, name)
	}
	return func(r *fastRow) (fval, bool) { return r.value(i), true }
}

func constant(v fval) fastExpr { return func(*fastRow) (fval, bool) { return v, true } }

func (c *fastCompiler) node(n ast.Node) fastExpr {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			// The machine reads $env as the whole environment (a map, never nil), not as a
			// column of that name, which is $env["$env"]: only the machine can answer.
			return nil
		}
		return c.slot(n.Value)
	case *ast.MemberNode: // $env["a column"]
		env, ok := n.Node.(*ast.IdentifierNode)
		prop, ok2 := n.Property.(*ast.StringNode)
		if !ok || !ok2 || env.Value != "$env" || n.Optional || n.Method {
			return nil
		}
		return c.slot(prop.Value)
	case *ast.IntegerNode:
		return constant(fval{k: fInt, i: int64(n.Value)})
	case *ast.FloatNode:
		return constant(fval{k: fFloat, f: n.Value})
	case *ast.StringNode:
		return constant(fval{k: fStr, s: []byte(n.Value)})
	case *ast.BoolNode:
		return constant(fval{k: fBool, b: n.Value})
	case *ast.NilNode:
		return constant(fval{})
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	}
	return nil
}

func (c *fastCompiler) unary(n *ast.UnaryNode) fastExpr {
	x := c.node(n.Node)
	if x == nil {
		return nil
	}
	switch n.Operator {
	case "!", "not":
		return func(r *fastRow) (fval, bool) {
			v, ok := x(r)
			if !ok || v.k != fBool {
				return fval{}, false
			}
			return fval{k: fBool, b: !v.b}, true
		}
	case "-":
		return func(r *fastRow) (fval, bool) {
			v, ok := x(r)
			switch {
			case !ok:
				return fval{}, false
			case v.k == fInt:
				return fval{k: fInt, i: -v.i}, true
			case v.k == fFloat:
				return fval{k: fFloat, f: -v.f}, true
			}
			return fval{}, false
		}
	}
	return nil
}

func (c *fastCompiler) binary(n *ast.BinaryNode) fastExpr {
	if n.Operator == "in" {
		return c.in(n)
	}
	if n.Operator == "matches" {
		return c.matches(n)
	}
	l, r := c.node(n.Left), c.node(n.Right)
	if l == nil || r == nil {
		return nil
	}
	switch n.Operator {
	case "&&", "and", "||", "or":
		// Short-circuit, as the machine does: the right side is not evaluated (and cannot fail)
		// when the left decides.
		or := n.Operator == "||" || n.Operator == "or"
		return func(row *fastRow) (fval, bool) {
			a, ok := l(row)
			if !ok || a.k != fBool {
				return fval{}, false
			}
			if a.b == or {
				return a, true
			}
			b, ok := r(row)
			if !ok || b.k != fBool {
				return fval{}, false
			}
			return b, true
		}
	case "==", "!=":
		ne := n.Operator == "!="
		return func(row *fastRow) (fval, bool) {
			a, ok1 := l(row)
			b, ok2 := r(row)
			if !ok1 || !ok2 {
				return fval{}, false
			}
			return fval{k: fBool, b: a.equal(b) != ne}, true
		}
	case "<", ">", "<=", ">=":
		test := map[string]func(int) bool{
			"<":  func(c int) bool { return c < 0 },
			">":  func(c int) bool { return c > 0 },
			"<=": func(c int) bool { return c <= 0 },
			">=": func(c int) bool { return c >= 0 },
		}[n.Operator]
		return func(row *fastRow) (fval, bool) {
			a, ok1 := l(row)
			b, ok2 := r(row)
			if !ok1 || !ok2 {
				return fval{}, false
			}
			cm, ok := a.compare(b)
			if !ok {
				return fval{}, false
			}
			return fval{k: fBool, b: test(cm)}, true
		}
	case "+", "-", "*", "/", "%":
		return arith(n.Operator, l, r)
	case "contains", "startsWith", "endsWith":
		test := map[string]func(s, t []byte) bool{
			"contains":   bytes.Contains,
			"startsWith": bytes.HasPrefix,
			"endsWith":   bytes.HasSuffix,
		}[n.Operator]
		return func(row *fastRow) (fval, bool) {
			a, ok1 := l(row)
			b, ok2 := r(row)
			if !ok1 || !ok2 || a.k != fStr || b.k != fStr {
				return fval{}, false
			}
			return fval{k: fBool, b: test(a.s, b.s)}, true
		}
	}
	return nil
}

// arith is + - * / % on two numbers, as the machine computes them: integers stay integers (and
// wrap), a float on either side makes a float, / always divides as floats, % is for integers.
func arith(op string, l, r fastExpr) fastExpr {
	return func(row *fastRow) (fval, bool) {
		a, ok1 := l(row)
		b, ok2 := r(row)
		if !ok1 || !ok2 || !a.num() || !b.num() {
			return fval{}, false
		}
		if op == "/" {
			return fval{k: fFloat, f: a.float() / b.float()}, true
		}
		if a.k == fInt && b.k == fInt {
			switch op {
			case "+":
				return fval{k: fInt, i: a.i + b.i}, true
			case "-":
				return fval{k: fInt, i: a.i - b.i}, true
			case "*":
				return fval{k: fInt, i: a.i * b.i}, true
			case "%":
				if b.i == 0 {
					return fval{}, false
				}
				return fval{k: fInt, i: a.i % b.i}, true
			}
		}
		x, y := a.float(), b.float()
		switch op {
		case "+":
			return fval{k: fFloat, f: x + y}, true
		case "-":
			return fval{k: fFloat, f: x - y}, true
		case "*":
			return fval{k: fFloat, f: x * y}, true
		}
		return fval{}, false // % on a float: the machine refuses it
	}
}

// in is `x in [constants]` for a list of only strings or only integers (the lists expr-lang turns
// into a set); a value of another kind goes to the machine.
func (c *fastCompiler) in(n *ast.BinaryNode) fastExpr {
	arr, ok := n.Right.(*ast.ArrayNode)
	l := c.node(n.Left)
	if !ok || l == nil || len(arr.Nodes) == 0 {
		return nil
	}
	strs, ints := map[string]bool{}, map[int64]bool{}
	for _, e := range arr.Nodes {
		switch e := e.(type) {
		case *ast.StringNode:
			strs[e.Value] = true
		case *ast.IntegerNode:
			ints[int64(e.Value)] = true
		default:
			return nil
		}
	}
	if len(strs) > 0 && len(ints) > 0 {
		return nil
	}
	return func(row *fastRow) (fval, bool) {
		v, ok := l(row)
		switch {
		case !ok:
			return fval{}, false
		case len(strs) > 0 && v.k == fStr:
			return fval{k: fBool, b: strs[string(v.s)]}, true
		case len(ints) > 0 && v.k == fInt:
			return fval{k: fBool, b: ints[v.i]}, true
		}
		return fval{}, false
	}
}

// matches is `x matches "constant pattern"` on a string.
func (c *fastCompiler) matches(n *ast.BinaryNode) fastExpr {
	pat, ok := n.Right.(*ast.StringNode)
	l := c.node(n.Left)
	if !ok || l == nil {
		return nil
	}
	re, err := regexp.Compile(pat.Value)
	if err != nil {
		return nil
	}
	return func(row *fastRow) (fval, bool) {
		v, ok := l(row)
		if !ok || v.k != fStr {
			return fval{}, false
		}
		return fval{k: fBool, b: re.Match(v.s)}, true
	}
}
