// Command cmmap maps anonymous memory from C with mmap and never unmaps it (16 regions of
// 4 MiB, touched, under main.mapRegion), beside a function that maps and unmaps the same way.
// Memory that never went through malloc: no allocator and no Go profile sees it. At exit it
// prints one ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH c_mmap_leaked_bytes=N c_mmap_leaked_regions=N go_heap_objects_bytes=N ...
package main

/*
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

// cmmap_region maps n bytes of anonymous memory, touches every page and returns it (or NULL).
static void *cmmap_region(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, n);
	return p;
}

// cmmap_release unmaps a region of cmmap_region.
static void cmmap_release(void *p, size_t n) { munmap(p, n); }
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"os"
	"runtime"
	"unsafe"
)

// ---- state (main goroutine only) ----

var (
	regions    = flag.Int("regions", 16, "regions to map and never unmap")
	regionMiB  = flag.Int("region-mib", 4, "MiB per region")
	leakedSize int64 // bytes mapped by mapRegion and never unmapped
	leakedN    int64 // regions mapped by mapRegion
	kept       []unsafe.Pointer
)

// ---- mapping ----

// mapRegion maps a region and keeps it forever (the leak).
//
//go:noinline
func mapRegion(n int) {
	p := C.cmmap_region(C.size_t(n))
	if p == nil {
		fmt.Fprintln(os.Stderr, "cmmap: mmap failed")
		os.Exit(1)
	}
	kept = append(kept, p)
	leakedSize += int64(n)
	leakedN++
}

// mapAndRelease maps a region and unmaps it (not a leak).
//
//go:noinline
func mapAndRelease(n int) {
	if p := C.cmmap_region(C.size_t(n)); p != nil {
		C.cmmap_release(p, C.size_t(n))
	}
}

// ---- main ----

func main() {
	flag.Parse()
	for i := 0; i < *regions; i++ {
		mapRegion(*regionMiB << 20)
		mapAndRelease(*regionMiB << 20)
	}
	runtime.GC()
	fmt.Printf("cmmap: %d regions mapped and kept\n", leakedN)
	truth.Print(fmt.Sprintf("c_mmap_leaked_bytes=%d c_mmap_leaked_regions=%d ", leakedSize, leakedN))
}
