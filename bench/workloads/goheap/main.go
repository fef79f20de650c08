// goheap: bench workload (b), Go-allocation heavy with scavenger activity: the heap repeatedly
// grows to a few hundred MiB of live data and shrinks again, so the GC frees spans and the
// background scavenger (and debug.FreeOSMemory) returns pages with madvise. A small cgo call
// keeps it a cgo binary (like the programs gomemtrace is for). Prints one "gm-bench:" line.
package main

/*
static int gm_bench_nop(int x) { return x + 1; }
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime/debug"
	"syscall"
	"time"
)

var sink [][]byte

func main() {
	cycles := flag.Int("cycles", 12, "grow/shrink cycles")
	peakMiB := flag.Int("peak", 192, "live MiB at the top of each cycle")
	flag.Parse()
	start := time.Now()
	total := 0
	for c := 0; c < *cycles; c++ {
		// Grow: objects of mixed sizes (small, medium, large spans), with short-lived garbage.
		live := 0
		for i := 0; live < *peakMiB<<20; i++ {
			sz := 64 << (i % 12) // 64 B .. 128 KiB
			b := make([]byte, sz)
			b[0] = byte(i)
			if i%3 != 0 {
				sink = append(sink, b)
				live += sz
			}
			total += sz
		}
		// Shrink: drop everything; every other cycle hand pages back at once, else leave it to
		// the background scavenger.
		sink = nil
		if c%2 == 1 {
			debug.FreeOSMemory()
		}
		total += int(C.gm_bench_nop(C.int(c))) & 0
	}
	report(start, fmt.Sprintf("cycles=%d allocated_mib=%d", *cycles, total>>20))
}

// report prints the line the bench driver parses: work-loop ns, own CPU ns, own peak RSS KiB.
func report(start time.Time, extra string) {
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := ru.Utime.Nano() + ru.Stime.Nano()
	fmt.Printf("gm-bench: work_ns=%d cpu_ns=%d maxrss_kb=%d %s\n", el.Nanoseconds(), cpu, ru.Maxrss, extra)
}
