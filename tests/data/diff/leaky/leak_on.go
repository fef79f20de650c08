//go:build leak

// leak_on.go: the build that leaks 8 MiB more, from main.leakMore (see main.go).
package main

/*
#include "leaky.h"
*/
import "C"

//go:noinline
func leakMore(bytes int) {
	for n := 0; n+block <= bytes; n += block {
		kept = append(kept, uintptr(C.leaky_block(block)))
		leaked += block
	}
}

func extra() { leakMore(8 << 20) }
