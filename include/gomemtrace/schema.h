/* schema.h: constants shared by the tracer (preload/) and the reader (tools/).
 *
 * The events themselves are defined once, in gomemtrace/tp.h; this header holds the
 * enumerations their integer fields carry, so both sides read them from one place.
 * docs/events.md describes every event and field for people. */
#ifndef GOMEMTRACE_SCHEMA_H
#define GOMEMTRACE_SCHEMA_H

/* ---- provider ---------------------------------------------------------------- */
#define GM_PROVIDER "gomemtrace"
#define GM_SCHEMA_VERSION 1 /* bumped when a field changes meaning; new fields don't bump it */

/* ---- `origin` field: who issued the call -------------------------------------- */
enum gm_origin {
	GM_ORIGIN_LIBC = 0,   /* a call through libc that the preload interposed */
	GM_ORIGIN_GO_RAW = 1, /* a raw SYSCALL in the Go runtime, caught by the Go trap */
};

/* ---- `state` field of gomemtrace:trap_status ----------------------------------- */
enum gm_trap_state {
	GM_TRAP_OFF = 0,      /* disabled by GOMEMTRACE_GO_TRAP=0 */
	GM_TRAP_ARMED = 1,    /* syscall sites patched, handler installed */
	GM_TRAP_NOT_GO = 2,   /* the executable is not a Go program */
	GM_TRAP_NO_CGO = 3,   /* a Go program without cgo: its threads have no libc TLS, so no trap */
	GM_TRAP_FAILED = 4,   /* the kernel or the binary refused; `reason` says why */
	GM_TRAP_DISARMED = 5, /* was armed, then undone (e.g. a foreign handler replaced ours) */
};

/* ---- `source` field of gomemtrace:sample: where the Go page states came from ----- */
enum gm_goheap_source {
	GM_GOHEAP_NONE = 0,   /* not a Go program, or the page-allocator bitmaps were not found */
	GM_GOHEAP_BITMAP = 1, /* read from the runtime's page-allocator chunk bitmaps */
};

/* ---- geometry of the Go heap (amd64, Go 1.19-1.23; see docs/go-runtime.md) -------- */
#define GM_GO_PAGE_SIZE 8192ULL                   /* runtime pageSize */
#define GM_GO_CHUNK_BYTES (4ULL << 20)            /* pallocChunkBytes: 512 pages */
#define GM_GO_CHUNK_PAGES 512                     /* pages per chunk */
#define GM_GO_ARENA_BYTES (64ULL << 20)           /* heapArenaBytes */
#define GM_GO_ARENA_BASE_OFFSET 0xffff800000000000ULL /* arenaBaseOffset on amd64 */

#endif /* GOMEMTRACE_SCHEMA_H */
