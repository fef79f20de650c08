// Command children starts children: twice itself with os/exec (once with its environment,
// which carries the tracer when it is traced, once with LD_PRELOAD and GOMEMTRACE_* removed)
// and once a plain fork() from C whose child mallocs, frees and _exits. The os/exec children
// leak 2 MiB of C memory under main.childLeak. Everything must work the same traced or not;
// the child with the tracer's environment is traced (its leak found), the other is not. The
// parent prints one ground-truth line (examples/README.md):
//
//	GOMEMTRACE_TRUTH children_ok=N child_traced_pid=N child_bare_pid=N child_bare_preload=none ...
package main

/*
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

// children_fork forks; the child mallocs, frees and _exits 0; returns the child's exit
// status (or -1).
static int children_fork(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *p = malloc(100);
		if (p)
			p[0] = 1;
		free(p);
		_exit(p ? 0 : 1);
	}
	if (pid < 0)
		return -1;
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"gomemtrace/examples/internal/truth"
	"os"
	"os/exec"
	"strings"
)

// ---- flags and state (main goroutine only) ----

var (
	child    = flag.Bool("child", false, "be a child: leak, print a line, exit 0")
	leakMiB  = flag.Int("leak-mib", 2, "MiB a child leaks in 64 KiB C blocks")
	leakKeep []unsafePointer // the child's leak, kept reachable
)

// unsafePointer keeps leaked C blocks reachable from Go (so nothing looks collectable).
type unsafePointer = *C.char

// ---- the child ----

// childLeak mallocs n MiB in 64 KiB C blocks and never frees them.
//
//go:noinline
func childLeak(n int) {
	for i := 0; i < n*16; i++ {
		p := (*C.char)(C.malloc(64 << 10))
		*p = 1
		leakKeep = append(leakKeep, p)
	}
}

func runChild() {
	childLeak(*leakMiB)
	preload := os.Getenv("LD_PRELOAD")
	if preload == "" {
		preload = "none"
	} else {
		preload = "set"
	}
	fmt.Printf("pid=%d preload=%s\n", os.Getpid(), preload)
}

// ---- the parent ----

// start runs this program with -child and env (nil = inherit); returns its pid and output.
func start(env []string) (int, string, error) {
	cmd := exec.Command("/proc/self/exe", "-child", fmt.Sprintf("-leak-mib=%d", *leakMiB))
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return 0, "", err
	}
	return cmd.ProcessState.Pid(), strings.TrimSpace(string(out)), nil
}

// bareEnv is the environment without the tracer's variables.
func bareEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LD_PRELOAD=") || strings.HasPrefix(kv, "GOMEMTRACE_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// ---- main ----

func main() {
	flag.Parse()
	if *child {
		runChild()
		return
	}
	ok := 0
	tracedPid, _, err := start(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "children: child with the environment:", err)
		os.Exit(1)
	}
	ok++
	barePid, bareOut, err := start(bareEnv())
	if err != nil {
		fmt.Fprintln(os.Stderr, "children: child without the tracer:", err)
		os.Exit(1)
	}
	ok++
	barePreload := "unknown"
	if i := strings.Index(bareOut, "preload="); i >= 0 {
		barePreload = bareOut[i+len("preload="):]
	}
	if st := C.children_fork(); st == 0 {
		ok++
	} else {
		fmt.Fprintln(os.Stderr, "children: forked child exited", st)
		os.Exit(1)
	}
	fmt.Printf("children: %d children exited 0\n", ok)
	truth.Print(fmt.Sprintf("children_ok=%d child_traced_pid=%d child_bare_pid=%d child_bare_preload=%s ",
		ok, tracedPid, barePid, barePreload))
}
