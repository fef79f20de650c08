// bench: cost of one trapped runtime.madvise (docs/go-trap.md). Calls the runtime's own
// madvise (the patched site) N times on one page with MADV_NORMAL, and prints ns per call.
// Build: go build -ldflags=-checklinkname=0 (1.23 refuses the linkname otherwise).
package main

import "C"
import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

//go:linkname madvise runtime.madvise
func madvise(addr unsafe.Pointer, n uintptr, flags int32) int32

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	mem, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	p := unsafe.Pointer(&mem[0])
	t := time.Now()
	for i := 0; i < n; i++ {
		if madvise(p, 4096, 0) != 0 {
			panic("madvise")
		}
	}
	fmt.Printf("runtime.madvise: %.0f ns/call\n", float64(time.Since(t).Nanoseconds())/float64(n))
}
