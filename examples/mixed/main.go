// Command mixed hides a small cgo leak (about 1.5 MiB) under a large scavenger retention
// (a dropped 256 MiB Go heap spike still retained at exit): RSS is dominated by the retained
// Go pages, but the leak must still be found, under main.leakSmall. At exit it prints one
// ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH c_leaked_bytes=N c_leaked_allocs=N spike_bytes=N go_heap_objects_bytes=N ...
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"runtime"
	"unsafe"
)

// ---- state (main goroutine only) ----

var (
	spikeMiB     = flag.Int("spike-mib", 256, "MiB of Go heap to allocate, touch and drop")
	leaks        = flag.Int("leaks", 1000, "C blocks of 1536 bytes to leak")
	sink         [][]byte // the spike while it is live
	leakedBytes  int64    // bytes leaked by leakSmall
	leakedAllocs int64    // blocks leaked by leakSmall
	chars        uint64   // defeats dead-code elimination
)

// ---- the leak and the spike ----

// leakSmall mallocs one 1536-byte C block and forgets it.
//
//go:noinline
func leakSmall(i int) {
	p := C.malloc(1536)
	*(*byte)(p) = byte(i)
	chars += uint64(*(*byte)(unsafe.Pointer(p)))
	leakedBytes += 1536
	leakedAllocs++
}

// freeSmall mallocs and frees a C block of the same size (not a leak).
//
//go:noinline
func freeSmall() { C.free(C.malloc(1536)) }

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
		for k := 0; k < *leaks/n; k++ {
			leakSmall(i)
			freeSmall()
		}
	}
	for leakedAllocs < int64(*leaks) {
		leakSmall(0)
	}
}

// ---- main ----

func main() {
	flag.Parse()
	spike(*spikeMiB)
	fmt.Printf("mixed: %d MiB spike allocated, %d C blocks leaked\n", len(sink), leakedAllocs)
	sink = nil
	runtime.GC()
	runtime.GC()
	truth.Print(fmt.Sprintf("c_leaked_bytes=%d c_leaked_allocs=%d spike_bytes=%d ", leakedBytes, leakedAllocs, *spikeMiB<<20))
}
