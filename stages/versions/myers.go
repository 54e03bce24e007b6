package versions

// The line differ is written by hand because its counts must equal `git diff --numstat`: a
// minimal edit script (Myers' O(ND) algorithm in linear space, the one git's xdiff uses), run on
// lines interned to integers. Like xdiff it first marks lines that occur only on one side as
// changed (they can never match), which makes two unrelated files cost nothing, and like xdiff it
// gives up minimality past a cost bound so a pathological pair cannot hang the diff.

// maxCost bounds the edit distance searched for one split before taking the furthest-reaching
// point instead (xdiff's heuristic; git does the same unless --minimal).
const maxCost = 1 << 12

// differ holds one comparison's sequences and the changed-line marks it fills in.
type differ struct {
	a, b       []int  // the (filtered) sequences compared
	delA, addB []bool // marks, indexed like a and b
	vf, vb     []int  // furthest-reaching x per diagonal, forward and backward
}

// diffLines marks which lines of a are deleted and which of b are added in a minimal (or, past
// maxCost, near-minimal) edit script. a and b are interned lines: equal ints are equal lines.
func diffLines(a, b []int) (delA, addB []bool) {
	delA, addB = make([]bool, len(a)), make([]bool, len(b))
	// A line that never occurs on the other side is changed whatever the script; only the rest
	// needs the search.
	inA, inB := map[int]bool{}, map[int]bool{}
	for _, x := range a {
		inA[x] = true
	}
	for _, y := range b {
		inB[y] = true
	}
	var fa, fb []int // filtered sequences
	var ia, ib []int // their indexes in a and b
	for i, x := range a {
		if inB[x] {
			fa, ia = append(fa, x), append(ia, i)
		} else {
			delA[i] = true
		}
	}
	for j, y := range b {
		if inA[y] {
			fb, ib = append(fb, y), append(ib, j)
		} else {
			addB[j] = true
		}
	}
	n := len(fa) + len(fb) + 2
	d := &differ{a: fa, b: fb, delA: make([]bool, len(fa)), addB: make([]bool, len(fb)),
		vf: make([]int, 2*n+1), vb: make([]int, 2*n+1)}
	d.compare(0, len(fa), 0, len(fb))
	for k, del := range d.delA {
		if del {
			delA[ia[k]] = true
		}
	}
	for k, add := range d.addB {
		if add {
			addB[ib[k]] = true
		}
	}
	return delA, addB
}

// compare marks the changes between a[aLo:aHi] and b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	switch {
	case aLo == aHi:
		for j := bLo; j < bHi; j++ {
			d.addB[j] = true
		}
		return
	case bLo == bHi:
		for i := aLo; i < aHi; i++ {
			d.delA[i] = true
		}
		return
	}
	x, y := d.split(aLo, aHi, bLo, bHi)
	d.compare(aLo, x, bLo, y)
	d.compare(x, aHi, y, bHi)
}

// split returns a point (x, y) on a minimal edit path from (aLo, bLo) to (aHi, bHi): where the
// forward and backward searches meet (Myers' middle snake). Both ends differ, so the distance
// is at least 2 and each half is strictly smaller than the whole.
func (d *differ) split(aLo, aHi, bLo, bHi int) (int, int) {
	a, b := d.a, d.b
	// Diagonal k is x-y in absolute coordinates; off shifts it into the arrays.
	off := len(d.vf)/2 - (aLo - bLo)
	fmid, bmid := aLo-bLo, aHi-bHi
	odd := (fmid-bmid)&1 != 0
	d.vf[fmid+off], d.vb[bmid+off] = aLo, aHi
	fmin, fmax, bmin, bmax := fmid, fmid, bmid, bmid
	for cost := 1; ; cost++ {
		// Widen the forward diagonals by one in each direction, staying inside the box.
		if fmin > aLo-bHi {
			fmin--
			d.vf[fmin-1+off] = -1
		} else {
			fmin++
		}
		if fmax < aHi-bLo {
			fmax++
			d.vf[fmax+1+off] = -1
		} else {
			fmax--
		}
		for k := fmax; k >= fmin; k -= 2 {
			var x int
			if d.vf[k-1+off] >= d.vf[k+1+off] {
				x = d.vf[k-1+off] + 1
			} else {
				x = d.vf[k+1+off]
			}
			y := x - k
			for x < aHi && y < bHi && a[x] == b[y] {
				x, y = x+1, y+1
			}
			d.vf[k+off] = x
			if odd && bmin <= k && k <= bmax && d.vb[k+off] <= x {
				return x, y
			}
		}
		// Widen the backward diagonals.
		if bmin > aLo-bHi {
			bmin--
			d.vb[bmin-1+off] = maxInt
		} else {
			bmin++
		}
		if bmax < aHi-bLo {
			bmax++
			d.vb[bmax+1+off] = maxInt
		} else {
			bmax--
		}
		for k := bmax; k >= bmin; k -= 2 {
			var x int
			if d.vb[k-1+off] < d.vb[k+1+off] {
				x = d.vb[k-1+off]
			} else {
				x = d.vb[k+1+off] - 1
			}
			y := x - k
			for x > aLo && y > bLo && a[x-1] == b[y-1] {
				x, y = x-1, y-1
			}
			d.vb[k+off] = x
			if !odd && fmin <= k && k <= fmax && x <= d.vf[k+off] {
				return x, y
			}
		}
		if cost >= maxCost {
			return d.furthest(fmin, fmax, off, aLo, aHi, bLo, bHi)
		}
	}
}

// furthest is the split used past maxCost: the forward point that got furthest along the
// diagonal of the box, clamped inside it so both halves stay smaller than the whole.
func (d *differ) furthest(fmin, fmax, off, aLo, aHi, bLo, bHi int) (int, int) {
	bestX, bestY, best := aLo, bLo, -1
	for k := fmax; k >= fmin; k -= 2 {
		x := min(d.vf[k+off], aHi)
		y := x - k
		if y < bLo || y > bHi {
			continue
		}
		if x+y > best {
			bestX, bestY, best = x, y, x+y
		}
	}
	if (bestX == aLo && bestY == bLo) || (bestX == aHi && bestY == bHi) {
		// No usable progress: split in the middle of a (halves are smaller either way).
		return (aLo + aHi) / 2, bLo + (bHi-bLo)/2
	}
	return bestX, bestY
}

const maxInt = int(^uint(0) >> 1)
