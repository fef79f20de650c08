/* tp.h: THE event schema of gomemtrace, as an LTTng-UST 2.13 tracepoint provider.
 *
 * Every event the tracer writes is defined here and only here; the reader finds events and
 * fields by these names in the CTF metadata. Rules for changes: add fields freely, never
 * change the meaning of one (bump GM_SCHEMA_VERSION in schema.h if you must).
 * Conventions: addresses are integer_hex; `err` is the errno of a failed call (0 on success);
 * `origin` is enum gm_origin; `stack` holds return addresses, innermost first (the first
 * entry is the caller of the hooked function), `depth` entries. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER gomemtrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "gomemtrace/tp.h"

#if !defined(GOMEMTRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define GOMEMTRACE_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>

/* Arguments of the wide events (LTTng-UST takes at most 10 tracepoint arguments). */
#ifndef GOMEMTRACE_TP_STRUCTS
#define GOMEMTRACE_TP_STRUCTS
struct gm_tp_mmap {
	uint64_t addr, len; /* arguments */
	int32_t prot, flags, fd;
	int64_t offset;
	uint64_t ret; /* result */
	int32_t err;  /* errno when ret == MAP_FAILED */
};
struct gm_tp_proc_info {
	const char *exe;             /* absolute path of the executable */
	const char *go_version;      /* "go1.19.8", "" if not Go */
	const char *procname;        /* the main thread's name (comm) at start-up */
	int32_t ppid;                /* parent pid */
	uint32_t page_size;          /* the kernel's page size */
	uint32_t stack_depth;        /* GOMEMTRACE_STACK_DEPTH */
	uint32_t sample_interval_ms; /* GOMEMTRACE_SAMPLE_MS */
	uint8_t trap_state;          /* enum gm_trap_state */
	uint8_t free_stacks;         /* GOMEMTRACE_FREE_STACKS */
	uint64_t sample_bytes;       /* GOMEMTRACE_SAMPLE_BYTES (0: every allocation) */
	uint64_t sample_big;         /* GOMEMTRACE_SAMPLE_BIG: always recorded from this size on */
	uint64_t sample_dropped;     /* sampled allocations lost to a full block set */
	uint32_t batch;              /* GOMEMTRACE_BATCH (0: no batches) */
	const char *stack_layout;    /* how the stack walk knows the runtime's g/m offsets */
	uint64_t stack_hop_failures; /* g0 -> goroutine hops refused so far (state did not validate) */
	const char *stack_hop_reason; /* the first refusal's reason, "" if none */
	uint32_t go_heap_checked;    /* runtime page releases that matched the page bitmaps */
	uint32_t go_heap_check_failed; /* ... that did not (then go_source = GM_GOHEAP_UNTRUSTED) */
	uint64_t go_heap_check_addr; /* the first release that did not, 0 if none */
	uint64_t start_ns;           /* CLOCK_MONOTONIC ns when the tracer started in this process */
};
struct gm_tp_sample {
	uint64_t seq; /* sample number, from 0 */
	uint8_t kind; /* enum gm_sample_kind */
	uint64_t go_read_ns; /* CLOCK_MONOTONIC ns when the Go page states were read (0: not read) */
	int64_t rss, pss, anonymous, lazyfree, file, shmem, swap; /* smaps_rollup, bytes */
	int64_t cgroup_current;                                     /* bytes, -1: no cgroup found */
	int64_t cgroup_limit;  /* bytes, 0: none, -1: unknown */
	int64_t cgroup_anon, cgroup_file, cgroup_kernel, cgroup_sock; /* memory.stat, bytes, -1: unknown */
	int64_t cgroup_procs;  /* processes in the cgroup, -1: unknown */
	int64_t malloc_arena, malloc_mmap, malloc_inuse, malloc_free, malloc_keepcost; /* mallinfo2 */
	uint8_t go_source;                                          /* enum gm_goheap_source */
	int64_t go_mapped, go_inuse, go_free, go_released, go_resident; /* bytes, -1: unknown */
	uint64_t tracer_resident; /* the tracer's own tables in RAM: sampled-block set, batch buffers, written stacks */
	int64_t go_objects, go_spans; /* the runtime's heap statistics (gostats.c): live objects, in-use heap spans; -1 unknown */
};
#endif

#define GM_TP_STACK_FIELD lttng_ust_field_sequence_hex(uint64_t, stack, stack, uint32_t, depth)
/* The fields every call event ends with: errno, origin, stack. */
#define GM_TP_TAIL_FIELDS lttng_ust_field_integer(int32_t, err, err) \
	lttng_ust_field_integer(uint8_t, origin, origin) GM_TP_STACK_FIELD

/* ---- malloc family --------------------------------------------------------------- */

/* malloc(size) = ptr; also valloc, pvalloc */
#define GM_TP_ALLOC_SIZE_ARGS LTTNG_UST_TP_ARGS(uint64_t, size, uint64_t, ptr, int32_t, err, \
	uint8_t, origin, const uint64_t *, stack, uint32_t, depth)
LTTNG_UST_TRACEPOINT_EVENT_CLASS(gomemtrace, alloc_size, GM_TP_ALLOC_SIZE_ARGS,
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, size, size)
		lttng_ust_field_integer_hex(uint64_t, ptr, ptr)
		GM_TP_TAIL_FIELDS))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_size, gomemtrace, malloc, GM_TP_ALLOC_SIZE_ARGS)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_size, gomemtrace, valloc, GM_TP_ALLOC_SIZE_ARGS)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_size, gomemtrace, pvalloc, GM_TP_ALLOC_SIZE_ARGS)

/* calloc(nmemb, size) = ptr */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, calloc,
	LTTNG_UST_TP_ARGS(uint64_t, nmemb, uint64_t, size, uint64_t, ptr, int32_t, err,
		uint8_t, origin, const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, nmemb, nmemb)
		lttng_ust_field_integer(uint64_t, size, size)
		lttng_ust_field_integer_hex(uint64_t, ptr, ptr)
		GM_TP_TAIL_FIELDS))

/* realloc(in_ptr, size) = ptr; reallocarray(in_ptr, nmemb, size) = ptr (nmemb = 1 for realloc).
 * On success in_ptr is gone (unless ptr == in_ptr); on failure (ptr = 0, size > 0) it stays. */
#define GM_TP_REALLOC_ARGS LTTNG_UST_TP_ARGS(uint64_t, in_ptr, uint64_t, nmemb, \
	uint64_t, size, uint64_t, ptr, int32_t, err, uint8_t, origin, const uint64_t *, stack, \
	uint32_t, depth)
LTTNG_UST_TRACEPOINT_EVENT_CLASS(gomemtrace, realloc_class, GM_TP_REALLOC_ARGS,
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, in_ptr, in_ptr)
		lttng_ust_field_integer(uint64_t, nmemb, nmemb)
		lttng_ust_field_integer(uint64_t, size, size)
		lttng_ust_field_integer_hex(uint64_t, ptr, ptr)
		GM_TP_TAIL_FIELDS))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, realloc_class, gomemtrace, realloc, GM_TP_REALLOC_ARGS)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, realloc_class, gomemtrace, reallocarray, GM_TP_REALLOC_ARGS)

/* posix_memalign(&ptr, align, size) returns err; aligned_alloc/memalign(align, size) = ptr */
#define GM_TP_ALLOC_ALIGN_ARGS LTTNG_UST_TP_ARGS(uint64_t, align, uint64_t, size, \
	uint64_t, ptr, int32_t, err, uint8_t, origin, const uint64_t *, stack, uint32_t, depth)
LTTNG_UST_TRACEPOINT_EVENT_CLASS(gomemtrace, alloc_align, GM_TP_ALLOC_ALIGN_ARGS,
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, align, align)
		lttng_ust_field_integer(uint64_t, size, size)
		lttng_ust_field_integer_hex(uint64_t, ptr, ptr)
		GM_TP_TAIL_FIELDS))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_align, gomemtrace, posix_memalign, GM_TP_ALLOC_ALIGN_ARGS)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_align, gomemtrace, aligned_alloc, GM_TP_ALLOC_ALIGN_ARGS)
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, alloc_align, gomemtrace, memalign, GM_TP_ALLOC_ALIGN_ARGS)

/* free(ptr); the stack is empty unless GOMEMTRACE_FREE_STACKS=1 */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, free,
	LTTNG_UST_TP_ARGS(uint64_t, ptr, uint8_t, freer, uint8_t, origin, const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, ptr, ptr)
		/* enum gm_freer: the finalizer or a cleanup goroutine called the C code that frees */
		lttng_ust_field_integer(uint8_t, freer, freer)
		lttng_ust_field_integer(uint8_t, origin, origin)
		GM_TP_STACK_FIELD))

/* ---- batches (GOMEMTRACE_BATCH > 1; docs/events.md, "Batches") ------------------------ */

/* Records of thread `tid`'s malloc/calloc/free calls, oldest first, GM_BATCH_WORDS words each
 * (layout in gomemtrace/schema.h). Written when the thread's buffer fills, or by the flusher
 * (so the event's vtid context may be another thread's). Records carry their own times: the
 * reader puts them back in time order with the other threads' records. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, alloc_batch,
	LTTNG_UST_TP_ARGS(int32_t, tid, const uint64_t *, rec, uint32_t, nwords),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(int32_t, tid, tid)
		lttng_ust_field_sequence_hex(uint64_t, rec, rec, uint32_t, nwords)))

/* A stack that batch records name by `id` (a hash of the frames): written by the first thread
 * that records it (again if the tracer's table of written stacks forgot it), always before the
 * first batch that uses it. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, stack,
	LTTNG_UST_TP_ARGS(uint64_t, id, const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, id, id)
		GM_TP_STACK_FIELD))

/* Every thread's batch buffer was written out: each record with ts <= `upto` (CLOCK_MONOTONIC
 * ns) is in an event before this one. `unflushed`: records that could not be written (a
 * thread was inside a hook when the process exited); only the final flush (`final` = 1) can
 * have any. Written every 100 ms or less while recording, and at exit. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, flush,
	LTTNG_UST_TP_ARGS(uint64_t, upto, uint8_t, final, uint32_t, unflushed),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, upto, upto)
		lttng_ust_field_integer(uint8_t, final, final)
		lttng_ust_field_integer(uint32_t, unflushed, unflushed)))

/* ---- address-space calls ----------------------------------------------------------- */

/* mmap(addr, len, prot, flags, fd, offset) = ret (MAP_FAILED = 0xffffffffffffffff).
 * (LTTng-UST takes at most 10 arguments: wide events pass a struct defined above.) */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, mmap,
	LTTNG_UST_TP_ARGS(const struct gm_tp_mmap *, a, uint8_t, origin,
		const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, addr, a->addr)
		lttng_ust_field_integer(uint64_t, len, a->len)
		lttng_ust_field_integer_hex(int32_t, prot, a->prot)
		lttng_ust_field_integer_hex(int32_t, flags, a->flags)
		lttng_ust_field_integer(int32_t, fd, a->fd)
		lttng_ust_field_integer(int64_t, offset, a->offset)
		lttng_ust_field_integer_hex(uint64_t, ret, a->ret)
		lttng_ust_field_integer(int32_t, err, a->err)
		lttng_ust_field_integer(uint8_t, origin, origin)
		GM_TP_STACK_FIELD))

/* munmap(addr, len) = ret */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, munmap,
	LTTNG_UST_TP_ARGS(uint64_t, addr, uint64_t, len, int32_t, ret, int32_t, err, uint8_t, origin,
		const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, addr, addr)
		lttng_ust_field_integer(uint64_t, len, len)
		lttng_ust_field_integer(int32_t, ret, ret)
		GM_TP_TAIL_FIELDS))

/* mremap(old_addr, old_len, new_len, flags, new_addr) = ret */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, mremap,
	LTTNG_UST_TP_ARGS(uint64_t, old_addr, uint64_t, old_len, uint64_t, new_len, int32_t, flags,
		uint64_t, new_addr, uint64_t, ret, int32_t, err, uint8_t, origin,
		const uint64_t *, stack, uint32_t, depth),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, old_addr, old_addr)
		lttng_ust_field_integer(uint64_t, old_len, old_len)
		lttng_ust_field_integer(uint64_t, new_len, new_len)
		lttng_ust_field_integer_hex(int32_t, flags, flags)
		lttng_ust_field_integer_hex(uint64_t, new_addr, new_addr)
		lttng_ust_field_integer_hex(uint64_t, ret, ret)
		GM_TP_TAIL_FIELDS))

/* madvise(addr, len, advice) = ret; mprotect(addr, len, prot) = ret */
#define GM_TP_RANGE_OP_ARGS LTTNG_UST_TP_ARGS(uint64_t, addr, uint64_t, len, \
	int32_t, arg, int32_t, ret, int32_t, err, uint8_t, origin, const uint64_t *, stack, \
	uint32_t, depth)
LTTNG_UST_TRACEPOINT_EVENT_CLASS(gomemtrace, range_op, GM_TP_RANGE_OP_ARGS,
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer_hex(uint64_t, addr, addr)
		lttng_ust_field_integer(uint64_t, len, len)
		lttng_ust_field_integer(int32_t, arg, arg)
		lttng_ust_field_integer(int32_t, ret, ret)
		GM_TP_TAIL_FIELDS))
/* `arg` is the advice (MADV_DONTNEED = 4, MADV_FREE = 8, MADV_HUGEPAGE = 14, ...) */
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, range_op, gomemtrace, madvise, GM_TP_RANGE_OP_ARGS)
/* `arg` is the protection (PROT_*) */
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(gomemtrace, range_op, gomemtrace, mprotect, GM_TP_RANGE_OP_ARGS)

/* ---- process ------------------------------------------------------------------------ */

/* Who the process is and how the tracer is set up; written at start and with every sample,
 * so that a session started late (or a snapshot) still has it. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, proc_info,
	LTTNG_UST_TP_ARGS(const struct gm_tp_proc_info *, p),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_string(exe, p->exe)
		lttng_ust_field_string(go_version, p->go_version) /* "" when not a Go program */
		/* the process's name (main thread's comm at start-up): record adds no procname
		 * context to every event (~15 % of an event's cost), the reader takes it from here */
		lttng_ust_field_string(procname, p->procname)
		lttng_ust_field_integer(int32_t, ppid, p->ppid)
		lttng_ust_field_integer(uint32_t, page_size, p->page_size)
		lttng_ust_field_integer(uint32_t, stack_depth, p->stack_depth)
		lttng_ust_field_integer(uint32_t, sample_interval_ms, p->sample_interval_ms)
		lttng_ust_field_integer(uint8_t, trap_state, p->trap_state) /* enum gm_trap_state */
		lttng_ust_field_integer(uint8_t, free_stacks, p->free_stacks)
		/* Sampling of C allocations (docs/sampling.md): 0 = every allocation is recorded;
		 * else the mean bytes between sampled ones, and every allocation of at least
		 * sample_big bytes is recorded. sample_dropped: sampled allocations not recorded
		 * because the tracer's set of sampled blocks was full. */
		lttng_ust_field_integer(uint64_t, sample_bytes, p->sample_bytes)
		lttng_ust_field_integer(uint64_t, sample_big, p->sample_big)
		lttng_ust_field_integer(uint64_t, sample_dropped, p->sample_dropped)
		/* GOMEMTRACE_BATCH: records per gomemtrace:alloc_batch (0: no batches, one event a call) */
		lttng_ust_field_integer(uint32_t, batch, p->batch)
		/* The stack walk's view of the Go runtime (preload/stack.c): how it knows the g/m
		 * field offsets ("decoded: ...", "table go1.25 (...)", "none: ..."; "" if not Go),
		 * how many hops from the system stack to a goroutine it refused because the
		 * runtime's state did not validate (those stacks end at the switch), and why the
		 * first was refused. */
		lttng_ust_field_string(stack_layout, p->stack_layout)
		lttng_ust_field_integer(uint64_t, stack_hop_failures, p->stack_hop_failures)
		lttng_ust_field_string(stack_hop_reason, p->stack_hop_reason)
		/* The Go heap's self-check (preload/goheap.c, docs/go-heap.md): every page release
		 * of the runtime's scavenger is checked against the page bitmaps the sampler reads;
		 * after one that does not match, the samples carry no Go page states. */
		lttng_ust_field_integer(uint32_t, go_heap_checked, p->go_heap_checked)
		lttng_ust_field_integer(uint32_t, go_heap_check_failed, p->go_heap_check_failed)
		lttng_ust_field_integer_hex(uint64_t, go_heap_check_addr, p->go_heap_check_addr)
		/* When the tracer started in this process (its exec, or its fork), CLOCK_MONOTONIC
		 * ns (LTTng-UST's clock): a window's report says how long the process ran before. */
		lttng_ust_field_integer(uint64_t, start_ns, p->start_ns)))

/* The process's beginning is in the trace: written once, as the tracer starts in it (after
 * its probes are registered, before main), or by a fork()ed child whose parent had it
 * enabled. A process that has proc_info.start_ns but no gomemtrace:start was already running
 * when the session started (gomemtrace attach, a snapshot): its report is a window's
 * (docs/report.md). `start_ns` as in proc_info; `how` 0: exec, 1: fork. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, start,
	LTTNG_UST_TP_ARGS(uint64_t, start_ns, uint8_t, how),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, start_ns, start_ns)
		lttng_ust_field_integer(uint8_t, how, how)))

/* The tracer wrote again what a reader of a session started late needs: it forgot which
 * stacks it had written (each is written again at its next use), then wrote
 * gomemtrace:proc_info and this event. Batch records stamped after this event name only
 * stacks the session holds. `periodic` 0: this event became enabled (gomemtrace attach
 * enables it once its session is active; a sample follows); 1: a batching process's resync of
 * every second (a flight recorder's snapshot begins at one). `seq`: resyncs so far in this
 * process, from 0. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, resync,
	LTTNG_UST_TP_ARGS(uint32_t, seq, uint8_t, periodic),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint32_t, seq, seq)
		lttng_ust_field_integer(uint8_t, periodic, periodic)))
/* The Go trap changed state (armed, refused, disarmed); `sites` = patched syscall sites. */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, trap_status,
	LTTNG_UST_TP_ARGS(uint8_t, state, uint32_t, sites, const char *, reason),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint8_t, state, state)
		lttng_ust_field_integer(uint32_t, sites, sites)
		lttng_ust_field_string(reason, reason)))

/* The Go runtime's exit_group(status), caught by the trap (Go runs no C destructors). */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, go_exit,
	LTTNG_UST_TP_ARGS(int32_t, status),
	LTTNG_UST_TP_FIELDS(lttng_ust_field_integer(int32_t, status, status)))

/* One sample of the process's memory, every GOMEMTRACE_SAMPLE_MS, once at exit, and whenever
 * the program calls gomemtrace_sample_now() (`kind`, enum gm_sample_kind). The Go page states
 * are read first, at `go_read_ns` (LTTng's clock), then the /proc files. Sizes in bytes; -1
 * where unknown (no cgroup v2, no Go heap found). */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, sample,
	LTTNG_UST_TP_ARGS(const struct gm_tp_sample *, s),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, s->seq)
		lttng_ust_field_integer(uint8_t, kind, s->kind)
		lttng_ust_field_integer(uint64_t, go_read_ns, s->go_read_ns)
		/* /proc/self/smaps_rollup */
		lttng_ust_field_integer(int64_t, rss, s->rss)
		lttng_ust_field_integer(int64_t, pss, s->pss)
		lttng_ust_field_integer(int64_t, anonymous, s->anonymous)
		lttng_ust_field_integer(int64_t, lazyfree, s->lazyfree)
		lttng_ust_field_integer(int64_t, file, s->file)
		lttng_ust_field_integer(int64_t, shmem, s->shmem)
		lttng_ust_field_integer(int64_t, swap, s->swap)
		/* cgroup v2 memory.current of the process's cgroup, else v1 memory.usage_in_bytes */
		lttng_ust_field_integer(int64_t, cgroup_current, s->cgroup_current)
		/* the cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes; 0: none), memory.stat's
		 * anon, file, kernel and sock (v1: total_rss, total_cache; no kernel, sock: -1), and
		 * how many processes cgroup.procs lists */
		lttng_ust_field_integer(int64_t, cgroup_limit, s->cgroup_limit)
		lttng_ust_field_integer(int64_t, cgroup_anon, s->cgroup_anon)
		lttng_ust_field_integer(int64_t, cgroup_file, s->cgroup_file)
		lttng_ust_field_integer(int64_t, cgroup_kernel, s->cgroup_kernel)
		lttng_ust_field_integer(int64_t, cgroup_sock, s->cgroup_sock)
		lttng_ust_field_integer(int64_t, cgroup_procs, s->cgroup_procs)
		/* glibc mallinfo2(): arena (sbrk'd), hblkhd (mmapped), uordblks, fordblks, keepcost */
		lttng_ust_field_integer(int64_t, malloc_arena, s->malloc_arena)
		lttng_ust_field_integer(int64_t, malloc_mmap, s->malloc_mmap)
		lttng_ust_field_integer(int64_t, malloc_inuse, s->malloc_inuse)
		lttng_ust_field_integer(int64_t, malloc_free, s->malloc_free)
		lttng_ust_field_integer(int64_t, malloc_keepcost, s->malloc_keepcost)
		/* Go heap page states summed over all chunks (enum gm_goheap_source says how) */
		lttng_ust_field_integer(uint8_t, go_source, s->go_source)
		lttng_ust_field_integer(int64_t, go_mapped, s->go_mapped)     /* committed heap chunks */
		lttng_ust_field_integer(int64_t, go_inuse, s->go_inuse)       /* pages allocated */
		lttng_ust_field_integer(int64_t, go_free, s->go_free)         /* free, not released */
		lttng_ust_field_integer(int64_t, go_released, s->go_released) /* free and released */
		lttng_ust_field_integer(int64_t, go_resident, s->go_resident) /* mincore() of chunks */
		/* the tracer's own memory in RAM (mincore of its sampled-block set, batch buffers
		 * and table of written stacks; LTTng's ring buffers are in shmem) */
		lttng_ust_field_integer(uint64_t, tracer_resident, s->tracer_resident)
		/* the runtime's own heap statistics (memstats.heapStats, preload/gostats.c): bytes in
		 * live (not yet swept) objects, and in in-use heap spans; -1 unknown */
		lttng_ust_field_integer(int64_t, go_objects, s->go_objects)
		lttng_ust_field_integer(int64_t, go_spans, s->go_spans)))

/* Per-chunk Go page states of one sample (`seq`), for a run of `count` consecutive 4 MiB chunks
 * starting at `base`; each array holds one entry per chunk, in pages of 8 KiB (0..512),
 * except `resident`, in pages of 8 KiB found resident by mincore(). */
LTTNG_UST_TRACEPOINT_EVENT(gomemtrace, go_chunks,
	LTTNG_UST_TP_ARGS(uint64_t, seq, uint64_t, base, const uint16_t *, inuse,
		const uint16_t *, released, const uint16_t *, resident, uint32_t, count),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq)
		lttng_ust_field_integer_hex(uint64_t, base, base)
		lttng_ust_field_sequence(uint16_t, inuse, inuse, uint32_t, count)
		lttng_ust_field_sequence(uint16_t, released, released, uint32_t, count)
		lttng_ust_field_sequence(uint16_t, resident, resident, uint32_t, count)))

#endif /* GOMEMTRACE_TP_H */

#include <lttng/tracepoint-event.h>
