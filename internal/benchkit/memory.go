package benchkit

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HeapPeak is the highest Go heap in use and Go memory obtained from the OS seen while sampling.
type HeapPeak struct{ Inuse, Sys uint64 }

// SampleHeap reads runtime.MemStats every period until the returned function is called, which
// returns the highest values seen.
func SampleHeap(period time.Duration) func() HeapPeak {
	var mu sync.Mutex
	var p HeapPeak
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			p.Inuse, p.Sys = max(p.Inuse, m.HeapInuse), max(p.Sys, m.Sys)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() HeapPeak {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return p
	}
}

// ProcStatus reads a "kB" line of /proc/self/status, in kB (0 when unavailable): VmRSS is the
// resident set now, VmHWM its peak.
func ProcStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// ResetPeakRSS makes VmHWM start again from the present resident set; false where the kernel
// does not allow it (then VmHWM is the peak since the process started).
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}
