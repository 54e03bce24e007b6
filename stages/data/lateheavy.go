package data

// lateHeavy finds the values that turn frequent only after a column went approximate: those
// neither held nor hot (see valueCounts), which would otherwise be missing from the top values —
// a category that first appears late in a file sorted by time, or a value that takes over an
// id-like column half way down. Every miss (a value neither held nor hot) has a 1 in latePeriod
// chance of being sampled into a Misra-Gries summary of lateSlots candidates; a candidate sampled
// latePromote times is promoted into the hot values, which count it exactly from then on.
//
// A promoted value's count starts at its samples, not at an estimate of its occurrences so far:
// the count is a lower bound, short by about latePromote·latePeriod occurrences per worker (a
// value that makes up half of the rest of a column is counted within 1% with one worker). An
// estimate (samples × latePeriod) made values of a file sorted by session, 20 rows each, read 140
// when a few of their rows happened to be sampled; a lower bound cannot put a value above one
// that is really more frequent. latePromote samples need about 256 occurrences, so a short run of
// one value is not promoted at all.
//
// Sampling keeps the cost low where it matters most: in a column of unique values every value is
// a miss, and pays one generator step, with a map insert for 1 in latePeriod of them. The
// generator starts from the same state in every column, so a profile with one worker gives the
// same counts every time.
type lateHeavy struct {
	rng      uint64
	strs     map[string]int32  // text candidates → sampled count
	nums     map[lateNum]int32 // integer, float and date candidates → sampled count
	promoted int
}

// lateNum is a number candidate: its kind and bits (an integer's two's complement, a float's or
// date's IEEE bits).
type lateNum struct {
	kind Kind
	bits uint64
}

const (
	latePeriod  = 32   // 1 miss in latePeriod is sampled
	lateSlots   = 64   // candidates held at once (a value over 1/65 of the samples is never dropped)
	latePromote = 8    // samples that promote a candidate
	lateMax     = 1024 // promotions per column, all kinds together
)

// tick steps the generator (a 64-bit LCG, whose top bits are the good ones) and reports whether
// this miss is sampled.
func (l *lateHeavy) tick() bool {
	l.rng = l.rng*6364136223846793005 + 1442695040888963407
	return l.rng>>59 == 0 // the top 5 bits: 1 in 32
}

// seeStr counts a sampled text miss; when it promotes the value it returns the count the value
// starts from (its samples: a lower bound of its occurrences so far).
func (l *lateHeavy) seeStr(b []byte) (int64, bool) {
	if l.promoted >= lateMax {
		return 0, false
	}
	if c, ok := l.strs[string(b)]; ok {
		if c+1 >= latePromote {
			delete(l.strs, string(b))
			l.promoted++
			return int64(c + 1), true
		}
		l.strs[string(b)] = c + 1
		return 0, false
	}
	if l.full() {
		return 0, false
	}
	if l.strs == nil {
		l.strs = make(map[string]int32, lateSlots)
	}
	l.strs[string(b)] = 1
	return 0, false
}

// seeNum is seeStr for a number.
func (l *lateHeavy) seeNum(k lateNum) (int64, bool) {
	if l.promoted >= lateMax {
		return 0, false
	}
	if c, ok := l.nums[k]; ok {
		if c+1 >= latePromote {
			delete(l.nums, k)
			l.promoted++
			return int64(c + 1), true
		}
		l.nums[k] = c + 1
		return 0, false
	}
	if l.full() {
		return 0, false
	}
	if l.nums == nil {
		l.nums = make(map[lateNum]int32, lateSlots)
	}
	l.nums[k] = 1
	return 0, false
}

// full reports whether a new candidate finds no slot; when so, it is Misra-Gries' step for a
// newcomer to a full summary: every candidate loses one sample and the newcomer is not kept.
func (l *lateHeavy) full() bool {
	if len(l.strs)+len(l.nums) < lateSlots {
		return false
	}
	decay(l.strs)
	decay(l.nums)
	return true
}

// decay takes one sample from every candidate, dropping those left with none.
func decay[K comparable](m map[K]int32) {
	for k, c := range m {
		if c <= 1 {
			delete(m, k)
		} else {
			m[k] = c - 1
		}
	}
}
