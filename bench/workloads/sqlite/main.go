// sqlite: bench workload (c), a realistic cgo program: Debian's mattn/go-sqlite3 over the system
// libsqlite3, an in-memory database filled with rows in transactions, indexed and queried.
// SQLite allocates through malloc; database/sql allocates on the Go heap. Prints one "gm-bench:"
// line.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	rows := flag.Int("rows", 150000, "rows inserted")
	flag.Parse()
	start := time.Now()
	db, err := sql.Open("sqlite3", "file:bench?mode=memory&cache=shared")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	must(db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, val REAL, note TEXT)`))
	const batch = 5000
	for i := 0; i < *rows; i += batch {
		tx, err := db.Begin()
		if err != nil {
			log.Fatal(err)
		}
		st, err := tx.Prepare(`INSERT INTO t (name, grp, val, note) VALUES (?, ?, ?, ?)`)
		if err != nil {
			log.Fatal(err)
		}
		for j := i; j < i+batch && j < *rows; j++ {
			must(st.Exec(fmt.Sprintf("name-%d", j), j%97, float64(j)*0.5,
				fmt.Sprintf("note %d %x", j, j*7919)))
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			log.Fatal(err)
		}
	}
	must(db.Exec(`CREATE INDEX t_grp ON t (grp)`))
	var n, groups int
	var sum float64
	for g := 0; g < 97; g++ {
		r, err := db.Query(`SELECT name, val FROM t WHERE grp = ? ORDER BY val DESC LIMIT 200`, g)
		if err != nil {
			log.Fatal(err)
		}
		for r.Next() {
			var name string
			var v float64
			if err := r.Scan(&name, &v); err != nil {
				log.Fatal(err)
			}
			n++
			sum += v
		}
		r.Close()
		groups++
	}
	must(db.Exec(`DELETE FROM t WHERE grp % 2 = 0`))
	db.Close()
	report(start, fmt.Sprintf("rows=%d read=%d groups=%d", *rows, n, groups))
	_ = sum
}

func must(_ sql.Result, err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// report prints the line the bench driver parses: work-loop ns, own CPU ns, own peak RSS KiB.
func report(start time.Time, extra string) {
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := ru.Utime.Nano() + ru.Stime.Nano()
	fmt.Printf("gm-bench: work_ns=%d cpu_ns=%d maxrss_kb=%d %s\n", el.Nanoseconds(), cpu, ru.Maxrss, extra)
}
