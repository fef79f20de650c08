//go:build go1.24

package main

import "runtime"

func addCleanup(o *Obj) {
	p, n := o.p, o.n
	runtime.AddCleanup(o, func(int) { freeC(p, n) }, 0)
}
