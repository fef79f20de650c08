// Command memlimit shows the scavenger releasing on allocation under a low memory limit: a
// 160 MiB Go heap spike is dropped and collected (the pages stay retained), the memory limit
// is then set low (debug.SetMemoryLimit, as GOMEMLIMIT would; set after the spike so that the
// live spike does not drive the GC into its CPU limiter), and new allocations make the runtime
// return the retained pages inline (mheap.allocSpan: mapped memory above the limit is scavenged
// by the allocating goroutine). At exit it prints one ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH spike_bytes=N limit_bytes=N go_heap_objects_bytes=N ...
package main

/*
#include <stdlib.h>
static void memlimit_touch(void) { free(malloc(1)); }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"runtime"
	"runtime/debug"
)

// ---- state (main goroutine only) ----

var (
	spikeMiB = flag.Int("spike-mib", 160, "MiB of Go heap to allocate, touch and drop")
	limitMiB = flag.Int("limit-mib", 64, "memory limit set after the spike")
	afterMiB = flag.Int("after-mib", 48, "MiB allocated (8 MiB live at a time) under the limit")
	sink     [][]byte // live Go memory
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

// underLimit allocates n MiB in 256 KiB objects, keeping the last 8 MiB live.
//
//go:noinline
func underLimit(n int) {
	for i := 0; i < n*4; i++ {
		b := make([]byte, 256<<10)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		sink = append(sink, b)
		if len(sink) > 32 {
			sink = sink[1:]
		}
	}
}

// ---- main ----

func main() {
	flag.Parse()
	C.memlimit_touch()
	spike(*spikeMiB)
	sink = nil
	runtime.GC()
	debug.SetMemoryLimit(int64(*limitMiB) << 20)
	underLimit(*afterMiB)
	// Under the limit the runtime keeps scavenging in the background, so the page states would
	// still move between this ground truth and the tracer's exit sample: return what is free
	// now (counted apart, as free_os_memory) so that both see the same settled heap.
	debug.FreeOSMemory()
	fmt.Printf("memlimit: %d MiB spike dropped, %d MiB allocated under a %d MiB limit\n", *spikeMiB, *afterMiB, *limitMiB)
	truth.Print(fmt.Sprintf("spike_bytes=%d limit_bytes=%d ", *spikeMiB<<20, *limitMiB<<20))
}
