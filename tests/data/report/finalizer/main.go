// finalizer: a cgo binding of our own whose Go objects own C memory freed by a finalizer
// (MODE=cleanup: by runtime.AddCleanup, Go 1.24+; cleanup_go124.go), used the way a binding's
// users forget Free: PASSES passes of OBJS objects of OBJ_KIB KiB of C memory each, every
// object dropped at once. The Go heap stays tiny, so without help the GC would hardly run:
// after every GC_EVERY-th pass the program runs the GC and waits until every finalizer of
// that cycle has run (a counter), so the backlog is known: GC_EVERY passes' worth of C memory
// at most, the last pass's objects still waiting at the end (tests/e2e/report_finalizer.sh).
package main

// #include <stdlib.h>
// #include <string.h>
// static void *obj_alloc(size_t n) { void *p = malloc(n); if (p) memset(p, 1, n); return p; }
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"
)

// Obj owns n bytes of C memory.
type Obj struct {
	p unsafe.Pointer
	n int
}

var freed, freedBytes atomic.Int64

func freeC(p unsafe.Pointer, n int) {
	C.free(p)
	freed.Add(1)
	freedBytes.Add(int64(n))
}

// New allocates an object; its C memory is freed when the GC finds it unreachable.
func New(n int, cleanup bool) *Obj {
	o := &Obj{p: C.obj_alloc(C.size_t(n)), n: n}
	if cleanup {
		addCleanup(o)
	} else {
		runtime.SetFinalizer(o, func(o *Obj) { freeC(o.p, o.n) })
	}
	return o
}

func env(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

var sink []*Obj

func main() {
	passes, objs, kib, every := env("PASSES", 10), env("OBJS", 3000), env("OBJ_KIB", 16), env("GC_EVERY", 3)
	cleanup := os.Getenv("MODE") == "cleanup"
	made := 0
	for pass := 1; pass <= passes; pass++ {
		sink = sink[:0] // the previous pass's objects become unreachable as they are overwritten
		for i := 0; i < objs; i++ {
			sink = append(sink, New(kib<<10, cleanup))
		}
		made += objs
		if pass%every == 0 && pass < passes {
			for i := range sink {
				sink[i] = nil
			}
			want := int64(made)
			runtime.GC()
			for freed.Load() < want { // every finalizer of this cycle has run
				time.Sleep(time.Millisecond)
			}
		}
	}
	fmt.Printf("GOMEMTRACE_TRUTH made=%d freed=%d freed_bytes=%d waiting=%d mode=%s\n", made, freed.Load(),
		freedBytes.Load(), int64(made)-freed.Load(), map[bool]string{false: "finalizer", true: "cleanup"}[cleanup])
}
