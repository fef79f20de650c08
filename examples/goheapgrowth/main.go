// Command goheapgrowth is a Go leak: a global index that only grows (about 240 MiB in 0.8 s)
// under a cgo program. The memory is live Go heap, so the fix is found with a Go heap profile
// (pprof), not in C; gomemtrace must say "Go heap" and point there. At exit it prints one
// ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH grown_bytes=N go_heap_objects_bytes=N ... go_version=goX
package main

/*
#include <stdlib.h>
static void goheapgrowth_touch(void) { free(malloc(1)); }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"runtime"
	"time"
)

// ---- the leak (main goroutine only) ----

var (
	steps   = flag.Int("steps", 16, "growth steps")
	stepMiB = flag.Int("step-mib", 15, "MiB added to the index per step")
	pause   = flag.Duration("pause", 50*time.Millisecond, "pause between steps")
	index   = map[int][]byte{} // the global structure that only grows
	grown   int                // bytes added to index
)

// remember adds n MiB of entries to the global index and never removes any.
//
//go:noinline
func remember(n int) {
	for i := 0; i < n*16; i++ {
		b := make([]byte, 64<<10)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		index[len(index)] = b
		grown += len(b)
	}
}

// ---- main ----

func main() {
	flag.Parse()
	C.goheapgrowth_touch()
	for s := 0; s < *steps; s++ {
		remember(*stepMiB)
		time.Sleep(*pause)
	}
	runtime.GC()
	fmt.Printf("goheapgrowth: index holds %d entries\n", len(index))
	truth.Print(fmt.Sprintf("grown_bytes=%d ", grown))
}
