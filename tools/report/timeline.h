/* timeline.h: the model's series over time, one point per sample (docs/report-json.md,
 * "timeline"): what the sample read (RSS and its parts, the cgroup, glibc, the Go heap), what
 * the reader had rebuilt at that moment (live C bytes, and per stack: live bytes, live direct
 * mappings, bytes released by madvise) and each Go heap chunk's page states. Bounded: at most
 * GM_TL_MAX points (past that every second one is dropped and only every `stride`-th sample is
 * kept, the newest always), GM_TL_ROWS_MAX stacks and GM_TL_CHUNKS_MAX chunks, so the reader's
 * memory does not grow with the trace's length. A batched process's C-heap records come up to
 * 100 ms after the sample: a point's C part is filled when the queue has applied every record
 * stamped before it (gm_rep_tl_catch_up). Single-threaded: the reading thread only. */
#ifndef GM_REPORT_TIMELINE_H
#define GM_REPORT_TIMELINE_H
#include <stdint.h>

#define GM_TL_MAX 256           /* committed points, at most (one more: the newest sample) */
#define GM_TL_ROWS_MAX 2048     /* stacks with a series, at most */
#define GM_TL_CHUNKS_MAX 4096   /* Go heap chunks with a series (16 GiB of heap), at most */
#define GM_TL_NO_CHUNK 0xffffffffu /* a chunk cell: not part of the Go heap at that point */

struct gm_rep_model;
struct gm_rep_proc;
struct gm_rep_sample;

/* The sample's fields a point keeps (slots of gm_rep_tl_point.f). */
enum gm_tl_field {
	GM_TL_RSS, GM_TL_ANON, GM_TL_FILE, GM_TL_SHMEM, GM_TL_LAZYFREE, GM_TL_CGROUP, GM_TL_M_FREE,
	GM_TL_M_INUSE, GM_TL_GO_SOURCE, GM_TL_GO_INUSE, GM_TL_GO_FREE, GM_TL_GO_RELEASED, GM_TL_GO_RESIDENT,
	GM_TL_NF
};

/* One point: a sample, and the reader's state at its time. */
struct gm_rep_tl_point {
	uint64_t ts;            /* the sample event's time (ns from origin) */
	uint64_t seq;           /* the sample's number among the process's samples (0, 1, ...) */
	int8_t kind;            /* enum gm_sample_kind */
	uint8_t pending;        /* its C part waits for the records stamped before ts (batched) */
	int64_t f[GM_TL_NF];    /* the sample's fields (-1: unknown) */
	double c_live;          /* live C malloc bytes then (weighted when sampled) */
	/* set by the analysis (gm_rep_tl_analyze): */
	int64_t c_mmap;         /* live direct C mappings (the final split's rule) */
	int64_t go_other;       /* Go runtime metadata, stacks, other anonymous memory (-1: unknown) */
	uint64_t released[4];   /* bytes released by madvise up to ts, by trigger (GM_TRIG_COUNT) */
	double fin_live;        /* live bytes of the stacks Go finalizers/cleanups free (gm_rep_fin_paced) */
};

/* One stack's values at each point. */
struct gm_rep_tl_cell {
	double live;            /* live C malloc bytes allocated there (weighted when sampled) */
	uint64_t map;           /* live anonymous read/write mappings it made through libc */
	uint64_t madv;          /* bytes released by madvise there so far */
};
struct gm_rep_tl_row {
	uint32_t stack;         /* stack index in the process */
	struct gm_rep_tl_cell *cell; /* [GM_TL_MAX + 1], by point */
};

/* One Go heap chunk's page states at each point. */
struct gm_rep_tl_chunk {
	uint64_t base;          /* chunk base address */
	uint32_t *cell;         /* [GM_TL_MAX + 1]: in-use pages << 16 | released pages, or GM_TL_NO_CHUNK */
};

/* A process's timeline (allocated at its first sample). */
struct gm_rep_timeline {
	struct gm_rep_tl_point pt[GM_TL_MAX + 1]; /* committed points [0, n), then the newest at n */
	uint32_t n;             /* committed points */
	uint8_t tent;           /* pt[n] holds the newest sample (not committed yet) */
	uint64_t seen;          /* samples seen (that made a point) */
	uint64_t stride;        /* a sample is committed when its seq is a multiple of this */
	uint32_t pend;          /* no point before this one is pending */
	struct gm_rep_tl_row *rows; uint32_t nrows, caprows; /* per-stack series */
	int rows_full;          /* some stack got no row (GM_TL_ROWS_MAX) */
	struct gm_rep_tl_chunk *chunks; uint32_t nchunks, capchunks; /* per-chunk series */
	int chunks_full;        /* some chunk got no row (GM_TL_CHUNKS_MAX) */
};

/* A sample of p (after the model took it): a new point. */
void gm_rep_tl_sample(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_sample *s);
/* Fill the C part of p's pending points stamped at or before upto (the queue applied every
 * record stamped before them). */
void gm_rep_tl_catch_up(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t upto);
/* Points of p's timeline (committed and the newest). */
static inline uint32_t gm_rep_tl_points(const struct gm_rep_timeline *t) { return t ? t->n + t->tent : 0; }
/* The analysis: every point's derived figures (needs the stacks' classification). */
void gm_rep_tl_analyze(struct gm_rep_model *m, struct gm_rep_proc *p);
/* The row of stack idx, or NULL. */
const struct gm_rep_tl_row *gm_rep_tl_row_of(const struct gm_rep_proc *p, uint32_t idx);
void gm_rep_tl_free(struct gm_rep_timeline *t);
#endif
