// trap: the Go program of the Go-trap tests (tests/e2e/trap_*.sh). One mode per run:
//
//	release  grow the heap by 320 MiB, drop it, debug.FreeOSMemory(); print (stderr) the
//	         runtime's own /memory/classes/heap/released:bytes before and after; exit 3
//	notify   signal.Notify(SIGTRAP), then C kill(getpid(), SIGTRAP): the notification arrives
//	chandler C code installs its own SIGTRAP handler (sigaction, then signal) and raises
//	         SIGTRAP: the handler runs, and sigaction reports it back as installed
//	exec     os/exec runs this program again (mode release) with a scrubbed environment
//	exec-env the same with the environment kept (LD_PRELOAD included: the child is traced)
//	fork     C fork(): the child mallocs, writes and _exits(7); the parent sees status 7
//	int3     C code executes int3 (a SIGTRAP that is not the tracer's): the runtime throws
//
// stdout carries only deterministic lines, so traced and untraced runs can be compared.
package main

/*
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile sig_atomic_t c_hits;
static void c_handler(int sig, siginfo_t *si, void *uc) { (void)si; (void)uc; if (sig == SIGTRAP) c_hits++; }
static void c_plain(int sig) { if (sig == SIGTRAP) c_hits += 100; }

static void c_int3(void) { __asm__ volatile("int3"); }

static int send_trap(void) { return kill(getpid(), SIGTRAP); }

// 0 on success, else the number of the failed check.
static int c_own_handler(void) {
	struct sigaction act, old, cur;
	memset(&act, 0, sizeof act);
	act.sa_sigaction = c_handler;
	act.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&act.sa_mask);
	if (sigaction(SIGTRAP, &act, &old) != 0) return 1;
	if (raise(SIGTRAP) != 0) return 2;
	if (c_hits != 1) return 3;
	if (sigaction(SIGTRAP, NULL, &cur) != 0) return 4;
	if (cur.sa_sigaction != c_handler || !(cur.sa_flags & SA_SIGINFO)) return 5;
	void (*prev)(int) = signal(SIGTRAP, c_plain);
	if (prev != (void (*)(int))c_handler) return 6;
	if (raise(SIGTRAP) != 0) return 7;
	if (c_hits != 101) return 8;
	if (sigaction(SIGTRAP, &old, NULL) != 0) return 9; // give the Go runtime its handler back
	return 0;
}

// The child's exit status (or -1).
static int c_fork(void) {
	pid_t p = fork();
	if (p < 0) return -1;
	if (p == 0) {
		char *m = malloc(1 << 20);
		if (!m) _exit(1);
		memset(m, 1, 1 << 20);
		free(m);
		static const char msg[] = "child: hello\n";
		if (write(1, msg, sizeof msg - 1) != sizeof msg - 1) _exit(2);
		_exit(7);
	}
	int st;
	if (waitpid(p, &st, 0) != p) return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"time"
)

// released returns the heap's released bytes and all the memory the runtime has mapped
// (/memory/classes/total): a heap growth adds to both without any madvise (mheap.grow counts new
// memory released), so the caller subtracts the growth of the second.
func released() (uint64, uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}, {Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

var sink [][]byte

func release() {
	debug.SetGCPercent(-1) // no GC (nor its scavenging) while the heap grows
	for i := 0; i < 40; i++ {
		b := make([]byte, 8<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(j)
		}
		sink = append(sink, b)
	}
	before, mappedBefore := released()
	sink = nil
	debug.FreeOSMemory()
	after, mappedAfter := released()
	fmt.Fprintf(os.Stderr, "released_before=%d released_after=%d mapped_before=%d mapped_after=%d\n",
		before, after, mappedBefore, mappedAfter)
	fmt.Println("release: done")
}

func main() {
	mode := "release"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "release":
		release()
		os.Exit(3)
	case "notify":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTRAP)
		if C.send_trap() != 0 {
			fmt.Println("notify: kill failed")
			os.Exit(1)
		}
		select {
		case s := <-ch:
			fmt.Println("notify: got", s)
		case <-time.After(20 * time.Second):
			fmt.Println("notify: no notification")
			os.Exit(1)
		}
		release()
	case "chandler":
		runtime.LockOSThread()
		if r := C.c_own_handler(); r != 0 {
			fmt.Println("chandler: check", r, "failed")
			os.Exit(1)
		}
		fmt.Println("chandler: ok")
		release()
	case "exec", "exec-env":
		self, err := os.Executable()
		if err != nil {
			fmt.Println("exec: error", err)
			os.Exit(1)
		}
		cmd := exec.Command(self, "release")
		if mode == "exec" {
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
		}
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			fmt.Println("exec: error", err)
			os.Exit(1)
		}
		fmt.Printf("exec: child said %q, status %d\n", out, code)
		release()
	case "fork":
		st := C.c_fork()
		fmt.Println("fork: child status", st)
		release()
	case "int3":
		fmt.Println("int3: now")
		C.c_int3()
		fmt.Println("int3: survived")
	default:
		fmt.Println("unknown mode", mode)
		os.Exit(2)
	}
}
