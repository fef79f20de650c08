// sqlitefin: a real Debian-packaged cgo binding whose C memory Go finalizers free: mattn's
// go-sqlite3 (golang-github-mattn-go-sqlite3-dev, over the system libsqlite3) sets a finalizer
// on every prepared statement that calls sqlite3_finalize. Used as a forgetful user would:
// PASSES passes of STMTS statements prepared and never closed; after every GC_EVERY-th pass
// the GC runs and the program waits until the finalizer goroutine has run that cycle's
// finalizers (a sentinel object of the next cycle has been finalized: the finalizer goroutine
// runs one cycle's queue before the next's), so the backlog is known: the statements of
// GC_EVERY passes at most; the last pass's still waiting at the end
// (tests/e2e/report_finalizer.sh).
package main

import (
	"database/sql/driver"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

func env(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// gcAndWait runs the GC, then waits until the finalizers it queued have run.
func gcAndWait() {
	runtime.GC()
	done := make(chan struct{})
	s := new([16]byte)
	runtime.SetFinalizer(s, func(*[16]byte) { close(done) })
	s = nil
	for {
		runtime.GC()
		select {
		case <-done:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

var keep []driver.Stmt

func main() {
	passes, stmts, every := env("PASSES", 6), env("STMTS", 300), env("GC_EVERY", 3)
	c, err := (&sqlite3.SQLiteDriver{}).Open(":memory:")
	if err != nil {
		panic(err)
	}
	conn := c.(*sqlite3.SQLiteConn)
	cols := make([]string, 100)
	for i := range cols {
		cols[i] = fmt.Sprintf("%d * ? + length('%s')", i, strings.Repeat("x", i%50))
	}
	q := "SELECT " + strings.Join(cols, ", ")
	for pass := 1; pass <= passes; pass++ {
		keep = keep[:0]
		for i := 0; i < stmts; i++ {
			s, err := conn.Prepare(q)
			if err != nil {
				panic(err)
			}
			keep = append(keep, s) // never closed: its finalizer closes it
		}
		if pass%every == 0 && pass < passes {
			for i := range keep {
				keep[i] = nil
			}
			gcAndWait()
		}
	}
	fmt.Printf("GOMEMTRACE_TRUTH statements=%d waiting=%d\n", passes*stmts, len(keep))
}
