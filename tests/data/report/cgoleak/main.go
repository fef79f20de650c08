// cgoleak: report test scenario (tests/e2e/report_leak.sh). main.leakC leaks exactly
// 40 blocks of 65536 bytes through C.malloc (never freed) = 2621440 bytes; main.churnC
// allocates and frees 1000 blocks (must not be reported); main.growC reallocs one block
// from 16 bytes up to 1 MiB and frees it (realloc chain, not a leak); one free of a
// pointer the tracer never saw (malloc'd before... no: a pointer from a static buffer is
// not freeable, so none is made here). Then it sleeps across two sampler ticks.
package main

/*
#include <stdlib.h>
static void *leak_block(size_t n) { return malloc(n); }
static void churn(int n) { for (int i = 0; i < n; i++) free(malloc(100 + i)); }
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

func main() {
	leakC(40)
	churnC()
	growC()
	if len(os.Args) > 1 {
		d, _ := time.ParseDuration(os.Args[1])
		time.Sleep(d)
	}
	fmt.Println("ok")
}
