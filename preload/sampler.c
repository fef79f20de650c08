/* sampler.c: the sampler thread. Every GOMEMTRACE_SAMPLE_MS it writes gomemtrace:proc_info and
 * gomemtrace:sample (smaps_rollup, status, cgroup memory, mallinfo2, the Go heap's page states
 * from goheap.c, which also writes gomemtrace:go_chunks), once more at exit, and whenever the
 * program calls gomemtrace_sample_now() (the sample's `kind`).
 * With allocation batches on (batch.c) it also writes every thread's batch out every 100 ms,
 * always just before a sample, and once more at exit (even with GOMEMTRACE_SAMPLE_MS=0).
 *
 * Everything a sample does is allocation-free (read() into stack buffers, hand parsing) so
 * that the final sample can run from the Go trap's signal handler on the runtime's exit_group
 * as well as from the library destructor. The thread is detached, never joined, blocks every
 * signal and holds the nesting guard for life; with no session listening it only sleeps
 * (and lets the Go trap check its handler). */
#include <errno.h>
#include <linux/futex.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "preload/export.h"
#include "preload/gostats.h"
#include "preload/resync.h"
#include "preload/sampler.h"
#include "preload/sampling.h"

/* ---- parsing (pure, allocation-free) ------------------------------------------------------- */

static int gm_sampler_isblank(char c) { return c == ' ' || c == '\t'; }

int64_t gm_sampler_int(const char *p)
{
	while (gm_sampler_isblank(*p))
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	int64_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

int64_t gm_sampler_kb(const char *buf, const char *key)
{
	size_t kl = strlen(key);
	const char *p = buf;
	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			int64_t v = gm_sampler_int(p + kl + 1);
			return v < 0 ? -1 : v * 1024;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* "key N" lines of a memory.stat text -> N; -1 if absent. */
static int64_t gm_sampler_stat(const char *buf, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = buf; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return gm_sampler_int(p + kl + 1);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

void gm_sampler_cgroup_parse(int v2, const char *limit, const char *stat, const char *procs,
			     struct gm_sampler_cgmem *c)
{
	c->limit = c->anon = c->file = c->kernel = c->sock = c->procs = -1;
	if (limit) {
		const char *p = limit;
		while (gm_sampler_isblank(*p))
			p++;
		int64_t v = gm_sampler_int(p);
		if (!strncmp(p, "max", 3) || (!v2 && v >= (INT64_C(1) << 62)))
			c->limit = 0;
		else
			c->limit = v;
	}
	if (stat) {
		c->anon = gm_sampler_stat(stat, v2 ? "anon" : "total_rss");
		c->file = gm_sampler_stat(stat, v2 ? "file" : "total_cache");
		if (!v2 && c->anon < 0)
			c->anon = gm_sampler_stat(stat, "rss");
		if (!v2 && c->file < 0)
			c->file = gm_sampler_stat(stat, "cache");
		if (v2) {
			c->sock = gm_sampler_stat(stat, "sock");
			c->kernel = gm_sampler_stat(stat, "kernel");
			if (c->kernel < 0) { /* before 5.18: its parts */
				static const char *const parts[] = { "kernel_stack", "slab", "pagetables", "percpu" };
				int64_t k = 0, got = 0;
				for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
					int64_t v = gm_sampler_stat(stat, parts[i]);
					if (v >= 0)
						k += v, got++;
				}
				c->kernel = got ? k : -1;
			}
		}
	}
	if (procs) {
		int64_t n = 0;
		for (const char *p = procs; *p; p++)
			n += *p == '\n';
		c->procs = n;
	}
}

void gm_sampler_parse_mem(const char *rollup, const char *status, struct gm_sampler_mem *m)
{
	m->rss = m->pss = m->anonymous = m->lazyfree = m->file = m->shmem = m->swap = -1;
	if (rollup && gm_sampler_kb(rollup, "Rss") >= 0) {
		m->rss = gm_sampler_kb(rollup, "Rss");
		m->pss = gm_sampler_kb(rollup, "Pss");
		m->anonymous = gm_sampler_kb(rollup, "Anonymous");
		m->lazyfree = gm_sampler_kb(rollup, "LazyFree");
		m->swap = gm_sampler_kb(rollup, "Swap");
	} else if (status) {
		m->rss = gm_sampler_kb(status, "VmRSS");
		m->anonymous = gm_sampler_kb(status, "RssAnon");
		m->swap = gm_sampler_kb(status, "VmSwap");
	}
	if (status)
		m->shmem = gm_sampler_kb(status, "RssShmem");
	if (m->rss >= 0 && m->anonymous >= 0) {
		int64_t f = m->rss - m->anonymous - (m->shmem > 0 ? m->shmem : 0);
		m->file = f > 0 ? f : 0;
	}
}

/* Append src to out[*n] (bounded); returns 0, or -1 when it does not fit. */
static int gm_sampler_cat(char *out, size_t cap, size_t *n, const char *src, size_t len)
{
	if (*n + len + 1 > cap)
		return -1;
	memcpy(out + *n, src, len);
	*n += len;
	out[*n] = '\0';
	return 0;
}

/* Does the comma-separated controller list [p, p+len) name "memory"? */
static int gm_sampler_has_memory(const char *p, size_t len)
{
	while (len) {
		const char *c = memchr(p, ',', len);
		size_t l = c ? (size_t)(c - p) : len;
		if (l == 6 && !strncmp(p, "memory", 6))
			return 1;
		if (!c)
			break;
		len -= l + 1;
		p = c + 1;
	}
	return 0;
}

int gm_sampler_cgroup_file(const char *cg, int which, char *out, size_t cap)
{
	static const char *const v2_roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	int k = 0;
	for (int pass = 0; pass < 2; pass++) { /* pass 0: v2 lines, pass 1: v1 memory lines */
		for (const char *line = cg; line && *line;) {
			const char *eol = strchr(line, '\n');
			size_t ll = eol ? (size_t)(eol - line) : strlen(line);
			const char *c1 = memchr(line, ':', ll);
			const char *c2 = c1 ? memchr(c1 + 1, ':', ll - (size_t)(c1 + 1 - line)) : NULL;
			if (c2) {
				const char *path = c2 + 1;
				size_t pl = ll - (size_t)(path - line);
				if (pl == 1 && path[0] == '/')
					pl = 0; /* the root: no double slash */
				int v2 = c1 - line == 1 && line[0] == '0' && c2 == c1 + 1;
				int v1 = !v2 && gm_sampler_has_memory(c1 + 1, (size_t)(c2 - c1 - 1));
				for (int r = 0; pass == 0 && v2 && r < 2; r++, k++) {
					size_t n = 0;
					if (k == which)
						return gm_sampler_cat(out, cap, &n, v2_roots[r], strlen(v2_roots[r])) ||
						       gm_sampler_cat(out, cap, &n, path, pl) ||
						       gm_sampler_cat(out, cap, &n, "/memory.current", 15) ? -1 : 0;
				}
				if (pass == 1 && v1) {
					size_t n = 0;
					if (k++ == which)
						return gm_sampler_cat(out, cap, &n, "/sys/fs/cgroup/memory", 21) ||
						       gm_sampler_cat(out, cap, &n, path, pl) ||
						       gm_sampler_cat(out, cap, &n, "/memory.usage_in_bytes", 22) ? -1 : 0;
				}
			}
			line = eol ? eol + 1 : NULL;
		}
	}
	return -1;
}

long gm_sampler_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (long)n;
}

#ifndef GM_SAMPLER_TESTING
/* ---- the samples ------------------------------------------------------------------------- */
#include "gomemtrace/schema.h"
#include "gomemtrace/tp.h"
#include "preload/batch.h"
#include "preload/config.h"
#include "preload/goheap.h"
#include "preload/gosyms.h"
#include "preload/gotrap.h"
#include "preload/guard.h"
#include "preload/stack.h"

/* Shared state; written as noted. */
static _Atomic uint64_t gm_sampler_seq;   /* next sample number (any sampling context) */
static _Atomic int gm_sampler_finished;   /* 1 once the final sample started (any thread) */
static uint32_t gm_sampler_page_size;     /* getpagesize(), set by gm_sampler_start */

/* Text buffers of one sampling context (0 the thread; 1 the exit sample,
 * which may run in a signal handler on a small stack while the thread samples; a requested
 * sample, one at a time: gm_sampler_req_busy); owner: that context. */
struct gm_sampler_scratch {
	char rollup[4096]; /* /proc/self/smaps_rollup */
	char status[4096]; /* /proc/self/status */
	char cg[2048];     /* /proc/self/cgroup */
	char path[1024];   /* a cgroup memory file */
	char cgstat[4096]; /* its memory.stat */
	char cgprocs[4096]; /* its cgroup.procs */
};
static struct gm_sampler_scratch gm_sampler_scratch[GM_GOHEAP_CONTEXTS];
static _Atomic int gm_sampler_req_busy; /* 1 while context 2 samples: gomemtrace_sample_now() or a hook's
					moved sample (any thread) */


/* ---- samples when memory moves fast ------------------------------------------------------ */
/* The hooks add what they see mapped, unmapped and released; once that sum has moved by
 * GM_SAMPLER_MOVED_BYTES since the last sample, a `moved` sample is taken: at once by the
 * thread whose call crossed the mark when the hook may (not in a signal handler: the Go trap
 * wakes the sampler thread instead, through a futex), so that a program that grows fast is
 * sampled while it grows, however fast the machine. Bounded: the first GM_SAMPLER_MOVED_BURST
 * of the process's life by the bytes alone (one per 32 MiB moved); after them only the sampler
 * thread takes them, at most one per GM_SAMPLER_MOVED_SLOW_MS, so that a long-running program
 * never waits for one (reading smaps_rollup of a large process takes milliseconds; the Go
 * runtime maps with its heap lock held). docs/events.md, "Samples". A sample taken in a hook
 * has no glibc figures (mallinfo2 takes the arena locks, which the caller may hold). */
#define GM_SAMPLER_MOVED_BYTES (32ULL << 20)
#define GM_SAMPLER_MOVED_BURST 10u
#define GM_SAMPLER_MOVED_SLOW_MS 250ULL
static _Atomic uint64_t gm_sampler_moved_bytes; /* bytes mapped, unmapped or released so far (any thread) */
static _Atomic uint64_t gm_sampler_moved_mark;  /* gm_sampler_moved_bytes at the last sample (written by
						   whichever context samples) */
static _Atomic uint64_t gm_sampler_moved_last;  /* CLOCK_MONOTONIC ns of the last moved sample (claimed by CAS) */
static _Atomic uint32_t gm_sampler_moved_count; /* moved samples taken (any thread) */
static _Atomic int gm_sampler_wake_word;        /* futex word: 1 = the thread is asked to sample */
static _Atomic int gm_sampler_running;          /* the thread takes samples (set once it runs) */

static uint64_t gm_sampler_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ULL + (uint64_t)t->tv_nsec;
}

static struct timespec gm_sampler_ts(uint64_t ns)
{
	return (struct timespec){ (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
}

/* The right to take a moved sample now (the rate bound); 1 if this caller has it. */
static int gm_sampler_moved_claim(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	uint64_t now = gm_sampler_ns(&t), last = atomic_load(&gm_sampler_moved_last);
	if (atomic_load(&gm_sampler_moved_count) >= GM_SAMPLER_MOVED_BURST && now - last < GM_SAMPLER_MOVED_SLOW_MS * 1000000ULL)
		return 0;
	if (!atomic_compare_exchange_strong(&gm_sampler_moved_last, &last, now))
		return 0;
	atomic_fetch_add(&gm_sampler_moved_count, 1);
	return 1;
}

static void gm_sampler_take(int ctx, enum gm_sample_kind kind, int malloc_ok, int flush);

void gm_sampler_note_moved(uint64_t bytes, int here)
{
	if (!bytes || !atomic_load_explicit(&gm_sampler_running, memory_order_relaxed) ||
	    !lttng_ust_tracepoint_enabled(gomemtrace, sample))
		return;
	uint64_t v = atomic_fetch_add_explicit(&gm_sampler_moved_bytes, bytes, memory_order_relaxed) + bytes;
	if (v - atomic_load_explicit(&gm_sampler_moved_mark, memory_order_relaxed) < GM_SAMPLER_MOVED_BYTES)
		return;
	int saved = errno;
	if (here && atomic_load(&gm_sampler_moved_count) < GM_SAMPLER_MOVED_BURST && !atomic_load(&gm_sampler_finished) &&
	    !atomic_exchange(&gm_sampler_req_busy, 1)) {
		/* the requested samples' context (one at a time: gm_sampler_req_busy) */
		if (gm_sampler_moved_claim()) {
			gm_guard_depth++;
			gm_sampler_take(2, GM_SAMPLE_MOVED, 0, 0);
			gm_guard_depth--;
		}
		atomic_store(&gm_sampler_req_busy, 0);
	} else if (atomic_exchange(&gm_sampler_wake_word, 1) == 0) {
		syscall(SYS_futex, &gm_sampler_wake_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	errno = saved;
}

/* Sleep until `at` (CLOCK_MONOTONIC) or until gm_sampler_note_moved() wakes the thread; 1 if
 * it did (the request is taken). Without futexes: a plain sleep. */
static int gm_sampler_sleep(const struct timespec *at)
{
	while (!atomic_load(&gm_sampler_wake_word)) {
		long r = syscall(SYS_futex, &gm_sampler_wake_word, FUTEX_WAIT_BITSET_PRIVATE, 0, at, NULL,
				 FUTEX_BITSET_MATCH_ANY);
		if (r == 0 || errno == EINTR || errno == EAGAIN)
			continue;
		if (errno != ETIMEDOUT)
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, at, NULL) == EINTR)
				;
		break;
	}
	return atomic_exchange(&gm_sampler_wake_word, 0);
}



/* Read the file `name` beside x->path's (the same cgroup directory) into buf; its text, or NULL. */
static const char *gm_sampler_cgroup_sibling(struct gm_sampler_scratch *x, size_t dirlen, const char *name,
					     char *buf, size_t cap)
{
	size_t nl = strlen(name);
	if (dirlen + nl + 1 >= sizeof x->path)
		return NULL;
	memcpy(x->path + dirlen, name, nl + 1);
	return gm_sampler_read_file(x->path, buf, cap) > 0 ? buf : NULL;
}

/* Current memory use of our cgroup, bytes (-1 if no candidate file is readable), and what its
 * limit, memory.stat and cgroup.procs say (*c; all -1 without a cgroup). */
static int64_t gm_sampler_cgroup(struct gm_sampler_scratch *x, struct gm_sampler_cgmem *c)
{
	char val[64];
	c->limit = c->anon = c->file = c->kernel = c->sock = c->procs = -1;
	if (gm_sampler_read_file("/proc/self/cgroup", x->cg, sizeof x->cg) <= 0)
		return -1;
	for (int k = 0; gm_sampler_cgroup_file(x->cg, k, x->path, sizeof x->path) == 0; k++) {
		if (gm_sampler_read_file(x->path, val, sizeof val) <= 0)
			continue;
		int64_t cur = gm_sampler_int(val);
		const char *slash = strrchr(x->path, '/');
		size_t dirlen = slash ? (size_t)(slash + 1 - x->path) : 0;
		int v2 = slash && !strcmp(slash + 1, "memory.current");
		char limit[64];
		const char *l = gm_sampler_cgroup_sibling(x, dirlen, v2 ? "memory.max" : "memory.limit_in_bytes",
							  limit, sizeof limit);
		const char *st = gm_sampler_cgroup_sibling(x, dirlen, "memory.stat", x->cgstat, sizeof x->cgstat);
		char *procs = x->cgprocs;
		const char *pr = gm_sampler_cgroup_sibling(x, dirlen, "cgroup.procs", procs, sizeof x->cgprocs);
		gm_sampler_cgroup_parse(v2, l, st, pr, c);
		return cur;
	}
	return -1;
}

/* The main thread's name, read by gm_sampler_start() (the constructor, on the main thread)
 * or by an earlier proc_info; read-only afterwards (a forked child has the same). */
static char gm_sampler_procname[17];

void gm_sampler_proc_info(void)
{
	if (!lttng_ust_tracepoint_enabled(gomemtrace, proc_info))
		return;
	if (!gm_sampler_procname[0]) /* before the constructor: start-up runs on the main thread */
		prctl(PR_GET_NAME, gm_sampler_procname, 0, 0, 0);
	struct gm_tp_proc_info p = {
		.exe = gm_gosyms_exe(),
		.go_version = gm_gosyms_version(),
		.procname = gm_sampler_procname,
		.ppid = (int32_t)getppid(),
		.page_size = gm_sampler_page_size,
		.stack_depth = gm_config.stack_depth,
		.sample_interval_ms = gm_config.sample_interval_ms,
		.trap_state = gm_gotrap_state(),
		.free_stacks = gm_config.free_stacks,
		.sample_bytes = gm_config.sample_bytes,
		.sample_big = gm_config.sample_big,
		.sample_dropped = gm_sampling_dropped(),
		.batch = gm_config.batch,
		.stack_layout = gm_stack_layout_desc(),
		.stack_hop_failures = gm_stack_hop_failures(),
		.stack_hop_reason = gm_stack_hop_reason(),
		.start_ns = gm_resync_start_ns,
	};
	gm_goheap_check_counts(&p.go_heap_checked, &p.go_heap_check_failed, &p.go_heap_check_addr);
	lttng_ust_do_tracepoint(gomemtrace, proc_info, &p);
}

/* One sample of `kind` (its scratch context); `malloc_ok`: mallinfo2 may run; `flush`: write
 * out the allocation batches once the Go states are read (the exit sample). The Go heap's page
 * states come first: they are in memory (tens of microseconds, docs/go-heap.md), while the
 * /proc files take milliseconds in a large process, and the Go runtime's other threads go on
 * releasing pages meanwhile (at exit the Go trap holds them: gotrap.c). */
static void gm_sampler_take(int ctx, enum gm_sample_kind kind, int malloc_ok, int flush)
{
	if (!lttng_ust_tracepoint_enabled(gomemtrace, sample)) {
		if (flush)
			gm_batch_flush_all(true);
		gm_sampler_proc_info();
		return;
	}
	/* the process began to leave: the exit sample supersedes a periodic one (before it writes
	 * any go_chunks; checked again below, the exit may begin while this one reads) */
	if (ctx == 0 && atomic_load(&gm_sampler_finished))
		return;
	struct gm_sampler_scratch *x = &gm_sampler_scratch[ctx];
	struct gm_tp_sample s;
	memset(&s, 0, sizeof s);
	s.seq = atomic_fetch_add(&gm_sampler_seq, 1);
	s.kind = (uint8_t)kind;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s.go_read_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	struct gm_goheap_totals t;
	atomic_store_explicit(&gm_sampler_moved_mark, atomic_load_explicit(&gm_sampler_moved_bytes,
				memory_order_relaxed), memory_order_relaxed);
	gm_goheap_sample(s.seq, gm_config.go_chunks, ctx, &t);
	s.go_source = t.source;
	s.go_mapped = t.mapped, s.go_inuse = t.inuse, s.go_free = t.free;
	s.go_released = t.released, s.go_resident = t.resident;
	s.tracer_resident = gm_sampling_resident() + gm_batch_resident();
	struct gm_gostats gs;
	gm_gostats_read(ctx, &gs);
	s.go_objects = gs.objects, s.go_spans = gs.in_heap;
	if (flush)
		gm_batch_flush_all(true); /* the records still in buffers, before the sample event */

	int have_rollup =
		gm_sampler_read_file("/proc/self/smaps_rollup", x->rollup, sizeof x->rollup) > 0;
	int have_status = gm_sampler_read_file("/proc/self/status", x->status, sizeof x->status) > 0;
	struct gm_sampler_mem m;
	gm_sampler_parse_mem(have_rollup ? x->rollup : NULL, have_status ? x->status : NULL, &m);
	s.rss = m.rss, s.pss = m.pss, s.anonymous = m.anonymous, s.lazyfree = m.lazyfree;
	s.file = m.file, s.shmem = m.shmem, s.swap = m.swap;
	struct gm_sampler_cgmem cg;
	s.cgroup_current = gm_sampler_cgroup(x, &cg);
	s.cgroup_limit = cg.limit, s.cgroup_anon = cg.anon, s.cgroup_file = cg.file;
	s.cgroup_kernel = cg.kernel, s.cgroup_sock = cg.sock, s.cgroup_procs = cg.procs;
	s.malloc_arena = s.malloc_mmap = s.malloc_inuse = s.malloc_free = s.malloc_keepcost = -1;
	if (malloc_ok) {
		struct mallinfo2 mi = mallinfo2();
		s.malloc_arena = (int64_t)mi.arena;
		s.malloc_mmap = (int64_t)mi.hblkhd;
		s.malloc_inuse = (int64_t)mi.uordblks;
		s.malloc_free = (int64_t)mi.fordblks;
		s.malloc_keepcost = (int64_t)mi.keepcost;
	}
	/* the process began to leave while this thread sampled: the exit sample supersedes it
	 * (the reader also keeps an exit sample over a periodic one written after it) */
	if (ctx == 0 && atomic_load(&gm_sampler_finished))
		return;
	gm_sampler_proc_info();
	lttng_ust_do_tracepoint(gomemtrace, sample, &s);
}

/* ---- the thread ------------------------------------------------------------------------- */

/* The thread wakes every `tick` ms: it writes out the allocation batches (batch.c) on every
 * tick when batching is on, and takes a sample every sample_interval_ms (if not 0). */
static void *gm_sampler_main(void *arg)
{
	(void)arg;
	gm_guard_hold_forever();
	pthread_setname_np(pthread_self(), "gomemtrace");
	gm_guard_thread_check();
	/* a tick at least every 100 ms: batches written out, and a session started late noticed */
	uint32_t every = gm_config.sample_interval_ms, tick = every;
	if (!tick || tick > GM_BATCH_FLUSH_MS)
		tick = GM_BATCH_FLUSH_MS;
	uint64_t since_sample = 0; /* ms since the last sample */
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	atomic_store(&gm_sampler_running, every != 0);
	uint64_t tick_ns = (uint64_t)tick * 1000000ULL, next_ns = gm_sampler_ns(&next) + tick_ns;
	for (;;) {
		struct timespec at_ts = gm_sampler_ts(next_ns);
		int moved = gm_sampler_sleep(&at_ts);
		if (atomic_load(&gm_sampler_finished))
			return NULL;
		struct timespec now_ts;
		clock_gettime(CLOCK_MONOTONIC, &now_ts);
		uint64_t now = gm_sampler_ns(&now_ts);
		if (moved) { /* woken by the Go trap, or a hook that could not sample itself */
			moved = 0;
			if (every && gm_sampler_moved_claim()) {
				gm_batch_flush_all(false); /* the reader sees the C heap up to it */
				gm_sampler_take(0, GM_SAMPLE_MOVED, 1, 0);
			}
		}
		if (now < next_ns)
			continue; /* woken before the tick */
		next_ns += tick_ns;
		/* a new session first: its reader applies this flush's records knowing the window began */
		int begun = gm_resync_check(tick);
		gm_batch_flush_all(false); /* before the sample: the reader sees the C heap up to it */
		since_sample += tick;
		if (begun && every) { /* a new session: a sample now, the next one a period on */
			gm_sampler_take(0, GM_SAMPLE_PERIODIC, 1, 0);
			since_sample = 0;
			continue;
		}
		if (!every || since_sample < every)
			continue;
		since_sample = 0;
		gm_gotrap_check();
		gm_sampler_take(0, GM_SAMPLE_PERIODIC, 1, 0);
		/* after a long stall (stopped process), do not fire a burst of catch-up samples */
		clock_gettime(CLOCK_MONOTONIC, &now_ts);
		if (gm_sampler_ns(&now_ts) > next_ns + 1000000000ULL)
			next_ns = gm_sampler_ns(&now_ts);
	}
}

/* exit() of a C program (a Go program's exit_group is caught by the Go trap instead): the
 * destructors of one object run in reverse link order, and tp.c's unregister the probes, so
 * tp.c is linked first (preload/local.mk) and this runs while the events are still
 * registered. (atexit would be too late: ld.so's _dl_fini is registered after our
 * constructor, so it runs first.) */
__attribute__((destructor)) static void gm_sampler_fini(void)
{
	gm_guard_depth++;
	gm_sampler_final(GM_EXIT_C);
	gm_guard_depth--;
	/* what runs after this (other libraries' destructors, lttng-ust's teardown) is not the
	 * program's, and lttng-ust then allocates under its own locks: stop reporting */
	__atomic_store_n(&gm_guard_exiting, 1, __ATOMIC_RELAXED);
}

/* _exit()/_Exit() (a fork()ed child's usual way out, or a signal handler's) run no destructors:
 * the final flush and sample happen here, then exit_group. Not in a vfork() child, which shares
 * the parent's memory (the parent must find the tracer as it left it): its pid is not the one
 * gm_sampler_pid holds (set at start and in every fork()ed child). The real _exit is
 * exit_group; nothing is looked up at this point. */
static pid_t gm_sampler_pid; /* this process's pid; written by the constructor and the fork child */

static void gm_sampler_atfork_child(void) { gm_sampler_pid = getpid(); }

GM_EXPORT __attribute__((noreturn)) void _exit(int status)
{
	if (gm_sampler_pid && getpid() == gm_sampler_pid) {
		gm_guard_depth++;
		gm_sampler_final(GM_EXIT_RAW);
		gm_guard_depth--;
		__atomic_store_n(&gm_guard_exiting, 1, __ATOMIC_RELAXED);
	}
	for (;;)
		syscall(SYS_exit_group, status);
}
GM_EXPORT __attribute__((noreturn, alias("_exit"))) void _Exit(int status);

/* A baseline as the process starts, so that a short run has more than its exit sample: taken
 * on the main thread by the last of the library's constructors (init.c's runs first, at
 * priority 200; tp.c's register the events, and a session's enabling reaches them, before
 * this one, which is linked after tp.c), before the program's own constructors and main. */
__attribute__((constructor)) static void gm_sampler_baseline(void)
{
	if (!gm_config.sample_interval_ms || !lttng_ust_tracepoint_enabled(gomemtrace, sample) ||
	    atomic_exchange(&gm_sampler_req_busy, 1))
		return;
	int saved = errno;
	gm_guard_depth++;
	gm_sampler_take(2, GM_SAMPLE_BASELINE, 1, 0);
	gm_guard_depth--;
	atomic_store(&gm_sampler_req_busy, 0);
	errno = saved;
}

void gm_sampler_start(void)
{
	prctl(PR_GET_NAME, gm_sampler_procname, 0, 0, 0); /* before any proc_info */
	gm_sampler_pid = getpid();
	pthread_atfork(NULL, NULL, gm_sampler_atfork_child);
	if (!gm_config.sample_interval_ms && gm_config.batch <= 1)
		return;
	gm_sampler_page_size = (uint32_t)getpagesize();
	pthread_attr_t attr;
	if (pthread_attr_init(&attr))
		return;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_t t;
	int err = pthread_create(&t, &attr, gm_sampler_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err && gm_config.debug)
		gm_config_warn("cannot start the sampler thread (error %d)", err);
}

void gm_sampler_final(enum gm_sampler_exit how)
{
	int saved = errno;
	gm_guard_depth++; /* nothing done here is the program's */
	gm_guard_thread_check();
	if (!gm_config.sample_interval_ms || atomic_exchange(&gm_sampler_finished, 1)) {
		gm_batch_flush_all(true); /* the records still in buffers */
		gm_guard_depth--;
		errno = saved;
		return;
	}
	/* mallinfo2 takes glibc's arena locks. At the Go runtime's exit_group the thread stopped
	 * synchronously at a syscall site in runtime.exit, so it holds none of them and the other
	 * threads holding one release it without waiting for us: safe. Any other handler context
	 * (a C exit() called from a signal handler) may have interrupted malloc: skip it. */
	stack_t ss;
	int in_handler = sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK);
	gm_sampler_take(1, GM_SAMPLE_EXIT, how == GM_EXIT_GO || (how == GM_EXIT_C && !in_handler), 1);
	gm_guard_depth--;
	errno = saved;
}

/* ---- gomemtrace_sample_now(): a sample the program asks for ------------------------------ */

GM_EXPORT int gomemtrace_sample_now(void)
{
	if (gm_guard_depth) /* the tracer's own code or thread */
		return -1;
	if (!gm_config.sample_interval_ms || !lttng_ust_tracepoint_enabled(gomemtrace, sample))
		return 1;
	if (atomic_exchange(&gm_sampler_req_busy, 1))
		return -1;
	int rc = -1;
	int saved = errno;
	gm_guard_depth++;
	gm_guard_thread_check();
	if (!atomic_load(&gm_sampler_finished)) {
		gm_sampler_take(2, GM_SAMPLE_REQUESTED, 1, 0);
		rc = 0;
	}
	gm_guard_depth--;
	atomic_store(&gm_sampler_req_busy, 0);
	errno = saved;
	return rc;
}
#endif /* GM_SAMPLER_TESTING */
