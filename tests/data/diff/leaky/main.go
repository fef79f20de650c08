// leaky: the program of tests/e2e/diff.sh, recorded as BASE and NEW of `gomemtrace diff`. It
// does C work through cgo that frees everything (main.churnC), makes some Go garbage, and
// leaks LEAKY_MIB MiB of C memory (environment; default 0) in 64 KiB blocks from
// main.leakC. Built with -tags leak, main.leakMore leaks 8 MiB more (a build that leaks);
// with -tags pad, a_pad.go adds code before the rest and a cgo preamble of its own, so that
// the same functions sit at other addresses and cgo's per-build name prefix changes (two
// builds of the same code). Prints "leaked=BYTES" (what main.leakC and main.leakMore keep).
package main

/*
#include "leaky.h"
*/
import "C"
import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

const block = 64 << 10

var (
	kept   []uintptr // the leaked blocks, reachable so the program is honest about them
	leaked int       // their bytes
	sink   []byte    // Go garbage's last piece
)

//go:noinline
func leakC(bytes int) {
	for n := 0; n+block <= bytes; n += block {
		kept = append(kept, uintptr(C.leaky_block(block)))
		leaked += block
	}
}

//go:noinline
func churnC() { C.leaky_churn(2000) }

//go:noinline
func goWork() {
	for i := 0; i < 200; i++ {
		sink = make([]byte, 16<<10)
		sink[i%len(sink)] = byte(i)
	}
}

func main() {
	mib, _ := strconv.Atoi(os.Getenv("LEAKY_MIB"))
	churnC()
	leakC(mib << 20)
	extra()
	goWork()
	runtime.GC()
	fmt.Printf("leaked=%d\n", leaked)
}
