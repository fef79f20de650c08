// cchurn: bench workload (a), the worst case for a malloc tracer: Go calls into C through cgo,
// and every call mallocs and frees a few small blocks. Prints its own work-loop time, CPU and
// peak RSS on stdout for the bench driver (one "gm-bench:" line).
package main

/*
#include <stdlib.h>
#include <string.h>

// gm_bench_churn: malloc n blocks of varying small sizes, touch them, free them.
static unsigned long gm_bench_churn(unsigned long seed, int n)
{
	void *p[8];
	unsigned long sum = 0;
	for (int i = 0; i < n && i < 8; i++) {
		size_t sz = 16 + ((seed * 2654435761u + (unsigned long)i * 40503u) % 1008);
		p[i] = malloc(sz);
		if (p[i]) {
			memset(p[i], (int)i, 8);
			sum += ((unsigned char *)p[i])[0];
		}
	}
	for (int i = 0; i < n && i < 8; i++)
		free(p[i]);
	return sum;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"syscall"
	"time"
)

func main() {
	iters := flag.Int("n", 1500000, "cgo calls")
	per := flag.Int("per", 4, "malloc/free pairs per cgo call (max 8)")
	flag.Parse()
	start := time.Now()
	var sum uint64
	for i := 0; i < *iters; i++ {
		sum += uint64(C.gm_bench_churn(C.ulong(i), C.int(*per)))
	}
	report(start, fmt.Sprintf("calls=%d pairs=%d sum=%d", *iters, *iters**per, sum))
}

// report prints the line the bench driver parses: work-loop ns, own CPU ns, own peak RSS KiB.
func report(start time.Time, extra string) {
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := ru.Utime.Nano() + ru.Stime.Nano()
	fmt.Printf("gm-bench: work_ns=%d cpu_ns=%d maxrss_kb=%d %s\n", el.Nanoseconds(), cpu, ru.Maxrss, extra)
}
