/* init.c: the constructor of libgomemtrace.so: the order in which the pieces start (config,
 * stacks, the Go executable, the Go trap, the sampler). */
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

/* The final sample at exit is taken by sampler.c (C exit) and gotrap.c (Go exit_group). */
