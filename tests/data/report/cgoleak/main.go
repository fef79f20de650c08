// cgoleak: report test scenario (tests/e2e/report_leak.sh). main.leakC leaks exactly
// 40 blocks of 65536 bytes through C.malloc (never freed) = 2621440 bytes; main.churnC
// allocates and frees 1000 blocks (must not be reported); main.growC grows one block with
// realloc from 16 bytes to 1 MiB and frees it (a realloc chain, not a leak); main.keepC
// reallocs a block to 3 MiB and keeps it (attributed to its original malloc in keepC).
// An optional duration argument makes it sleep across sampler ticks.
package main

/*
#include <stdlib.h>
static void *leak_block(size_t n) { return malloc(n); }
static void *volatile sink;
static void churn(int n) { for (int i = 0; i < n; i++) { sink = malloc(100 + i); free(sink); } }
static void *keep_block(void) { void *p = malloc(64); sink = p; return realloc(p, 3u << 20); }
static void grow(void) {
	void *p = malloc(16);
	for (size_t n = 32; n <= (1u << 20); n *= 2) p = realloc(p, n);
	free(p);
}
*/
import "C"
import (
	"fmt"
	"os"
	"time"
)

var keep []uintptr

//go:noinline
func leakC(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, uintptr(C.leak_block(65536)))
	}
}

//go:noinline
func churnC() { C.churn(1000) }

//go:noinline
func growC() { C.grow() }

var kept uintptr

//go:noinline
func keepC() { kept = uintptr(C.keep_block()) }

func main() {
	leakC(40)
	churnC()
	growC()
	keepC()
	if len(os.Args) > 1 {
		d, _ := time.ParseDuration(os.Args[1])
		time.Sleep(d)
	}
	fmt.Println("ok")
}
