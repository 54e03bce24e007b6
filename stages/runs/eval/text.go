package eval

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxMatrixClasses is the most classes whose confusion matrix Text prints.
const maxMatrixClasses = 20

// Text renders the report as aligned plain text, for terminals and logs.
func (r *Report) Text() string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

// WriteText writes the report as Text does.
func (r *Report) WriteText(w io.Writer) error {
	t := &textWriter{w: w}
	switch {
	case r.Classification != nil:
		c := r.Classification
		t.printf("%s: classification of %d rows, %d classes\n\n", r.Source, r.Rows, len(c.Labels))
		writeClassification(t, c)
	case r.Regression != nil:
		t.printf("%s: regression of %d rows\n\n", r.Source, r.Rows)
		writeRegression(t, r.Regression)
	}
	if len(r.Notes) > 0 {
		t.printf("\nnotes:\n")
		for _, n := range r.Notes {
			t.printf("  - %s\n", n)
		}
	}
	return t.err
}

// textWriter keeps the first write error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func writeClassification(t *textWriter, c *Classification) {
	multi := len(c.Labels) > 2
	how := func(base string) string {
		if c.Positive != "" {
			return fmt.Sprintf("%s, positive class %s, score %s", base, c.Positive, c.ScoreFrom)
		}
		if multi {
			return base + ", one-vs-rest macro"
		}
		return base
	}
	t.printf("accuracy   %.4f\n", c.Accuracy)
	t.printf("ROC AUC    %s\n", maybe(c.ROCAUC, how("")))
	t.printf("PR AUC     %s\n", maybe(c.PRAUC, how("average precision")))
	t.printf("log loss   %s\n\n", maybe(c.LogLoss, ""))

	perClassAUC := false
	for _, m := range c.Classes {
		perClassAUC = perClassAUC || m.ROCAUC != (Maybe{}) || m.PRAUC != (Maybe{})
	}
	lw := width("weighted avg")
	for _, l := range c.Labels {
		lw = max(lw, width(l))
	}
	t.printf("%s  precision     recall         f1    support", pad("class", lw))
	if perClassAUC {
		t.printf("    ROC AUC     PR AUC")
	}
	t.printf("\n")
	for _, m := range c.Classes {
		t.printf("%s  %9.4f  %9.4f  %9.4f  %9d", pad(m.Label, lw), m.Precision, m.Recall, m.F1, m.Support)
		if perClassAUC {
			t.printf("  %9s  %9s", short(m.ROCAUC), short(m.PRAUC))
		}
		t.printf("\n")
	}
	var n int64
	for _, m := range c.Classes {
		n += m.Support
	}
	t.printf("%s  %9.4f  %9.4f  %9.4f  %9d\n", pad("macro avg", lw), c.Macro.Precision, c.Macro.Recall, c.Macro.F1, n)
	t.printf("%s  %9.4f  %9.4f  %9.4f  %9d\n", pad("weighted avg", lw), c.Weighted.Precision, c.Weighted.Recall, c.Weighted.F1, n)

	t.printf("\nconfusion matrix (rows: true, columns: predicted)\n")
	if len(c.Labels) > maxMatrixClasses {
		t.printf("  %d×%d: too wide to print; see --json\n", len(c.Labels), len(c.Labels))
		return
	}
	cw := make([]int, len(c.Labels))
	for j, l := range c.Labels {
		cw[j] = width(l)
		for i := range c.Labels {
			cw[j] = max(cw[j], len(strconv.FormatInt(c.Confusion[i][j], 10)))
		}
	}
	t.printf("%s", strings.Repeat(" ", lw))
	for j, l := range c.Labels {
		t.printf("  %s", padLeft(l, cw[j]))
	}
	t.printf("\n")
	for i, l := range c.Labels {
		t.printf("%s", pad(l, lw))
		for j := range c.Labels {
			t.printf("  %*d", cw[j], c.Confusion[i][j])
		}
		t.printf("\n")
	}
}

func writeRegression(t *textWriter, r *Regression) {
	t.printf("MAE        %s\n", num(r.MAE))
	t.printf("RMSE       %s\n", num(r.RMSE))
	t.printf("R²         %s\n", num(r.R2))
	t.printf("max error  %s\n", num(r.MaxError))
	h := r.Residuals
	t.printf("\nresiduals (y_true - y_pred), %d bins\n", len(h.Counts))
	var most int64
	ew, cw := 0, 1
	for i, c := range h.Counts {
		most = max(most, c)
		cw = max(cw, len(strconv.FormatInt(c, 10)))
		ew = max(ew, len(num(h.Edges[i])), len(num(h.Edges[i+1])))
	}
	for i, c := range h.Counts {
		closing := ")"
		if i == len(h.Counts)-1 {
			closing = "]"
		}
		bar := 0
		if most > 0 {
			bar = int((c*40 + most - 1) / most)
		}
		t.printf("  [%s, %s%s  %*d  %s\n", padLeft(num(h.Edges[i]), ew), padLeft(num(h.Edges[i+1]), ew), closing,
			cw, c, strings.Repeat("#", bar))
	}
}

// maybe writes a metric that may be undefined, with a remark.
func maybe(m Maybe, remark string) string {
	v, ok := m.Get()
	if !ok {
		if m.Reason == "" {
			return "n/a"
		}
		return "n/a  (" + m.Reason + ")"
	}
	s := fmt.Sprintf("%.4f", v)
	if remark = strings.TrimPrefix(remark, ", "); remark != "" {
		s += "  (" + remark + ")"
	}
	return s
}

// short writes a metric that may be undefined, in a table cell.
func short(m Maybe) string {
	if v, ok := m.Get(); ok {
		return fmt.Sprintf("%.4f", v)
	}
	return "n/a"
}

// num writes a number in at most 6 significant digits.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func width(s string) int { return utf8.RuneCountInString(s) }

func pad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-width(s))) }

func padLeft(s string, w int) string { return strings.Repeat(" ", max(0, w-width(s))) + s }
