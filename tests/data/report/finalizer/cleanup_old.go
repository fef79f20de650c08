//go:build !go1.24

package main

import "runtime"

// Before Go 1.24 there is no AddCleanup: a finalizer stands for it.
func addCleanup(o *Obj) { runtime.SetFinalizer(o, func(o *Obj) { freeC(o.p, o.n) }) }
