package runs

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// MaxMetricLineLen is the longest line, in bytes and not counting a trailing
// newline, that MetricParser looks at; longer lines yield no metrics (the
// caller still logs them).
const MaxMetricLineLen = 64 << 10

// MaxMetricKeys bounds the number of distinct keys one MetricParser tracks.
// Once it is reached, values of keys not seen before are dropped, so that a
// stream printing ever-new names (ids, hashes) cannot grow memory without end.
const MaxMetricKeys = 10000

const (
	maxKeyLen      = 200 // longest accepted key, flattened JSON keys included
	maxObjectDepth = 32  // deepest JSON / dict nesting; deeper lines are not objects
)

// stepKeys are the keys that set the step of a line, highest precedence first:
// on `epoch=3 step=1200 loss=0.4` the step is 1200.
var stepKeys = [...]string{"global_step", "step", "iteration", "iter", "epoch"}

// Metric is one parsed value.
type Metric struct {
	Key   string
	Step  int64
	Value float64
}

// MetricParser turns output lines into metrics; it remembers per-key step
// counters, so use one per run stream. Not safe for concurrent use.
//
// A line yields metrics in these forms (the built-in ones are always on):
//
//   - key=value tokens anywhere on the line, separated by spaces, tabs, `,`,
//     `;` or `|`: `epoch=3 loss=0.41 | val_accuracy=0.93`. A key is letters,
//     digits and `_ - . /`, starts with a letter, and starts the token or
//     follows `:`, `(`, `[` or `{` (so `INFO:root:loss=0.4` and tqdm's
//     `[00:03, loss=0.41]` count, URL queries such as `?a=1` do not). The value
//     is a decimal float (`1e-3`, `-2.5E+10`, `.5`), `nan`, `inf`, `infinity`
//     in any case and with a sign; closing brackets and one sentence-ending
//     `.` after it are ignored, and `tensor(…)`, `Array(…)` and `np.float64(…)`
//     style wrappers are unwrapped. Anything else — `93%`, `3.2s`, `0x1f`,
//     `3/10`, `12:00:03` — is not a metric.
//   - `key: value` pairs that make up a whole segment of the line, segments
//     being split by tabs, `,`, `;`, `|` and ` - ` (a comma between two digits
//     is a thousands separator, not a split). This covers Guild-style lines
//     (`  loss: 0.41`), Keras (`469/469 - 3s - loss: 0.29 - accuracy: 0.91`) and
//     `Epoch 3 | loss: 0.41 | acc: 0.93`. At least one space must follow the
//     colon, so `host:8080` and `cuda:0` are not metrics, and a colon inside
//     ordinary text (`INFO: loading shards`) yields nothing.
//   - A line that is one JSON object, or one Python dict literal as Hugging
//     Face's Trainer prints it (`{'loss': 0.41, 'epoch': 0.5}`; single quotes,
//     True/False/None, NaN/Infinity/nan/inf and np.float64(…) wrappers are
//     accepted). Numeric members are metrics; strings, booleans, nulls and
//     arrays are ignored; nested objects are flattened with `/`
//     (`{"train": {"loss": 0.4}}` gives `train/loss`). Members whose key is not
//     a valid key (spaces, escapes) are skipped. A line that only looks like an
//     object but does not parse is read as text instead.
//   - `key = value` with spaces around a lone `=` (`accuracy = 0.77`).
//   - Phrases: one to three words then a number, in a line that also has a
//     step in words (`step 100: train loss 2.51, val loss 2.52`) or names a
//     value with a colon (`Test set: Average loss: 0.0325`); see
//     metricphrase.go for what counts as prose and gives nothing.
//   - The extra patterns given to NewMetricParser: every named group of every
//     match is a metric named after the group, when its text is a number.
//     They add to the built-in forms; they do not replace them.
//
// Steps: a line whose top-level keys include global_step, step, iteration,
// iter or epoch (case-insensitive; first in that order wins) written as a
// plain non-negative integer (digits only) uses that number as the step of
// every metric on the line. Those keys are also returned as metrics
// themselves, so `epoch` can be charted against `step`. `epoch: 0.5`
// (fractional epochs) or `step=1e3` do not set a step. Otherwise each key
// counts its own steps: a key's next implicit step is one more than the last
// step it was given, starting at 0.
//
// Carriage returns: only the text after the last `\r` counts (what a terminal
// shows of a progress bar redrawn in place); ANSI escape sequences (colours)
// are removed first.
type MetricParser struct {
	keys     map[string]*keyState
	extra    []extraPattern
	pending  []*keyState // state of each metric found on the current line
	buf      []byte      // the line with ANSI escapes removed
	keyBuf   []byte      // flattened object keys
	stepRank int         // index into stepKeys of the line's step key; -1: none
	step     int64

	phrases   []phrasePair // the current line's phrase pairs (metricphrase.go)
	phraseBuf []byte       // their keys
}

type keyState struct {
	name string
	next int64
}

type extraPattern struct {
	re     *regexp.Regexp
	groups []int    // submatch indexes of the named groups
	names  [][]byte // the key for each of groups
}

// NewMetricParser returns a parser that also applies the extra regular
// expressions (Go RE2 syntax), each of which must have at least one named
// group whose name is a valid key, such as `acc=(?P<val_accuracy>[0-9.]+)`.
func NewMetricParser(extra []string) (*MetricParser, error) {
	p := &MetricParser{keys: make(map[string]*keyState), stepRank: -1}
	for _, pat := range extra {
		if pat == "" {
			return nil, errors.New("metric pattern is empty")
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("metric pattern %q: %w", pat, err)
		}
		ep := extraPattern{re: re}
		for i, name := range re.SubexpNames() {
			if name == "" {
				continue
			}
			if !validKey([]byte(name)) {
				return nil, fmt.Errorf("metric pattern %q: group name %q is not a metric key (it must start with a letter)", pat, name)
			}
			ep.groups = append(ep.groups, i)
			ep.names = append(ep.names, []byte(name))
		}
		if len(ep.groups) == 0 {
			return nil, fmt.Errorf("metric pattern %q has no named group such as (?P<loss>[0-9.]+)", pat)
		}
		p.extra = append(p.extra, ep)
	}
	return p, nil
}

// Parse appends the metrics found in line to dst and returns it (no
// allocation when none found — this is on a hot path).
func (p *MetricParser) Parse(dst []Metric, line []byte) []Metric {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	if len(line) > MaxMetricLineLen || len(line) == 0 {
		return dst
	}
	if i := bytes.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:]
	}
	if bytes.IndexByte(line, 0x1b) >= 0 {
		p.buf = StripANSI(p.buf[:0], line)
		line = p.buf
	}
	if p.keys == nil {
		p.keys = make(map[string]*keyState)
	}
	base := len(dst)
	p.pending = p.pending[:0]
	p.stepRank, p.step = -1, 0

	done := false
	if s := trimSpace(line); len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
		dst, done = p.parseObjectLine(dst, s)
	}
	if !done {
		dst = p.parseText(dst, line)
	}
	for i := range p.extra {
		dst = p.parseExtra(dst, &p.extra[i], line)
	}
	if len(dst) > base {
		p.assignSteps(dst[base:])
	}
	return dst
}

// add appends one metric. raw is the number's text, used to decide whether a
// top-level step key sets the line's step.
func (p *MetricParser) add(dst []Metric, key []byte, v float64, top bool, raw []byte) []Metric {
	st := p.keys[string(key)]
	if st == nil {
		if len(p.keys) >= MaxMetricKeys {
			return dst
		}
		st = &keyState{name: string(key)}
		p.keys[st.name] = st
	}
	if top && p.stepRank != 0 { // rank 0 cannot be beaten
		if r := stepRank(key); r >= 0 && (p.stepRank < 0 || r < p.stepRank) {
			if n, ok := plainInt(raw); ok {
				p.stepRank, p.step = r, n
			}
		}
	}
	p.pending = append(p.pending, st)
	return append(dst, Metric{Key: st.name, Value: v})
}

func (p *MetricParser) assignSteps(ms []Metric) {
	for i := range ms {
		st := p.pending[i]
		if p.stepRank >= 0 {
			ms[i].Step = p.step
		} else {
			ms[i].Step = st.next
		}
		st.next = ms[i].Step + 1
	}
}

// parseText handles key=value tokens, `key: value` segments and phrases.
func (p *MetricParser) parseText(dst []Metric, line []byte) []Metric {
	if bytes.IndexByte(line, '=') < 0 && bytes.IndexByte(line, ':') < 0 && !hasDigit(line) {
		return dst // the common log line: nothing to find
	}
	start, n := 0, len(line)
	for i := 0; i < n; i++ {
		sep := 0
		switch line[i] {
		case ';', '|', '\t':
			sep = 1
		case ',':
			if i == 0 || i+1 >= n || !isDigit(line[i-1]) || !isDigit(line[i+1]) {
				sep = 1
			}
		case ' ':
			if i+2 < n && line[i+1] == '-' && line[i+2] == ' ' {
				sep = 3
			}
		}
		if sep > 0 {
			dst = p.parseSegment(dst, line[start:i])
			i += sep - 1
			start = i + 1
		}
	}
	dst = p.parseSegment(dst, line[start:])
	return p.addPhrases(dst)
}

func hasDigit(b []byte) bool {
	for _, c := range b {
		if isDigit(c) {
			return true
		}
	}
	return false
}

func (p *MetricParser) parseSegment(dst []Metric, seg []byte) []Metric {
	s := trimSpace(seg)
	if len(s) == 0 {
		return dst
	}
	if k := keyPrefixLen(s); k > 0 && k+1 < len(s) && s[k] == ':' && s[k+1] == ' ' {
		if raw, v, ok := numberValue(trimSpace(s[k+2:])); ok {
			return p.add(dst, s[:k], v, true, raw)
		}
	}
	if bytes.IndexByte(s, '=') < 0 {
		p.parsePhrases(s)
		return dst
	}
	for len(s) > 0 {
		var tok []byte
		tok, s = nextToken(s)
		// key: value among key=value tokens (step=0 loss=1.0 acc: 0.5): the key, its colon, then
		// a token that is all number.
		if k := len(tok) - 1; k > 0 && tok[k] == ':' && keyPrefixLen(tok) == k && len(s) > 0 {
			val, rest := nextToken(s)
			if raw, v, ok := numberValue(val); ok {
				dst, s = p.add(dst, tok[:k], v, true, raw), rest
				continue
			}
		}
		// key = value, spaced (`accuracy = 0.77`): the key, a lone '=', then a number.
		if k := keyPrefixLen(tok); k > 0 && k == len(tok) && len(s) > 1 && s[0] == '=' && isSpace(s[1]) {
			val, rest := nextToken(bytes.TrimLeft(s[1:], " \t"))
			if raw, v, ok := numberValue(val); ok {
				dst, s = p.add(dst, tok, v, true, raw), rest
				continue
			}
		}
		dst = p.parseToken(dst, tok)
	}
	return dst
}

// nextToken splits s into its first whitespace-free token and what follows the spaces after it.
func nextToken(s []byte) (tok, rest []byte) {
	j := 0
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	tok = s[:j]
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	return tok, s[j:]
}

// parseToken handles one whitespace-free token that may hold key=value.
func (p *MetricParser) parseToken(dst []Metric, tok []byte) []Metric {
	eq := bytes.IndexByte(tok, '=')
	if eq <= 0 {
		return dst
	}
	ks := eq
	for ks > 0 && isKeyChar(tok[ks-1]) {
		ks--
	}
	if ks == eq || !isLetter(tok[ks]) || eq-ks > maxKeyLen {
		return dst
	}
	if ks > 0 {
		switch tok[ks-1] {
		case ':', '(', '[', '{':
		default:
			return dst
		}
	}
	raw, v, ok := numberValue(tok[eq+1:])
	if !ok {
		return dst
	}
	return p.add(dst, tok[ks:eq], v, true, raw)
}

func (p *MetricParser) parseExtra(dst []Metric, ep *extraPattern, line []byte) []Metric {
	for _, m := range ep.re.FindAllSubmatchIndex(line, -1) {
		for i, g := range ep.groups {
			a, b := m[2*g], m[2*g+1]
			if a < 0 {
				continue
			}
			if raw, v, ok := numberValue(trimSpace(line[a:b])); ok {
				dst = p.add(dst, ep.names[i], v, true, raw)
			}
		}
	}
	return dst
}

// parseObjectLine reads s, which starts with '{' and ends with '}', as one
// JSON object or Python dict literal. On failure it takes back whatever it
// appended and reports false.
func (p *MetricParser) parseObjectLine(dst []Metric, s []byte) ([]Metric, bool) {
	base, pbase := len(dst), len(p.pending)
	rank, step := p.stepRank, p.step
	p.keyBuf = p.keyBuf[:0]
	o := objScanner{s: s}
	dst, ok := p.object(dst, &o, 0, true)
	if ok {
		o.skipSpace()
		ok = o.i == len(s)
	}
	if !ok {
		p.pending = p.pending[:pbase]
		p.stepRank, p.step = rank, step
		return dst[:base], false
	}
	return dst, true
}

type objScanner struct {
	s []byte
	i int
}

func (o *objScanner) peek() byte {
	if o.i < len(o.s) {
		return o.s[o.i]
	}
	return 0
}

func (o *objScanner) skipSpace() {
	for o.i < len(o.s) {
		switch o.s[o.i] {
		case ' ', '\t', '\n', '\r':
			o.i++
		default:
			return
		}
	}
}

// str reads a "double" or 'single' quoted string and returns its raw content.
func (o *objScanner) str() ([]byte, bool) {
	q := o.peek()
	if q != '"' && q != '\'' {
		return nil, false
	}
	start := o.i + 1
	for i := start; i < len(o.s); i++ {
		switch o.s[i] {
		case '\\':
			i++
		case q:
			o.i = i + 1
			return o.s[start:i], true
		}
	}
	return nil, false
}

// run reads the longest run of bytes that satisfy in.
func (o *objScanner) run(in func(byte) bool) []byte {
	start := o.i
	for o.i < len(o.s) && in(o.s[o.i]) {
		o.i++
	}
	return o.s[start:o.i]
}

// skipCallRest skips the rest of a call's arguments, such as
// `, device='cuda:0', grad_fn=<NllLossBackward0>)`, through its ')'.
func (o *objScanner) skipCallRest() bool {
	depth := 0
	for o.i < len(o.s) {
		switch c := o.s[o.i]; c {
		case '"', '\'':
			if _, ok := o.str(); !ok {
				return false
			}
			continue
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				o.i++
				return c == ')'
			}
			depth--
		}
		o.i++
	}
	return false
}

// object reads an object at o.i (which is '{'). The key prefix of its members
// is p.keyBuf as it is on entry; emit says whether its members are metrics.
func (p *MetricParser) object(dst []Metric, o *objScanner, depth int, emit bool) ([]Metric, bool) {
	o.i++ // '{'
	prefix := len(p.keyBuf)
	o.skipSpace()
	if o.peek() == '}' {
		o.i++
		return dst, true
	}
	for {
		o.skipSpace()
		key, ok := o.str()
		if !ok {
			return dst, false
		}
		o.skipSpace()
		if o.peek() != ':' {
			return dst, false
		}
		o.i++
		o.skipSpace()
		p.keyBuf = p.keyBuf[:prefix]
		keyOK := emit && len(key) > 0 && prefix+len(key) <= maxKeyLen && allKeyChars(key) &&
			(prefix > 0 || isLetter(key[0]))
		if keyOK {
			p.keyBuf = append(p.keyBuf, key...)
		}
		if dst, ok = p.value(dst, o, depth, keyOK); !ok {
			return dst, false
		}
		o.skipSpace()
		switch o.peek() {
		case ',':
			o.i++
		case '}':
			o.i++
			p.keyBuf = p.keyBuf[:prefix]
			return dst, true
		default:
			return dst, false
		}
	}
}

// value reads one value; when emit is set and it is a number it becomes a
// metric named p.keyBuf.
func (p *MetricParser) value(dst []Metric, o *objScanner, depth int, emit bool) ([]Metric, bool) {
	c := o.peek()
	switch {
	case c == '{':
		if depth+1 >= maxObjectDepth {
			return dst, false
		}
		if emit {
			p.keyBuf = append(p.keyBuf, '/')
		}
		return p.object(dst, o, depth+1, emit)
	case c == '[':
		if depth+1 >= maxObjectDepth {
			return dst, false
		}
		o.i++
		o.skipSpace()
		if o.peek() == ']' {
			o.i++
			return dst, true
		}
		for {
			var ok bool
			o.skipSpace()
			if dst, ok = p.value(dst, o, depth+1, false); !ok {
				return dst, false
			}
			o.skipSpace()
			switch o.peek() {
			case ',':
				o.i++
			case ']':
				o.i++
				return dst, true
			default:
				return dst, false
			}
		}
	case c == '"' || c == '\'':
		_, ok := o.str()
		return dst, ok
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		raw := o.run(isNumberChar)
		v, ok := parseNum(raw)
		if !ok {
			return dst, false
		}
		if emit {
			dst = p.add(dst, p.keyBuf, v, depth == 0, raw)
		}
		return dst, true
	case isLetter(c):
		word := o.run(isIdentChar)
		if o.peek() == '(' {
			if !isNumberWrapper(word) {
				return dst, false
			}
			o.i++
			o.skipSpace()
			raw := o.run(isNumberChar)
			v, ok := parseNum(raw)
			if !ok {
				return dst, false
			}
			o.skipSpace()
			switch o.peek() {
			case ')':
				o.i++
			case ',':
				if !o.skipCallRest() {
					return dst, false
				}
			default:
				return dst, false
			}
			if emit {
				dst = p.add(dst, p.keyBuf, v, depth == 0, raw)
			}
			return dst, true
		}
		switch string(word) {
		case "true", "false", "null", "True", "False", "None":
			return dst, true
		}
		v, ok := parseNum(word)
		if !ok {
			return dst, false
		}
		if emit {
			dst = p.add(dst, p.keyBuf, v, depth == 0, word)
		}
		return dst, true
	}
	return dst, false
}

// numberValue reads the value part of a key=value token or `key: value`
// segment. It returns the number's own text (raw) and value.
func numberValue(b []byte) (raw []byte, v float64, ok bool) {
	for len(b) > 0 {
		c := b[len(b)-1]
		if c != ')' && c != ']' && c != '}' {
			break
		}
		b = b[:len(b)-1]
	}
	if i := bytes.IndexByte(b, '('); i > 0 && isNumberWrapper(b[:i]) {
		b = b[i+1:]
	}
	if v, ok := parseNum(b); ok {
		return b, v, true
	}
	if len(b) > 1 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
		if v, ok := parseNum(b); ok {
			return b, v, true
		}
	}
	return nil, 0, false
}

// isNumberWrapper reports whether name(…) is a scalar wrapper whose first
// argument is the number, as PyTorch, JAX and NumPy 2 print them.
func isNumberWrapper(name []byte) bool {
	switch string(name) {
	case "tensor", "Array", "float",
		"np.float16", "np.float32", "np.float64", "np.int8", "np.int16", "np.int32", "np.int64",
		"numpy.float32", "numpy.float64", "numpy.int32", "numpy.int64":
		return true
	}
	return false
}

// parseNum parses a whole decimal float (`1`, `-2.5E+10`, `.5`, `5.`) or
// nan / inf / infinity (any case, optional sign). Hex floats, underscores and
// anything else are refused. Out-of-range values become ±Inf or 0.
func parseNum(b []byte) (float64, bool) {
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i = 1
	}
	if i < n && isLetter(b[i]) {
		w := b[i:]
		switch {
		case eqFoldASCII(w, "nan"):
			return math.NaN(), true
		case eqFoldASCII(w, "inf"), eqFoldASCII(w, "infinity"):
			if neg {
				return math.Inf(-1), true
			}
			return math.Inf(1), true
		}
		return 0, false
	}
	// mant collects the digits and exp10 the decimal exponent, for the exact
	// fast path below; digits counts them all.
	var mant uint64
	digits, exp10 := 0, 0
	for i < n && isDigit(b[i]) {
		mant = mant*10 + uint64(b[i]-'0')
		i++
		digits++
	}
	if i < n && b[i] == '.' {
		i++
		for i < n && isDigit(b[i]) {
			mant = mant*10 + uint64(b[i]-'0')
			i++
			digits++
			exp10--
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < n && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		ed, e := 0, 0
		for i < n && isDigit(b[i]) {
			if e < 10000 {
				e = e*10 + int(b[i]-'0')
			}
			i++
			ed++
		}
		if ed == 0 {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp10 += e
	}
	if i != n {
		return 0, false
	}
	// Clinger's fast path: an integer mantissa below 2^53 and a power of ten
	// that float64 holds exactly give a correctly rounded result with one
	// multiplication or division, the same value strconv computes.
	if digits <= 15 && exp10 >= -22 && exp10 <= 22 {
		v := float64(mant)
		if exp10 < 0 {
			v /= pow10[-exp10]
		} else {
			v *= pow10[exp10]
		}
		if neg {
			v = -v
		}
		return v, true
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return v, true
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// plainInt parses b when it is written as digits only and fits well within
// int64 (steps are counters, not values).
func plainInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// stepRank returns key's index in stepKeys, or -1.
func stepRank(key []byte) int {
	if len(key) < 4 || len(key) > 11 {
		return -1
	}
	for i, k := range stepKeys {
		if eqFoldASCII(key, k) {
			return i
		}
	}
	return -1
}

// validKey reports whether k is a key MetricParser can return: letters,
// digits and `_ - . /`, starting with a letter, at most maxKeyLen bytes.
func validKey(k []byte) bool {
	return len(k) > 0 && len(k) <= maxKeyLen && isLetter(k[0]) && allKeyChars(k)
}

func allKeyChars(k []byte) bool {
	for _, c := range k {
		if !isKeyChar(c) {
			return false
		}
	}
	return true
}

// keyPrefixLen returns the length of the key at the start of s, or 0.
func keyPrefixLen(s []byte) int {
	if len(s) == 0 || !isLetter(s[0]) {
		return 0
	}
	i := 1
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	if i > maxKeyLen {
		return 0
	}
	return i
}

// StripANSI appends line to dst without ANSI escape sequences: CSI
// (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`) and two-byte
// escapes.
func StripANSI(dst, line []byte) []byte {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != 0x1b {
			dst = append(dst, c)
			continue
		}
		if i+1 >= len(line) {
			break
		}
		switch line[i+1] {
		case '[':
			j := i + 2
			for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
				j++
			}
			i = j // the final byte
		case ']':
			j := i + 2
			for j < len(line) && line[j] != 0x07 && !(line[j] == 0x1b && j+1 < len(line) && line[j+1] == '\\') {
				j++
			}
			if j < len(line) && line[j] == 0x1b {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return dst
}

func eqFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isKeyChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '/'
}

func isNumberChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.'
}

func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '.' }
