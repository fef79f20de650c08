/* order.c: the C-heap operations of a batched process (docs/events.md "Batches"): a queue
 * ordered by their own times, applied up to each gomemtrace:flush's `upto`, at the end, and
 * what the tracer's batches may have cost (warnings); reading past --to for records stamped
 * before it. Single-threaded: the reading thread only. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomemtrace/schema.h"
#include "tools/report/model_int.h"

/* ---- the queue ---- */
static int gm_rep_op_less(const struct gm_rep_op *a, const struct gm_rep_op *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

/* Apply op to p: rebuild the event it stands for and hand it to the per-call handlers. */
/* Whether a C-heap record stamped at ts lies before p's window (then it is not applied). */
int gm_rep_before_window(struct gm_rep_proc *p, uint64_t ts)
{
	if (!p->window || ts >= p->win_start)
		return 0;
	p->before_window++;
	return 1;
}

static void gm_rep_op_apply(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_op *o)
{
	struct gm_rep_op op = *o;
	if (gm_rep_before_window(p, op.ts))
		return;
	p->unknown_stack_ops += op.nostack;
	if (op.ts < p->applied_ts)
		p->late_ops++;
	else
		p->applied_ts = op.ts;
	/* the event it stands for; the stack's frames copied (interning may move p->frames) */
	uint64_t fr[GM_REP_OP_MAX_DEPTH];
	struct gm_rep_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = (enum gm_rep_kind)op.kind;
	ev.ts = op.ts;
	ev.vpid = p->vpid, ev.vtid = -1, ev.procname = "";
	ev.v[GM_F_PTR] = (int64_t)op.ptr, ev.v[GM_F_SIZE] = (int64_t)op.size;
	ev.v[GM_F_IN_PTR] = (int64_t)op.in_ptr, ev.v[GM_F_NMEMB] = (int64_t)op.nmemb;
	ev.v[GM_F_ERR] = op.err;
	if (op.has_nmemb)
		ev.has[GM_F_NMEMB] = 1;
	if (op.kind == GM_EV_FREE) /* a batch record's size word says who freed (enum gm_freer) */
		ev.v[GM_F_FREER] = (int64_t)op.size, ev.has[GM_F_FREER] = 1;
	if (op.stack < p->nstacks) {
		const struct gm_rep_stack *st = &p->stacks[op.stack];
		uint32_t d = st->depth < GM_REP_OP_MAX_DEPTH ? st->depth : GM_REP_OP_MAX_DEPTH;
		memcpy(fr, gm_rep_stack_frames(p, st), d * sizeof *fr);
		ev.a[GM_A_STACK] = fr, ev.alen[GM_A_STACK] = d;
	}
	gm_rep_c_event(m, p, &ev);
	if (op.freed)
		gm_rep_free(p, op.ptr, GM_FREER_OTHER);
}

/* Apply the oldest queued op of p. */
static void gm_rep_op_pop_apply(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	struct gm_rep_op op = p->ops[0];
	p->ops[0] = p->ops[--p->nops];
	for (uint64_t i = 0;;) { /* sift down */
		uint64_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < p->nops && gm_rep_op_less(&p->ops[l], &p->ops[s]))
			s = l;
		if (r < p->nops && gm_rep_op_less(&p->ops[r], &p->ops[s]))
			s = r;
		if (s == i)
			break;
		struct gm_rep_op t = p->ops[i];
		p->ops[i] = p->ops[s], p->ops[s] = t;
		i = s;
	}
	gm_rep_op_apply(m, p, &op);
}

/* Queue op (its seq is set here). Past the bound, the oldest half is applied early. */
static void gm_rep_op_push(struct gm_rep_model *m, struct gm_rep_proc *p, struct gm_rep_op op)
{
	if (p->nops >= GM_REP_OPS_MAX) {
		if (!p->overflowed)
			gm_rep_model_warn(m, "more than 8M C-heap operations waited for a flush of the tracer; "
					     "the oldest were applied early, their order may be off");
		p->overflowed = 1;
		while (p->nops > GM_REP_OPS_MAX / 2)
			gm_rep_op_pop_apply(m, p);
	}
	op.seq = p->op_seq++;
	if (gm_rep_grow((void **)&p->ops, &p->capops, p->nops + 1, sizeof *p->ops, m) != 0) {
		/* no room (m->oom warns): apply it now, after the queued ops older than it */
		while (p->nops && gm_rep_op_less(&p->ops[0], &op))
			gm_rep_op_pop_apply(m, p);
		gm_rep_op_apply(m, p, &op);
		return;
	}
	uint64_t i = p->nops++;
	while (i > 0 && gm_rep_op_less(&op, &p->ops[(i - 1) / 2])) { /* sift up */
		p->ops[i] = p->ops[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	p->ops[i] = op;
}

/* Apply every queued op of p with ts <= upto, oldest first. */
void gm_rep_ops_apply(struct gm_rep_model *m, struct gm_rep_proc *p, uint64_t upto)
{
	while (p->nops && p->ops[0].ts <= upto) {
		if (p->tl && p->ops[0].ts) /* the timeline's points stamped before this op */
			gm_rep_tl_catch_up(m, p, p->ops[0].ts - 1);
		gm_rep_op_pop_apply(m, p);
	}
	gm_rep_tl_catch_up(m, p, upto);
}

/* A per-call malloc-family event of a batched process: queued (its stack interned now: the
 * event's arrays die after the callback). */
void gm_rep_op_push_ev(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	const int64_t *v = ev->v;
	struct gm_rep_op op = {
		.ts = ev->ts, .ptr = (uint64_t)v[GM_F_PTR],
		/* a free's size word holds who freed, as in a batch record */
		.size = ev->kind == GM_EV_FREE ? (ev->has[GM_F_FREER] ? (uint64_t)v[GM_F_FREER] : 0) : (uint64_t)v[GM_F_SIZE],
		.in_ptr = (uint64_t)v[GM_F_IN_PTR], .nmemb = (uint64_t)v[GM_F_NMEMB],
		.err = (int32_t)v[GM_F_ERR], .kind = (uint8_t)ev->kind,
		.has_nmemb = ev->has[GM_F_NMEMB],
		.stack = ev->kind == GM_EV_FREE ? UINT32_MAX : gm_rep_ev_stack(m, p, ev),
	};
	gm_rep_op_push(m, p, op);
}

/* The records of a gomemtrace:alloc_batch stamped up to `limit` (--to), queued. */
void gm_rep_op_push_batch(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev,
				 uint64_t limit)
{
	const uint64_t *r = ev->a[GM_A_REC];
	for (uint32_t i = 0; r && i + GM_BATCH_WORDS <= ev->alen[GM_A_REC]; i += GM_BATCH_WORDS) {
		unsigned kind = (unsigned)(r[i + 2] >> GM_BATCH_KIND_SHIFT);
		struct gm_rep_op op = {
			.ts = gm_rep_cycles_ns(m, ev, r[i]), .ptr = r[i + 1], .size = r[i + 2] & GM_BATCH_SIZE_MASK,
			.stack = UINT32_MAX,
		};
		if (op.ts > limit)
			continue;
		switch (kind) {
		case GM_BATCH_MALLOC_FREED:
		case GM_BATCH_MALLOC: op.kind = GM_EV_MALLOC; break;
		case GM_BATCH_CALLOC_FREED:
		case GM_BATCH_CALLOC: op.kind = GM_EV_CALLOC, op.nmemb = 1, op.has_nmemb = 1; break;
		case GM_BATCH_FREE: op.kind = GM_EV_FREE; break;
		default: continue; /* a kind of a later version */
		}
		op.freed = kind == GM_BATCH_MALLOC_FREED || kind == GM_BATCH_CALLOC_FREED;
		if (op.kind != GM_EV_FREE) {
			struct gm_rep_sid *s = gm_rep_sid_slot(m, r[i + 3]);
			static const uint64_t none[1];
			if (s && s->id) {
				op.stack = gm_rep_stack_intern(m, p, m->sid_frames + s->off, s->depth);
			} else {
				op.nostack = 1; /* counted when applied: a window drops what precedes it */
				op.stack = gm_rep_stack_intern(m, p, none, 0);
			}
		}
		p->nevents++, m->gm_events++, p->batch_records++;
		gm_rep_op_push(m, p, op);
	}
}

/* gomemtrace:flush: apply what p has queued up to its `upto` (everything at the final one,
 * whose upto is 0 when records were left behind). */
void gm_rep_flush(struct gm_rep_model *m, struct gm_rep_proc *p, const struct gm_rep_ev *ev)
{
	const int64_t *v = ev->v;
	p->batched = 1;
	if (v[GM_F_FINAL]) {
		p->final_flushed = 1;
		p->unflushed += (uint64_t)v[GM_F_UNFLUSHED];
		gm_rep_ops_apply(m, p, UINT64_MAX);
	} else if (v[GM_F_UPTO]) {
		uint64_t upto = gm_rep_cycles_ns(m, ev, (uint64_t)v[GM_F_UPTO]);
		if (upto > p->flushed_upto)
			p->flushed_upto = upto;
		gm_rep_ops_apply(m, p, upto);
	}
}

/* p wrote batches but its final flush is not in the trace (read to its end). */
int gm_rep_flush_missing(const struct gm_rep_model *m, const struct gm_rep_proc *p)
{
	return p->batch_records && !p->final_flushed && !m->stopped;
}

/* End of p's trace: apply what is queued, and say what batches may have cost. */
void gm_rep_ops_finish(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	/* a window whose process still ran at its end: everything stamped up to the last flush is
	 * in the trace, what came after only in part: the window ends there */
	if (p->window && p->batched && !p->final_flushed && p->flushed_upto && !m->stopped) {
		gm_rep_ops_apply(m, p, p->flushed_upto);
		p->after_window += p->nops;
		p->nops = 0;
		p->win_end = p->flushed_upto;
	} else {
		gm_rep_ops_apply(m, p, UINT64_MAX);
		p->win_end = p->last_ts;
	}
	char msg[256];
	if (p->window && p->win_start == UINT64_MAX) { /* a snapshot's batching process, no resync */
		p->win_start = p->win_end;
		snprintf(msg, sizeof msg, "pid %" PRId64 ": the snapshot holds no resync of this process after the "
			 "point from which it is complete (less than a second of it?): none of its C-heap records "
			 "is applied", p->vpid);
		gm_rep_model_warn(m, msg);
	}
	if (p->unflushed) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records were still in a "
			 "thread's buffer at exit and are missing; C-heap figures may be off by them",
			 p->vpid, p->unflushed);
		gm_rep_model_warn(m, msg); /* and the figures are approximate (gm_rep_analyze_proc) */
	}
	if (gm_rep_flush_missing(m, p) && !p->window) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": no final flush of its allocation records (killed, "
			 "_exit, exec, or still running when the trace ended): records still buffered then "
			 "(up to 100 ms of them) are missing", p->vpid);
		gm_rep_model_warn(m, msg); /* and the figures are approximate (gm_rep_analyze_proc) */
	}
	if (p->unknown_stack_ops) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records name a stack "
			 "the trace does not define (%s); they have no stack", p->vpid, p->unknown_stack_ops,
			 p->window && !p->resynced ? "the window began without the tracer's resync: another "
			 "session had gomemtrace:resync on, or the session was made by hand" : "lost events?");
		gm_rep_model_warn(m, msg);
	}
	if (p->late_ops) {
		snprintf(msg, sizeof msg, "pid %" PRId64 ": %" PRIu64 " allocation records arrived after "
			 "later ones were applied; the order of the C heap's operations may be off",
			 p->vpid, p->late_ops);
		gm_rep_model_warn(m, msg);
	}
}

/* ---- --to ---- */
#define GM_REP_DRAIN_NS 1000000000ULL /* past --to, look this long for records stamped before it */

/* Whether records of p stamped before --to may still come: p batches, is the latest process
 * of its vpid, and neither its final flush nor a flush past --to was seen. */
static int gm_rep_awaits(struct gm_rep_model *m, struct gm_rep_proc *p)
{
	return p->batched && !p->final_flushed && p->flushed_upto < m->to_ns && gm_rep_proc_find(m, p->vpid) == p;
}

static int gm_rep_count_awaiting(struct gm_rep_model *m)
{
	int n = 0;
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		n += gm_rep_awaits(m, p);
	return n;
}

/* An event past --to. A batch written after --to may hold records stamped before it, up to
 * its process's next flush: reading goes on, taking only those records and the flushes (and
 * stack definitions, see gm_rep_model_event), until every batching process has flushed past
 * --to or GM_REP_DRAIN_NS have passed. Returns nonzero to stop reading (at once in a trace
 * without batches, as before them); the queued operations are applied by the analysis. */
int gm_rep_past_to(struct gm_rep_model *m, const struct gm_rep_ev *ev)
{
	if (!m->stopped) {
		m->stopped = 1;
		m->draining = gm_rep_count_awaiting(m);
	}
	if (m->draining && ev->ts - m->to_ns <= GM_REP_DRAIN_NS &&
	    (ev->kind == GM_EV_ALLOC_BATCH || ev->kind == GM_EV_FLUSH) &&
	    (m->opts.pid < 0 || ev->vpid == m->opts.pid)) {
		struct gm_rep_proc *p = gm_rep_proc_find(m, ev->vpid);
		if (p && gm_rep_awaits(m, p)) {
			if (ev->kind == GM_EV_ALLOC_BATCH) {
				gm_rep_op_push_batch(m, p, ev, m->to_ns);
			} else {
				gm_rep_flush(m, p, ev);
				m->draining = gm_rep_count_awaiting(m);
			}
		}
	}
	if (ev->ts - m->to_ns > GM_REP_DRAIN_NS)
		m->draining = 0;
	return !m->draining;
}
