package eval

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Predictions is a predictions file in memory: one entry per row in each slice.
type Predictions struct {
	Source  string  // the file's path or name, as given
	Format  string  // FormatCSV, FormatTSV or FormatJSONL
	Columns Columns // the columns read
	// Labels are the distinct labels of y_true and y_pred as written, in first-seen order;
	// nil when there were more than Options.MaxClasses (the file can then only be a regression).
	Labels []string
	True   []int32 // y_true per row, as an index into Labels; nil with Labels
	Pred   []int32 // y_pred per row, as an index into Labels; nil with Labels
	// TrueNum and PredNum are the labels as numbers; nil unless every label is a finite number
	// (and never kept when Options.Kind is KindClassification).
	TrueNum, PredNum []float64
	// Score is the score column per row; nil without one.
	Score []float64
	// ProbClasses is the class of each probability column (its name after the prefix, as written).
	ProbClasses []string
	// Probs holds each row's probability columns: row i is Probs[i*len(ProbClasses):(i+1)*len(ProbClasses)].
	Probs []float64

	n          int
	nonNumeric *InputError // the first label that is not a number, when TrueNum is nil
	tooMany    *InputError // where the labels passed Options.MaxClasses, when Labels is nil
}

// Columns names the columns an evaluation used.
type Columns struct {
	Label         string   `json:"label"`
	Prediction    string   `json:"prediction"`
	Score         string   `json:"score,omitempty"`
	Probabilities []string `json:"probabilities,omitempty"`
}

// Rows is the number of prediction rows.
func (p *Predictions) Rows() int { return p.n }

// Read reads the predictions file at path. Errors about the content are *InputError values that
// name the file, line and column.
func Read(path string, opts Options) (*Predictions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("predictions: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("predictions: %s is a directory", path)
	}
	if opts.Format == "" {
		opts.Format = formatByName(path)
	}
	return Decode(f, path, opts)
}

// Decode reads predictions from r; name stands for the input in errors (and picks the format
// by its extension when Options.Format is empty, failing which the first bytes decide).
func Decode(r io.Reader, name string, opts Options) (*Predictions, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	p, err := decode(r, name, opts)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) && ie.File == "" {
			ie.File = name
		}
		return nil, err
	}
	return p, nil
}

func decode(r io.Reader, name string, opts Options) (*Predictions, error) {
	g := newGuard(r, opts.MaxRecordBytes)
	br := bufio.NewReaderSize(g, readAhead/2)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	// A binary file stops here, at its first NUL byte, whatever its first line looks like.
	if _, err := br.Peek(br.Size()); err != nil && !errors.Is(err, io.EOF) {
		return nil, readErr(err)
	}
	format := opts.Format
	if format == "" {
		format = formatByName(name)
	}
	if format == "" {
		format = sniff(br)
	}
	b := &builder{opts: opts, ids: map[string]int32{}, p: &Predictions{Source: name, Format: format}}
	if format == FormatJSONL {
		err := readJSONL(br, g, b)
		if err != nil {
			return nil, err
		}
	} else if err := readCSV(br, g, b, format == FormatTSV); err != nil {
		return nil, err
	}
	if b.p.n == 0 {
		return nil, inputErr(0, "", ErrEmpty, "")
	}
	return b.p, nil
}

// sniff guesses the format from the first bytes: JSONL when they start an object, TSV when the
// first line has tabs and no commas, else CSV.
func sniff(br *bufio.Reader) string {
	head, _ := br.Peek(4096)
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return FormatJSONL
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.IndexByte(head, '\t') >= 0 && bytes.IndexByte(head, ',') < 0 {
		return FormatTSV
	}
	return FormatCSV
}

// builder collects rows checked by a parser, holding to the limits.
type builder struct {
	opts Options
	p    *Predictions
	ids  map[string]int32
	// numericOff is set by the first label that is not a number.
	numericOff bool
	stride     int // values held per row: probabilities and score
}

// setColumns records the columns the parser found, before any row.
func (b *builder) setColumns(c Columns) {
	b.p.Columns = c
	b.stride = len(c.Probabilities)
	if c.Score != "" {
		b.stride++
	}
	for _, name := range c.Probabilities {
		b.p.ProbClasses = append(b.p.ProbClasses, strings.TrimPrefix(name, b.opts.ProbPrefix))
	}
}

// add appends one row, found at line, whose labels passed checkLabel.
func (b *builder) add(line int, label, pred string, score float64, probs []float64) error {
	p := b.p
	if p.n >= b.opts.MaxRows {
		return inputErr(line, "", ErrTooLarge, "more than %d rows (Options.MaxRows)", b.opts.MaxRows)
	}
	if b.stride > 0 && (p.n+1) > b.opts.MaxValues/b.stride {
		return inputErr(line, "", ErrTooLarge, "more than %d score and probability values (Options.MaxValues)", b.opts.MaxValues)
	}
	if err := b.addNumeric(line, label, pred); err != nil {
		return err
	}
	if err := b.addLabels(line, label, pred); err != nil {
		return err
	}
	if p.Columns.Score != "" {
		p.Score = append(p.Score, score)
	}
	p.Probs = append(p.Probs, probs...)
	p.n++
	return nil
}

func (b *builder) addNumeric(line int, label, pred string) error {
	if b.numericOff {
		return nil
	}
	if b.opts.Kind == KindClassification {
		b.numericOff = true
		return nil
	}
	t, okT := labelNumber(label)
	pv, okP := labelNumber(pred)
	if okT && okP {
		b.p.TrueNum = append(b.p.TrueNum, t)
		b.p.PredNum = append(b.p.PredNum, pv)
		return nil
	}
	col, val := b.p.Columns.Label, label
	if okT {
		col, val = b.p.Columns.Prediction, pred
	}
	b.numericOff = true
	b.p.TrueNum, b.p.PredNum = nil, nil
	b.p.nonNumeric = inputErr(line, col, ErrNotNumber, "%q", val)
	if b.opts.Kind == KindRegression {
		return b.p.nonNumeric
	}
	return b.checkEither(line)
}

func (b *builder) addLabels(line int, label, pred string) error {
	p := b.p
	if p.tooMany != nil {
		return nil
	}
	for _, s := range [2]string{label, pred} {
		if _, ok := b.ids[s]; ok {
			continue
		}
		if len(p.Labels) >= b.opts.MaxClasses {
			p.tooMany = inputErr(line, "", ErrTooLarge, "more than %d distinct labels (Options.MaxClasses)", b.opts.MaxClasses)
			p.Labels, p.True, p.Pred, b.ids = nil, nil, nil, nil
			if b.opts.Kind == KindClassification {
				return p.tooMany
			}
			return b.checkEither(line)
		}
		b.ids[s] = int32(len(p.Labels))
		p.Labels = append(p.Labels, s)
	}
	p.True = append(p.True, b.ids[label])
	p.Pred = append(p.Pred, b.ids[pred])
	return nil
}

// checkEither fails once the file can be neither a classification (too many labels) nor a
// regression (a label that is not a number); line is the current one.
func (b *builder) checkEither(line int) error {
	nn := b.p.nonNumeric
	if b.p.tooMany == nil || nn == nil {
		return nil
	}
	return inputErr(line, "", ErrTooLarge, "neither a classification (more than %d distinct labels, Options.MaxClasses) "+
		"nor a regression (%s on line %d: %v)", b.opts.MaxClasses, nn.Column, nn.Line, nn.Err)
}

// checkLabel says what is wrong with a label value, or nil.
func checkLabel(s string) error {
	switch {
	case s == "":
		return ErrMissingValue
	case strings.EqualFold(s, "nan"):
		return fmt.Errorf("%w: NaN", ErrMissingValue)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: invalid UTF-8 %q", ErrBinary, s)
	}
	return nil
}

// labelNumber is the label as a finite number, if it is one.
func labelNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}

// parseValue reads a score or probability: a finite number.
func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrMissingValue
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("%w: %q is out of range", ErrNotNumber, truncate(s))
		}
		return 0, fmt.Errorf("%w: %q", ErrNotNumber, truncate(s))
	}
	if math.IsNaN(v) {
		return 0, fmt.Errorf("%w: NaN", ErrMissingValue)
	}
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %q is not finite", ErrNotNumber, s)
	}
	return v, nil
}

// truncate shortens a value quoted in a message.
func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// pickColumns decides which of the header's names (on line) are the label, prediction, score
// and probability columns.
func pickColumns(line int, header []string, opts Options) (Columns, error) {
	has := make(map[string]int, len(header))
	for _, h := range header {
		has[h]++
	}
	c := Columns{Label: opts.Label, Prediction: opts.Prediction}
	need := []string{opts.Label, opts.Prediction}
	if opts.Score != "" {
		c.Score = opts.Score
		need = append(need, opts.Score)
	} else if has["score"] > 0 && opts.Label != "score" && opts.Prediction != "score" {
		c.Score = "score"
	}
	for _, name := range need {
		if has[name] == 0 {
			return c, inputErr(line, "", ErrMissingColumn, "%q (the header has %s)", name, listNames(header))
		}
	}
	for _, h := range header {
		if strings.HasPrefix(h, opts.ProbPrefix) && len(h) > len(opts.ProbPrefix) &&
			h != c.Label && h != c.Prediction && h != c.Score {
			c.Probabilities = append(c.Probabilities, h)
		}
	}
	used := append([]string{c.Label, c.Prediction, c.Score}, c.Probabilities...)
	for _, name := range used {
		if name != "" && has[name] > 1 {
			return c, inputErr(line, name, ErrDuplicate, "the header names it %d times", has[name])
		}
		if !utf8.ValidString(name) {
			return c, inputErr(line, "", ErrBinary, "invalid UTF-8 in the header")
		}
	}
	return c, nil
}

// listNames quotes up to 8 names for a message.
func listNames(names []string) string {
	if len(names) == 0 {
		return "no columns"
	}
	var b strings.Builder
	for i, n := range names {
		if i == 8 {
			fmt.Fprintf(&b, " and %d more", len(names)-8)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(truncate(n)))
	}
	return b.String()
}
