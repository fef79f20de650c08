// Command freeosmem drops the same 256 MiB Go heap spike as scavretain, then calls
// debug.FreeOSMemory(), which collects and returns every free page to the OS at once
// (madvise MADV_DONTNEED; MADV_FREE under GODEBUG=madvdontneed=0, when the kernel keeps the
// pages in RSS as LazyFree until it needs the memory). At exit it prints one ground-truth
// line (examples/README.md):
//
//	GOMEMTRACE_TRUTH spike_bytes=N godebug=... lazyfree_bytes=N go_heap_objects_bytes=N ... go_version=goX
package main

/*
#include <stdlib.h>
static void freeosmem_touch(void) { free(malloc(1)); }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// ---- the spike (main goroutine only) ----

var (
	spikeMiB = flag.Int("spike-mib", 256, "MiB of Go heap to allocate, touch and drop")
	sink     [][]byte // the spike while it is live
)

// spike allocates and touches n MiB of Go heap in 1 MiB objects and keeps them live.
//
//go:noinline
func spike(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		sink = append(sink, b)
	}
}

// ---- main ----

func main() {
	flag.Parse()
	C.freeosmem_touch()
	spike(*spikeMiB)
	fmt.Printf("freeosmem: %d MiB spike allocated\n", len(sink))
	sink = nil
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Println("freeosmem: spike dropped and returned with debug.FreeOSMemory")
	godebug := os.Getenv("GODEBUG")
	if godebug == "" {
		godebug = "-"
	}
	truth.Print(fmt.Sprintf("spike_bytes=%d godebug=%s lazyfree_bytes=%d ", *spikeMiB<<20, godebug, lazyFree()))
}

// lazyFree returns the LazyFree bytes of /proc/self/smaps_rollup (pages released with
// MADV_FREE that the kernel has not reclaimed yet: still in RSS), or -1.
func lazyFree() int64 {
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		var kb int64
		if n, _ := fmt.Sscanf(line, "LazyFree: %d kB", &kb); n == 1 {
			return kb << 10
		}
	}
	return -1
}
