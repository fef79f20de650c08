// fragment: a fragmented Go heap. N small objects (64 bytes each) are allocated, then all but
// every KEEP-th are dropped and the GC runs: the spans stay in use, each holding a few live
// objects, so the heap in use is mostly span fragmentation, not live objects (pprof would show
// only the objects). The GC is then turned off so nothing moves, and the runtime's own view
// (runtime/metrics /memory/classes/heap/objects and .../unused) is printed before exit
// (tests/e2e/report_fragment.sh).
package main

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"unsafe"
)

type obj [64]byte

func env(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

var kept []*obj

func main() {
	C.free(unsafe.Pointer(C.malloc(16))) // a cgo binary
	n, keep := env("N", 1<<20), env("KEEP", 16)
	all := make([]*obj, n)
	for i := range all {
		all[i] = new(obj)
	}
	for i := 0; i < n; i += keep {
		kept = append(kept, all[i])
	}
	all = nil
	runtime.GC()
	runtime.GC()
	debug.SetGCPercent(-1)
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	fmt.Printf("GOMEMTRACE_TRUTH kept=%d go_heap_objects_bytes=%d go_heap_unused_bytes=%d\n", len(kept),
		s[0].Value.Uint64(), s[1].Value.Uint64())
}
