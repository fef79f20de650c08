// A pure-Go test program for the gosyms unit tests (built static, stripped and as a PIE).
package main

import (
	"fmt"
	"os"
)

//go:noinline
func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i * i
	}
	return s
}

func main() { // GM_MAIN_LINE
	fmt.Println(work(len(os.Args) * 10))
}
