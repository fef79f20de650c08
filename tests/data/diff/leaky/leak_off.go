//go:build !leak

// leak_off.go: the build that does not leak more (see main.go).
package main

func extra() {}
