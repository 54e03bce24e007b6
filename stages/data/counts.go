package data

import (
	"cmp"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/axiomhq/hyperloglog"
	"github.com/cespare/xxhash/v2"
)

// valueCounts counts each distinct value of a column exactly, keyed by what the value is rather
// than how it was spelled (so "1" and "01.0" stay apart only when they are different kinds):
// integers in a dense window of counters (no hashing: most integer columns are small codes, counts
// or measurements), other integers, floats and dates in maps keyed by number, text in a map keyed
// by string. When the maps hold more than limit values the column goes approximate: a HyperLogLog
// takes over distinct counting and the maps stop growing (the dense window keeps counting).
type valueCounts struct {
	strIdx    map[string]int32
	strCounts []int64
	short     shortTable // fast index of the short strings of strIdx
	denseBase int64
	dense     []int64
	ints      map[int64]int64
	floats    map[float64]int64
	dates     map[float64]int64

	distinct int // values held, all containers
	limit    int
	overflow bool
	hll      *hyperloglog.Sketch

	// Once approximate, the values held that had repeated by then — up to hotMax of each kind,
	// the most frequent — go on being counted over the rest of the file, so the top values'
	// counts are whole-file counts. The sets are small (cache-resident lookups); a column whose
	// values had not repeated (timestamps, ids) has none and pays nothing.
	hotStr map[string]int32 // text → its index in strCounts
	hotInt map[int64]struct{}
	hotF   map[float64]struct{} // floats
	hotD   map[float64]struct{} // dates

	// late promotes into the hot values those that turn frequent only after the column went
	// approximate, so they are not missing from the top values.
	late lateHeavy
}

// hotMax is how many repeated values of each kind keep counting past the limit.
const hotMax = 256

const maxDense = 1 << 16

// denseReach bounds the integers the dense window takes: beyond it the window arithmetic
// (v - denseBase, the widened span) could overflow int64, so such values go to the map.
const denseReach = 1 << 62

// Salts keep the HyperLogLog hashes of an integer, a float and a date with the same bits apart.
const (
	saltInt   = 0x9E3779B97F4A7C15
	saltFloat = 0xC2B2AE3D27D4EB4F
	saltDate  = 0x165667B19E3779F9
)

func mix64(x uint64) uint64 { // splitmix64 finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func (vc *valueCounts) init(limit int) {
	vc.strIdx = map[string]int32{}
	vc.limit = limit
}

func (vc *valueCounts) grew() {
	vc.distinct++
	if vc.distinct > vc.limit && !vc.overflow {
		vc.goApproximate()
		vc.pickHot() // only a side that goes on counting needs them (not one merged and dropped)
	}
}

// addString counts a text (or boolean) value and returns its counter's index, or -1 once the
// column is approximate.
func (vc *valueCounts) addString(b []byte) int32 {
	if vc.overflow {
		if len(vc.hotStr) > 0 {
			if i, ok := vc.hotStr[string(b)]; ok {
				vc.strCounts[i]++ // already in the HyperLogLog
				return i
			}
		}
		vc.hll.InsertHash(xxhash.Sum64(b))
		if vc.late.tick() {
			if est, ok := vc.late.seeStr(b); ok {
				return vc.promoteStr(b, est)
			}
		}
		return -1
	}
	short := len(b) <= shortMax
	if short {
		if i := vc.short.get(b); i >= 0 {
			vc.strCounts[i]++
			return i
		}
	}
	i, ok := vc.strIdx[string(b)]
	if ok {
		vc.strCounts[i]++
	} else {
		i = int32(len(vc.strCounts))
		vc.strIdx[string(b)] = i
		vc.strCounts = append(vc.strCounts, 1)
	}
	if short {
		vc.short.put(b, i)
	}
	if !ok {
		vc.grew()
	}
	return i
}

// addInt counts an integer.
func (vc *valueCounts) addInt(v int64) {
	if vc.dense == nil && !vc.overflow && v > -denseReach && v < denseReach {
		vc.dense = make([]int64, 1024)
		vc.denseBase = v - 512
	}
	if d := v - vc.denseBase; vc.dense != nil && d >= 0 && d < int64(len(vc.dense)) {
		if vc.dense[d] == 0 {
			vc.dense[d] = 1
			vc.grewDense(v)
			return
		}
		vc.dense[d]++
		return
	}
	if vc.dense != nil && vc.widenDense(v) {
		vc.addInt(v)
		return
	}
	if vc.overflow {
		if _, ok := vc.hotInt[v]; ok {
			vc.ints[v]++
			return
		}
		vc.hll.InsertHash(mix64(uint64(v) ^ saltInt))
		if vc.late.tick() {
			if est, ok := vc.late.seeNum(lateNum{KindInt, uint64(v)}); ok {
				promote(&vc.ints, &vc.hotInt, v, est)
			}
		}
		return
	}
	if vc.ints == nil {
		vc.ints = map[int64]int64{}
	}
	if c, ok := vc.ints[v]; ok {
		vc.ints[v] = c + 1
		return
	}
	vc.ints[v] = 1
	vc.grew()
}

func (vc *valueCounts) grewDense(v int64) {
	if vc.overflow {
		vc.hll.InsertHash(mix64(uint64(v) ^ saltInt))
		return
	}
	vc.grew()
}

// widenDense grows the window to cover v when the result stays under maxDense counters.
func (vc *valueCounts) widenDense(v int64) bool {
	if v <= -denseReach || v >= denseReach {
		return false
	}
	lo, hi := vc.denseBase, vc.denseBase+int64(len(vc.dense))
	lo, hi = min(lo, v), max(hi, v+1)
	if hi-lo > maxDense {
		return false
	}
	size := int64(len(vc.dense))
	for size < hi-lo {
		size *= 2
	}
	size = min(size, maxDense)
	// Keep the old values, centring the slack on the side v came from.
	newBase := lo
	if v >= vc.denseBase {
		newBase = max(hi-size, min(lo, vc.denseBase))
	}
	nd := make([]int64, size)
	copy(nd[vc.denseBase-newBase:], vc.dense)
	vc.dense, vc.denseBase = nd, newBase
	return true
}

// addFloat counts a float; addDate a date (epoch seconds).
func (vc *valueCounts) addFloat(v float64) { vc.addNum(&vc.floats, &vc.hotF, KindFloat, v, saltFloat) }
func (vc *valueCounts) addDate(v float64)  { vc.addNum(&vc.dates, &vc.hotD, KindDate, v, saltDate) }

func (vc *valueCounts) addNum(m *map[float64]int64, hot *map[float64]struct{}, k Kind, v float64, salt uint64) {
	if vc.overflow {
		if _, ok := (*hot)[v]; ok {
			(*m)[v]++
			return
		}
		vc.hll.InsertHash(mix64(math.Float64bits(v) ^ salt))
		if vc.late.tick() {
			if est, ok := vc.late.seeNum(lateNum{k, math.Float64bits(v)}); ok {
				promote(m, hot, v, est)
			}
		}
		return
	}
	if *m == nil {
		*m = map[float64]int64{}
	}
	if c, ok := (*m)[v]; ok {
		(*m)[v] = c + 1
		return
	}
	(*m)[v] = 1
	vc.grew()
}

// goApproximate seeds the HyperLogLog with every value held; from now on the maps stop growing.
func (vc *valueCounts) goApproximate() {
	vc.overflow = true
	vc.hll = hyperloglog.New16()
	for s := range vc.strIdx {
		vc.hll.InsertHash(xxhash.Sum64String(s))
	}
	vc.eachInt(func(v, _ int64) { vc.hll.InsertHash(mix64(uint64(v) ^ saltInt)) })
	for v := range vc.floats {
		vc.hll.InsertHash(mix64(math.Float64bits(v) ^ saltFloat))
	}
	for v := range vc.dates {
		vc.hll.InsertHash(mix64(math.Float64bits(v) ^ saltDate))
	}
}

func (vc *valueCounts) eachInt(f func(v, count int64)) {
	for i, c := range vc.dense {
		if c != 0 {
			f(vc.denseBase+int64(i), c)
		}
	}
	for v, c := range vc.ints {
		f(v, c)
	}
}

// merge folds o into vc (both exact: the union stays exact, even past the limit; either
// approximate: both are).
func (vc *valueCounts) merge(o *valueCounts) {
	if o.overflow && !vc.overflow {
		// Fold the exact side into the approximate one, not the other way: an approximate side
		// still counts the values it held when it overflowed (the top values come from them),
		// and those would be dropped by a merge into a side that only just went approximate —
		// the whole file in one chunk on one worker, merged into an idle worker, lost its top
		// values. o is spent after a merge, so the two are swapped.
		*vc, *o = *o, *vc
	}
	if vc.overflow && !o.overflow {
		o.goApproximate()
	}
	for s, i := range o.strIdx {
		if j, ok := vc.strIdx[s]; ok {
			vc.strCounts[j] += o.strCounts[i]
		} else if _, hot := o.hotStr[s]; !vc.overflow || hot {
			vc.strIdx[s] = int32(len(vc.strCounts))
			vc.strCounts = append(vc.strCounts, o.strCounts[i])
			vc.distinct++
		}
	}
	lim := vc.limit
	vc.limit = math.MaxInt // the union of exact counts stays exact
	o.eachInt(func(v, c int64) {
		if d := v - vc.denseBase; vc.dense != nil && d >= 0 && d < int64(len(vc.dense)) {
			if vc.dense[d] == 0 {
				vc.distinct++
			}
			vc.dense[d] += c
			return
		}
		if vc.dense == nil || !vc.widenDense(v) {
			if vc.overflow {
				// Held here, or hot there: its counts add up, as text, floats and dates do (a
				// value promoted on one side only still reaches the top values).
				_, held := vc.ints[v]
				if _, hot := o.hotInt[v]; held || hot {
					if vc.ints == nil {
						vc.ints = map[int64]int64{}
					}
					vc.ints[v] += c
				}
				return
			}
			if vc.ints == nil {
				vc.ints = map[int64]int64{}
			}
			if _, ok := vc.ints[v]; !ok {
				vc.distinct++
			}
			vc.ints[v] += c
			return
		}
		if vc.dense[v-vc.denseBase] == 0 {
			vc.distinct++
		}
		vc.dense[v-vc.denseBase] += c
	})
	for _, pair := range []struct {
		dst, src *map[float64]int64
		srcHot   map[float64]struct{}
	}{{&vc.floats, &o.floats, o.hotF}, {&vc.dates, &o.dates, o.hotD}} {
		for v, c := range *pair.src {
			if vc.overflow {
				_, held := (*pair.dst)[v]
				if _, hot := pair.srcHot[v]; !held && !hot {
					continue
				}
			}
			if *pair.dst == nil {
				*pair.dst = map[float64]int64{}
			}
			if _, ok := (*pair.dst)[v]; !ok {
				vc.distinct++
			}
			(*pair.dst)[v] += c
		}
	}
	vc.limit = lim
	if vc.overflow {
		_ = vc.hll.Merge(o.hll) // both are New16: merging cannot fail
	}
}

// count returns the distinct count and whether it is an estimate.
func (vc *valueCounts) count() (int64, bool) {
	if vc.overflow {
		return int64(vc.hll.Estimate()), true
	}
	return int64(vc.distinct), false
}

// eachNumber calls f for every counted integer, float and date, without the display text.
func (vc *valueCounts) eachNumber(f func(k Kind, v float64, count int64)) {
	vc.eachInt(func(v, c int64) { f(KindInt, float64(v), c) })
	for v, c := range vc.floats {
		f(KindFloat, v, c)
	}
	for v, c := range vc.dates {
		f(KindDate, v, c)
	}
}

// each calls f for every counted value as display text with its kind and count.
func (vc *valueCounts) each(hasTime bool, f func(text string, k Kind, v float64, count int64)) {
	for s, i := range vc.strIdx {
		f(s, KindString, 0, vc.strCounts[i])
	}
	vc.eachInt(func(v, c int64) { f(strconv.FormatInt(v, 10), KindInt, float64(v), c) })
	for v, c := range vc.floats {
		f(strconv.FormatFloat(v, 'g', -1, 64), KindFloat, v, c)
	}
	for v, c := range vc.dates {
		f(formatTime(v, hasTime), KindDate, v, c)
	}
}

// pickHot chooses the values that keep counting once the column is approximate: of each kind,
// up to hotMax of those counted more than once so far, the most frequent first (ties by value, so
// the same file always keeps the same ones).
func (vc *valueCounts) pickHot() {
	strs := hottest(func(yield func(string, int64) bool) {
		for s, i := range vc.strIdx {
			if !yield(s, vc.strCounts[i]) {
				return
			}
		}
	})
	for _, s := range strs {
		if vc.hotStr == nil {
			vc.hotStr = map[string]int32{}
		}
		vc.hotStr[s] = vc.strIdx[s]
	}
	vc.hotInt = asSet(hottest(maps.All(vc.ints))) // the dense window counts on by itself
	vc.hotF = asSet(hottest(maps.All(vc.floats)))
	vc.hotD = asSet(hottest(maps.All(vc.dates)))
}

// hottest returns up to hotMax keys counted more than once, by count then key.
func hottest[K cmp.Ordered](all iter.Seq2[K, int64]) []K {
	type kc struct {
		k K
		c int64
	}
	var cand []kc
	for k, c := range all {
		if c > 1 {
			cand = append(cand, kc{k, c})
		}
	}
	slices.SortFunc(cand, func(a, b kc) int {
		if a.c != b.c {
			return cmp.Compare(b.c, a.c)
		}
		return cmp.Compare(a.k, b.k)
	})
	out := make([]K, 0, min(len(cand), hotMax))
	for _, x := range cand[:min(len(cand), hotMax)] {
		out = append(out, x.k)
	}
	return out
}

// promoteStr makes text b hot, its count starting from est (lateHeavy's lower bound), and
// returns its counter's index.
func (vc *valueCounts) promoteStr(b []byte, est int64) int32 {
	s := string(b)
	i, ok := vc.strIdx[s]
	if ok { // held, but not hot: it had not repeated by the time the column went approximate
		vc.strCounts[i] += est
	} else {
		i = int32(len(vc.strCounts))
		vc.strIdx[s] = i
		vc.strCounts = append(vc.strCounts, est)
	}
	if vc.hotStr == nil {
		vc.hotStr = map[string]int32{}
	}
	vc.hotStr[s] = i
	return i
}

// promote makes number k hot, its count in counts starting from est (lateHeavy's lower
// bound), making the maps when they are nil.
func promote[K comparable](counts *map[K]int64, hot *map[K]struct{}, k K, est int64) {
	if *counts == nil {
		*counts = map[K]int64{}
	}
	(*counts)[k] += est
	if *hot == nil {
		*hot = map[K]struct{}{}
	}
	(*hot)[k] = struct{}{}
}

// asSet is keys as a set; nil when there are none, so a lookup in it costs next to nothing.
func asSet[K comparable](keys []K) map[K]struct{} {
	if len(keys) == 0 {
		return nil
	}
	m := make(map[K]struct{}, len(keys))
	for _, k := range keys {
		m[k] = struct{}{}
	}
	return m
}
