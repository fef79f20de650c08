//go:build pad

// a_pad.go: code that moves the rest (see main.go): its functions come first in the binary,
// and its cgo preamble changes cgo's per-build prefix of the C wrappers' names.
package main

/*
static int leaky_pad(int x) { return x * 3 + 1; }
*/
import "C"

var padSink int

//go:noinline
func padWork(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		switch i % 7 {
		case 0:
			s += i * 3
		case 1:
			s ^= i << 2
		case 2:
			s -= i / 3
		case 3:
			s += int(C.leaky_pad(C.int(i)))
		case 4:
			s *= 3
		case 5:
			s |= i
		default:
			s += len(padNames[i%len(padNames)])
		}
	}
	return s
}

var padNames = []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}

func init() { padSink = padWork(100) }
