package data

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm"
)

// FilterOptions say which rows to keep and where they go.
type FilterOptions struct {
	Expr    string    // e.g. `delay > 30 && origin == "ORD"`; a column whose name is not an identifier is $env["a b"]
	Workers int       // 0: one per core
	Out     io.Writer // matching records, as their original text after the header; nil counts only
	// Progress, when set, is told the bytes of the file read so far (compressed bytes for a
	// compressed file) and its size, after each chunk; it is called from the workers.
	Progress func(done, total int64)
}

// FilterResult counts what a filter saw.
type FilterResult struct {
	Rows       int64  `json:"rows"`
	Matched    int64  `json:"matched"`
	Errors     int64  `json:"errors"`      // rows the expression could not be evaluated on (not kept)
	FirstError string `json:"first_error"` // with its line
}

// FilterFile streams a CSV, TSV or JSON Lines file through an expression (expr-lang), in parallel
// chunks whose matching records are written in file order. Values are typed as the profile types
// them (integers, floats, booleans; dates and text as strings, which compare in ISO order); a null
// is nil. A row on which the expression fails (comparing a null with a number, say) is not kept
// and is counted, with the first such error and its line.
func FilterFile(ctx context.Context, path string, o FilterOptions) (*FilterResult, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if src.format != "csv" && src.format != "tsv" && src.format != "jsonl" {
		return nil, fmt.Errorf("%s: filter reads CSV, TSV and JSON Lines; this is %s", path, src.format)
	}
	in, err := openText(src)
	if err != nil {
		return nil, err
	}
	dl := in.dl
	env := map[string]any{}
	if dl != nil {
		for _, name := range dl.names {
			env[name] = nil
		}
	}
	// Values change type from row to row (a null is nil), so the expression is checked at run time;
	// only the names are checked here, against the header (JSON keys are known per record only).
	prog, err := expr.Compile(o.Expr, expr.AsBool(), expr.AllowUndefinedVariables())
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", o.Expr, err)
	}
	if dl != nil {
		if name := unknownName(prog.Node(), env); name != "" {
			return nil, fmt.Errorf("filter %q: %s has no column %q (columns: %s)", o.Expr, path, name, ColumnList(dl.names))
		}
	}
	if o.Out != nil {
		if _, err := o.Out.Write(in.headerText()); err != nil {
			return nil, fmt.Errorf("filter %s: %w", path, err)
		}
	}
	nw := o.Workers
	if nw <= 0 {
		nw = workerCount(Options{})
	}
	// The compiled evaluator answers most rows; the expression machine takes the rest (see
	// filterfast.go). Each worker has its own row, machine environment and JSON scanner.
	var header map[string]any
	if dl != nil {
		header = env
	}
	fast := compileFast(o.Expr, filterColumn(header))
	if !filterCompiled {
		fast = nil
	}
	var cols []int
	slotOf := map[string]int{}
	if fast != nil {
		for i, name := range fast.names {
			slotOf[name] = i
			if dl != nil {
				cols = append(cols, slices.Index(dl.names, name)) // names are unique (sniffCSV)
			}
		}
	}
	type state struct {
		machine vm.VM
		env     map[string]any
		js      objScanner
		row     *fastRow
		dp      dateParser
	}
	states := make([]state, nw)
	for i := range states {
		states[i].env = map[string]any{}
		if fast != nil {
			states[i].row = fast.newRow(cols)
		}
	}
	res := &FilterResult{}
	// Parts come in file order, so the first part with an error holds the file's first error.
	out := NewOrdered(2*nw+2, func(p filterPart) error {
		res.Rows += p.rows
		res.Matched += p.hit
		res.Errors += p.errs
		if p.errs > 0 && res.FirstError == "" {
			res.FirstError = p.firstErr
		}
		if o.Out != nil && len(p.out) > 0 {
			if _, err := o.Out.Write(p.out); err != nil {
				return fmt.Errorf("filter output: %w", err)
			}
		}
		return nil
	})
	err = in.run(ctx, nw, func(i int, c chunk) error {
		if err := out.Wait(ctx, c.index); err != nil {
			return err
		}
		st := &states[i]
		var p filterPart
		keep := func(raw []byte) {
			p.hit++
			if o.Out != nil {
				p.out = append(p.out, raw...)
				if len(raw) > 0 && raw[len(raw)-1] != '\n' {
					p.out = append(p.out, '\n')
				}
			}
		}
		// machine evaluates a row whose environment (st.env) is filled.
		machine := func(line int64, raw []byte) {
			res, err := st.machine.Run(prog, st.env)
			if err != nil {
				p.fail(line, func() string { return machineError(err) })
				return
			}
			b, ok := res.(bool)
			if !ok {
				p.fail(line, func() string { return fmt.Sprintf("the expression gives %v (%T), not true or false", res, res) })
				return
			}
			if b {
				keep(raw)
			}
		}
		if dl != nil {
			err := eachRecord(c, dl, func(s *csvScanner, fields [][]byte, line int64) error {
				p.rows++
				if fast != nil {
					st.row.reset(fields)
					if hit, ok := fast.match(st.row); ok {
						if hit {
							keep(s.raw())
						}
						return nil
					}
				}
				for i, name := range dl.names {
					var v any
					if i < len(fields) {
						v = textValue(fields[i], &st.dp).any()
					}
					st.env[name] = v
				}
				machine(line, s.raw())
				return nil
			})
			if err != nil {
				out.Stop(err) // workers waiting on this chunk's turn must not wait for ever
				return err
			}
		} else {
			eachLine(c.data, c.firstLine, func(line int64, ln []byte) {
				p.rows++
				fields, jerr := st.js.parse(bytes.TrimRight(ln, "\r"))
				if jerr != nil {
					p.fail(line, jerr.Error)
					return
				}
				if fast != nil {
					r := st.row
					clear(r.vals)
					for _, f := range fields {
						if i, ok := slotOf[string(f.key)]; ok {
							r.vals[i] = jsonFval(f) // a repeated key: the last one wins, as in the map
						}
					}
					for i := range r.typed {
						r.typed[i] = true
					}
					if hit, ok := fast.match(r); ok {
						if hit {
							keep(ln)
						}
						return
					}
				}
				clear(st.env)
				for _, f := range fields {
					st.env[string(f.key)] = jsonFval(f).any()
				}
				machine(line, ln)
			})
		}
		if o.Progress != nil {
			o.Progress(src.progress())
		}
		return out.Put(c.index, p)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// filterPart is what one chunk of a filter found.
type filterPart struct {
	out             []byte
	rows, hit, errs int64
	firstErr        string
}

// fail counts a row the expression could not be evaluated on, keeping the first message.
func (p *filterPart) fail(line int64, msg func() string) {
	if p.errs == 0 { // only the first is kept: an expression can fail on every row of the file
		p.firstErr = fmt.Sprintf("line %d: %s", line, msg())
	}
	p.errs++
}

// filterCompiled turns the compiled evaluator on; tests turn it off to compare its results with
// the expression machine's on the same file.
var filterCompiled = true

// filterColumn says whether an identifier names a column for the compiled evaluator: a header
// name (header holds them; CSV and TSV), or any name when header is nil (JSON Lines, whose keys are
// known per record only; a missing one is null). A name that is also a built-in function (len,
// max...) is read from the row by the machine too, so it is a column like any other. The
// identifier $env is never one (see fastCompiler.node), whatever this says.
func filterColumn(header map[string]any) func(string) bool {
	return func(name string) bool {
		if header == nil {
			return true
		}
		_, ok := header[name]
		return ok
	}
}

// nameCheck collects the first identifier that is neither a column nor a built-in function.
type nameCheck struct {
	cols    map[string]any
	unknown string
}

func (v *nameCheck) Visit(n *ast.Node) {
	id, ok := (*n).(*ast.IdentifierNode)
	if !ok || v.unknown != "" || id.Value == "$env" {
		return
	}
	if _, col := v.cols[id.Value]; col {
		return
	}
	if _, fn := builtin.Index[id.Value]; fn {
		return
	}
	v.unknown = id.Value
}

func unknownName(root ast.Node, cols map[string]any) string {
	v := &nameCheck{cols: cols}
	ast.Walk(&root, v)
	return v.unknown
}

// machineError is the expression machine's error on one row, on one line. expr-lang says a
// result that is not a boolean as "invalid operation: bool(float64)"; that is said in words.
func machineError(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if rest, ok := strings.CutPrefix(msg, "invalid operation: bool("); ok {
		typ, _, _ := strings.Cut(rest, ")")
		what := map[string]string{"float64": "a number", "int": "a number", "string": "text", "<nil>": "null"}[typ]
		if what == "" {
			what = "a " + typ
		}
		return "the expression gives " + what + ", not true or false (compare it: delay > 30)"
	}
	return msg
}
