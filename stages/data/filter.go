package data

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
			return nil, fmt.Errorf("filter %q: %s has no column %q (columns: %s)", o.Expr, path, name, strings.Join(dl.names, ", "))
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
	// Each worker has its own expression machine, row environment and JSON scanner.
	type state struct {
		machine vm.VM
		env     map[string]any
		js      objScanner
	}
	states := make([]state, nw)
	for i := range states {
		states[i].env = map[string]any{}
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
		eval := func(line int64, raw []byte) {
			p.rows++
			ok, err := st.machine.Run(prog, st.env)
			if err != nil {
				p.fail(line, strings.Join(strings.Fields(err.Error()), " "))
				return
			}
			if ok.(bool) {
				p.hit++
				if o.Out != nil {
					p.out = append(p.out, raw...)
					if len(raw) > 0 && raw[len(raw)-1] != '\n' {
						p.out = append(p.out, '\n')
					}
				}
			}
		}
		if dl != nil {
			err := eachRecord(c, dl, func(s *csvScanner, fields [][]byte, line int64) error {
				for i, name := range dl.names {
					var v any
					if i < len(fields) {
						v = typedValue(fields[i])
					}
					st.env[name] = v
				}
				eval(line, s.raw())
				return nil
			})
			if err != nil {
				out.Stop(err) // workers waiting on this chunk's turn must not wait for ever
				return err
			}
		} else {
			eachLine(c.data, c.firstLine, func(line int64, ln []byte) {
				clear(st.env)
				fields, jerr := st.js.parse(bytes.TrimRight(ln, "\r"))
				if jerr != nil {
					p.rows++
					p.fail(line, jerr.Error())
					return
				}
				for _, f := range fields {
					st.env[string(f.key)] = jsonTyped(f)
				}
				eval(line, ln)
			})
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
func (p *filterPart) fail(line int64, msg string) {
	if p.errs == 0 {
		p.firstErr = fmt.Sprintf("line %d: %s", line, msg)
	}
	p.errs++
}

// typedValue types one CSV value for an expression.
func typedValue(b []byte) any {
	b = trimSpace(b)
	var dp dateParser
	k, v := classify(b, &dp)
	switch k {
	case KindNull:
		return nil
	case KindInt:
		n, _ := parseInt(b) // exact: v went through float64
		return int(n)
	case KindFloat:
		return v
	case KindBool:
		return v == 1
	}
	return string(b)
}

func jsonTyped(f jsonField) any {
	switch f.kind {
	case KindNull:
		return nil
	case KindInt:
		return int(f.inum)
	case KindFloat:
		return f.num
	case KindBool:
		return f.num == 1
	}
	return string(f.raw)
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
