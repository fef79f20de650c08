/* sampler.h: the sampler thread (RSS and its parts, cgroup, glibc, Go page states). */
#ifndef GM_SAMPLER_H
#define GM_SAMPLER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Start the thread (all signals blocked, guard held); no-op if the interval is 0. */
void gm_sampler_start(void);
/* How the process leaves. */
enum gm_sampler_exit {
	GM_EXIT_C = 0,   /* exit(): the library destructor (possibly inside a signal handler) */
	GM_EXIT_GO = 1,  /* the Go runtime's exit_group, caught by the Go trap */
	GM_EXIT_RAW = 2, /* _exit()/_Exit(): no destructors; often called from a signal handler */
};
/* Take the final sample now, reading the Go heap's page states first, then write out the
 * allocation batches and read the rest; the sample runs at most once (the batches are written
 * at every call); async-signal-safe. The glibc fields are -1 unless mallinfo2() (it takes the arena locks) is
 * known safe: at the Go exit, or a C exit() not on a signal alternate stack. After it, the
 * sampler thread emits nothing more. No sample if the interval is 0. */
void gm_sampler_final(enum gm_sampler_exit how);
/* The hooks saw `bytes` mapped, unmapped or released (mmap, munmap, mremap, madvise, the Go
 * runtime's raw madvise): past a threshold since the last sample a `moved` sample is taken,
 * in this thread if `here` (a hook at nesting depth 1, not a signal handler), else by the
 * sampler thread, which this wakes. Rate-bounded; lock-free (async-signal-safe when !here);
 * keeps errno; nothing when no session samples. */
void gm_sampler_note_moved(uint64_t bytes, int here);
/* Emit gomemtrace:proc_info now, if enabled (the sampler does at every tick; the first event
 * on each thread does too, so that a trace has it before the first allocation). */
void gm_sampler_proc_info(void);
/* Exported for the program (declared in include/gomemtrace/sample_now.h): a sample now, from
 * any program thread. 0: written; 1: not recording; -1: not now (another one in progress, the
 * process exiting, or called from the tracer's own code). */
int gomemtrace_sample_now(void);

/* ---- allocation-free parsing (exposed for the unit tests) --------------------------------- */
/* The memory split of the process, bytes; -1 where unknown. */
struct gm_sampler_mem {
	int64_t rss, pss, anonymous, lazyfree, file, shmem, swap; /* written by gm_sampler_parse_mem */
};
/* "Key:   123 kB" in buf (NUL-terminated, one entry a line) -> bytes; -1 if absent. */
int64_t gm_sampler_kb(const char *buf, const char *key);
/* From /proc/self/smaps_rollup (may be NULL: kernel < 4.14) and /proc/self/status texts:
 * rss, pss, anonymous, lazyfree, swap from smaps_rollup (status VmRSS/RssAnon/VmSwap without
 * it), shmem = status RssShmem (smaps_rollup has no RSS of shmem), file = rss - anonymous -
 * shmem (>= 0). */
void gm_sampler_parse_mem(const char *rollup, const char *status, struct gm_sampler_mem *m);
/* From /proc/self/cgroup text: the file holding the cgroup's current memory use, written into
 * out (NUL-terminated): cgroup v2 "0::/p" -> <root>/p/memory.current for root /sys/fs/cgroup
 * then /sys/fs/cgroup/unified; else v1 "N:...memory...:/p" -> /sys/fs/cgroup/memory/p/
 * memory.usage_in_bytes. `which` picks the candidate (0, 1, 2...); -1 when none is left. */
int gm_sampler_cgroup_file(const char *cgroup, int which, char *out, size_t cap);
/* What a cgroup's memory files say, bytes; -1 where unknown. Written by gm_sampler_cgroup_parse. */
struct gm_sampler_cgmem {
	int64_t limit;  /* v2 memory.max, v1 memory.limit_in_bytes; 0: none ("max", or v1's >= 2^62) */
	int64_t anon;   /* memory.stat: v2 anon, v1 total_rss (else rss) */
	int64_t file;   /* v2 file, v1 total_cache (else cache): page cache charged to the cgroup */
	int64_t kernel; /* v2 kernel (5.18+; else kernel_stack + slab + pagetables + percpu); v1: -1 */
	int64_t sock;   /* v2 sock (network buffers); v1: -1 */
	int64_t procs;  /* processes in cgroup.procs (a lower bound if the text was cut) */
};
/* From the texts of the cgroup's limit file, memory.stat and cgroup.procs (each may be NULL:
 * unreadable), v2 or v1 keys. */
void gm_sampler_cgroup_parse(int v2, const char *limit, const char *stat, const char *procs,
			     struct gm_sampler_cgmem *c);
/* A decimal integer at the start of buf (after blanks); -1 if none. */
int64_t gm_sampler_int(const char *buf);
/* Read a whole small file into buf (NUL-terminated); bytes read or -1. Async-signal-safe. */
long gm_sampler_read_file(const char *path, char *buf, size_t cap);
#endif
