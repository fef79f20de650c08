/* scan.c: the first pass over a trace (see scan.h). Two passes cost one more decode of the
 * trace; snapshots are small (the flight recorder's budget), record traces never take it. */
#include <string.h>

#include "tools/report/scan.h"

const struct gm_scan_proc *gm_scan_proc(const struct gm_scan *s, int64_t vpid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].vpid == vpid)
			return &s->procs[i];
	return NULL;
}

static struct gm_scan_proc *gm_scan_get(struct gm_scan *s, int64_t vpid)
{
	struct gm_scan_proc *p = (struct gm_scan_proc *)gm_scan_proc(s, vpid);
	if (p || s->nprocs == GM_SCAN_MAX_PROCS)
		return p;
	p = &s->procs[s->nprocs++];
	memset(p, 0, sizeof *p);
	p->vpid = vpid;
	return p;
}

static void gm_scan_stream_first(void *ctx, uint64_t ts, int lost_before)
{
	struct gm_scan *s = ctx;
	s->streams++;
	s->lost_streams += lost_before != 0;
	if (lost_before && ts > s->complete_from)
		s->complete_from = ts;
}

static int gm_scan_event(void *ctx, const struct gm_rep_ev *ev)
{
	struct gm_scan *s = ctx;
	if (!s->first_ts || ev->ts < s->first_ts)
		s->first_ts = ev->ts;
	if (ev->ts > s->last_ts)
		s->last_ts = ev->ts;
	struct gm_scan_proc *p = gm_scan_get(s, ev->vpid);
	if (!p)
		return 0;
	if (ev->kind < GM_EV_SD_START)
		s->gm_events++;
	switch (ev->kind) {
	case GM_EV_PROC_INFO: p->proc_info = 1; break;
	case GM_EV_SD_START: p->modules = 1; break;
	case GM_EV_SD_END: p->modules = p->modules ? 2 : 0; break;
	/* complete_from only grows while streams begin: the first resync after the last one
	 * counts (streams' first events come in time order, so no later one moves it) */
	case GM_EV_RESYNC:
		if (!p->resync_ts || p->resync_ts < s->complete_from)
			p->resync_ts = ev->ts;
		break;
	default: break;
	}
	return 0;
}

enum gm_rep_input_status gm_scan_dir(const char *dir, struct gm_scan *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	const struct gm_rep_input_ops ops = { .event = gm_scan_event, .stream_first = gm_scan_stream_first };
	enum gm_rep_input_status st = gm_rep_input_read_dir(dir, &ops, s, err, errlen);
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].resync_ts < s->complete_from)
			s->procs[i].resync_ts = 0;
	return st;
}
