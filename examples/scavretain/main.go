// Command scavretain shows scavenger retention: a Go heap spike of 256 MiB is dropped and
// collected, and the program exits at once, while the freed pages are still retained by the
// Go heap (the background scavenger returns them only at its own pace, about 1% of one CPU).
// pprof shows a small heap; RSS still holds the spike. At exit it prints one ground-truth line
// (examples/README.md):
//
//	GOMEMTRACE_TRUTH spike_bytes=N go_heap_objects_bytes=N ... go_version=goX
package main

/*
#include <stdlib.h>
static void scavretain_touch(void) { free(malloc(1)); }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"runtime"
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
	C.scavretain_touch()
	spike(*spikeMiB)
	fmt.Printf("scavretain: %d MiB spike allocated\n", len(sink))
	sink = nil
	runtime.GC()
	runtime.GC()
	fmt.Println("scavretain: spike dropped and collected; exiting with the pages retained")
	truth.Print(fmt.Sprintf("spike_bytes=%d ", *spikeMiB<<20))
}
