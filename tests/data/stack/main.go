// stack: the stacks the tracer records across the C/Go boundary (tests/e2e/stack_cgo.sh).
// main.leakHere calls a C function that calls malloc(1000+i); then a 64 MiB Go allocation is
// dropped and debug.FreeOSMemory returns it, so the runtime's madvise has a known Go caller.
// The GC is off until then, so that call is the one that frees and releases it.
package main

/*
#include <stdlib.h>
static void *cwrap(size_t n) { return malloc(n); }
*/
import "C"
import (
	"fmt"
	"runtime/debug"
)

var keep []*C.char

//go:noinline
func leakHere(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, (*C.char)(C.cwrap(C.size_t(1000+i))))
	}
}

func main() {
	// No GC but the one FreeOSMemory forces, and so no background scavenging: the 64 MiB is
	// freed by that GC and released by that call, whatever the machine's speed (with the GC on,
	// a cycle started by the allocation can free it first and the scavenger release it all).
	debug.SetGCPercent(-1)
	leakHere(3)
	b := make([]byte, 64<<20)
	b[0] = 1
	b = nil
	debug.FreeOSMemory()
	fmt.Println("ok")
}
