/* init.c: the constructor of libgomemtrace.so: the order in which the pieces start (config,
 * stacks, the Go executable, the Go trap, the sampler). */
#include <unistd.h>

#include "gomemtrace/schema.h"
#include "preload/batch.h"
#include "preload/config.h"
#include "preload/gosyms.h"
#include "preload/gostats.h"
#include "preload/gotrap.h"
#include "preload/guard.h"
#include "preload/resync.h"
#include "preload/sampler.h"
#include "preload/sampling.h"
#include "preload/stack.h"

__attribute__((constructor(200))) static void gm_init(void)
{
	gm_guard_depth++; /* nothing the tracer does while starting is the program's */
	gm_config_load();
	gm_resync_init();
	gm_sampling_init();
	gm_gosyms_init();
	gm_gostats_init(); /* after gosyms: it needs the executable's symbols */
	gm_stack_init(); /* after gosyms: it needs the Go text range */
	gm_gotrap_init();
	/* A Go program leaves by a raw exit_group that only the armed trap sees, and the trap is
	 * what writes out the allocation batches then: without it the last ~100 ms of records
	 * would be lost, so no batches (one event per call). */
	if (gm_gosyms_is_go() && gm_gotrap_state() != GM_TRAP_ARMED)
		gm_config.batch = 0;
	gm_batch_init();
	gm_sampler_start();
	if (gm_config.debug)
		gm_config_warn("pid %d: %s%s%s, cgo %s, go trap: state %u, %u sites%s%s; stack depth %u, "
			       "g/m layout %s; sampler every %u ms",
			       (int)getpid(), gm_gosyms_exe(), gm_gosyms_is_go() ? " " : " (not Go)",
			       gm_gosyms_version(), gm_gosyms_has_cgo() ? "yes" : "no",
			       gm_gotrap_state(), gm_gotrap_sites(), *gm_gotrap_reason() ? ": " : "",
			       gm_gotrap_reason(), gm_config.stack_depth,
			       *gm_stack_layout_desc() ? gm_stack_layout_desc() : "-", gm_config.sample_interval_ms);
	gm_guard_depth--;
}

/* The final sample at exit is taken by sampler.c (C exit) and gotrap.c (Go exit_group). */
