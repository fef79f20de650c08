// Command cgoleak is a cgo program with a known C memory leak, for trying gomemtrace.
//
// leakyHandler calls C.malloc, C.CString and a C function that mallocs inside C, and frees
// none of them; balancedHandler does the same kinds of calls and frees everything, and makes
// Go garbage. At exit the program prints one ground-truth line:
//
//	GOMEMTRACE_TRUTH c_leaked_bytes=N c_leaked_allocs=N go_heap_objects_bytes=N ...
//
// with what leakyHandler leaked and the runtime/metrics /memory/classes/heap/* values, so that
// what a tool reports can be checked against it. With -rounds 0 it runs until SIGINT/SIGTERM,
// then prints the line and exits 0.
package main

/*
#include <stdlib.h>
#include "leak.h"
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// ---- flags ----

var (
	rounds   = flag.Int("rounds", 20, "rounds of work; 0 = until SIGINT/SIGTERM")
	perRound = flag.Int("per-round", 50, "leaky and balanced calls per round")
	pause    = flag.Duration("pause", 25*time.Millisecond, "pause between rounds")
)

// ---- ground truth (main goroutine only) ----

var (
	leakedBytes  int64    // bytes leakyHandler allocated in C and never freed
	leakedAllocs int64    // number of those allocations
	retained     [][]byte // Go memory kept live on purpose (a plain Go heap, for contrast)
	sink         uint64   // defeats dead-code elimination
)

// ---- the handlers ----

// leakyHandler serves request i and leaks three C allocations: a C.malloc buffer, a
// C.CString and a record malloc'd inside C.
//
//go:noinline
func leakyHandler(i int) {
	buf := C.malloc(1024)
	*(*byte)(buf) = byte(i)

	id := fmt.Sprintf("request-%06d", i)
	name := C.CString(id) // malloc(len(id)+1)
	sink += uint64(*(*byte)(unsafe.Pointer(name)))

	rec := C.cgoleak_make_record(C.int(i))
	sink += uint64(*(*byte)(unsafe.Pointer(rec)))

	// The bug: nobody frees buf, name or rec.
	leakedBytes += 1024 + int64(len(id)+1) + C.CGOLEAK_RECORD_BYTES
	leakedAllocs += 3
}

// balancedHandler does the same kinds of calls as leakyHandler and frees them all; it also
// makes Go garbage and keeps a little Go memory live.
//
//go:noinline
func balancedHandler(i int) {
	buf := C.malloc(2048)
	C.free(buf)

	name := C.CString(fmt.Sprintf("request-%06d", i))
	C.free(unsafe.Pointer(name))

	sink += uint64(C.cgoleak_balanced(C.size_t(4096 + i%4096)))

	garbage := make([]byte, 32<<10)
	garbage[i%len(garbage)] = byte(i)
	sink += uint64(garbage[0])
	if i%10 == 0 {
		retained = append(retained, make([]byte, 16<<10))
	}
}

// ---- main ----

func main() {
	flag.Parse()
	stop := make(chan os.Signal, 1)
	if *rounds == 0 {
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "cgoleak: running until SIGINT or SIGTERM")
	}
	n := 0
loop:
	for r := 0; *rounds == 0 || r < *rounds; r++ {
		for j := 0; j < *perRound; j++ {
			leakyHandler(n)
			balancedHandler(n)
			n++
		}
		select {
		case <-stop:
			break loop
		case <-time.After(*pause):
		}
	}
	runtime.GC()
	truth.Print(fmt.Sprintf("c_leaked_bytes=%d c_leaked_allocs=%d ", leakedBytes, leakedAllocs))
}
