package runs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TrainConfig configures Train, the demo project's trainer: multinomial
// logistic (softmax) regression fitted by full-batch gradient descent on a
// CSV file. Zero values take the defaults noted on each field.
type TrainConfig struct {
	// DataPath is a CSV file with a header row: numeric feature columns and
	// one target column.
	DataPath string
	// Target names the target column, whose values are class labels;
	// default: the last column. Every other column is a feature.
	Target string
	// LR is the learning rate; default 0.1.
	LR float64
	// Epochs is the number of gradient steps over the training split; default 30.
	Epochs int
	// L2 is the L2 penalty on the weights (not the biases); default 0.
	L2 float64
	// ValFraction is the fraction of rows held out for validation after a
	// seeded shuffle; default 0.3. It is rounded to a row count of at least
	// one, leaving at least one training row.
	ValFraction float64
	// Seed seeds the shuffle; default (and 0) means 1.
	Seed int64
	// PredictionsPath, when set, receives the validation predictions as CSV.
	PredictionsPath string
	// EpochDelay is an optional pause after each epoch, so that a demo run
	// can be watched live; it ends early when the context is cancelled.
	EpochDelay time.Duration
}

// TrainResult summarises a finished Train call. Accuracies and ValLoss are
// measured with the final weights.
type TrainResult struct {
	Classes       []string // class labels, sorted; index = class id
	TrainAccuracy float64
	ValAccuracy   float64
	ValLoss       float64 // mean cross-entropy on the validation split
	Epochs        int
}

// Train fits the model described by cfg and writes its progress to out.
//
// Before training it prints one ordinary log line (`training softmax
// regression on 133 rows, 13 features, 3 classes (45 validation rows)`).
// After each epoch it prints one metric line, step key first:
//
//	epoch=3 loss=0.4123 accuracy=0.9100 val_loss=0.4500 val_accuracy=0.9333
//
// loss and accuracy are the mean cross-entropy (without the L2 term) and
// accuracy on the training split at the weights the epoch started from (so
// the first epoch's loss is ln K for K classes); val_loss and val_accuracy are
// measured after the epoch's update. Features are standardized with the mean
// and standard deviation of the training split (a constant column is only
// centred). Weights start at zero, so a given config and file always give the
// same output.
func Train(ctx context.Context, cfg TrainConfig, out io.Writer) (TrainResult, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return TrainResult{}, err
	}
	ds, err := readTrainingCSV(cfg.DataPath, cfg.Target)
	if err != nil {
		return TrainResult{}, err
	}
	n, d, k := len(ds.y), ds.nFeatures, len(ds.classes) // n >= k >= 2

	// Split: shuffle with the seed, take the first nVal rows for validation.
	perm := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6c7762)).Perm(n)
	nVal := min(max(int(math.Round(cfg.ValFraction*float64(n))), 1), n-1)
	valIdx, trainIdx := perm[:nVal], perm[nVal:]
	slices.Sort(valIdx)
	slices.Sort(trainIdx)

	mean, std := standardizer(ds.x, d, trainIdx)
	xs := make([]float64, len(ds.x))
	for i := range n {
		for j := range d {
			xs[i*d+j] = (ds.x[i*d+j] - mean[j]) / std[j]
		}
	}

	if _, err := fmt.Fprintf(out, "training softmax regression on %d rows, %d features, %d classes (%d validation rows)\n",
		len(trainIdx), d, k, nVal); err != nil {
		return TrainResult{}, fmt.Errorf("write training log: %w", err)
	}

	m := newSoftmaxModel(d, k)
	gw := make([]float64, k*d)
	gb := make([]float64, k)
	var timer *time.Timer
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return TrainResult{}, fmt.Errorf("training stopped before epoch %d: %w", epoch, err)
		}
		loss, acc := m.gradient(xs, ds.y, trainIdx, gw, gb)
		for i := range gw {
			gw[i] += cfg.L2 * m.w[i]
			m.w[i] -= cfg.LR * gw[i]
		}
		for c := range gb {
			m.b[c] -= cfg.LR * gb[c]
		}
		valLoss, valAcc := m.evaluate(xs, ds.y, valIdx)
		if _, err := fmt.Fprintf(out, "epoch=%d loss=%.4f accuracy=%.4f val_loss=%.4f val_accuracy=%.4f\n",
			epoch, loss, acc, valLoss, valAcc); err != nil {
			return TrainResult{}, fmt.Errorf("write metrics of epoch %d: %w", epoch, err)
		}
		if cfg.EpochDelay > 0 {
			if timer == nil {
				timer = time.NewTimer(cfg.EpochDelay)
			} else {
				timer.Reset(cfg.EpochDelay)
			}
			select {
			case <-ctx.Done():
				timer.Stop()
				return TrainResult{}, fmt.Errorf("training stopped after epoch %d: %w", epoch, ctx.Err())
			case <-timer.C:
			}
		}
	}

	res := TrainResult{Classes: ds.classes, Epochs: cfg.Epochs}
	_, res.TrainAccuracy = m.evaluate(xs, ds.y, trainIdx)
	res.ValLoss, res.ValAccuracy = m.evaluate(xs, ds.y, valIdx)
	if cfg.PredictionsPath != "" {
		if err := writePredictions(cfg.PredictionsPath, m, xs, ds, valIdx); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (cfg TrainConfig) withDefaults() (TrainConfig, error) {
	if cfg.DataPath == "" {
		return cfg, errors.New("train: no data file given")
	}
	if cfg.LR == 0 {
		cfg.LR = 0.1
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 30
	}
	if cfg.ValFraction == 0 {
		cfg.ValFraction = 0.3
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	switch {
	case !(cfg.LR > 0) || math.IsInf(cfg.LR, 0):
		return cfg, fmt.Errorf("train: learning rate %v must be a positive number", cfg.LR)
	case cfg.Epochs < 0:
		return cfg, fmt.Errorf("train: epochs %d must be positive", cfg.Epochs)
	case !(cfg.ValFraction > 0 && cfg.ValFraction < 1):
		return cfg, fmt.Errorf("train: validation fraction %v must be between 0 and 1 (exclusive)", cfg.ValFraction)
	case !(cfg.L2 >= 0) || math.IsInf(cfg.L2, 0):
		return cfg, fmt.Errorf("train: L2 penalty %v must be zero or positive", cfg.L2)
	case cfg.EpochDelay < 0:
		return cfg, fmt.Errorf("train: epoch delay %v must not be negative", cfg.EpochDelay)
	}
	return cfg, nil
}

// trainingData is a CSV file read for Train.
type trainingData struct {
	x         []float64 // row-major, len(y) × nFeatures
	nFeatures int
	y         []int    // class id of each row
	classes   []string // sorted labels
}

// readTrainingCSV reads path: a header row, then rows of numeric features and
// one class-label column named target (default: the last column).
func readTrainingCSV(path, target string) (*trainingData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read training data: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file, expected a header row", path)
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	header = slices.Clone(header)
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")

	ti := len(header) - 1
	if target != "" {
		ti = slices.Index(header, target)
		if ti < 0 {
			return nil, fmt.Errorf("%s: no target column %q (columns: %s)", path, target, strings.Join(header, ", "))
		}
	}
	target = header[ti]
	if slices.Index(header[ti+1:], target) >= 0 {
		return nil, fmt.Errorf("%s: target column %q appears more than once", path, target)
	}
	if len(header) < 2 {
		return nil, fmt.Errorf("%s: only the target column %q; need at least one feature column", path, target)
	}
	ds := &trainingData{nFeatures: len(header) - 1}

	var labels []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		for i, field := range rec {
			if i == ti {
				continue
			}
			s := strings.TrimSpace(field)
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				line, _ := r.FieldPos(i)
				what := "a number"
				if err == nil {
					what = "a finite number"
				}
				return nil, fmt.Errorf("%s:%d: column %q: %q is not %s", path, line, header[i], field, what)
			}
			ds.x = append(ds.x, v)
		}
		label := strings.TrimSpace(rec[ti])
		if label == "" {
			line, _ := r.FieldPos(ti)
			return nil, fmt.Errorf("%s:%d: target column %q is empty", path, line, target)
		}
		labels = append(labels, label)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", path)
	}

	ds.classes = slices.Clone(labels)
	slices.Sort(ds.classes)
	ds.classes = slices.Compact(ds.classes)
	if len(ds.classes) < 2 {
		return nil, fmt.Errorf("%s: target column %q has only one class (%q); need at least 2", path, target, ds.classes[0])
	}
	ds.y = make([]int, len(labels))
	for i, l := range labels {
		ds.y[i], _ = slices.BinarySearch(ds.classes, l)
	}
	return ds, nil
}

// csvError names the file and line of a CSV syntax error.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// standardizer returns each feature's mean and (population) standard
// deviation over rows; a zero deviation becomes 1.
func standardizer(x []float64, d int, rows []int) (mean, std []float64) {
	mean = make([]float64, d)
	std = make([]float64, d)
	for _, i := range rows {
		for j := range d {
			mean[j] += x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(len(rows))
	}
	for _, i := range rows {
		for j := range d {
			dv := x[i*d+j] - mean[j]
			std[j] += dv * dv
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(len(rows)))
		if std[j] == 0 || math.IsNaN(std[j]) {
			std[j] = 1
		}
	}
	return mean, std
}

// softmaxModel holds weights w (k × d, row-major) and biases b (k).
type softmaxModel struct {
	d, k   int
	w, b   []float64
	logits []float64 // scratch, then probabilities
}

func newSoftmaxModel(d, k int) *softmaxModel {
	return &softmaxModel{d: d, k: k, w: make([]float64, k*d), b: make([]float64, k), logits: make([]float64, k)}
}

// probs fills m.logits with the class probabilities of row x and returns the
// row's cross-entropy for class y and the predicted class (first on ties).
func (m *softmaxModel) probs(x []float64, y int) (loss float64, pred int) {
	z := m.logits
	for c := range m.k {
		s := m.b[c]
		w := m.w[c*m.d : (c+1)*m.d]
		for j, v := range x {
			s += w[j] * v
		}
		z[c] = s
		if s > z[pred] {
			pred = c
		}
	}
	zmax, zy := z[pred], z[y]
	var sum float64
	for c := range z {
		z[c] = math.Exp(z[c] - zmax)
		sum += z[c]
	}
	loss = zmax + math.Log(sum) - zy // log-sum-exp minus the true class's logit
	for c := range z {
		z[c] /= sum
	}
	return loss, pred
}

// gradient writes the mean cross-entropy gradient over rows into gw and gb
// and returns the mean loss and accuracy at the current weights.
func (m *softmaxModel) gradient(xs []float64, ys, rows []int, gw, gb []float64) (loss, acc float64) {
	clear(gw)
	clear(gb)
	correct := 0
	for _, i := range rows {
		x := xs[i*m.d : (i+1)*m.d]
		l, pred := m.probs(x, ys[i])
		loss += l
		if pred == ys[i] {
			correct++
		}
		for c, p := range m.logits {
			g := p
			if c == ys[i] {
				g--
			}
			gb[c] += g
			row := gw[c*m.d : (c+1)*m.d]
			for j, v := range x {
				row[j] += g * v
			}
		}
	}
	inv := 1 / float64(len(rows))
	for i := range gw {
		gw[i] *= inv
	}
	for c := range gb {
		gb[c] *= inv
	}
	return loss * inv, float64(correct) * inv
}

// evaluate returns the mean cross-entropy and accuracy over rows.
func (m *softmaxModel) evaluate(xs []float64, ys, rows []int) (loss, acc float64) {
	correct := 0
	for _, i := range rows {
		l, pred := m.probs(xs[i*m.d:(i+1)*m.d], ys[i])
		loss += l
		if pred == ys[i] {
			correct++
		}
	}
	n := float64(len(rows))
	return loss / n, float64(correct) / n
}

// writePredictions writes one CSV row per validation row: its 0-based data
// row index in the input, true and predicted labels, and each class's
// probability.
func writePredictions(path string, m *softmaxModel, xs []float64, ds *trainingData, rows []int) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rec := []string{"row", "y_true", "y_pred"}
	for _, c := range ds.classes {
		rec = append(rec, "p_"+c)
	}
	w.Write(rec)
	for _, i := range rows {
		_, pred := m.probs(xs[i*m.d:(i+1)*m.d], ds.y[i])
		rec = append(rec[:0], strconv.Itoa(i), ds.classes[ds.y[i]], ds.classes[pred])
		for _, p := range m.logits {
			rec = append(rec, strconv.FormatFloat(p, 'f', 6, 64))
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write predictions %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}
