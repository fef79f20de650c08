/* scan.h: a first, quick pass over a trace, before the model reads it: where a snapshot of a
 * flight recorder is complete from (its busiest CPUs' buffers lost their oldest packets, idle
 * CPUs' buffers may hold much older ones), and whether each process in it left what a report needs
 * (its proc_info, a whole module list). `gomemtrace report` runs it on snapshots (the model
 * must know where the window starts before the first event); `gomemtrace snapshot` runs it on
 * the snapshot it took, to take another one while the tracer has not yet written those. */
#ifndef GM_REPORT_SCAN_H
#define GM_REPORT_SCAN_H
#include <stddef.h>
#include <stdint.h>

#include "tools/report/input.h"

#define GM_SCAN_MAX_PROCS 256 /* processes told apart (more: the rest are not checked) */

/* What one process left in the trace. */
struct gm_scan_proc {
	int64_t vpid;       /* the process */
	int proc_info;      /* it wrote gomemtrace:proc_info */
	int modules;        /* 0: no lttng_ust_statedump:start seen; 1: the last one has no end
			       (still being written when the snapshot was taken); 2: complete */
	uint64_t resync_ts; /* its first gomemtrace:resync at or after `complete_from`, 0: none */
};

/* The scan's result. Filled by gm_scan_dir() only. */
struct gm_scan {
	uint64_t first_ts, last_ts; /* the trace's first and last event (ns from origin) */
	uint64_t complete_from;     /* the latest first event of the streams that lost their older
				       packets: every stream holds all its events from here on (0:
				       none lost, the trace is whole from its first event) */
	uint64_t streams;           /* streams that hold events */
	uint64_t lost_streams;      /* of them, those whose older packets are gone */
	uint64_t gm_events;         /* gomemtrace events */
	struct gm_scan_proc procs[GM_SCAN_MAX_PROCS]; /* processes of gomemtrace events, in order seen */
	size_t nprocs;              /* their number */
};

/* Scan the trace(s) under dir. Like gm_rep_input_read_dir (its status; err on failure). */
enum gm_rep_input_status gm_scan_dir(const char *dir, struct gm_scan *s, char *err, size_t errlen);

/* The process `vpid` of a scan, or NULL. */
const struct gm_scan_proc *gm_scan_proc(const struct gm_scan *s, int64_t vpid);
#endif
