// Command steadyleak is a long-running cgo service that leaks C memory at a steady rate, for
// trying `gomemtrace attach` (and for its accuracy test, tests/e2e/attach_window.sh).
//
// Every -every it calls into C, which mallocs -leak bytes and never frees them, and which also
// keeps a ring of -ring balanced blocks: each call frees the oldest and mallocs a new one, so
// blocks allocated before a window are freed inside it. After each leak it writes one line to
// -log (or stdout):
//
//	LEAK mono_ns=N bytes=N
//
// mono_ns: CLOCK_MONOTONIC (the clock of LTTng-UST's events) read in C right after the
// leaking malloc returned; bytes: everything leaked so far. It runs until SIGINT/SIGTERM (or
// -for, or -n leaks), then exits 0.
package main

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING_MAX 4096
static void *ring[RING_MAX];
static int ring_next;

// leak_one: malloc(n) never freed (touched, so it is resident); one ring block replaced.
// Returns CLOCK_MONOTONIC ns just after the leaking malloc.
static __attribute__((noinline)) uint64_t leak_one(size_t n, int ring_len)
{
	void *p = malloc(n);
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (p)
		memset(p, 0x5a, n);
	if (ring_len > RING_MAX)
		ring_len = RING_MAX;
	if (ring_len > 0) {
		int i = ring_next++ % ring_len;
		free(ring[i]);
		ring[i] = malloc(256 + (size_t)(i % 7) * 64);
	}
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}
*/
import "C"

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var (
	every   = flag.Duration("every", 10*time.Millisecond, "time between two leaks")
	leak    = flag.Int("leak", 16384, "bytes leaked each time")
	ringLen = flag.Int("ring", 512, "balanced blocks kept live (each leak replaces one)")
	logPath = flag.String("log", "", "where the LEAK lines go (default stdout)")
	runFor  = flag.Duration("for", 0, "stop after this long (0: until SIGINT/SIGTERM)")
	count   = flag.Int("n", 0, "stop after this many leaks (0: no such limit)")
)

func main() {
	flag.Parse()
	out := os.Stdout
	if *logPath != "" {
		f, err := os.Create(*logPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "steadyleak:", err)
			os.Exit(2)
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	var end <-chan time.Time
	if *runFor > 0 {
		end = time.After(*runFor)
	}
	tick := time.NewTicker(*every)
	defer tick.Stop()
	var total int64
	for {
		select {
		case <-stop:
			return
		case <-end:
			return
		case <-tick.C:
			t := C.leak_one(C.size_t(*leak), C.int(*ringLen))
			total += int64(*leak)
			fmt.Fprintf(w, "LEAK mono_ns=%d bytes=%d\n", uint64(t), total)
			w.Flush()
			if *count > 0 && total >= int64(*count)*int64(*leak) {
				return
			}
		}
	}
}
