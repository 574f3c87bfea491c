package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"
)

// Other processes on the machine (a build, tests) slow down what is measured. Before each
// measure the benchmark waits, for a while, until the machine is nearly idle, and counts the
// measures it had to start on a busy machine.

// quietBusy is the share of the machine's CPU time, all cores together, above which it is
// busy.
const quietBusy = 0.15

// cpuTimes returns the busy and total jiffies of all cores, from /proc/stat.
func cpuTimes() (busy, total uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, 0, false
	}
	for i, f := range fields[1:] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total, true
}

// busyShare measures the busy share of the machine over d.
func busyShare(ctx context.Context, d time.Duration) (float64, bool) {
	b0, t0, ok := cpuTimes()
	if !ok {
		return 0, false
	}
	select {
	case <-ctx.Done():
		return 0, false
	case <-time.After(d):
	}
	b1, t1, ok := cpuTimes()
	if !ok || t1 == t0 {
		return 0, false
	}
	return float64(b1-b0) / float64(t1-t0), true
}

// waitQuiet waits until the machine is nearly idle, for at most b.quietWait.
func (b *bench) waitQuiet(ctx context.Context) {
	b.measures++
	deadline := time.Now().Add(b.quietWait)
	logged := false
	for {
		share, ok := busyShare(ctx, 500*time.Millisecond)
		if !ok || share < quietBusy {
			return
		}
		if time.Now().After(deadline) {
			b.busyStarts++
			logf("  the machine is still %.0f%% busy: measuring anyway", 100*share)
			return
		}
		if !logged {
			logf("  waiting for the machine to be idle (%.0f%% busy)", 100*share)
			logged = true
		}
	}
}
