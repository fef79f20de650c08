// shortgrow: a short cgo program that grows its Go heap by GROW_MIB (default 200) MiB of live
// objects as fast as it can, then exits: a run shorter than one sampling period
// (tests/e2e/report_shortrun.sh). TOUCH=0: the objects are never written, so most of the heap
// in use is not resident (fresh pages from the OS read as zero without being in RAM). It
// prints the runtime's own count at the end.
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

var keep [][]byte

func main() {
	mib := 200
	if s := os.Getenv("GROW_MIB"); s != "" {
		mib, _ = strconv.Atoi(s)
	}
	touch := os.Getenv("TOUCH") != "0"
	C.free(unsafe.Pointer(C.malloc(16))) // a cgo call: the binary is a cgo one
	t0 := time.Now()
	for i := 0; i < mib; i++ {
		b := make([]byte, 1<<20)
		for k := 0; touch && k < len(b); k += 4096 {
			b[k] = 1
		}
		keep = append(keep, b)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("GOMEMTRACE_TRUTH grew_mib=%d heap_inuse=%d took_ms=%d\n", mib, ms.HeapInuse,
		time.Since(t0).Milliseconds())
}
