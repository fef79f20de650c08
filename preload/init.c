/* init.c: the constructor and destructor of libgomemtrace.so: the order in which the pieces
 * start (config, the Go executable, the Go trap, the sampler) and the final sample at exit. */
#include "preload/config.h"
#include "preload/gosyms.h"
#include "preload/gotrap.h"
#include "preload/guard.h"
#include "preload/sampler.h"
#include "preload/stack.h"

__attribute__((constructor(200))) static void gm_init(void)
{
	gm_guard_depth++; /* nothing the tracer does while starting is the program's */
	gm_config_load();
	gm_stack_init();
	gm_gosyms_init();
	gm_gotrap_init();
	gm_sampler_start();
	gm_guard_depth--;
}

/* C programs and C exit paths; Go's exit_group is caught by the Go trap instead. */
__attribute__((destructor)) static void gm_fini(void)
{
	gm_guard_depth++;
	gm_sampler_final();
	gm_guard_depth--;
}
