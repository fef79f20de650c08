/* config.h: the tracer's settings, read once from GOMEMTRACE_* environment variables.
 * Written only in the constructor (single-threaded): by gm_config_load(), and init.c turns
 * batches off for a Go program without the Go trap; read-only after. */
#ifndef GM_CONFIG_H
#define GM_CONFIG_H
#include <stdbool.h>
#include <stdint.h>

#define GM_STACK_DEPTH_MAX 128

struct gm_config {
	uint32_t stack_depth;        /* GOMEMTRACE_STACK_DEPTH: frames per stack (0..128, default 48) */
	uint32_t sample_interval_ms; /* GOMEMTRACE_SAMPLE_MS: sampler period (0 = no sampler; default 1000) */
	bool free_stacks;            /* GOMEMTRACE_FREE_STACKS: stacks on free() too (default 0) */
	bool go_trap;                /* GOMEMTRACE_GO_TRAP: catch the Go runtime's raw syscalls (default 1) */
	bool trace_malloc;           /* "malloc" in GOMEMTRACE_FAMILIES (default all) */
	bool trace_mmap;             /* "mmap" in GOMEMTRACE_FAMILIES: mmap, munmap, mremap, mprotect */
	bool trace_madvise;          /* "madvise" in GOMEMTRACE_FAMILIES */
	bool go_chunks;              /* GOMEMTRACE_GO_CHUNKS: per-chunk page states in samples (default 1) */
	bool debug;                  /* GOMEMTRACE_DEBUG: diagnostics on stderr (default 0) */
	uint64_t sample_bytes;       /* GOMEMTRACE_SAMPLE_BYTES: mean bytes between sampled C allocations,
				      * 0 = record every allocation (default 0 for now) */
	uint32_t batch;              /* GOMEMTRACE_BATCH: records per gomemtrace:alloc_batch (0 or 1: one
				      * event per call; default 128, at most GM_BATCH_MAX) */
	uint64_t sample_big;         /* GOMEMTRACE_SAMPLE_BIG: allocations of this size or more are
				      * always recorded (default 1 MiB) */
};

/* The settings; written in the constructor only (gm_config_load, and init.c clears .batch). */
extern struct gm_config gm_config;

void gm_config_load(void);
/* Print a one-line diagnostic "gomemtrace: ..." on stderr without allocating
 * (async-signal-safe; used for the few warnings the tracer ever prints). */
void gm_config_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
