/* model.h: the reader's model of each traced process: live malloc blocks by allocation
 * stack, the address space (direct and Go runtime mappings), Go heap chunk timelines,
 * releases to the OS by trigger, samples, the module map; then the analysis that turns it
 * into final figures, findings and leak suspects. Memory grows with the live state (live
 * blocks, distinct stacks, mappings, chunks), never with the trace length.
 * Sampled traces (proc_info.sample_bytes > 0): every recorded allocation of s bytes below
 * sample_big stands for 1 / (1 - exp(-s / sample_bytes)) allocations (its weight); the
 * est_* figures are the weighted ones (equal to the raw counts when nothing is sampled),
 * computed by gm_rep_analyze (proc_info may come after the first allocations).
 * See docs/sampling.md.
 * Batched traces (proc_info.batch > 1, docs/events.md "Batches"): C-heap operations of a
 * process (batch records and the per-call malloc-family events alike) wait in a queue ordered
 * by their own times and are applied up to each gomemtrace:flush's `upto` (all of them at a
 * final flush, an exec and the end of the trace); the queue holds at most ~100 ms of them
 * (8M operations: past that the oldest are applied early, with a warning). Stack ids are
 * trace-wide (a forked child names its parent's). Past --to, reading goes on until each
 * batching process has flushed past it (at most 1 s), for records stamped before it only.
 * Single-threaded: everything here is touched by the reading thread only. */
#ifndef GM_REPORT_MODEL_H
#define GM_REPORT_MODEL_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/report/input.h"
#include "tools/report/modmap.h"
#include "tools/report/symbolize.h"
#include "tools/report/timeline.h"

/* ---- options ---- */
struct gm_rep_opts {
	int top;                /* leak suspects shown (--top, default 10) */
	int64_t pid;            /* only this vpid (--pid), -1: all */
	double from, to;        /* window, seconds since trace start (--from/--to/--at); to < 0: end */
};

/* ---- pieces of state ---- */
/* A distinct allocation (or mapping, or madvise) stack and what it holds. */
struct gm_rep_stack {
	uint64_t hash;          /* of the frames */
	uint32_t off, depth;    /* frames: model->frames[off .. off+depth) */
	uint64_t live_bytes;    /* C bytes allocated here still live */
	uint64_t live_count;    /* blocks allocated here still live */
	uint64_t win_bytes;     /* live bytes of blocks allocated inside the window */
	uint64_t win_count;     /* their number */
	uint64_t allocs;        /* allocations made here (successful) */
	uint64_t alloc_bytes;   /* their total size */
	uint64_t frees;         /* frees (or moves by realloc) of blocks from here */
	uint64_t fin_frees[2];  /* ... of which by the finalizer goroutine, a cleanup goroutine
				   (enum gm_freer - 1: the free's `freer`) */
	double fin_bytes[2];    /* the bytes those freed (weighted when sampled) */
	uint64_t first_ts, last_ts; /* first and last allocation (ns) */
	double est_live_bytes;  /* live_bytes, weighted (sampled traces) */
	double est_live_count;  /* live_count, weighted */
	double est_win_bytes;   /* win_bytes, weighted */
	double est_win_count;   /* win_count, weighted */
	double est_live_var;    /* variance of est_live_bytes (sampled traces; 0 when exact) */
	double est_win_var;     /* variance of est_win_bytes */
	double est_allocs;      /* allocs, weighted */
	double est_alloc_bytes; /* alloc_bytes, weighted */
	uint64_t prev_live;     /* live_bytes at the previous sample */
	uint32_t grow_ticks;    /* samples at which live_bytes had grown since the previous */
	uint32_t shrink_ticks;  /* samples at which it had shrunk */
	uint64_t madv_bytes[2]; /* bytes released by madvise here: [0] DONTNEED, [1] FREE */
	int madv_raw;           /* some of those came from the Go runtime's raw syscall (origin GO_RAW) */
	uint64_t mmaps;         /* successful mmaps made here (origin libc) */
	uint64_t mmap_bytes;    /* their total length (page-rounded) */
	uint64_t map_bytes;     /* live direct C anonymous mappings made here: bytes (set by the analysis) */
	uint64_t map_count;     /* ... their number (a mapping split by a partial munmap counts twice) */
	uint64_t map_win_bytes; /* map_bytes of mappings made inside the window */
	uint64_t map_win_count; /* their number */
	uint64_t map_live;      /* live anonymous read/write mappings made here through libc (bytes; the timeline's) */
	double tl_live;         /* live_bytes weighted block by block as they come and go (sampled traces;
				   the timeline's: the final figures are weighted again by the analysis) */
	uint32_t tl_row;        /* its row in the timeline + 1 (0: none) */
	int8_t cls;             /* classification (enum gm_rep_stack_cls), -1 not yet */
	int8_t truncated;       /* ends at the cgo boundary without reaching a goroutine's start
				   (gm_rep_stack_truncated): 1, 0, -1 not yet known */
};

/* A live mapping made by a traced mmap/mremap. */
struct gm_rep_map {
	uint64_t start, end;    /* [start, end) */
	uint32_t stack;         /* stack index of the call that made it */
	int32_t prot, flags, fd;/* as mapped (prot updated by mprotect) */
	uint8_t origin;         /* enum gm_origin */
	uint8_t in_window;      /* made inside the --from window */
};

/* One live malloc block (open-addressing table slot; ptr 0 = empty). */
struct gm_rep_block {
	uint64_t ptr;           /* address */
	uint64_t size;          /* bytes */
	uint32_t stack;         /* stack index of its ORIGINAL allocation (realloc keeps it) */
	uint32_t in_window;     /* allocated inside the --from window */
};

/* A C-heap operation waiting in a process's queue (batched traces). */
struct gm_rep_op {
	uint64_t ts;            /* when (ns from origin) */
	uint64_t seq;           /* arrival order: ties keep it */
	uint64_t ptr, size;     /* the event's ptr and size fields */
	uint64_t in_ptr, nmemb; /* realloc's in_ptr; nmemb (calloc, reallocarray) */
	int32_t err;            /* the event's err */
	uint8_t kind;           /* GM_EV_MALLOC .. GM_EV_FREE */
	uint8_t freed;          /* a batch record "malloc then free" (kinds 4, 5) */
	uint8_t has_nmemb;      /* the event had an nmemb field */
	uint8_t nostack;        /* a batch record whose stack id the trace does not define */
	uint32_t stack;         /* index in the process's stacks */
};

/* A stack of gomemtrace:stack, by id (model-wide: a forked child names its parent's ids). */
struct gm_rep_sid {
	uint64_t id;            /* the tracer's id (0: empty slot) */
	uint64_t off;           /* frames: model->sid_frames[off .. off+depth) */
	uint32_t depth;         /* number of frames */
};

/* One Go heap chunk (4 MiB), from go_chunks. */
struct gm_rep_chunk {
	uint64_t base;          /* chunk base (0 = empty slot) */
	uint16_t inuse, released; /* pages at the last sample */
	uint64_t free_since;    /* ts since which it has held free, unreleased pages (0: none) */
	uint32_t tl_row;        /* its row in the timeline + 1 (0: none) */
};

/* The fields of one gomemtrace:sample. */
struct gm_rep_sample {
	int valid;              /* a sample was seen */
	uint64_t ts;            /* when its event was written */
	uint64_t go_ts;         /* when its Go page states were read (ts if the trace does not say) */
	int kind;               /* enum gm_sample_kind */
	int64_t v[GM_F_COUNT];  /* its fields by slot (GM_F_RSS ... GM_F_GO_RESIDENT) */
	uint8_t has[GM_F_COUNT]; /* has[GM_F_x]: field x was in the event (older traces lack some) */
};

/* Stack classification. */
enum gm_rep_stack_cls {
	GM_CLS_C = 0,           /* C code (incl. cgo calls from Go) */
	GM_CLS_GO_HEAP,         /* Go runtime, heap arena */
	GM_CLS_GO_OTHER,        /* Go runtime, anything else (metadata, stacks) */
	GM_CLS_TRACER,          /* gomemtrace / lttng-ust themselves */
};
/* Release triggers. */
enum gm_rep_trigger { GM_TRIG_BACKGROUND, GM_TRIG_FREE_OS_MEMORY, GM_TRIG_ALLOCATION, GM_TRIG_OTHER, GM_TRIG_COUNT };

/* A finding. */
struct gm_rep_finding {
	const char *kind;       /* "cgo_leak", ... */
	uint64_t bytes;         /* its size */
	char summary[320];      /* one sentence */
};

/* The figures the outputs print, computed by gm_rep_analyze(). */
struct gm_rep_result {
	int64_t c_heap_in_use;                 /* glibc's uordblks at the end: every live C block, however
						  old (-1 unknown); in a window above c_heap_live */
	int64_t rss, c_heap_live, c_allocator_retained, c_mmap, go_heap_in_use,
		go_heap_free_retained, go_heap_released, go_runtime_other, file, lazyfree, shmem,
		unattributed;       /* bytes at the end (-1 unknown) */
	int64_t go_heap_objects;               /* of go_heap_in_use: live (and not yet swept) objects, by the
						  runtime's own statistics (-1 unknown or not trusted) */
	int64_t go_heap_unused;                /* ... in-use heap spans' empty slots: span fragmentation */
	int64_t go_objects_first;              /* go_heap_objects at the first sample that had it (-1) */
	int64_t go_heap_resident;              /* Go heap bytes in RAM at the end (mincore over its arenas:
						  in-use and free pages touched and not released; -1 unknown) */
	int64_t go_heap_lazyfree;              /* Go heap bytes released with MADV_FREE still in RSS (LazyFree,
						  bounded by the runtime's MADV_FREE releases; -1 unknown) */
	uint64_t released_free_go;             /* bytes the Go runtime released with MADV_FREE */
	uint64_t releases[GM_TRIG_COUNT];       /* bytes released by madvise per trigger */
	uint64_t released_dontneed, released_free; /* ... by advice */
	uint64_t go_runtime_mapped, go_heap_mapped; /* virtual bytes of live runtime mappings */
	double retained_avg_s, retained_max_s; /* how long freed Go pages stayed before release */
	uint64_t retained_released_bytes;      /* bytes those figures cover */
	int64_t go_inuse_first, go_inuse_peak; /* go_inuse at the first sample, its maximum */
	int64_t rss_peak;                      /* highest rss sampled */
	/* the process's cgroup at the end (-1 unknown; traces before these fields have only
	 * cg_current): memory.current / usage_in_bytes, its limit (0: none), memory.stat's parts,
	 * the processes in it */
	int64_t cg_current, cg_limit, cg_anon, cg_file, cg_kernel, cg_sock, cg_procs;
	int64_t cg_peak, cg_peak_limit;        /* highest cg_current sampled, and the limit then */
	struct gm_rep_finding findings[8];     /* sorted by bytes, largest first */
	int nfindings;
	uint32_t *suspects;                    /* stack indexes, by live bytes */
	int nsuspects;
	uint64_t suspects_bytes;               /* live bytes of all suspects */
	int ntruncated;                        /* suspects whose stack is truncated at the cgo boundary */
	uint64_t truncated_bytes;              /* their live bytes */
	uint64_t suspects_stderr;              /* standard error of suspects_bytes (sampled; 0 exact) */
	/* C memory freed by Go finalizers and cleanups (docs/report.md, "Finalizers") */
	uint32_t *waiting;                     /* stacks whose blocks the finalizer/cleanup goroutines free
						  (gm_rep_fin_paced) still holding live bytes, by bytes */
	int nwaiting;
	uint64_t waiting_bytes;                /* their live bytes at the end: waiting for a GC, not leaked */
	uint64_t fin_freed[2];                 /* bytes freed by the finalizer goroutine, cleanup goroutines */
	uint64_t fin_freed_blocks;             /* blocks freed by either */
	uint64_t fin_backlog_peak;             /* most live bytes of those stacks at one sample (or the end) */
	uint64_t c_heap_live_stderr;           /* standard error of c_heap_live (sampled; 0 exact) */
	int approximate;                       /* lost data may distort the figures */
};

/* One process (a vpid; a new exe for the same vpid starts a new one). */
struct gm_rep_proc {
	int64_t vpid;                          /* its pid (namespace-local) */
	int generation;                        /* 0, then 1.. after each exec */
	char *exe, *go_version, *procname;     /* from proc_info / context */
	uint64_t sample_bytes;                 /* allocation sampling (0: every allocation) */
	uint64_t sample_big;                   /* allocations >= this are always recorded (0: none) */
	int64_t ppid;                          /* parent pid from proc_info, -1 unknown */
	int selected;                          /* reported (see gm_rep_analyze), set by the analysis */
	int trap_state;                        /* enum gm_trap_state, -1 unknown */
	char *stack_layout;                    /* proc_info.stack_layout: how the tracer knew the g/m offsets */
	char *hop_reason;                      /* proc_info.stack_hop_reason: the first refused hop's reason */
	uint64_t hop_failures;                 /* proc_info.stack_hop_failures (the latest) */
	uint64_t go_heap_checked;              /* proc_info.go_heap_checked: releases that matched (latest) */
	uint64_t go_heap_check_failed;         /* proc_info.go_heap_check_failed: releases that did not */
	uint64_t go_heap_check_addr;           /* proc_info.go_heap_check_addr: the first that did not */
	int exited;                            /* go_exit seen */
	int32_t exit_status;                   /* its status */
	uint64_t first_ts, last_ts;            /* first and last event */
	uint64_t nevents;                      /* gomemtrace events applied */
	/* live blocks */
	struct gm_rep_block *blocks; uint64_t capblocks, nblocks;
	uint64_t live_bytes;                   /* sum of live block sizes */
	double est_live_bytes;                 /* the same, weighted (set by the analysis) */
	double est_live_var;                   /* its variance (Horvitz-Thompson; 0 when exact) */
	uint64_t unknown_frees;                /* frees/reallocs of pointers never seen allocated */
	uint64_t fin_frees;                    /* frees by the finalizer or a cleanup goroutine */
	double fin_live;                       /* live bytes (weighted) of the stacks some of whose blocks
						  finalizers or cleanups freed, as blocks come and go */
	double fin_peak;                       /* fin_live's highest, taken as each such free begins:
						  the most C memory that waited for them at once */
	uint64_t failed_allocs;                /* allocations that returned NULL */
	/* stacks */
	struct gm_rep_stack *stacks; uint32_t nstacks, capstacks;
	uint32_t *stack_index; uint32_t capindex; /* open addressing: stack idx + 1, 0 empty */
	uint64_t *frames; uint64_t nframes, capframes; /* all stacks' frames */
	/* address space */
	struct gm_rep_map *maps; uint64_t nmaps, capmaps; /* sorted by start, disjoint */
	/* Go heap chunks */
	struct gm_rep_chunk *chunks; uint64_t capchunks, nchunks;
	uint64_t retained_byte_ns;             /* sum of bytes released x time they sat free */
	uint64_t retained_bytes;               /* bytes released after sitting free */
	uint64_t retained_max_ns;              /* longest */
	/* samples */
	struct gm_rep_sample first, last;      /* first sample (the first with Go page states once one has
						  them), last sample */
	struct gm_rep_sample checkpoint;       /* last sample the program requested (gomemtrace_sample_now) */
	uint64_t ncheckpoints;                 /* requested samples seen */
	uint64_t exit_ts;                      /* go_exit event (0: none) */
	int64_t last_malloc_free;              /* malloc_free of the last sample that had it (-1) */
	int64_t rss_peak, go_inuse_peak;       /* maxima over samples */
	int64_t cg_peak, cg_peak_limit;        /* highest cgroup use sampled, and its limit then */
	int64_t tracer_last, tracer_peak;      /* the tracer's own tables in RAM: latest, highest (-1 unknown) */
	uint64_t nsamples;                     /* samples seen */
	struct gm_rep_timeline *tl;            /* a point per sample (timeline.h), NULL before the first */
	double tl_live;                        /* live_bytes weighted as blocks come and go (the timeline's) */
	struct gm_modmap *mods;                /* module map (lttng-ust statedump / lib events) */
	/* batched traces */
	int batched;                           /* proc_info.batch > 1 or a batch seen: queue C-heap ops */
	struct gm_rep_op *ops; uint64_t nops, capops; /* the queue: a binary min-heap by (ts, seq) */
	uint64_t op_seq;                       /* next op's seq */
	uint64_t applied_ts;                   /* time of the last op applied */
	uint64_t late_ops;                     /* ops applied after a later one (order may be off) */
	uint64_t unknown_stack_ops;            /* batch records whose stack id was never defined */
	uint64_t unflushed;                    /* records the tracer could not write at exit */
	uint64_t batch_records;                /* records read from its alloc_batch events */
	uint64_t flushed_upto;                 /* upto of its latest flush (ns from origin) */
	int final_flushed;                     /* its final flush (at exit) was seen */
	int overflowed;                        /* the queue hit its bound and was applied early */
	/* a window of a longer run (gomemtrace attach; any session started after the process:
	 * docs/report.md, "Windows"): C-heap records outside [win_start, win_end] are not applied */
	int started;                           /* gomemtrace:start seen: its beginning is in the trace */
	uint64_t start_ns;                     /* proc_info.start_ns (ns from origin; 0: not said) */
	int window;                            /* 1: its beginning is not in the trace */
	int resynced;                          /* a gomemtrace:resync marker was seen (win_start is its time) */
	uint64_t win_start, win_end;           /* the window (ns from origin); win_end set at the end */
	uint64_t before_window;                /* C-heap records stamped before win_start: not applied */
	uint64_t after_window;                 /* records stamped after the last flush (the rest of them
						  was still buffered when the window ended): not applied */
	int64_t cycles_off;                    /* ns from origin - CLOCK_MONOTONIC ns (its events' clock) */
	int cycles_known;                      /* cycles_off is set */
	uint32_t win_samples;                  /* samples seen since it became a window */
	struct gm_rep_result res;              /* filled by gm_rep_analyze */
	struct gm_rep_proc *next;              /* list, in order of appearance */
};

/* Everything read from one trace. */
struct gm_rep_model {
	struct gm_rep_opts opts;               /* options */
	struct gm_rep_proc *procs, *last_proc; /* processes */
	struct gm_rep_proc *hit;               /* the process of the previous event */
	uint64_t trace_start, trace_end;       /* first and last event ts */
	uint64_t from_ns, to_ns;               /* absolute window (to_ns 0: none), set at first event */
	uint64_t gm_events;                    /* gomemtrace events seen (all processes) */
	uint64_t lost_events, lost_packets;    /* discarded by the tracer */
	int partial;                           /* the trace could not be read to its end */
	int stopped;                           /* reading stopped at --to */
	int draining;                          /* past --to: batching processes whose records stamped
						  before it may still come (reading goes on for them) */
	int clock_not_ns;                      /* a batch's clock was not 1 GHz (warned) */
	char **warnings; size_t nwarnings;     /* for the user */
	int oom;                               /* an allocation of the model failed */
	int64_t record_pid;                    /* gomemtrace-record.txt's pid, -1 none: report it and its descendants */
	int whole_run;                         /* gomemtrace record made the trace: its session began before
						  the program, no process of it is a window (gomemtrace:start,
						  written as the tracer starts, can miss a session daemon slow to
						  register the program) */
	int snapshot;                          /* a flight recorder's snapshot: every process is a window
						  that begins no earlier than complete_from */
	uint64_t complete_from;                /* a snapshot: the latest first event over its streams
						  (scan.c); before it, some CPU's records are gone */
	uint64_t cut_streams;                  /* a snapshot: streams whose older packets are gone */
	char *left_out;                        /* "123 (name), 456 (name)": processes not reported, or NULL */
	struct gm_rep_sid *sids; uint64_t capsids, nsids; /* stack ids (open addressing) */
	uint64_t *sid_frames; uint64_t nsid_frames, capsid_frames; /* their frames */
	struct gm_sym *sym;                    /* the symbolizer, shared by all processes */
	FILE *symwarn;                         /* its warnings (a memory stream), or NULL */
	char *symwarn_buf; size_t symwarn_len; /* that stream's buffer */
	size_t symwarn_done;                   /* bytes of it already turned into warnings */
};

/* ---- API ---- */
void gm_rep_model_init(struct gm_rep_model *m, const struct gm_rep_opts *o);
void gm_rep_model_free(struct gm_rep_model *m);
/* The input callbacks (ctx = the model). */
int gm_rep_model_event(void *ctx, const struct gm_rep_ev *ev);
void gm_rep_model_discarded(void *ctx, uint64_t events, uint64_t packets, uint64_t ts);
/* Add a warning (copied; duplicates ignored). */
void gm_rep_model_warn(struct gm_rep_model *m, const char *msg);
/* Pick the processes to report (opts.pid, record_pid, all) and compute their results
 * (symbolizes what it needs). */
void gm_rep_analyze(struct gm_rep_model *m);
/* Move the symbolizer's warnings so far into m->warnings (also done by gm_rep_analyze). */
void gm_rep_collect_sym_warnings(struct gm_rep_model *m);
/* The source frames of recorded stack entry fr (a return address: looked up at fr - 1),
 * inlined ones first, innermost first. */
struct gm_sym_result gm_rep_symbolize(struct gm_rep_model *m, const struct gm_rep_proc *p, uint64_t fr);
/* Whether stack st ends at the cgo boundary without reaching a goroutine's start: its
 * outermost frame is runtime.asmcgocall (or its landing pad), from which the tracer should
 * have hopped to the goroutine that made the C call (docs/report.md). Cached in st->truncated. */
int gm_rep_stack_truncated(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st);
/* A result figure from a weighted sum (rounded; 0 if not positive, UINT64_MAX past its range). */
static inline uint64_t gm_rep_est(double v)
{
	if (!(v > 0))
		return 0;
	return v >= 0x1p64 ? UINT64_MAX : (uint64_t)(v + 0.5);
}
/* A leak suspect's live bytes and count: malloc blocks (weighted) plus live direct C mappings. */
static inline uint64_t gm_rep_suspect_bytes(const struct gm_rep_stack *st, int win)
{
	return gm_rep_est(win ? st->est_win_bytes : st->est_live_bytes) + (win ? st->map_win_bytes : st->map_bytes);
}
static inline uint64_t gm_rep_suspect_count(const struct gm_rep_stack *st, int win)
{
	return gm_rep_est(win ? st->est_win_count : st->est_live_count) + (win ? st->map_win_count : st->map_count);
}
/* The standard error of gm_rep_suspect_bytes (sampled blocks; mappings are exact): 0 when exact. */
static inline uint64_t gm_rep_suspect_stderr(const struct gm_rep_stack *st, int win)
{
	return gm_rep_est(sqrt(win ? st->est_win_var : st->est_live_var));
}
/* What a suspect holds: "malloc" (blocks), "mmap" (mappings) or "malloc+mmap". */
static inline const char *gm_rep_suspect_kind(const struct gm_rep_stack *st)
{
	return !st->map_count ? "malloc" : st->live_count ? "malloc+mmap" : "mmap";
}
/* Whether a sample's Go heap statistics (go_objects, go_spans) can be trusted: both known, the
 * in-use spans within the in-use pages of the bitmaps (1 MiB slack: read a moment apart), the
 * objects within the spans. */
static inline int gm_rep_go_stats_ok(const int64_t *v)
{
	return v[GM_F_GO_SOURCE] == 1 && v[GM_F_GO_INUSE] >= 0 && v[GM_F_GO_OBJECTS] >= 0 && v[GM_F_GO_SPANS] >= 0 &&
	       v[GM_F_GO_SPANS] <= v[GM_F_GO_INUSE] + ((int64_t)1 << 20) && v[GM_F_GO_OBJECTS] <= v[GM_F_GO_SPANS] + ((int64_t)1 << 20);
}
/* A stack's frames. */
static inline const uint64_t *gm_rep_stack_frames(const struct gm_rep_proc *p, const struct gm_rep_stack *s)
{
	return p->frames + s->off;
}
#endif
