/* guard.c: storage of the nesting guard (see guard.h). */
#include <lttng/ust-thread.h>
#include "preload/guard.h"

__thread int gm_guard_depth __attribute__((tls_model("initial-exec")));
__thread int gm_guard_thread_ready __attribute__((tls_model("initial-exec")));

void gm_guard_thread_init(void)
{
	gm_guard_thread_ready = 1;
	gm_guard_depth++;
	lttng_ust_init_thread();
	gm_guard_depth--;
}
