package runs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const wineCSV = "../../testdata/demo/wine.csv"

// epochLines parses Train's output with the metric parser: the first line must
// yield no metrics, every later line exactly the five epoch metrics at the
// epoch as step. It returns each epoch's metrics by key.
func epochLines(t *testing.T, out string) []map[string]float64 {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	p, err := NewMetricParser(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Parse(nil, []byte(lines[0])); len(got) != 0 || !strings.HasPrefix(lines[0], "training softmax regression on ") {
		t.Fatalf("first line %q: want a plain log line, parsed %v", lines[0], got)
	}
	var epochs []map[string]float64
	for i, l := range lines[1:] {
		ms := p.Parse(nil, []byte(l))
		want := []string{"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
		var keys []string
		vals := map[string]float64{}
		for _, mt := range ms {
			keys = append(keys, mt.Key)
			vals[mt.Key] = mt.Value
			if mt.Step != int64(i+1) {
				t.Errorf("line %q: %s at step %d, want %d", l, mt.Key, mt.Step, i+1)
			}
		}
		if !slices.Equal(keys, want) {
			t.Fatalf("line %q: keys %v, want %v", l, keys, want)
		}
		epochs = append(epochs, vals)
	}
	return epochs
}

func TestTrainWine(t *testing.T) {
	preds := filepath.Join(t.TempDir(), "predictions.csv")
	var out bytes.Buffer
	res, err := Train(context.Background(), TrainConfig{
		DataPath: wineCSV, Target: "cultivar", LR: 0.1, Epochs: 30, PredictionsPath: preds,
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wine: train accuracy %.4f, val accuracy %.4f, val loss %.4f", res.TrainAccuracy, res.ValAccuracy, res.ValLoss)
	if res.ValAccuracy < 0.9 {
		t.Errorf("val accuracy %.4f, want >= 0.9\n%s", res.ValAccuracy, out.String())
	}
	if want := []string{"class_0", "class_1", "class_2"}; !slices.Equal(res.Classes, want) {
		t.Errorf("classes %v, want %v", res.Classes, want)
	}
	if res.Epochs != 30 {
		t.Errorf("epochs %d, want 30", res.Epochs)
	}
	first := strings.SplitN(out.String(), "\n", 2)[0]
	if want := "training softmax regression on 125 rows, 13 features, 3 classes (53 validation rows)"; first != want {
		t.Errorf("log line %q, want %q", first, want)
	}
	epochs := epochLines(t, out.String())
	if len(epochs) != 30 {
		t.Fatalf("%d epoch lines, want 30", len(epochs))
	}
	if got := epochs[0]["loss"]; math.Abs(got-math.Log(3)) > 5e-5 {
		t.Errorf("first loss %v, want ln 3 = %v", got, math.Log(3))
	}
	last := epochs[29]
	if math.Abs(last["val_accuracy"]-res.ValAccuracy) > 5e-5 || math.Abs(last["val_loss"]-res.ValLoss) > 5e-5 {
		t.Errorf("last line %v disagrees with result %+v", last, res)
	}
	if last["loss"] >= epochs[0]["loss"] {
		t.Errorf("loss did not fall: %v -> %v", epochs[0]["loss"], last["loss"])
	}

	// The predictions file: header, one row per validation row, labels that
	// match the input file, probabilities that sum to one and agree with y_pred.
	labels := readColumn(t, wineCSV, "cultivar")
	rows := readCSV(t, preds)
	if want := []string{"row", "y_true", "y_pred", "p_class_0", "p_class_1", "p_class_2"}; !slices.Equal(rows[0], want) {
		t.Fatalf("predictions header %v, want %v", rows[0], want)
	}
	if len(rows)-1 != 53 { // round(0.3 × 178)
		t.Fatalf("%d prediction rows, want 53", len(rows)-1)
	}
	correct, prev := 0, -1
	for _, r := range rows[1:] {
		i, err := strconv.Atoi(r[0])
		if err != nil || i <= prev || i >= len(labels) {
			t.Fatalf("bad row index in %v (previous %d)", r, prev)
		}
		prev = i
		if r[1] != labels[i] {
			t.Errorf("row %d: y_true %q, input file says %q", i, r[1], labels[i])
		}
		var sum, best float64
		arg := -1
		for c, s := range r[3:] {
			p, err := strconv.ParseFloat(s, 64)
			if err != nil || len(s) != len("0.123456") {
				t.Fatalf("row %d: probability %q", i, s)
			}
			sum += p
			if p > best {
				best, arg = p, c
			}
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d: probabilities sum to %v", i, sum)
		}
		if r[2] != res.Classes[arg] {
			t.Errorf("row %d: y_pred %q but highest probability is %q", i, r[2], res.Classes[arg])
		}
		if r[1] == r[2] {
			correct++
		}
	}
	if got := float64(correct) / float64(len(rows)-1); math.Abs(got-res.ValAccuracy) > 1e-12 {
		t.Errorf("predictions file accuracy %v, result says %v", got, res.ValAccuracy)
	}
}

func TestTrainDefaultsAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	run := func(seed int64, preds string) (string, TrainResult) {
		t.Helper()
		var out bytes.Buffer
		// Target left empty: the last column, cultivar. LR and Epochs default.
		res, err := Train(context.Background(), TrainConfig{DataPath: wineCSV, Seed: seed, PredictionsPath: preds}, &out)
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), res
	}
	a, ra := run(0, filepath.Join(dir, "a.csv"))
	b, rb := run(1, filepath.Join(dir, "b.csv"))
	if a != b {
		t.Errorf("two runs differ:\n%s\n---\n%s", a, b)
	}
	if ra.ValLoss != rb.ValLoss || ra.TrainAccuracy != rb.TrainAccuracy {
		t.Errorf("results differ: %+v vs %+v", ra, rb)
	}
	pa, _ := os.ReadFile(filepath.Join(dir, "a.csv"))
	pb, _ := os.ReadFile(filepath.Join(dir, "b.csv"))
	if !bytes.Equal(pa, pb) || len(pa) == 0 {
		t.Error("prediction files differ or are empty")
	}
	if n := len(epochLines(t, a)); n != 30 {
		t.Errorf("default epochs: %d lines, want 30", n)
	}
	c, _ := run(2, "")
	if c == a {
		t.Error("a different seed gave the same output")
	}
}

// TestTrainTiny checks a case small enough to reason about by hand: three
// separable clusters in two features. With zero weights every class has
// probability 1/3, so the first epoch's loss is ln 3 whatever the split;
// with a small learning rate gradient descent on this convex loss must lower
// it every epoch, and the clusters end up separated.
func TestTrainTiny(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("x1,x2,label\n")
	centres := map[string][2]float64{"a": {0, 0}, "b": {6, 0}, "c": {0, 6}}
	offsets := [][2]float64{{0.5, 0}, {-0.5, 0}, {0, 0.5}, {0, -0.5}, {0.3, 0.3}, {-0.3, -0.3}}
	for _, o := range offsets {
		for _, label := range []string{"c", "a", "b"} {
			ctr := centres[label]
			fmt.Fprintf(&sb, "%g,%g,%s\n", ctr[0]+o[0], ctr[1]+o[1], label)
		}
	}
	path := filepath.Join(t.TempDir(), "tiny.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Train(context.Background(), TrainConfig{DataPath: path, LR: 0.05, Epochs: 60, ValFraction: 0.2}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !slices.Equal(res.Classes, want) {
		t.Errorf("classes %v, want %v", res.Classes, want)
	}
	epochs := epochLines(t, out.String())
	if len(epochs) != 60 {
		t.Fatalf("%d epochs", len(epochs))
	}
	// ln K for K = 3, from the definition: -log(1/3).
	lnK := -math.Log(1.0 / 3.0)
	if got := epochs[0]["loss"]; math.Abs(got-lnK) > 5e-5 {
		t.Errorf("first epoch loss %v, want ln 3 = %.6f", got, lnK)
	}
	for i := 1; i < len(epochs); i++ {
		if epochs[i]["loss"] > epochs[i-1]["loss"] {
			t.Errorf("loss rose at epoch %d: %v -> %v", i+1, epochs[i-1]["loss"], epochs[i]["loss"])
		}
	}
	if epochs[59]["loss"] >= epochs[0]["loss"]-0.3 {
		t.Errorf("loss barely fell: %v -> %v", epochs[0]["loss"], epochs[59]["loss"])
	}
	if res.TrainAccuracy != 1 || res.ValAccuracy != 1 {
		t.Errorf("separable clusters: train accuracy %v, val accuracy %v, want 1 and 1", res.TrainAccuracy, res.ValAccuracy)
	}
	// 18 rows, 20% held out: round(3.6) = 4 validation rows.
	if !strings.Contains(out.String(), "on 14 rows, 2 features, 3 classes (4 validation rows)") {
		t.Errorf("log line: %q", strings.SplitN(out.String(), "\n", 2)[0])
	}
}

// TestTrainCSVDetails covers a byte-order mark, a target in the middle, a
// constant feature, padded cells (leading spaces are dropped) and labels that need CSV quoting.
func TestTrainCSVDetails(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("\ufeffx, label ,const,x2\n")
	for i := range 20 {
		label := `"big, heavy"`
		if i%2 == 0 {
			label = "small"
		}
		fmt.Fprintf(&sb, " %d,  %s,7 ,%d\n", i%2*10+i%3, label, i%5)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	preds := filepath.Join(dir, "p.csv")
	var out bytes.Buffer
	res, err := Train(context.Background(), TrainConfig{DataPath: path, Target: "label", PredictionsPath: preds}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"big, heavy", "small"}; !slices.Equal(res.Classes, want) {
		t.Errorf("classes %q, want %q", res.Classes, want)
	}
	if math.IsNaN(res.ValLoss) || res.TrainAccuracy != 1 {
		t.Errorf("result %+v: want finite loss and a perfect fit on the training split", res)
	}
	if !strings.Contains(out.String(), "3 features, 2 classes") {
		t.Errorf("log line: %q", strings.SplitN(out.String(), "\n", 2)[0])
	}
	rows := readCSV(t, preds)
	if want := []string{"row", "y_true", "y_pred", "p_big, heavy", "p_small"}; !slices.Equal(rows[0], want) {
		t.Errorf("predictions header %q, want %q", rows[0], want)
	}
}

func TestTrainL2(t *testing.T) {
	// A heavy penalty keeps weights small, so the final loss stays higher.
	loss := func(l2 float64) float64 {
		res, err := Train(context.Background(), TrainConfig{DataPath: wineCSV, L2: l2}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		return res.ValLoss
	}
	if plain, heavy := loss(0), loss(1); heavy <= plain {
		t.Errorf("val loss with L2=1 is %v, without %v; want higher", heavy, plain)
	}
}

func TestTrainErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// wine.csv with one bad value on line 17 in column ash.
	wine, err := os.ReadFile(wineCSV)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(wine), "\n")
	f := strings.Split(lines[16], ",")
	f[2] = "x"
	lines[16] = strings.Join(f, ",")
	badWine := filepath.Join(t.TempDir(), "wine.csv")
	if err := os.WriteFile(badWine, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	good := write("good.csv", "a,b,y\n1,2,p\n2,3,q\n3,1,p\n4,4,q\n")

	tests := []struct {
		name string
		cfg  TrainConfig
		want string
		is   error
	}{
		{"missing file", TrainConfig{DataPath: filepath.Join(dir, "nope.csv")}, "nope.csv: no such file", os.ErrNotExist},
		{"no path", TrainConfig{}, "no data file", nil},
		{"empty file", TrainConfig{DataPath: write("empty.csv", "")}, "empty.csv: empty file", nil},
		{"no rows", TrainConfig{DataPath: write("header.csv", "a,b,y\n")}, "header.csv: no data rows", nil},
		{"one row", TrainConfig{DataPath: write("one.csv", "a,y\n1,p\n")}, `one.csv: target column "y" has only one class`, nil},
		{"unknown target", TrainConfig{DataPath: good, Target: "label"}, `good.csv: no target column "label" (columns: a, b, y)`, nil},
		{"not a number", TrainConfig{DataPath: badWine, Target: "cultivar"}, `wine.csv:17: column "ash": "x" is not a number`, nil},
		{"nan feature", TrainConfig{DataPath: write("nan.csv", "a,y\n1,p\nNaN,q\n")}, `nan.csv:3: column "a": "NaN" is not a finite number`, nil},
		{"empty feature", TrainConfig{DataPath: write("hole.csv", "a,y\n1,p\n,q\n")}, `hole.csv:3: column "a": "" is not a number`, nil},
		{"empty label", TrainConfig{DataPath: write("nolabel.csv", "a,y\n1,p\n2,\n")}, `nolabel.csv:3: target column "y" is empty`, nil},
		{"ragged row", TrainConfig{DataPath: write("ragged.csv", "a,b,y\n1,2,p\n1,q\n")}, "ragged.csv:3: wrong number of fields", csv.ErrFieldCount},
		{"one class", TrainConfig{DataPath: write("oneclass.csv", "a,y\n1,p\n2,p\n3,p\n")}, `oneclass.csv: target column "y" has only one class ("p")`, nil},
		{"only target", TrainConfig{DataPath: write("onlyy.csv", "y\np\nq\n")}, "need at least one feature column", nil},
		{"negative lr", TrainConfig{DataPath: good, LR: -0.1}, "learning rate -0.1 must be a positive number", nil},
		{"nan lr", TrainConfig{DataPath: good, LR: math.NaN()}, "learning rate NaN", nil},
		{"negative epochs", TrainConfig{DataPath: good, Epochs: -1}, "epochs -1 must be positive", nil},
		{"val fraction 1", TrainConfig{DataPath: good, ValFraction: 1}, "validation fraction 1 must be between 0 and 1", nil},
		{"val fraction above 1", TrainConfig{DataPath: good, ValFraction: 1.5}, "validation fraction 1.5", nil},
		{"negative val fraction", TrainConfig{DataPath: good, ValFraction: -0.1}, "validation fraction -0.1", nil},
		{"negative l2", TrainConfig{DataPath: good, L2: -1}, "L2 penalty -1", nil},
		{"predictions dir missing", TrainConfig{DataPath: good, PredictionsPath: filepath.Join(dir, "no", "p.csv")}, "write predictions", os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(context.Background(), tt.cfg, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
		})
	}
}

// cancelWriter cancels a context when it sees the first epoch line.
type cancelWriter struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("epoch=")) {
		w.cancel()
	}
	return w.Buffer.Write(p)
}

func TestTrainCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelWriter{cancel: cancel}
	start := time.Now()
	_, err := Train(ctx, TrainConfig{DataPath: wineCSV, EpochDelay: time.Hour}, w)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "after epoch 1") {
		t.Fatalf("error = %v, want context.Canceled after epoch 1", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("cancel did not cut the epoch delay short")
	}

	_, err = Train(ctx, TrainConfig{DataPath: wineCSV}, &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "before epoch 1") {
		t.Fatalf("already cancelled: error = %v", err)
	}
}

func TestTrainEpochDelay(t *testing.T) {
	start := time.Now()
	if _, err := Train(context.Background(), TrainConfig{DataPath: wineCSV, Epochs: 3, EpochDelay: 20 * time.Millisecond}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("3 epochs with 20ms delay took %v", d)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTrainWriteError(t *testing.T) {
	_, err := Train(context.Background(), TrainConfig{DataPath: wineCSV}, failWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("error = %v, want the writer's error", err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readColumn returns one column of a CSV file's data rows.
func readColumn(t *testing.T, path, name string) []string {
	t.Helper()
	rows := readCSV(t, path)
	col := slices.Index(rows[0], name)
	if col < 0 {
		t.Fatalf("%s has no column %q", path, name)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}
