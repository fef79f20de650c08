// A cgo test program for the gosyms unit tests (built plain and stripped).
package main

// static int gm_add(int a, int b) { return a + b; }
import "C"

import (
	"fmt"
	"os"
)

//go:noinline
func work(n int) int {
	return int(C.gm_add(C.int(n), 1))
}

func main() { // GM_MAIN_LINE
	fmt.Println(work(len(os.Args)))
}
