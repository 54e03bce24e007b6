package data

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

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
	head, err := readTextHead(src)
	if err != nil {
		return nil, err
	}
	var dl *dialect
	boundary := lastNewline
	env := map[string]any{}
	if src.format != "jsonl" {
		if dl, err = sniffCSV(path, head, src.format == "tsv"); err != nil {
			return nil, err
		}
		boundary = recordBoundary
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
	if o.Out != nil && dl != nil && dl.header {
		end := recordBoundary(head)
		if end < 0 {
			end = len(head)
		}
		s := newCSVScanner(head[:end], dl.delim, 1)
		if _, _, ok, _ := s.next(); ok {
			o.Out.Write(head[s.recStart:s.pos])
			if s.pos == len(head[:end]) && (s.pos == 0 || head[s.pos-1] != '\n') {
				o.Out.Write([]byte{'\n'})
			}
		}
	}
	nw := o.Workers
	if nw <= 0 {
		nw = workerCount(Options{})
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := &chunker{r: src.r, boundary: boundary, pool: make(chan []byte, 2*nw+2), path: path}
	chunks := make(chan chunk, nw)
	type part struct {
		out             []byte
		rows, hit, errs int64
		firstErr        string
		firstErrLine    int64
	}
	var mu sync.Mutex
	done := map[int]part{}
	nextOut := 0
	res := &FilterResult{}
	var firstErrLine int64
	flush := func() error { // writes finished chunks in order; called with mu held
		for {
			p, ok := done[nextOut]
			if !ok {
				return nil
			}
			delete(done, nextOut)
			nextOut++
			res.Rows += p.rows
			res.Matched += p.hit
			res.Errors += p.errs
			if p.errs > 0 && (firstErrLine == 0 || p.firstErrLine < firstErrLine) {
				firstErrLine, res.FirstError = p.firstErrLine, p.firstErr
			}
			if o.Out != nil && len(p.out) > 0 {
				if _, err := o.Out.Write(p.out); err != nil {
					return fmt.Errorf("filter output: %w", err)
				}
			}
		}
	}
	var wg sync.WaitGroup
	var readErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := ch.run(ctx, head, chunks); err != nil {
			readErr = err
			cancel(err)
		}
	}()
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var machine vm.VM
			rowEnv := map[string]any{}
			var js objScanner
			for c := range chunks {
				if ctx.Err() != nil {
					ch.put(c.buf)
					continue
				}
				var p part
				eval := func(line int64, raw []byte) {
					p.rows++
					ok, err := machine.Run(prog, rowEnv)
					if err != nil {
						if p.errs == 0 {
							p.firstErr, p.firstErrLine = fmt.Sprintf("line %d: %s", line, strings.Join(strings.Fields(err.Error()), " ")), line
						}
						p.errs++
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
				var err error
				if dl != nil {
					s := newCSVScanner(c.data, dl.delim, c.firstLine)
					skip := c.index == 0 && dl.header
					for {
						fields, line, ok, serr := s.next()
						if serr != nil {
							err = serr
							break
						}
						if !ok {
							break
						}
						if skip {
							skip = false
							continue
						}
						for i, name := range dl.names {
							var v any
							if i < len(fields) {
								v = typedValue(fields[i])
							}
							rowEnv[name] = v
						}
						eval(line, c.data[s.recStart:s.pos])
					}
				} else {
					line := c.firstLine
					data := c.data
					for len(data) > 0 {
						nl := bytes.IndexByte(data, '\n')
						ln := data
						if nl >= 0 {
							ln, data = data[:nl+1], data[nl+1:]
						} else {
							data = nil
						}
						if len(bytes.TrimSpace(ln)) > 0 {
							clear(rowEnv)
							if fields, jerr := js.parse(bytes.TrimRight(ln, "\r\n")); jerr == nil {
								for _, f := range fields {
									rowEnv[string(f.key)] = jsonTyped(f)
								}
								eval(line, ln)
							} else {
								p.rows++
								if p.errs == 0 {
									p.firstErr, p.firstErrLine = fmt.Sprintf("line %d: %v", line, jerr), line
								}
								p.errs++
							}
						}
						line++
					}
				}
				ch.put(c.buf)
				if err != nil {
					cancel(fmt.Errorf("%s: %w", path, err))
					continue
				}
				mu.Lock()
				done[c.index] = p
				if ferr := flush(); ferr != nil {
					cancel(ferr)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return res, nil
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
