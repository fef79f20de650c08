/* schema.h: constants shared by the tracer (preload/) and the reader (tools/).
 *
 * The events themselves are defined once, in gomemtrace/tp.h; this header holds the
 * enumerations their integer fields carry, so both sides read them from one place.
 * docs/events.md describes every event and field for people. */
#ifndef GOMEMTRACE_SCHEMA_H
#define GOMEMTRACE_SCHEMA_H

/* ---- provider ---------------------------------------------------------------- */
#define GM_PROVIDER "gomemtrace"
#define GM_SCHEMA_VERSION 2 /* 2: sample.final became sample.kind; bumped when a field changes meaning; new fields don't bump it */

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
	GM_GOHEAP_UNTRUSTED = 2, /* bitmaps found, but they failed the self-check (proc_info
				  * go_heap_check_*): an untested runtime layout, no figures */
};

/* ---- Go versions ------------------------------------------------------------------ */
/* The newest Go minor version whose runtime the tracer was checked against (docs/go-runtime.md):
 * the reader warns about a newer one. */
#define GM_GO_NEWEST_KNOWN_MINOR 27

/* ---- `kind` field of gomemtrace:sample: why the sample was taken ------------------ */
enum gm_sample_kind {
	GM_SAMPLE_PERIODIC = 0,  /* the sampler thread, every GOMEMTRACE_SAMPLE_MS */
	GM_SAMPLE_EXIT = 1,      /* at exit (exit(), _exit(), the Go runtime's exit_group) */
	GM_SAMPLE_REQUESTED = 2, /* the program called gomemtrace_sample_now() */
	GM_SAMPLE_BASELINE = 3,  /* the sampler thread's first, as it starts (before the program's main) */
	GM_SAMPLE_MOVED = 4,     /* memory moved fast since the last sample (docs/events.md, "Samples") */
	GM_SAMPLE_KINDS = 5,     /* number of kinds */
};

/* ---- gomemtrace:alloc_batch records (docs/events.md, "Batches") ------------------ */
/* A batch holds `nwords / GM_BATCH_WORDS` records of GM_BATCH_WORDS 64-bit words each:
 *   [0] ts: CLOCK_MONOTONIC ns when the call happened (the clock of LTTng-UST's events:
 *       their "cycles", at 1 GHz), taken after malloc returned / before free ran
 *   [1] ptr: the block
 *   [2] size | kind << GM_BATCH_KIND_SHIFT (size: bytes; calloc: nmemb * size; free: who freed
 *       it, enum gm_freer)
 *   [3] stack id (gomemtrace:stack), 0: no stack (free without GOMEMTRACE_FREE_STACKS)
 * Only successful malloc/calloc calls and frees of recorded blocks are batched; everything
 * else (failures, realloc, the aligned family) is an event of its own. */
#define GM_BATCH_WORDS 4
#define GM_BATCH_KIND_SHIFT 56
#define GM_BATCH_SIZE_MASK ((1ULL << GM_BATCH_KIND_SHIFT) - 1)
enum gm_batch_kind {
	GM_BATCH_MALLOC = 1,  /* malloc(size) = ptr */
	GM_BATCH_CALLOC = 2,  /* calloc(nmemb, size) = ptr; size holds nmemb * size */
	GM_BATCH_FREE = 3,    /* free(ptr) */
	/* A block freed by the same thread while its malloc/calloc record was still in the
	 * buffer: the free is folded into that record (no record, no time stamp of its own; no
	 * other thread can touch the block in between, and no flush, hence no sample, falls
	 * between the two). Not done with GOMEMTRACE_FREE_STACKS=1. */
	GM_BATCH_MALLOC_FREED = 4, /* malloc(size) = ptr, then free(ptr) */
	GM_BATCH_CALLOC_FREED = 5, /* calloc, then free */
};
#define GM_BATCH_MAX 256      /* most records in one batch (GOMEMTRACE_BATCH's upper bound) */

/* Who freed a block: gomemtrace:free's `freer` field, and the size word of a GM_BATCH_FREE
 * record (docs/events.md). */
enum gm_freer {
	GM_FREER_OTHER = 0,      /* any code but the two below (or not known) */
	GM_FREER_FINALIZER = 1,  /* C called from the finalizer goroutine (runtime.runfinq, from
				    Go 1.25 runtime.runFinalizers: Go finalizers; in Go 1.24 also
				    runtime.AddCleanup's cleanups) */
	GM_FREER_CLEANUP = 2,    /* C called from a cleanup goroutine (runtime.runCleanups, Go 1.25+) */
};

/* ---- geometry of the Go heap (amd64, Go 1.19-1.23; see docs/go-runtime.md) -------- */
#define GM_GO_PAGE_SIZE 8192ULL                   /* runtime pageSize */
#define GM_GO_CHUNK_BYTES (4ULL << 20)            /* pallocChunkBytes: 512 pages */
#define GM_GO_CHUNK_PAGES 512                     /* pages per chunk */
#define GM_GO_ARENA_BYTES (64ULL << 20)           /* heapArenaBytes */
#define GM_GO_ARENA_BASE_OFFSET 0xffff800000000000ULL /* arenaBaseOffset on amd64 */

#endif /* GOMEMTRACE_SCHEMA_H */
