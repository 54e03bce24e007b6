package runs

import "bytes"

// Phrase metrics: the free-text lines of the well-known training scripts, which name a value
// with words and no `=`:
//
//	[1,  2000] loss: 2.173                                    PyTorch's CIFAR-10 tutorial
//	Test set: Average loss: 0.0325, Accuracy: 9898/10000 (99%) PyTorch's MNIST example
//	step 100: train loss 2.5123, val loss 2.5234              nanoGPT
//	| epoch   1 |   200/ 2983 batches | lr 5.00 | loss  8.06  PyTorch's word_language_model
//	epoch 2 acc: 0.95
//
// A segment of the line (split as for `key: value`) is read as words and numbers: one to three
// words followed by a number (the words may end in `:`) make a pair, named by the words joined
// with `_` (`train loss` → `train_loss`), or by the last word alone when it is a step key
// (`end of epoch 1` → `epoch`); after a step key, a count of a total is the count (`Step
// 300/1000` is step 300). A word ending in `:` that no number follows is a label and names
// nothing (`Test set:`); so is a token with brackets in it (`[1/5]`, `2000]`), and so are tokens
// that start with a digit before the first pair (a timestamp). Anything else — more than three
// words before a number, a word left over at the end, a number with no words before it, a value
// with a unit (`35.21ms`, `12.3%`) — means the segment is prose, and it gives nothing.
//
// Prose that happens to fit (`CUDA 12.1`, `Python 3.10`) is kept out by asking more of the line:
// its pairs count only when one of them is a step key with a whole number (`epoch 2`,
// `step 100:`) or follows a colon (`Average loss: 0.0325`).

// maxPhraseWords is the most words that name one value; a longer run is a sentence.
const maxPhraseWords = 3

// phrasePair is a pair found in a segment, kept until the whole line is known to qualify.
type phrasePair struct {
	key   []byte // in phraseBuf
	raw   []byte
	v     float64
	colon bool
	step  bool
}

// parsePhrases reads seg as words and numbers, appending its pairs to p.phrases; a segment that
// is prose appends nothing.
func (p *MetricParser) parsePhrases(seg []byte) {
	base, bufBase := len(p.phrases), len(p.phraseBuf)
	var words [maxPhraseWords][]byte
	n := 0
	colon := false  // the last word ended in ':'
	paired := false // a pair was found in this segment
	reject := func() {
		p.phrases, p.phraseBuf = p.phrases[:base], p.phraseBuf[:bufBase]
	}
	s := trimSpace(seg)
	for len(s) > 0 {
		var tok []byte
		tok, s = nextToken(s)
		bracket, open, closed := brackets(tok)
		if n > 0 && !bracket && (!closed || open) {
			num := bytes.TrimSuffix(tok, []byte(":"))
			if i := bytes.IndexByte(num, '/'); i > 0 && stepRank(words[n-1]) >= 0 {
				// `Step 300/1000`, `Epoch 3/10`: a step key's count of its total is the count.
				if _, ok := plainInt(num[i+1:]); ok {
					num = num[:i]
				}
			}
			if raw, v, ok := numberValue(num); ok {
				if !p.addPhrase(words[:n], raw, v, colon) {
					reject()
					return
				}
				n, colon, paired = 0, false, true
				continue
			}
		}
		if colon { // a label: `Test set:` before `Average loss: 0.0325`
			n, colon = 0, false
		}
		word := bytes.TrimSuffix(tok, []byte(":"))
		if keyPrefixLen(word) == len(word) && len(word) > 0 {
			if n == maxPhraseWords {
				reject()
				return
			}
			words[n] = word
			n++
			colon = len(word) < len(tok)
			continue
		}
		if n == 0 && (bracket || open || closed || (!paired && isDigit(tok[0]))) {
			continue // a label, or a timestamp or counter before the first pair
		}
		reject()
		return
	}
	if n > 0 && !colon { // words left over: prose (`Using 4 GPUs`)
		reject()
	}
}

// brackets reports whether tok has a square or curly bracket, a '(' and a ')'.
func brackets(tok []byte) (bracket, open, closed bool) {
	for _, c := range tok {
		switch c {
		case '[', ']', '{', '}':
			bracket = true
		case '(':
			open = true
		case ')':
			closed = true
		}
	}
	return
}

// addPhrase names a value by its words and appends the pair; it reports false when the words
// are a sentence's (`Epoch 5 of 10`: `of` names nothing).
func (p *MetricParser) addPhrase(words [][]byte, raw []byte, v float64, colon bool) bool {
	last := words[len(words)-1]
	step := false
	if stepRank(last) >= 0 {
		words = words[len(words)-1:] // `end of epoch 1`, `Train Epoch: 1`: the step key names it
		_, step = plainInt(raw)
	}
	for _, w := range words {
		if isFunctionWord(w) {
			return false
		}
	}
	start := len(p.phraseBuf)
	for i, w := range words {
		if i > 0 {
			p.phraseBuf = append(p.phraseBuf, '_')
		}
		p.phraseBuf = append(p.phraseBuf, w...)
	}
	if len(p.phraseBuf)-start > maxKeyLen {
		p.phraseBuf = p.phraseBuf[:start]
		return false
	}
	p.phrases = append(p.phrases, phrasePair{key: p.phraseBuf[start:len(p.phraseBuf):len(p.phraseBuf)], raw: raw, v: v, colon: colon, step: step})
	return true
}

// functionWords are words that join a sentence and never name a value.
var functionWords = [...]string{"a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "or", "per", "the", "to", "was", "were", "with"}

func isFunctionWord(w []byte) bool {
	if len(w) > 4 {
		return false
	}
	for _, f := range functionWords {
		if eqFoldASCII(w, f) {
			return true
		}
	}
	return false
}

// addPhrases adds the line's pairs as metrics when one of them is a step or follows a colon.
func (p *MetricParser) addPhrases(dst []Metric) []Metric {
	ok := false
	for _, ph := range p.phrases {
		ok = ok || ph.colon || ph.step
	}
	if ok {
		for _, ph := range p.phrases {
			// An epoch in words does not set the line's step: the scripts that print it
			// (`Train Epoch: 1 [640/60000 (1%)]  Loss: 0.51`) print it on every batch, and the
			// loss would pile up on one step per epoch instead of one per line.
			setsStep := stepRank(ph.key) != len(stepKeys)-1
			dst = p.add(dst, ph.key, ph.v, setsStep, ph.raw)
		}
	}
	p.phrases, p.phraseBuf = p.phrases[:0], p.phraseBuf[:0]
	return dst
}
