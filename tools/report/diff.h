/* diff.h: `gomemtrace diff [options] BASE NEW`: two recordings of one program (before and after
 * a change, two builds, two versions) compared for a CI memory-regression gate. Each trace is
 * loaded and analyzed as `gomemtrace report` does (load.h, model.h); then, for the recorded
 * program of each: the memory split at the end per category, the findings, and the live C bytes
 * of every allocation stack, stacks matched by a key of their symbolized frames (function and
 * source file name, innermost first; never addresses or lines), so that two builds compare.
 * A delta counts only beyond max(absolute threshold, % of BASE's figure, k standard errors of
 * the difference of two sampled estimates); a counted growth of a gating check is a regression
 * (exit 1). Rules, defaults and their measurement: docs/diff.md; JSON: docs/diff-json.md.
 * Pieces: diff.c (command line, loading, process matching), diff_compare.c (the key, the
 * verdict, the comparison), diff_text.c (text and markdown), diff_json.c (JSON),
 * diff_pprof.c (the difference as a pprof profile). Single-threaded. */
#ifndef GM_REPORT_DIFF_H
#define GM_REPORT_DIFF_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/report/model.h"
#include "tools/report/symbolize.h"

/* ---- checks ---- */
/* What is compared, each with its name (options, outputs), thresholds and whether it gates.
 * The categories are one figure per process (struct gm_rep_result at the end of the trace). */
enum gm_diff_check {
	GM_DIFF_RSS = 0,                 /* RSS at the end */
	GM_DIFF_RSS_PEAK,                /* highest RSS sampled */
	GM_DIFF_C_HEAP_LIVE,             /* live C heap (sampled: an estimate with a standard error) */
	GM_DIFF_C_ALLOCATOR_RETAINED,    /* glibc's free bytes */
	GM_DIFF_C_MMAP,                  /* live anonymous C mappings (virtual) */
	GM_DIFF_GO_HEAP_IN_USE,          /* Go heap in use */
	GM_DIFF_GO_HEAP_FREE_RETAINED,   /* Go heap free, not returned */
	GM_DIFF_GO_HEAP_RELEASED,        /* Go heap returned to the OS */
	GM_DIFF_GO_HEAP_RESIDENT,        /* Go heap in RAM (in use and free pages touched, not released) */
	GM_DIFF_GO_HEAP_OBJECTS,         /* of the Go heap in use: live objects (the runtime's statistics) */
	GM_DIFF_GO_HEAP_UNUSED,          /* ... span fragmentation */
	GM_DIFF_GO_RUNTIME_OTHER,        /* anonymous RSS not attributed to the above */
	GM_DIFF_FILE,                    /* file-backed RSS */
	GM_DIFF_SHMEM,                   /* shared memory (LTTng's ring buffers included) */
	GM_DIFF_LAZYFREE,                /* MADV_FREE'd pages still counted in RSS */
	GM_DIFF_CGROUP,                  /* the memory cgroup's use at the end */
	GM_DIFF_CGROUP_PEAK,             /* its highest sampled use */
	GM_DIFF_LEAK_SUSPECTS,           /* live bytes of all leak suspects (sampled: estimate) */
	GM_DIFF_NCATS,                   /* number of categories */
	GM_DIFF_STACKS = GM_DIFF_NCATS,  /* each allocation stack's live C bytes, matched by key */
	GM_DIFF_FINDINGS,                /* each kind of finding present in NEW (its figure's thresholds) */
	GM_DIFF_NCHECKS                  /* number of checks */
};

/* When a delta counts: |delta| > bytes, > pct % of BASE's figure, and > k standard errors. */
struct gm_diff_limit {
	int64_t bytes;                   /* absolute threshold */
	double pct;                      /* relative threshold, % of BASE's figure */
};

/* The comparison's options (--gate, --threshold-bytes, --threshold-pct, --stderr-k, --top). */
struct gm_diff_opts {
	struct gm_diff_limit lim[GM_DIFF_NCHECKS]; /* per check (GM_DIFF_FINDINGS: unused) */
	double k;                        /* standard errors of the difference a delta must exceed */
	uint32_t gate;                   /* bit c: check c gates the exit status */
	int top;                         /* stacks listed per list (0: all) */
};

/* The defaults of docs/diff.md. */
void gm_diff_opts_default(struct gm_diff_opts *o);
/* "rss", "c_heap_live", ..., "stacks", "findings"; gm_diff_check_find: its index, -1 if none. */
const char *gm_diff_check_name(int check);
int gm_diff_check_find(const char *name, size_t len);

/* ---- verdicts ---- */
enum gm_diff_verdict {
	GM_DIFF_UNKNOWN = 0,             /* a side does not know the figure */
	GM_DIFF_WITHIN,                  /* |delta| within the bound: noise, or no change */
	GM_DIFF_GREW,                    /* delta > bound */
	GM_DIFF_SHRANK,                  /* -delta > bound */
};
/* "unknown", "within", "grew", "shrank" */
const char *gm_diff_verdict_name(enum gm_diff_verdict v);

/* One compared figure. */
struct gm_diff_fig {
	int64_t base, new;               /* bytes; -1 unknown */
	uint64_t se_base, se_new;        /* standard errors (0: exact) */
	int64_t delta;                   /* new - base (0 if unknown) */
	int64_t bound;                   /* max(bytes, pct of base, k sqrt(se_base^2 + se_new^2)) */
	enum gm_diff_verdict verdict;    /* set by gm_diff_judge */
	int regression;                  /* grew, and its check gates */
};

/* Judge f (base, new, standard errors set) against lim and k: sets delta, bound, verdict and
 * returns the verdict (regression is the caller's: it knows the gate). Pure. */
enum gm_diff_verdict gm_diff_judge(struct gm_diff_fig *f, const struct gm_diff_limit *lim, double k);

/* ---- the matching key ---- */
/* A growable string. */
struct gm_diff_buf {
	char *s;                         /* NUL-terminated text (NULL until the first add) */
	size_t n, cap;                   /* length, allocated */
	int failed;                      /* an allocation failed: s is incomplete */
};
void gm_diff_buf_add(struct gm_diff_buf *b, const char *s, size_t n);
/* Append one source frame's line of the key: "FUNCTION\tFILE\n", FUNCTION with what changes
 * between builds of the same code removed (cgo's per-build prefix _cgo_<12 hex>_, an assembly
 * function's .abi0, gcc's clone suffixes .constprop.N/.isra.N/.part.N/.cold/.lto_priv.N in
 * C frames), FILE the source file's base name (no directory, no line); an unsymbolized frame
 * "?\tMODULE+0xOFFSET\n" (module base name), one without module "?\t0xADDRESS\n". Pure. */
void gm_diff_key_add(struct gm_diff_buf *b, const struct gm_sym_frame *f);
/* The normalized function name of f into out (always NUL-terminated); NULL func: "". Pure. */
void gm_diff_func_norm(const struct gm_sym_frame *f, char *out, size_t size);

/* ---- the comparison ---- */
enum { GM_DIFF_BASE = 0, GM_DIFF_NEW = 1 };

/* One trace's share of a stack key. */
struct gm_diff_side {
	struct gm_rep_stack *st;         /* its stack with the most live bytes (frames shown), NULL: none */
	int nstacks;                     /* stacks with this key (lines differ, or frames beyond the key) */
	uint64_t bytes;                  /* live C bytes (gm_rep_suspect_bytes) over those stacks */
	double var;                      /* variance of bytes (sampled; 0 exact) */
	uint64_t blocks;                 /* live blocks and mappings */
	double allocs, alloc_bytes;      /* allocations made and their bytes (weighted) */
	int suspect;                     /* one of the stacks is a leak suspect */
};

/* One stack key and its comparison. */
struct gm_diff_stack {
	char *key;                       /* the key (gm_diff_key_add lines), owned */
	uint64_t hash;                   /* of the key */
	struct gm_diff_side side[2];     /* [GM_DIFF_BASE], [GM_DIFF_NEW] */
	struct gm_diff_fig fig;          /* live bytes compared (thresholds of "stacks") */
};

/* A finding kind present in either trace. */
struct gm_diff_finding {
	const char *kind;                /* "cgo_leak", ... (static) */
	int check;                       /* the category whose thresholds judge it */
	int in_base, in_new;             /* the finding is in that trace */
	struct gm_diff_fig fig;          /* its figure in both (in_base 0: the figure below the finding's
					    threshold, e.g. leak suspects' bytes for cgo_leak) */
	const char *summary;             /* NEW's summary (BASE's if only there) */
};

/* One trace: its model and the process compared. */
struct gm_diff_run {
	const char *dir;                 /* the trace directory */
	struct gm_rep_model m;           /* loaded and analyzed */
	int loaded;                      /* m holds a trace (to free) */
	struct gm_rep_proc *p;           /* the process compared */
	int nprocs;                      /* processes the trace reports */
};

/* The whole comparison. */
struct gm_diff {
	struct gm_diff_opts opts;        /* thresholds, gate */
	struct gm_diff_run run[2];       /* [GM_DIFF_BASE], [GM_DIFF_NEW] */
	char note[512];                  /* how the processes were matched when not simply ("" else) */
	struct gm_diff_fig cat[GM_DIFF_NCATS]; /* the categories */
	struct gm_diff_finding findings[16]; /* finding kinds in either trace */
	int nfindings;                   /* their number */
	struct gm_diff_stack *stacks;    /* every key of either trace, by delta, largest growth first */
	size_t nstacks;                  /* their number */
	size_t nmatched;                 /* keys in both traces */
	size_t *list[3];                 /* indexes into stacks per enum gm_diff_list, in its order */
	size_t nlist[3];                 /* their lengths */
	int regressions;                 /* figures, findings and stacks that are regressions */
	int oom;                         /* an allocation failed: the stacks are incomplete */
};

/* Pick the process to compare in each run (the recorded program, matched by exe base name;
 * d->note says how when not plainly). 0, or -1 when a trace has no process (said on stderr). */
int gm_diff_pick(struct gm_diff *d);
/* Compare d->run[*].p (analyzed): categories, findings, stacks; counts the regressions. */
void gm_diff_compare(struct gm_diff *d);
/* The stacks' lists (d->list): grown = in both and grew beyond the bound, largest growth
 * first; only in NEW with live bytes, most first; gone = only in BASE with live bytes, most first. */
enum gm_diff_list { GM_DIFF_GROWN, GM_DIFF_ONLY_NEW, GM_DIFF_GONE };
/* Entry i of list l, or NULL past its end. */
const struct gm_diff_stack *gm_diff_list_at(const struct gm_diff *d, enum gm_diff_list l, size_t i);
/* Free what gm_diff_compare allocated and the runs' models. */
void gm_diff_free(struct gm_diff *d);

/* ---- writers ---- */
/* The verdict in one line: "REGRESSION: c_heap_live +8.0 MiB, ..." or "no regression (...)". */
void gm_diff_summary(struct gm_diff *d, char *buf, size_t len);
/* "8.0 MiB" ("?" when v < 0: unknown); sign: a delta, "+8.0 MiB", "-512.0 KiB", "0 B". */
const char *gm_diff_size(char *buf, size_t len, int64_t v, int sign);
/* Text (the verdict first, then the categories, findings and stacks), markdown (a CI comment:
 * the verdict, one short table, the regressed stacks) and JSON (docs/diff-json.md). */
void gm_diff_write_text(FILE *o, struct gm_diff *d);
void gm_diff_write_markdown(FILE *o, struct gm_diff *d);
void gm_diff_write_json(FILE *o, struct gm_diff *d);
/* NEW minus BASE per stack key as a pprof profile (pprof.h's four sample types; negative
 * values where BASE had more), at NEW's frames (BASE's for a key only there). 0 or -1 (errno). */
int gm_diff_write_pprof(struct gm_diff *d, const char *path);
/* The frames of stack st of run r, symbolized, innermost first, inlined expanded: calls fn for
 * each (for the writers). */
void gm_diff_frames(struct gm_diff_run *r, const struct gm_rep_stack *st,
		    void (*fn)(void *ctx, uint64_t addr, const struct gm_sym_frame *f), void *ctx);

/* ---- command ---- */
/* argv[0] is "diff"; returns the exit status: 0 no regression, 1 regression, 2 error. */
int gm_diff_main(int argc, char **argv);
#endif
