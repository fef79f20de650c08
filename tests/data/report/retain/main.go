// retain: report test scenario (tests/e2e/report_retain.sh). A 256 MiB Go heap spike is
// dropped and collected by runtime.GC but never returned with FreeOSMemory, and the
// program exits at once: the freed pages are still retained by the Go heap at the exit
// sample (the background scavenger returns them only at its pace, ~1% of a CPU; given
// seconds it may return all of them, so the program does not wait), which the report
// must flag as scavenger_retention.
package main

/*
#include <stdlib.h>
static void touch(void) { free(malloc(1)); }
*/
import "C"
import (
	"fmt"
	"runtime"
)

var sink [][]byte

//go:noinline
func spike() {
	for i := 0; i < 256; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		sink = append(sink, b)
	}
}

func main() {
	C.touch()
	spike()
	sink = nil
	runtime.GC()
	runtime.GC()
	fmt.Println("ok")
}
