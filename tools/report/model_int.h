/* model_int.h: what the model's own files share (model.c: state and the event callback;
 * order.c: the batch-ordering queue; analyze.c: the analysis; timeline.c: the series kept
 * between samples). Not for the writers: they read model.h. */
#ifndef GM_REPORT_MODEL_INT_H
#define GM_REPORT_MODEL_INT_H
#include <math.h>

#include "tools/report/model.h"

#define GM_MAP_FAILED 0xffffffffffffffffULL
#define GM_MIB (1ULL << 20)
#define GM_REP_OPS_MAX (8ULL << 20) /* queued C-heap operations per process, at most */
#define GM_REP_OP_MAX_DEPTH 256      /* frames of a queued op's stack (the tracer writes <= 128) */

/* ---- model.c ---- */
uint64_t gm_rep_mix(uint64_t x);
/* Grow *p (elements of elem bytes) to hold need; -1 and m->oom set when out of memory. */
int gm_rep_grow(void **p, uint64_t *cap, uint64_t need, size_t elem, struct gm_rep_model *m);
/* The latest process of vpid, or NULL. */
struct gm_rep_proc *gm_rep_proc_find(struct gm_rep_model *m, int64_t vpid);
/* The index of the stack of these frames in p (added if new). */
uint32_t gm_rep_stack_intern(struct gm_rep_model *m, struct gm_rep_proc *p, const uint64_t *fr, uint32_t depth);
/* The index of ev's stack in p. */
uint32_t gm_rep_ev_stack(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev);
/* Apply a malloc-family event (or one rebuilt from a queued op) to p's live blocks. */
void gm_rep_c_event(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev);
/* Free ptr's block (unknown pointers counted); freer: enum gm_freer. */
void gm_rep_free(struct gm_rep_proc *p, uint64_t ptr, int freer);
/* A time in the tracer's clock cycles -> ns from origin. */
uint64_t gm_rep_cycles_ns(struct gm_rep_model *m, const struct gm_rep_ev *ev, uint64_t cycles);
/* The slot of stack id `id` (its id 0 when not defined), or NULL. */
struct gm_rep_sid *gm_rep_sid_slot(struct gm_rep_model *m, uint64_t id);

/* The weight of a recorded allocation of `size` bytes (docs/sampling.md): 1 when every
 * allocation is recorded. */
static inline double gm_rep_weight(const struct gm_rep_proc *p, uint64_t size)
{
	if (!p->sample_bytes || (p->sample_big && size >= p->sample_big))
		return 1.0;
	double x = (double)(size ? size : 1) / (double)p->sample_bytes;
	return 1.0 / -expm1(-x);
}

/* ---- analyze.c ---- */
/* The classification of stack st (enum gm_rep_stack_cls; cached), made with origin. */
int gm_rep_classify(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_stack *st, int origin);
/* The trigger of a madvise stack (enum gm_rep_trigger). */
enum gm_rep_trigger gm_rep_trigger(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_stack *st);
/* Anonymous memory not explained by the C heap (live, glibc's free, direct mappings) nor by
 * the Go heap's resident pages: the Go runtime's metadata, stacks and the rest (0 floor; -1
 * when anon is unknown). */
int64_t gm_rep_other_anon(int64_t anon, int64_t c_live, int64_t c_retained, int64_t c_mmap, int64_t go_res);

/* Whether the blocks of stack st are freed by Go finalizers or cleanups: at least one of its
 * frees, and at least half of them, ran on the finalizer or a cleanup goroutine. */
static inline int gm_rep_fin_paced(const struct gm_rep_stack *st)
{
	uint64_t f = st->fin_frees[0] + st->fin_frees[1];
	return f && f * 2 >= st->frees;
}

/* ---- order.c ---- */
/* Whether a C-heap record stamped at ts lies before p's window (counted; then not applied). */
int gm_rep_before_window(struct gm_rep_proc *p, uint64_t ts);
/* Queue a per-call malloc-family event / the records of an alloc_batch stamped up to limit. */
void gm_rep_op_push_ev(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev);
void gm_rep_op_push_batch(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev, uint64_t limit);
/* gomemtrace:flush: apply what is queued up to its upto. */
void gm_rep_flush(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev);
/* Apply every queued op of p stamped up to upto, oldest first. */
void gm_rep_ops_apply(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t upto);
/* The end of p's trace: the rest applied, the window's end set, warnings. */
void gm_rep_ops_finish(struct gm_rep_model *m, struct gm_rep_proc *p);
/* p wrote batches but its final flush is not in the trace (read to its end). */
int gm_rep_flush_missing(const struct gm_rep_model *m, const struct gm_rep_proc *p);
/* An event past --to: nonzero to stop reading. */
int gm_rep_past_to(struct gm_rep_model *m, const struct gm_rep_ev *ev);
#endif
