package data

// shortTable finds the counter index of a text value of at most 8 bytes without hashing a string:
// the bytes packed into a word are the key of an open-addressing table. Most categorical columns
// (codes, carriers, flags, booleans) have short values, and a Go map lookup with a string key
// costs several times more. It only accelerates valueCounts.strIdx: a value it lacks is looked up
// in the map, which stays the record of every value.
type shortTable struct {
	slots []shortSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

type shortSlot struct {
	key uint64
	idx int32
	ln  uint8 // length + 1; 0 marks an empty slot
}

const shortMax = 8

func packShort(b []byte) uint64 {
	var k uint64
	for i, c := range b {
		k |= uint64(c) << (8 * i)
	}
	return k
}

func (t *shortTable) slot(key uint64, ln uint8) uint64 {
	return ((key ^ uint64(ln)<<56) * 0x9E3779B97F4A7C15) >> t.shift
}

// get returns the index stored for b (len(b) ≤ shortMax), or -1.
func (t *shortTable) get(b []byte) int32 {
	if t.n == 0 {
		return -1
	}
	key, ln := packShort(b), uint8(len(b)+1)
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(key, ln); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.ln == ln && s.key == key {
			return s.idx
		}
		if s.ln == 0 {
			return -1
		}
	}
}

// put stores idx for b (len(b) ≤ shortMax), which the table does not hold.
func (t *shortTable) put(b []byte, idx int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	t.insert(packShort(b), uint8(len(b)+1), idx)
}

func (t *shortTable) insert(key uint64, ln uint8, idx int32) {
	mask := uint64(len(t.slots) - 1)
	i := t.slot(key, ln)
	for t.slots[i].ln != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = shortSlot{key: key, idx: idx, ln: ln}
	t.n++
}

func (t *shortTable) grow() {
	old := t.slots
	size := max(64, 2*len(old))
	t.slots = make([]shortSlot, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	t.n = 0
	for _, s := range old {
		if s.ln != 0 {
			t.insert(s.key, s.ln, s.idx)
		}
	}
}
