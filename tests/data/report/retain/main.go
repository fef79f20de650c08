// retain: report test scenario (tests/e2e/report_retain.sh). A 256 MiB Go heap spike is
// dropped and collected with debug.SetGCPercent(-1)/runtime.GC but never returned with
// FreeOSMemory: the freed pages stay retained by the Go heap (the background scavenger
// returns them only slowly), which the report must flag as scavenger_retention.
package main

/*
#include <stdlib.h>
static void touch(void) { free(malloc(1)); }
*/
import "C"
import (
	"fmt"
	"runtime"
	"time"
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
	time.Sleep(1500 * time.Millisecond)
	fmt.Println("ok")
}
