package runs

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// m builds an expected metric.
func m(key string, step int64, v float64) Metric { return Metric{Key: key, Step: step, Value: v} }

func sameMetrics(a, b []Metric) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Step != b[i].Step {
			return false
		}
		if a[i].Value != b[i].Value && !(math.IsNaN(a[i].Value) && math.IsNaN(b[i].Value)) {
			return false
		}
	}
	return true
}

func TestMetricParserLines(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		line string
		want []Metric
	}{
		// key=value
		{"kv basic", "epoch=3 loss=0.41 val_accuracy=0.93", []Metric{m("epoch", 3, 3), m("loss", 3, 0.41), m("val_accuracy", 3, 0.93)}},
		{"kv no step key", "loss=0.41 acc=0.9", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9)}},
		{"kv commas", "loss=0.41,acc=0.9", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9)}},
		{"kv comma space", "loss=0.41, acc=0.9", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9)}},
		{"kv semicolons", "loss=0.41;acc=0.9; lr=0.1", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9), m("lr", 0, 0.1)}},
		{"kv pipes", "loss=0.41|acc=0.9 | lr=0.1", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9), m("lr", 0, 0.1)}},
		{"kv tabs", "loss=0.41\tacc=0.9", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.9)}},
		{"kv exponent", "lr=1e-3 big=-2.5E+10 c=3e2", []Metric{m("lr", 0, 1e-3), m("big", 0, -2.5e10), m("c", 0, 300)}},
		{"kv leading dot and trailing dot", "a=.5 b=5. c=-.25", []Metric{m("a", 0, 0.5), m("b", 0, 5), m("c", 0, -0.25)}},
		{"kv plus sign", "delta=+0.5", []Metric{m("delta", 0, 0.5)}},
		{"kv nan", "loss=nan", []Metric{m("loss", 0, nan)}},
		{"kv NaN", "loss=NaN", []Metric{m("loss", 0, nan)}},
		{"kv -nan from C", "loss=-nan", []Metric{m("loss", 0, nan)}},
		{"kv inf", "loss=inf", []Metric{m("loss", 0, inf)}},
		{"kv +inf", "loss=+inf", []Metric{m("loss", 0, inf)}},
		{"kv -inf", "loss=-inf", []Metric{m("loss", 0, -inf)}},
		{"kv Infinity", "loss=Infinity g=-Infinity", []Metric{m("loss", 0, inf), m("g", 0, -inf)}},
		{"kv overflow is inf", "x=1e400", []Metric{m("x", 0, inf)}},
		{"kv key chars", "train/loss=0.4 val.acc=0.9 f1-score=0.8 top_5=0.99", []Metric{m("train/loss", 0, 0.4), m("val.acc", 0, 0.9), m("f1-score", 0, 0.8), m("top_5", 0, 0.99)}},
		{"kv in a sentence", "using lr=0.01 for this run", []Metric{m("lr", 0, 0.01)}},
		{"kv sentence end", "finished with acc=0.93.", []Metric{m("acc", 0, 0.93)}},
		{"kv integer value", "batch=32", []Metric{m("batch", 0, 32)}},
		{"kv and guild colon on one line", "step=7 loss=1.0 acc: 0.5", []Metric{m("step", 7, 7), m("loss", 7, 1), m("acc", 7, 0.5)}},
		{"kv and colon before a word", "step=3 note: done", []Metric{m("step", 3, 3)}},
		{"kv and colon before a percent", "step=3 acc: 93%", []Metric{m("step", 3, 3)}},
		{"kv with log prefix", "2024-01-01 12:00:00 INFO epoch=2 loss=0.5", []Metric{m("epoch", 2, 2), m("loss", 2, 0.5)}},
		{"kv python logging prefix", "INFO:root:epoch=2 loss=0.5", []Metric{m("epoch", 2, 2), m("loss", 2, 0.5)}},
		{"kv in parens", "done (best_acc=0.97)", []Metric{m("best_acc", 0, 0.97)}},
		{"kv in brackets", "[loss=0.2]", []Metric{m("loss", 0, 0.2)}},
		{"kv tqdm postfix", "Epoch 1: 100%|██████████| 469/469 [00:03<00:00, 150.20it/s, loss=0.412, v_num=0]", []Metric{m("loss", 0, 0.412), m("v_num", 0, 0)}},
		{"kv torch tensor", "loss=tensor(0.4123, device='cuda:0', grad_fn=<NllLossBackward0>)", []Metric{m("loss", 0, 0.4123)}},
		{"kv torch tensor plain", "loss=tensor(0.25)", []Metric{m("loss", 0, 0.25)}},
		{"kv numpy 2", "loss=np.float64(0.5)", []Metric{m("loss", 0, 0.5)}},
		{"kv step precedence", "epoch=3 step=1200 loss=0.41231 val_loss=0.5 val_accuracy=0.93 lr=1e-3", []Metric{m("epoch", 1200, 3), m("step", 1200, 1200), m("loss", 1200, 0.41231), m("val_loss", 1200, 0.5), m("val_accuracy", 1200, 0.93), m("lr", 1200, 1e-3)}},
		{"kv step after metric", "loss=0.4 step=7", []Metric{m("loss", 7, 0.4), m("step", 7, 7)}},
		{"kv global_step beats step", "step=3 global_step=90 loss=1", []Metric{m("step", 90, 3), m("global_step", 90, 90), m("loss", 90, 1)}},
		{"kv iter", "iter=12 loss=1", []Metric{m("iter", 12, 12), m("loss", 12, 1)}},
		{"kv iteration", "iteration=12 loss=1", []Metric{m("iteration", 12, 12), m("loss", 12, 1)}},
		{"kv Step capitalised", "Step=5 Loss=2", []Metric{m("Step", 5, 5), m("Loss", 5, 2)}},
		{"kv fractional epoch is no step", "epoch=0.5 loss=1", []Metric{m("epoch", 0, 0.5), m("loss", 0, 1)}},
		{"kv exponent step is no step", "step=1e3 loss=1", []Metric{m("step", 0, 1000), m("loss", 0, 1)}},
		{"kv negative step is no step", "step=-1 loss=1", []Metric{m("step", 0, -1), m("loss", 0, 1)}},
		{"kv duplicate key", "loss=1 loss=2", []Metric{m("loss", 0, 1), m("loss", 1, 2)}},
		{"kv windows newline", "loss=0.5\r\n", []Metric{m("loss", 0, 0.5)}},
		{"kv newline", "loss=0.5\n", []Metric{m("loss", 0, 0.5)}},
		{"kv progress redrawn", "loss=0.9\rloss=0.8\rloss=0.7", []Metric{m("loss", 0, 0.7)}},
		{"kv ansi colours", "\x1b[32mloss\x1b[0m=\x1b[1m0.5\x1b[0m acc=0.9", []Metric{m("loss", 0, 0.5), m("acc", 0, 0.9)}},
		{"kv thousands comma is not a split", "loss=0.5, n=1,234", []Metric{m("loss", 0, 0.5)}},

		// key: value
		{"guild line", "loss: 0.41", []Metric{m("loss", 0, 0.41)}},
		{"guild leading spaces", "   val_accuracy: 0.93  ", []Metric{m("val_accuracy", 0, 0.93)}},
		{"guild step", "epoch: 3", []Metric{m("epoch", 3, 3)}},
		{"guild exponent", "lr: 1e-4", []Metric{m("lr", 0, 1e-4)}},
		{"guild nan", "loss: nan", []Metric{m("loss", 0, nan)}},
		{"keras 2", "469/469 [==============================] - 3s 6ms/step - loss: 0.2938 - accuracy: 0.9150 - val_loss: 0.1432 - val_accuracy: 0.9571",
			[]Metric{m("loss", 0, 0.2938), m("accuracy", 0, 0.915), m("val_loss", 0, 0.1432), m("val_accuracy", 0, 0.9571)}},
		{"keras 3", "469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - accuracy: 0.8674 - loss: 0.4623", []Metric{m("accuracy", 0, 0.8674), m("loss", 0, 0.4623)}},
		{"pipe separated colon pairs", "Epoch 3 | loss: 0.41 | acc: 0.93", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.93), m("Epoch", 0, 3)}},
		{"comma separated colon pairs", "train loss: 1, loss: 0.41, acc: 0.93", []Metric{m("loss", 0, 0.41), m("acc", 0, 0.93), m("train_loss", 0, 1)}},
		{"pytorch mnist example", "Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.305954", []Metric{m("Loss", 0, 2.305954), m("Epoch", 0, 1)}},

		// phrases: words name a value (metricphrase.go); the well-known scripts' lines verbatim
		{"pytorch cifar tutorial", "[1,  2000] loss: 2.173", []Metric{m("loss", 0, 2.173)}},
		{"pytorch mnist test", "Test set: Average loss: 0.0325, Accuracy: 9898/10000 (99%)", []Metric{m("Average_loss", 0, 0.0325)}},
		{"nanogpt eval", "step 100: train loss 2.5123, val loss 2.5234", []Metric{m("step", 100, 100), m("train_loss", 100, 2.5123), m("val_loss", 100, 2.5234)}},
		{"nanogpt iter", "iter 100: loss 2.5123, time 35.21ms, mfu 12.3%", []Metric{m("iter", 100, 100), m("loss", 100, 2.5123)}},
		{"word language model", "| epoch   1 |   200/ 2983 batches | lr 5.00 | ms/batch 30.00 | loss  8.06 | ppl  3167.29",
			[]Metric{m("epoch", 0, 1), m("lr", 0, 5), m("ms/batch", 0, 30), m("loss", 0, 8.06), m("ppl", 0, 3167.29)}},
		{"word language model end", "| end of epoch   1 | time: 30.05s | valid loss  5.76 | valid ppl   317.33",
			[]Metric{m("epoch", 0, 1), m("valid_loss", 0, 5.76), m("valid_ppl", 0, 317.33)}},
		{"epoch words then colon pair", "epoch 2 acc: 0.95", []Metric{m("epoch", 0, 2), m("acc", 0, 0.95)}},
		{"info colon", "INFO: starting epoch 3", []Metric{m("epoch", 0, 3)}},
		{"phrase after timestamp", "2024-01-01 12:00:00 step 7 loss 0.5", []Metric{m("step", 7, 7), m("loss", 7, 0.5)}},
		{"phrase nan", "step 8: loss nan", []Metric{m("step", 8, 8), m("loss", 8, nan)}},
		{"step of total", "Step 300/1000 | loss 0.75 | lr 3e-4", []Metric{m("Step", 300, 300), m("loss", 300, 0.75), m("lr", 300, 3e-4)}},
		{"keras epoch header", "Epoch 3/10", []Metric{m("Epoch", 0, 3)}},
		{"spaced equals", "accuracy = 0.77", []Metric{m("accuracy", 0, 0.77)}},
		{"spaced equals among words", "setting batch_size = 32", []Metric{m("batch_size", 0, 32)}},
		{"colon pair and kv", "summary: lr=0.1", []Metric{m("lr", 0, 0.1)}},

		// JSON and Python dicts
		{"json", `{"step": 3, "loss": 0.4, "acc": 0.9, "name": "x"}`, []Metric{m("step", 3, 3), m("loss", 3, 0.4), m("acc", 3, 0.9)}},
		{"json step last", `{"loss": 0.4, "epoch": 2}`, []Metric{m("loss", 2, 0.4), m("epoch", 2, 2)}},
		{"json compact", `{"loss":0.4,"acc":9e-1}`, []Metric{m("loss", 0, 0.4), m("acc", 0, 0.9)}},
		{"json surrounding spaces", `  {"loss": 0.4}  `, []Metric{m("loss", 0, 0.4)}},
		{"json ignores non-numbers", `{"a": true, "b": null, "c": [1, 2], "d": "0.5", "loss": -1}`, []Metric{m("loss", 0, -1)}},
		{"json nested flattened", `{"train": {"loss": 0.4, "acc": 0.9}, "val": {"loss": 0.5, "x": {"y": 1}}}`,
			[]Metric{m("train/loss", 0, 0.4), m("train/acc", 0, 0.9), m("val/loss", 0, 0.5), m("val/x/y", 0, 1)}},
		{"json nested step does not set step", `{"a": {"step": 5}, "loss": 1}`, []Metric{m("a/step", 0, 5), m("loss", 0, 1)}},
		{"json invalid keys skipped", `{"val acc": 0.9, "1x": 2, "lo\u0073s": 3, "ok": 4}`, []Metric{m("ok", 0, 4)}},
		{"json python nan", `{"loss": NaN, "g": -Infinity, "h": Infinity}`, []Metric{m("loss", 0, nan), m("g", 0, -inf), m("h", 0, inf)}},
		{"json empty object", `{}`, nil},
		{"json escaped quote in string", `{"s": "a\"b", "loss": 1}`, []Metric{m("loss", 0, 1)}},
		{"hf trainer dict", "{'loss': 0.4123, 'grad_norm': 1.25, 'learning_rate': 4.5e-05, 'epoch': 0.27}",
			[]Metric{m("loss", 0, 0.4123), m("grad_norm", 0, 1.25), m("learning_rate", 0, 4.5e-5), m("epoch", 0, 0.27)}},
		{"hf eval dict", "{'eval_loss': 0.3, 'eval_runtime': 1.5, 'epoch': 1.0}", []Metric{m("eval_loss", 0, 0.3), m("eval_runtime", 0, 1.5), m("epoch", 0, 1)}},
		{"python dict literals", "{'a': True, 'b': None, 'c': 'x', 'loss': nan, 'd': (1)}", nil},
		{"python dict literals ok", "{'a': True, 'b': None, 'c': 'x', 'loss': nan}", []Metric{m("loss", 0, nan)}},
		{"python numpy scalars", "{'loss': np.float64(0.5), 'acc': np.float32(0.75)}", []Metric{m("loss", 0, 0.5), m("acc", 0, 0.75)}},
		{"python tensors", "{'loss': tensor(0.5, device='cuda:0'), 'n': 3}", []Metric{m("loss", 0, 0.5), m("n", 0, 3)}},
		{"braces but not json falls back to text", "{epoch=3 loss=0.4}", []Metric{m("epoch", 3, 3), m("loss", 3, 0.4)}},
		{"json with text metric inside string", `{"msg": "loss=0.4"}`, nil},

		// not metrics
		{"empty", "", nil},
		{"plain log", "loading data from /data/train.csv", nil},
		{"percent", "acc=93%", nil},
		{"percent text", "Downloading 50%", nil},
		{"percent guild", "acc: 93%", nil},
		{"unit suffix", "time=3.2s", nil},
		{"hex", "addr=0x1f", nil},
		{"underscore digits", "n=1_000", nil},
		{"fraction", "epoch=3/10", nil},
		{"timestamp value", "time=12:00:03", nil},
		{"version words", "CUDA 12.1, cuDNN 8.9", nil},
		{"version word", "Python 3.10", nil},
		{"count in a sentence", "Using 4 GPUs", nil},
		{"keras dataset", "Found 5000 images belonging to 10 classes.", nil},
		{"epoch of", "Epoch 5 of 10", nil},
		{"sentence with step", "Saved checkpoint at step 500", nil},
		{"label then value with unit", "time: 30.05s", nil},
		{"cifar accuracy sentence", "Accuracy of the network on the 10000 test images: 54 %", nil},
		{"bare numbers", "epoch 1 2 3", nil},
		{"step of a word", "step 3/x loss 1", nil},
		{"spaced equals word", "mode = train", nil},
		{"tqdm bar", "Epoch 1/10: 100%|████| 469/469 [00:03<00:00]", nil},
		{"tqdm bar rate", "Loading checkpoint shards: 100%|██████████| 2/2 [00:01<00:00,  1.20it/s]", nil},
		{"timestamp line", "2024-01-01 12:00:00 loaded", nil},
		{"clock", "12:00:03", nil},
		{"url with port", "http://x:8080", nil},
		{"url query", "GET http://x:8080/api?lr=0.1&bs=32", nil},
		{"url path kv", "saved to s3://bucket/part=3/file", nil},
		{"host port line", "localhost:8080", nil},
		{"device", "Using device: cuda:0", nil},
		{"boolean colon", "GPU available: True", nil},
		{"lightning", "TPU available: False, using: 0 TPU cores", nil},
		{"keras params", "Total params: 101,770 (397.54 KB)", nil},
		{"colon no space", "loss:0.4", nil},
		{"double equals", "a==1", nil},
		{"chained equals", "a=b=1", nil},
		{"key starts with digit", "1st=3", nil},
		{"key starts with dash", "--lr=0.01", nil},
		{"key after other char", "x&lr=0.01", nil},
		{"empty value", "loss=", nil},
		{"empty key", "=3", nil},
		{"sign only", "x=- y=+ z=.", nil},
		{"bad exponent", "x=1e y=1e+ z=e5", nil},
		{"word value", "mode=train", nil},
		{"quoted value", "loss='0.5'", nil},
		{"unknown wrapper", "loss=foo(0.5)", nil},
		{"yaml list item", "- loss: 0.5 and more", nil},
		{"binary", "\x00\xff\xfe=\x01", nil},
		{"invalid utf8 key", "l\xffss=0.5", nil},
		{"only ansi", "\x1b[2K\x1b[1G", nil},
		{"eta", "ETA: 12s", nil},
		{"ratio", "ratio=1:2", nil},
		{"key too long", strings.Repeat("k", maxKeyLen+1) + "=1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewMetricParser(nil)
			if err != nil {
				t.Fatal(err)
			}
			got := p.Parse(nil, []byte(tt.line))
			if !sameMetrics(got, tt.want) {
				t.Errorf("Parse(%q)\n got %v\nwant %v", tt.line, got, tt.want)
			}
		})
	}
}

func TestMetricParserImplicitSteps(t *testing.T) {
	p, err := NewMetricParser(nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"loss=1.0",           // loss 0
		"loss=0.9 acc=0.5",   // loss 1, acc 0
		"some log line",      // nothing
		"step=10 loss=0.8",   // explicit 10
		"loss=0.7",           // loss 11 (one past its last step)
		"acc: 0.6",           // acc 1
		`{"loss": 0.6}`,      // loss 12
		"step=5 acc=0.7",     // explicit 5, going back is allowed
		"acc=0.8",            // acc 6
		"epoch=0.5 loss=0.5", // fractional epoch: implicit steps
	}
	var got []Metric
	for _, l := range lines {
		got = p.Parse(got, []byte(l))
	}
	want := []Metric{
		m("loss", 0, 1.0),
		m("loss", 1, 0.9), m("acc", 0, 0.5),
		m("step", 10, 10), m("loss", 10, 0.8),
		m("loss", 11, 0.7),
		m("acc", 1, 0.6),
		m("loss", 12, 0.6),
		m("step", 5, 5), m("acc", 5, 0.7),
		m("acc", 6, 0.8),
		m("epoch", 0, 0.5), m("loss", 13, 0.5),
	}
	if !sameMetrics(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestMetricParserAppendsToDst(t *testing.T) {
	p, _ := NewMetricParser(nil)
	dst := []Metric{m("x", 9, 9)}
	got := p.Parse(dst, []byte("loss=1"))
	if want := []Metric{m("x", 9, 9), m("loss", 0, 1)}; !sameMetrics(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMetricParserExtraPatterns(t *testing.T) {
	p, err := NewMetricParser([]string{
		`acc=(?P<val_accuracy>[0-9.]+)`,
		`^Epoch (?P<epoch>\d+)/\d+ took (?P<epoch_seconds>[0-9.]+)s$`,
		`score (?P<score>\S+)`,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string
		want []Metric
	}{
		// the built-in parser also sees acc=0.93
		{"acc=0.93", []Metric{m("acc", 0, 0.93), m("val_accuracy", 0, 0.93)}},
		{"Epoch 4/10 took 3.5s", []Metric{m("epoch", 4, 4), m("epoch_seconds", 4, 3.5)}},
		{"score abc", nil}, // group text is not a number
		{"score 1 score 2", []Metric{m("score", 0, 1), m("score", 1, 2)}}, // every match
		{"nothing here", nil},
	}
	for _, tt := range tests {
		if got := p.Parse(nil, []byte(tt.line)); !sameMetrics(got, tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestNewMetricParserErrors(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
	}{
		{`acc=(?P<val_accuracy>[0-9.]+`, `metric pattern "acc=(?P<val_accuracy>[0-9.]+": error parsing regexp`},
		{`acc=([0-9.]+)`, `metric pattern "acc=([0-9.]+)" has no named group`},
		{`acc=(?P<_acc>[0-9.]+)`, `group name "_acc" is not a metric key`},
		{`acc=(?P<1acc>[0-9.]+)`, `group name "1acc"`},
		{``, `metric pattern is empty`},
	}
	for _, tt := range tests {
		_, err := NewMetricParser([]string{`ok=(?P<ok>\d+)`, tt.pattern})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewMetricParser(%q) error = %v, want it to contain %q", tt.pattern, err, tt.want)
		}
	}
}

func TestMetricParserLongLine(t *testing.T) {
	p, _ := NewMetricParser(nil)
	line := []byte("loss=0.5 " + strings.Repeat("x", MaxMetricLineLen))
	if got := p.Parse(nil, line); len(got) != 0 {
		t.Errorf("line over %d bytes gave %v", MaxMetricLineLen, got)
	}
	// exactly at the limit, plus a newline, is still read
	line = append([]byte("loss=0.5 "), bytes.Repeat([]byte("x"), MaxMetricLineLen-9)...)
	line = append(line, '\n')
	if got := p.Parse(nil, line); len(got) != 1 {
		t.Errorf("line of %d bytes gave %v, want one metric", MaxMetricLineLen, got)
	}
}

func TestMetricParserDeepNesting(t *testing.T) {
	p, _ := NewMetricParser(nil)
	deep := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	if got := p.Parse(nil, []byte(deep)); len(got) != 0 {
		t.Errorf("deep object gave %v", got)
	}
	ok := strings.Repeat(`{"a":`, 5) + "1" + strings.Repeat("}", 5)
	if got := p.Parse(nil, []byte(ok)); !sameMetrics(got, []Metric{m("a/a/a/a/a", 0, 1)}) {
		t.Errorf("nested object gave %v", got)
	}
}

func TestMetricParserKeyLimit(t *testing.T) {
	p, _ := NewMetricParser(nil)
	var buf []Metric
	for i := range MaxMetricKeys + 10 {
		buf = p.Parse(buf[:0], []byte("k"+itoa(i)+"=1"))
	}
	if len(buf) != 0 {
		t.Errorf("key beyond the limit was returned: %v", buf)
	}
	if got := p.Parse(nil, []byte("k1=2")); !sameMetrics(got, []Metric{m("k1", 1, 2)}) {
		t.Errorf("known key after the limit: %v", got)
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

func TestMetricParserNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	p, _ := NewMetricParser([]string{`acc=(?P<val_accuracy>[0-9.]+)`})
	dst := make([]Metric, 0, 64)
	lines := [][]byte{
		[]byte("epoch=3 step=1200 loss=0.41231 val_loss=0.5 val_accuracy=0.93 lr=1e-3"),
		[]byte("loss: 0.41"),
		[]byte(`{"step": 3, "loss": 0.4, "train": {"acc": 0.9}}`),
		[]byte("\x1b[32mloss=0.5\x1b[0m"),
	}
	for _, l := range lines {
		p.Parse(dst[:0], l) // learn the keys, grow buffers
	}
	for _, l := range lines {
		if n := testing.AllocsPerRun(100, func() { dst = p.Parse(dst[:0], l) }); n != 0 {
			t.Errorf("Parse(%q) allocates %v times per call", l, n)
		}
	}
	none := []byte("2024-01-01 12:00:00 INFO: loading shards from disk, please wait")
	if n := testing.AllocsPerRun(100, func() { dst = p.Parse(dst[:0], none) }); n != 0 {
		t.Errorf("Parse of a line without metrics allocates %v times", n)
	}
}

func FuzzMetricParser(f *testing.F) {
	for _, s := range []string{
		"epoch=3 step=1200 loss=0.41231 val_loss=0.5 val_accuracy=0.93 lr=1e-3",
		"loss: 0.41",
		"469/469 - 3s 6ms/step - loss: 0.2938 - accuracy: 0.9150",
		`{"step": 3, "loss": 0.4, "acc": 0.9, "name": "x", "t": {"a": [1, {"b": 2}]}}`,
		"{'loss': tensor(0.5, device='cuda:0'), 'n': np.float64(3)}",
		"Epoch 1/10: 100%|████| 469/469 [00:03<00:00, loss=0.4]",
		"\x1b[32mloss\x1b[0m=0.5\r\n",
		"acc=0.93 acc=.5e+3.",
		"http://x:8080/?a=1",
		"{\"a\":{\"b\":{\"c\":NaN}}}",
		"loss=tensor(",
		"{'a': tensor(1, x=(1, [2, {3: '4'}]))}",
		"\x00\xff=1",
	} {
		f.Add([]byte(s))
	}
	p, err := NewMetricParser([]string{`acc=(?P<val_accuracy>[0-9.]+)`, `(?P<x>\d)`})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		prefix := []Metric{m("prefix", 7, 7)}
		got := p.Parse(prefix, line)
		if len(got) < 1 || got[0] != prefix[0] {
			t.Fatalf("Parse dropped dst: %v", got)
		}
		for _, mt := range got[1:] {
			if !validKey([]byte(mt.Key)) {
				t.Errorf("invalid key %q from %q", mt.Key, line)
			}
			if mt.Step < 0 {
				t.Errorf("negative step %d for %q from %q", mt.Step, mt.Key, line)
			}
		}
		// parseNum agrees with strconv on every decimal literal it accepts.
		if v, ok := parseNum(line); ok && !bytes.ContainsAny(line, "nNiI") {
			want, err := strconv.ParseFloat(string(line), 64)
			if (err != nil && !errors.Is(err, strconv.ErrRange)) || math.Float64bits(v) != math.Float64bits(want) {
				t.Errorf("parseNum(%q) = %v; strconv: %v, %v", line, v, want, err)
			}
		}
		// A fresh parser gives the same keys and values (steps depend on history).
		q, _ := NewMetricParser([]string{`acc=(?P<val_accuracy>[0-9.]+)`, `(?P<x>\d)`})
		again := q.Parse(nil, line)
		if len(again) != len(got)-1 {
			t.Fatalf("second parse found %d metrics, first %d", len(again), len(got)-1)
		}
	})
}

func BenchmarkMetricParser(b *testing.B) {
	p, err := NewMetricParser(nil)
	if err != nil {
		b.Fatal(err)
	}
	line := []byte("epoch=3 step=1200 loss=0.41231 val_loss=0.5 val_accuracy=0.93 lr=1e-3")
	dst := make([]Metric, 0, 16)
	points := 0
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		dst = p.Parse(dst[:0], line)
		points += len(dst)
	}
	if points == 0 {
		b.Fatal("no metrics parsed")
	}
	b.ReportMetric(float64(points)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkMetricParserNoMetrics(b *testing.B) {
	p, _ := NewMetricParser(nil)
	line := []byte("2024-01-01 12:00:00 INFO: loading shards from disk, please wait (3 of 12 done)")
	var dst []Metric
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		dst = p.Parse(dst[:0], line)
	}
}

// TestParseNumMatchesStrconv checks the exact fast path of parseNum against
// strconv on many generated literals.
func TestParseNumMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	for range 200000 {
		s := ""
		switch r.IntN(3) {
		case 0:
			s = "-"
		case 1:
			s = "+"
		}
		s += digits(r.IntN(10))
		if r.IntN(2) == 0 || s == "" || s == "-" || s == "+" {
			s += "." + digits(1+r.IntN(12))
		}
		if r.IntN(3) == 0 {
			s += "e" + []string{"", "+", "-"}[r.IntN(3)] + strconv.Itoa(r.IntN(40))
		}
		got, ok := parseNum([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseNum(%q) = %v, %v; strconv: %v, %v", s, got, ok, want, err)
		}
	}
}
