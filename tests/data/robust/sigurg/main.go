// sigurg: Go's asynchronous preemption (SIGURG) arriving while threads are inside the
// preload's hooks: goroutines that spin (and so get preempted) beside goroutines that call
// C malloc/free in a loop. Prints a deterministic line; any crash or hang fails the test.
package main

/*
#include <stdlib.h>
static unsigned churn(int n) {
	unsigned s = 0;
	for (int i = 0; i < n; i++) {
		char *p = malloc(32 + (i % 512));
		p[0] = (char)i;
		s += (unsigned char)p[0];
		free(p);
	}
	return s;
}
*/
import "C"

import (
	"fmt"
	"sync"
	"time"
)

func spin(stop *int32, out *uint64) {
	var x uint64
	for *(*int32)(stop) == 0 {
		x++
	}
	*out = x
}

func main() {
	var wg sync.WaitGroup
	var stop int32
	spins := make([]uint64, 2)
	for i := range spins {
		go spin(&stop, &spins[i])
	}
	sums := make([]uint32, 4)
	deadline := time.Now().Add(1500 * time.Millisecond)
	for i := range sums {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				sums[i] += uint32(C.churn(200))
			}
		}(i)
	}
	wg.Wait()
	stop = 1
	fmt.Println("sigurg done", len(sums))
}
