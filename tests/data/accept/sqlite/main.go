// sqlite: the heaptrack-agreement workload (tests/e2e/accept_heaptrack.sh, docs/accuracy.md).
// A realistic cgo program over Debian's mattn/go-sqlite3 and the system libsqlite3: an in-memory
// database filled with rows, indexed and queried, that leaks C memory three ways so the C bytes
// live at exit are large (tens of MiB) and known in order of magnitude:
//   - the database itself is never closed: SQLite's page cache and schema stay allocated;
//   - prepared statements are never closed (database/sql keeps them, SQLite never finalizes them);
//   - sqlite3_malloc called directly through cgo, never sqlite3_free'd.
//
// Everything else (query results, transactions) is freed. A scratch table is dropped, but its
// pages stay in the in-memory database (SQLite's freelist), so they count as leaked too.
// The program returns from main (the Go runtime then calls exit_group without running libc's
// atexit handlers; see -libc-exit). Prints one "accept-sqlite:" line; the counts are deterministic.
package main

/*
#cgo LDFLAGS: -lsqlite3
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// libc_exit: leave through libc's exit(), which runs atexit handlers and destructors.
static void libc_exit(int status) { exit(status); }

// leak_blocks: n blocks of size bytes from sqlite3_malloc, written (so they are resident) and
// never freed; returns how many were allocated.
static int leak_blocks(int n, int size) {
	int got = 0;
	for (int i = 0; i < n; i++) {
		void *p = sqlite3_malloc(size);
		if (!p)
			break;
		memset(p, i & 0xff, (size_t)size);
		got++;
	}
	return got;
}
*/
import "C"

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"strings"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	rows := flag.Int("rows", 40000, "rows inserted into the table that stays (page cache leak)")
	leakN := flag.Int("leak-blocks", 640, "blocks leaked with sqlite3_malloc")
	leakSize := flag.Int("leak-size", 32768, "size of each sqlite3_malloc block")
	stmts := flag.Int("stmts", 200, "prepared statements never closed")
	libcExit := flag.Bool("libc-exit", false, "leave through libc exit() (heaptrack writes its last buffer then)")
	flag.Parse()

	db, err := sql.Open("sqlite3", "file:accept?mode=memory&cache=shared")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	must(db.Exec(`PRAGMA cache_size = -1000000`)) // keep every page of the in-memory db in C memory
	must(db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, note TEXT)`))
	must(db.Exec(`CREATE TABLE scratch (id INTEGER PRIMARY KEY, blob TEXT)`))
	pad := strings.Repeat("x", 400)
	const batch = 2000
	for i := 0; i < *rows; i += batch {
		tx, err := db.Begin()
		if err != nil {
			log.Fatal(err)
		}
		st, err := tx.Prepare(`INSERT INTO t (name, grp, note) VALUES (?, ?, ?)`)
		if err != nil {
			log.Fatal(err)
		}
		sc, err := tx.Prepare(`INSERT INTO scratch (blob) VALUES (?)`)
		if err != nil {
			log.Fatal(err)
		}
		for j := i; j < i+batch && j < *rows; j++ {
			must(st.Exec(fmt.Sprintf("name-%d", j), j%97, fmt.Sprintf("%d %s", j, pad)))
			must(sc.Exec(pad))
		}
		st.Close()
		sc.Close()
		if err := tx.Commit(); err != nil {
			log.Fatal(err)
		}
	}
	must(db.Exec(`CREATE INDEX t_grp ON t (grp)`))
	n := 0
	for g := 0; g < 97; g++ {
		r, err := db.Query(`SELECT name, note FROM t WHERE grp = ? ORDER BY id DESC LIMIT 100`, g)
		if err != nil {
			log.Fatal(err)
		}
		for r.Next() {
			var name, note string
			if err := r.Scan(&name, &note); err != nil {
				log.Fatal(err)
			}
			n++
		}
		r.Close()
	}
	must(db.Exec(`DROP TABLE scratch`))
	// leak 2: prepared statements nobody closes
	var keep []*sql.Stmt
	for i := 0; i < *stmts; i++ {
		st, err := db.Prepare(fmt.Sprintf(`SELECT name, note, %d FROM t WHERE grp = ? AND id > ? ORDER BY id`, i))
		if err != nil {
			log.Fatal(err)
		}
		keep = append(keep, st)
	}
	// leak 3: sqlite3_malloc through cgo
	got := int(C.leak_blocks(C.int(*leakN), C.int(*leakSize)))
	fmt.Printf("accept-sqlite: rows=%d read=%d stmts=%d leaked_blocks=%d leaked_bytes=%d\n",
		*rows, n, len(keep), got, got**leakSize)
	// leak 1: db is never closed.
	// Returning from main, the Go runtime leaves with exit_group and runs no atexit handler or
	// destructor: heaptrack writes its last buffer only from its destructor, so the last
	// allocations would be missing from its file. gomemtrace catches exit_group itself.
	if *libcExit {
		C.libc_exit(0)
	}
}

func must(_ sql.Result, err error) {
	if err != nil {
		log.Fatal(err)
	}
}
