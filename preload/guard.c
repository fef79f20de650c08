/* guard.c: storage of the nesting guard (see guard.h). */
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <stdbool.h>
#include <lttng/ust-thread.h>

#include "gomemtrace/tp.h"
#include "preload/guard.h"
#include "preload/resync.h"
#include "preload/sampler.h"

__thread int gm_guard_depth __attribute__((tls_model("initial-exec")));
__thread int gm_guard_thread_ready __attribute__((tls_model("initial-exec")));

void gm_guard_thread_init(void)
{
	gm_guard_thread_ready = 1;
	gm_guard_depth++;
	lttng_ust_init_thread();
	gm_guard_depth--;
}

int gm_guard_proc_info_done;

void gm_guard_proc_info(void)
{
	/* enablers reach the probes one by one: wait until proc_info's is there */
	if (!lttng_ust_tracepoint_enabled(gomemtrace, proc_info))
		return;
	int expected = 0;
	if (!__atomic_compare_exchange_n(&gm_guard_proc_info_done, &expected, 1, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	gm_guard_depth++;
	gm_resync_start_event();
	gm_sampler_proc_info();
	gm_guard_depth--;
}

struct gm_guard_range gm_guard_ranges[GM_GUARD_RANGES];
int gm_guard_nranges;
int gm_guard_exiting;

/* dl_iterate_phdr callback: record the executable segments of the tracer's libraries. */
static int gm_guard_collect(struct dl_phdr_info *info, size_t size, void *self)
{
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	int ours = !strncmp(base, "liblttng-ust", 12) || !strncmp(base, "libunwind", 9);
	for (int i = 0; i < info->dlpi_phnum && !ours; i++) { /* our own library */
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;
		if (p->p_type == PT_LOAD && (uintptr_t)self >= lo && (uintptr_t)self < lo + p->p_memsz)
			ours = 1;
	}
	for (int i = 0; ours && i < info->dlpi_phnum && gm_guard_nranges < GM_GUARD_RANGES; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_X))
			continue;
		gm_guard_ranges[gm_guard_nranges].lo = info->dlpi_addr + p->p_vaddr;
		gm_guard_ranges[gm_guard_nranges].hi = info->dlpi_addr + p->p_vaddr + p->p_memsz;
		gm_guard_nranges++;
	}
	return 0;
}

/* A fork()ed child is a new process for the reader: it needs its own proc_info. */
static void gm_guard_atfork_child(void) { gm_guard_proc_info_done = 0; }

__attribute__((constructor(150))) static void gm_guard_init(void)
{
	gm_guard_depth++;
	dl_iterate_phdr(gm_guard_collect, (void *)gm_guard_collect);
	pthread_atfork(NULL, NULL, gm_guard_atfork_child);
	gm_guard_depth--;
}
