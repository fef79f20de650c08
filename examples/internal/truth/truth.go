// Package truth prints the ground-truth line of the example programs (examples/README.md):
//
//	GOMEMTRACE_TRUTH <the program's own fields> go_heap_objects_bytes=N go_heap_unused_bytes=N
//	    go_heap_free_bytes=N go_heap_released_bytes=N go_heap_stacks_bytes=N go_version=goX
//
// The go_heap_* figures are runtime/metrics /memory/classes/heap/{objects,unused,free,
// released,stacks}:bytes. They are read at a settled moment, and the tracer is asked for a
// sample of that same moment (gomemtrace_sample_now, include/gomemtrace/sample_now.h), which
// `gomemtrace report` shows as the checkpoint; the scenario matrix compares the two.
//
// Settling (docs/go-runtime.md, "The truth moment"): with the GC off and no memory limit the
// background scavenger has no goal, and it stops before its next step; a step already past
// that check runs on the system stack and cannot be stopped half-way. So the figures are read,
// the sample taken, and the figures read again, until both reads of the free and released
// pages agree: then no step of the scavenger changed them in between. The program exits right after, as every example does.
package truth

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>

// The tracer's sample, looked up at run time: without the tracer it is not there (1).
static int truth_sample_now(void)
{
	int (*f)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "gomemtrace_sample_now");
	return f ? f() : 1;
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// names of the figures read, in the order they are printed.
var names = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/stacks:bytes",
}

// samples is the buffer of read (allocated once: reading allocates nothing).
var samples = make([]metrics.Sample, len(names))

// read returns the figures of names now (0 for one this Go does not have).
func read() [5]uint64 {
	var out [5]uint64
	for i, name := range names {
		samples[i].Name = name
	}
	metrics.Read(samples)
	for i := range samples {
		if samples[i].Value.Kind() == metrics.KindUint64 {
			out[i] = samples[i].Value.Uint64()
		}
	}
	return out
}

// Print settles the runtime, reads the figures, asks the tracer for a sample of the same
// moment, and prints the line: extra (the program's own "key=value " fields) first. Call it
// last: it turns the GC off.
func Print(extra string) {
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(-1) // returns with no GC running
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // stops the world: a scavenger step in progress ends first
	v := read()
	for try := 0; try < 100; try++ {
		C.truth_sample_now()
		w := read()
		stable := w[2] == v[2] && w[3] == v[3] // free and released: page states, not objects
		v = w
		if stable {
			break
		}
	}
	fmt.Printf("GOMEMTRACE_TRUTH %sgo_heap_objects_bytes=%d go_heap_unused_bytes=%d go_heap_free_bytes=%d "+
		"go_heap_released_bytes=%d go_heap_stacks_bytes=%d go_version=%s\n",
		extra, v[0], v[1], v[2], v[3], v[4], runtime.Version())
}
