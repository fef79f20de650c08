// A cgo program with a known Go heap shape, for the sampler's end-to-end test: about 100 MiB
// live, about 64 MiB free but not released, about 136 MiB released. It prints one line of the
// runtime's own view (runtime/metrics) and its VmRSS, then stays idle for a few sample
// intervals so that the last samples see the same heap, and exits (Go's exit_group, or C
// exit() with the argument "cexit", which runs the preload's destructor).
package main

/*
#include <stdlib.h>
static void cexit(void) { exit(0); }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

var keep [][]byte

func alloc(mib int) [][]byte {
	b := make([][]byte, mib)
	for i := range b {
		b[i] = make([]byte, 1<<20)
		for j := 0; j < len(b[i]); j += 4096 {
			b[i][j] = 1 // touch every page: resident
		}
	}
	return b
}

// vmrss: VmRSS - RssShmem, bytes. The shmem part moves with the tracer's ring buffers (every
// LTTng session's per-UID buffers are mapped into the traced process), not with the program.
func vmrss() uint64 {
	return status("VmRSS:") - status("RssShmem:")
}

func status(key string) uint64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key) {
			f := strings.Fields(l)
			v, _ := strconv.ParseUint(f[1], 10, 64)
			return v * 1024
		}
	}
	return 0
}

func main() {
	all := alloc(300)
	keep = append([][]byte(nil), all[:100]...)
	all = nil
	debug.FreeOSMemory() // 200 MiB free -> released
	tmp := alloc(64)     // reuses released pages
	tmp = nil
	_ = tmp
	runtime.GC() // 64 MiB free, below the scavenger's goal: stays unreleased

	names := []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes",
		"/memory/classes/heap/free:bytes", "/memory/classes/heap/released:bytes",
		"/memory/classes/heap/stacks:bytes", "/memory/classes/metadata/other:bytes"}
	s := make([]metrics.Sample, len(names))
	for i := range s {
		s[i].Name = names[i]
	}
	metrics.Read(s)
	fmt.Printf("metrics objects=%d unused=%d free=%d released=%d stacks=%d other=%d vmrss=%d\n",
		s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64(), s[3].Value.Uint64(),
		s[4].Value.Uint64(), s[5].Value.Uint64(), vmrss())

	ms, _ := strconv.Atoi(os.Getenv("GOMEMTRACE_SAMPLE_MS"))
	if ms <= 0 {
		ms = 200
	}
	time.Sleep(time.Duration(3*ms) * time.Millisecond)
	runtime.KeepAlive(keep)
	fmt.Printf("end vmrss=%d\n", vmrss()) // RSS may still move while idle (THP)
	if len(os.Args) > 1 && os.Args[1] == "cexit" {
		C.cexit()
	}
}
