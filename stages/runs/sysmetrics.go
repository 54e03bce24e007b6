package runs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/net"

	"github.com/mlwb/mlwb/store"
)

// DefaultSampleEvery is how often a supervisor samples system metrics.
const DefaultSampleEvery = 2 * time.Second

// sysPrefix starts the key of every system metric, so they chart and filter apart from the
// run's own metrics.
const sysPrefix = "sys/"

// sysSampler samples the run's process tree and the host. Each sample is a set of sys/ points at
// one step (the sample's index); rates are over the time since the previous sample, so the first
// sample has none.
//
// The process tree is read from /proc by hand in one pass (gopsutil's Children reads all of /proc
// once per process asked about); the host figures come from gopsutil.
type sysSampler struct {
	root  int // the run's top process
	runID int64
	step  int64

	prevAt   time.Time      // zero before the first sample
	prevTree map[int]uint64 // pid → CPU ticks at the previous sample
	prevCPU  *cpu.TimesStat
	prevDisk [2]uint64 // read, write bytes
	prevNet  [2]uint64 // received, sent bytes
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on every Linux ABI.
const clockTicks = 100

func newSysSampler(runID int64, rootPID int) *sysSampler {
	return &sysSampler{root: rootPID, runID: runID}
}

// sample returns the points of one sample taken at now.
func (s *sysSampler) sample(ctx context.Context, now time.Time) []store.Point {
	var pts []store.Point
	add := func(key string, v float64) {
		pts = append(pts, store.Point{RunID: s.runID, Key: sysPrefix + key, Step: s.step, Time: now.UnixMilli(), Value: v})
	}
	dt := now.Sub(s.prevAt).Seconds()
	rates := !s.prevAt.IsZero() && dt > 0

	tree := readProcTree(s.root)
	var rss uint64
	var cpuTicks uint64 // ticks spent since the last sample (a process started since: all of its)
	for pid, p := range tree {
		rss += p.rssBytes
		if prev, ok := s.prevTree[pid]; ok && p.ticks >= prev {
			cpuTicks += p.ticks - prev
		} else {
			cpuTicks += p.ticks
		}
	}
	if len(tree) > 0 {
		add("rss_mb", float64(rss)/(1<<20))
		add("procs", float64(len(tree)))
		if rates {
			add("cpu_percent", float64(cpuTicks)/clockTicks/dt*100)
		}
	}
	s.prevTree = make(map[int]uint64, len(tree))
	for pid, p := range tree {
		s.prevTree[pid] = p.ticks
	}

	if ts, err := cpu.TimesWithContext(ctx, false); err == nil && len(ts) == 1 {
		if s.prevCPU != nil {
			busy := busyTime(ts[0]) - busyTime(*s.prevCPU)
			total := ts[0].Total() - s.prevCPU.Total()
			if total > 0 {
				add("host_cpu_percent", busy/total*100)
			}
		}
		s.prevCPU = &ts[0]
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		add("host_mem_percent", vm.UsedPercent)
		add("host_mem_used_mb", float64(vm.Total-vm.Available)/(1<<20))
	}
	if d, ok := diskBytes(ctx); ok {
		if rates {
			add("disk_read_mb_s", float64(d[0]-min(d[0], s.prevDisk[0]))/(1<<20)/dt)
			add("disk_write_mb_s", float64(d[1]-min(d[1], s.prevDisk[1]))/(1<<20)/dt)
		}
		s.prevDisk = d
	}
	if n, err := net.IOCountersWithContext(ctx, false); err == nil && len(n) == 1 {
		cur := [2]uint64{n[0].BytesRecv, n[0].BytesSent}
		if rates {
			add("net_recv_mb_s", float64(cur[0]-min(cur[0], s.prevNet[0]))/(1<<20)/dt)
			add("net_sent_mb_s", float64(cur[1]-min(cur[1], s.prevNet[1]))/(1<<20)/dt)
		}
		s.prevNet = cur
	}
	s.prevAt = now
	s.step++
	return pts
}

// busyTime is the CPU time not spent idle or waiting for I/O.
func busyTime(t cpu.TimesStat) float64 {
	return t.Total() - t.Idle - t.Iowait
}

// diskBytes sums the bytes read and written by whole disks (partitions, loop and RAM devices
// would count the same bytes twice or count none that reach a disk).
func diskBytes(ctx context.Context) ([2]uint64, bool) {
	io, err := disk.IOCountersWithContext(ctx)
	if err != nil || len(io) == 0 {
		return [2]uint64{}, false
	}
	var sum [2]uint64
	for name, c := range io {
		if strings.HasPrefix(name, "loop") || strings.HasPrefix(name, "ram") || strings.HasPrefix(name, "zram") ||
			isPartition(name, io) {
			continue
		}
		sum[0] += c.ReadBytes
		sum[1] += c.WriteBytes
	}
	return sum, true
}

// isPartition reports whether name is a partition of another device listed (sda1 of sda,
// nvme0n1p1 of nvme0n1).
func isPartition(name string, all map[string]disk.IOCountersStat) bool {
	for other := range all {
		if other != name && strings.HasPrefix(name, other) {
			return true
		}
	}
	return false
}

// procStat is what one /proc/<pid>/stat says about a process.
type procStat struct {
	ppid     int
	ticks    uint64 // utime + stime
	rssBytes uint64
}

// readProcTree returns root and its descendants, read from /proc in one pass.
func readProcTree(root int) map[int]procStat {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	all := make(map[int]procStat, len(ents))
	children := map[int][]int{}
	page := uint64(os.Getpagesize())
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone since the listing
		}
		st, ok := parseProcStat(b, page)
		if !ok {
			continue
		}
		all[pid] = st
		children[st.ppid] = append(children[st.ppid], pid)
	}
	tree := map[int]procStat{}
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		st, ok := all[pid]
		if !ok {
			continue
		}
		if _, seen := tree[pid]; seen {
			continue
		}
		tree[pid] = st
		stack = append(stack, children[pid]...)
	}
	return tree
}

// parseProcStat reads the ppid, CPU ticks and resident pages of a /proc/<pid>/stat line. The
// command name (field 2) may hold spaces and parentheses, so fields are counted from the last
// ')'.
func parseProcStat(b []byte, page uint64) (procStat, bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
	if len(f) < 22 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	ut, err2 := strconv.ParseUint(f[11], 10, 64)
	st, err3 := strconv.ParseUint(f[12], 10, 64)
	rss, err4 := strconv.ParseInt(f[21], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return procStat{}, false
	}
	return procStat{ppid: ppid, ticks: ut + st, rssBytes: uint64(max(rss, 0)) * page}, true
}
