// Command arenas fragments glibc's malloc arenas from C threads: 8 threads, with their own
// arenas, take turns allocating 16 MiB in 1 KiB blocks and freeing all but one block in 32. The
// freed memory stays in the arenas (glibc free bytes, mallinfo2 fordblks), not returned to the
// OS and not reusable by the threads of other arenas: C allocator retention. Run again with
// MALLOC_ARENA_MAX=2 the threads share two arenas and reuse each other's holes. (glibc 2.36
// on 2 CPUs gives the 8 threads only 2 to 4 arenas of their own even by default, so the
// retained bytes differ less than one might expect: 33-50 MB by default, 33 MB with 2.)
// It waits -settle (300 ms) so that a periodic sample sees the state, then prints one
// ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH c_kept_bytes=N malloc_free_bytes=N malloc_arena_bytes=N go_heap_objects_bytes=N ...
package main

/*
#include <malloc.h>
#include "arenas.h"
static size_t arenas_free_bytes(void) { return mallinfo2().fordblks; }
static size_t arenas_heap_bytes(void) { return mallinfo2().arena; }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"runtime"
	"time"
)

// ---- flags ----

var (
	threads = flag.Int("threads", 8, "C threads")
	blocks  = flag.Int("blocks", 16384, "blocks per thread")
	size    = flag.Int("size", 1024, "bytes per block")
	keep    = flag.Int("keep", 32, "keep one block in this many")
	settle  = flag.Duration("settle", 300*time.Millisecond, "wait before exiting (for a sample)")
)

// fragment runs the C threads.
//
//go:noinline
func fragment() int64 {
	return int64(C.arenas_fragment(C.int(*threads), C.int(*blocks), C.size_t(*size), C.int(*keep)))
}

// ---- main ----

func main() {
	flag.Parse()
	kept := fragment()
	runtime.GC()
	time.Sleep(*settle)
	fmt.Printf("arenas: %d threads done\n", *threads)
	truth.Print(fmt.Sprintf("c_kept_bytes=%d malloc_free_bytes=%d malloc_arena_bytes=%d ",
		kept, uint64(C.arenas_free_bytes()), uint64(C.arenas_heap_bytes())))
}
