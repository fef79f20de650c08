/* resync.c: gomemtrace:start and gomemtrace:resync (see resync.h).
 *
 * LTTng-UST gives a program no callback when a session starts: a tracepoint's state turns on
 * when a session creates its event, which may be before the session is active. So the tracer
 * watches one event of its own, gomemtrace:resync, which `gomemtrace attach` enables in a
 * separate call after starting its session: the sampler thread sees it go from off to on
 * within a tick (100 ms) and resynchronizes. A second session that enables it while another
 * already has it on changes nothing visible: that case is left to the periodic resync (every
 * second in a batching process: stacks forgotten, proc_info and a marker), and the reader
 * counts what it cannot resolve. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "gomemtrace/tp.h"
#include "preload/batch.h"
#include "preload/config.h"
#include "preload/guard.h"
#include "preload/resync.h"
#include "preload/sampler.h"

uint64_t gm_resync_start_ns;

/* 1: gomemtrace:start is still to be written (set at start and by a fork child whose parent had
 * it enabled; cleared by the one thread that writes it). */
static int gm_resync_start_pending;
/* 0 how: exec; 1: fork. Written with gm_resync_start_pending. */
static uint8_t gm_resync_how;
/* gomemtrace:resync's state at the sampler's previous tick; the sampler thread's. */
static int gm_resync_was_on;
/* Resyncs so far (both kinds); the sampler thread's. */
static uint32_t gm_resync_seq;
/* ms since the last periodic resync; the sampler thread's. */
static uint32_t gm_resync_since_ms;

static uint64_t gm_resync_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

void gm_resync_start_event(void)
{
	int expected = 1;
	if (!__atomic_compare_exchange_n(&gm_resync_start_pending, &expected, 0, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	lttng_ust_tracepoint(gomemtrace, start, gm_resync_start_ns, gm_resync_how);
}

/* The probes are registered by tp.c's constructor, which runs after every constructor with a
 * priority (gm_init's) and before this one (same default priority, linked later: local.mk).
 * Registration matches the events of the sessions the process registered with, so here
 * gomemtrace:start is on exactly when a session saw the process begin. */
__attribute__((constructor)) static void gm_resync_after_probes(void)
{
	gm_guard_depth++;
	if (lttng_ust_tracepoint_enabled(gomemtrace, start))
		__atomic_store_n(&gm_resync_start_pending, 1, __ATOMIC_RELAXED);
	/* a session that saw the process begin has nothing to resynchronize (the sampler thread
	 * reads this at its first tick, 100 ms on) */
	gm_resync_was_on = lttng_ust_tracepoint_enabled(gomemtrace, resync) != 0;
	gm_guard_depth--;
}

/* A fork()ed child is a new process: it began while its parent was traced, or not. */
static void gm_resync_atfork_child(void)
{
	gm_resync_start_ns = gm_resync_now();
	gm_resync_how = 1;
	gm_resync_start_pending = lttng_ust_tracepoint_enabled(gomemtrace, start) ? 1 : 0;
	gm_resync_was_on = 0;
	gm_resync_seq = 0;
	gm_resync_since_ms = 0;
}

void gm_resync_init(void)
{
	gm_resync_start_ns = gm_resync_now();
	pthread_atfork(NULL, NULL, gm_resync_atfork_child);
}

/* The order is the protocol: stacks forgotten before the marker, so that a batch record
 * stamped after it names a stack written after it (batch.c takes a record's time before its
 * stack's id); proc_info before it, so that a reader starting there knows the process. */
static void gm_resync_write(uint8_t periodic)
{
	gm_batch_forget();
	gm_sampler_proc_info();
	lttng_ust_do_tracepoint(gomemtrace, resync, gm_resync_seq++, periodic);
}

int gm_resync_check(uint32_t tick_ms)
{
	int on = lttng_ust_tracepoint_enabled(gomemtrace, resync) != 0;
	int begun = on && !gm_resync_was_on;
	gm_resync_was_on = on;
	if (begun) {
		gm_resync_since_ms = 0;
		gm_resync_write(0);
		return 1;
	}
	/* a batching process forgets its stacks every second anyway (the table is lossy, and a
	 * flight recorder's ring loses the oldest stack events): a marker tells the reader of a
	 * snapshot from where every record's stack is in it */
	if (gm_config.batch > 1 && (gm_resync_since_ms += tick_ms) >= GM_RESYNC_PERIOD_MS) {
		gm_resync_since_ms = 0;
		if (on)
			gm_resync_write(1);
		else
			gm_batch_forget();
	}
	return 0;
}
