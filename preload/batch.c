/* batch.c: per-thread buffers of allocation records and their flusher (see batch.h).
 *
 * The protocol: two flags per buffer, each with one writer. The owner sets `busy` around an
 * append and gives up (writes that call as an event of its own) if it then sees `claim`; the
 * flusher sets `claim` on every buffer, makes every thread of the process execute a full
 * barrier (membarrier(2) PRIVATE_EXPEDITED, once per flush), and then writes out each buffer
 * whose `busy` is clear. This is the asymmetric Dekker of liburcu: the owner pays a compiler
 * barrier, not a locked instruction (where membarrier is refused, it pays a fence). Nobody
 * ever waits in a hook. A record's time is read after the owner's check, and `upto` after the
 * flusher's barrier, so a flush that found no buffer busy has written (or the owners
 * already did) every record stamped before `upto`.
 * Buffers live in a static pool, not in TLS: the flusher reads a dead thread's records safely
 * and gives its buffer back (tgkill(pid, tid, 0) == ESRCH). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include "gomemtrace/schema.h"
#include "gomemtrace/tp.h"
#include "preload/batch.h"
#include "preload/sampling.h"
#include "preload/config.h"
#include "preload/guard.h"

/* ---- the pool ------------------------------------------------------------------------ */

enum { GM_BB_FREE = 0, GM_BB_OWNED };

#define GM_BATCH_SLOTS 256 /* threads with a buffer at once; the rest write events of their own */
#define GM_BATCH_FOLD 32   /* records a free looks back through for its block's malloc */

struct gm_batch_buf {
	_Atomic uint32_t state; /* GM_BB_FREE / OWNED: claimed by a thread (CAS), given back by the flusher */
	_Atomic uint32_t busy;  /* 1 while the owner appends; written by the owner only */
	_Atomic uint32_t claim; /* 1 while the flusher may take the buffer; written by the flusher only */
	uint32_t n;             /* records held; the owner's while busy, the flusher's while it holds it */
	int32_t tid;            /* the owner thread; set by the claimer, read by the flusher */
	uint64_t rec[GM_BATCH_MAX * GM_BATCH_WORDS]; /* the records; same rule as n */
} __attribute__((aligned(64)));

static struct gm_batch_buf gm_batch_pool[GM_BATCH_SLOTS]; /* 2 MiB of bss, touched on use */
static _Atomic uint32_t gm_batch_hint;                    /* where claimers start looking */
/* This thread's buffer, NULL before its first record; owner: this thread (reset in a fork child). */
static __thread struct gm_batch_buf *gm_batch_mine __attribute__((tls_model("initial-exec")));
/* 1 once this thread found the pool full: it never looks again; owner: this thread. */
static __thread int gm_batch_none __attribute__((tls_model("initial-exec")));
/* 1 once the final flush ran (any thread; the one that sets it runs it). */
static _Atomic int gm_batch_final_done;
/* 1 while a flush runs (the periodic one and the final one exclude each other). */
static _Atomic int gm_batch_flushing;
/* 1: membarrier(PRIVATE_EXPEDITED) is registered, owners need only a compiler barrier.
 * Written by gm_batch_init / the fork child handler / a flusher whose membarrier failed. */
static _Atomic int gm_batch_mb;

static inline uint64_t gm_batch_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t); /* LTTng-UST's clock (its events' "cycles") */
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static struct gm_batch_buf *gm_batch_claim(void)
{
	if (gm_batch_none)
		return NULL;
	uint32_t start = atomic_load_explicit(&gm_batch_hint, memory_order_relaxed);
	for (uint32_t k = 0; k < GM_BATCH_SLOTS; k++) {
		struct gm_batch_buf *b = &gm_batch_pool[(start + k) % GM_BATCH_SLOTS];
		uint32_t f = GM_BB_FREE;
		if (atomic_load_explicit(&b->state, memory_order_relaxed) != GM_BB_FREE ||
		    !atomic_compare_exchange_strong_explicit(&b->state, &f, GM_BB_OWNED,
							     memory_order_acquire, memory_order_relaxed))
			continue;
		/* a flusher takes only buffers it saw owned when it started, and gives one back
		 * (FREE) only after its round: nobody else touches these now */
		b->tid = (int32_t)syscall(SYS_gettid); /* once per thread */
		b->n = 0;
		atomic_store_explicit(&b->busy, 0, memory_order_relaxed);
		atomic_store_explicit(&gm_batch_hint, (start + k + 1) % GM_BATCH_SLOTS, memory_order_relaxed);
		return gm_batch_mine = b;
	}
	gm_batch_none = 1;
	return NULL;
}

/* Write b's records as one event; the caller holds b (its owner while busy, or the flusher
 * that found it not busy under its claim). */
static void gm_batch_write(struct gm_batch_buf *b)
{
	if (b->n)
		lttng_ust_do_tracepoint(gomemtrace, alloc_batch, b->tid, b->rec, b->n * GM_BATCH_WORDS);
	b->n = 0;
}

static void gm_batch_mb_register(void)
{
	int ok = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
	atomic_store(&gm_batch_mb, ok);
}

/* A fork()ed child has one thread; the parent's buffers are the parent's to write. */
static void gm_batch_atfork_child(void)
{
	for (int i = 0; i < GM_BATCH_SLOTS; i++) {
		gm_batch_pool[i].n = 0;
		atomic_store_explicit(&gm_batch_pool[i].busy, 0, memory_order_relaxed);
		atomic_store_explicit(&gm_batch_pool[i].claim, 0, memory_order_relaxed);
		atomic_store_explicit(&gm_batch_pool[i].state, GM_BB_FREE, memory_order_relaxed);
	}
	atomic_store(&gm_batch_flushing, 0);
	gm_batch_mb_register(); /* a new mm: register again */
	gm_batch_mine = NULL;
	gm_batch_none = 0;
	atomic_store(&gm_batch_final_done, 0);
}

void gm_batch_init(void)
{
	if (gm_config.batch <= 1)
		return;
	gm_batch_mb_register();
	pthread_atfork(NULL, NULL, gm_batch_atfork_child);
}

/* ---- stacks -------------------------------------------------------------------------- */

#define GM_BATCH_STACKS (1u << 16) /* stacks remembered as written (direct-mapped, lossy) */
/* Ids of stacks already written, by (id >> 1) & mask, each stored as id ^ gm_batch_salt; any
 * thread, relaxed: a stale slot only means the stack is written again, which the reader
 * ignores. A new salt forgets them all at once (gm_batch_forget, from resync.c): every second,
 * so that a ring buffer in overwrite mode (flight recorder) gets every stack in use again
 * within a second, and at once when a new session starts. */
static _Atomic uint64_t gm_batch_seen[GM_BATCH_STACKS];
/* Even, so that id ^ salt (id is odd) is never 0, the empty slot. Written by the sampler
 * thread (gm_batch_forget), read by every hook that records a stack. */
static _Atomic uint64_t gm_batch_salt;

void gm_batch_forget(void)
{
	/* seq_cst: visible to every thread before the caller writes its resync marker */
	atomic_fetch_add(&gm_batch_salt, 0x9e3779b97f4a7c16ULL);
}

/* The id of stack st[0..d): a 64-bit hash of the frames, never 0. */
static uint64_t gm_batch_stack_hash(const uint64_t *st, uint32_t d)
{
	/* two independent multiply chains (odd and even frames): half the latency of one */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ d, g = 0x94d049bb133111ebULL;
	uint32_t i = 0;
	for (; i + 1 < d; i += 2) {
		h = (h ^ st[i]) * 0xff51afd7ed558ccdULL;
		g = (g ^ st[i + 1]) * 0xc2b2ae3d27d4eb4fULL;
	}
	if (i < d)
		h = (h ^ st[i]) * 0xff51afd7ed558ccdULL;
	h ^= (g >> 31 | g << 33) ^ h >> 29;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	return h | 1;
}

/* The stack's id; writes gomemtrace:stack first when it is not known to be written. The event
 * precedes the slot store, so any thread that sees the id in the table sees it written. */
static uint64_t gm_batch_stack_id(const uint64_t *st, uint32_t d)
{
	uint64_t id = gm_batch_stack_hash(st, d);
	uint64_t key = id ^ atomic_load_explicit(&gm_batch_salt, memory_order_acquire);
	_Atomic uint64_t *slot = &gm_batch_seen[(id >> 1) & (GM_BATCH_STACKS - 1)];
	if (atomic_load_explicit(slot, memory_order_relaxed) != key) {
		lttng_ust_do_tracepoint(gomemtrace, stack, id, st, d);
		atomic_store_explicit(slot, key, memory_order_release);
	}
	return id;
}

/* ---- the owner's side ---------------------------------------------------------------- */

bool gm_batch_add(unsigned kind, uintptr_t ptr, uint64_t size, const uint64_t *st, uint32_t depth,
		  bool has_stack)
{
	if (gm_config.batch <= 1 || !lttng_ust_tracepoint_enabled(gomemtrace, alloc_batch) ||
	    !lttng_ust_tracepoint_enabled(gomemtrace, stack) || size > GM_BATCH_SIZE_MASK)
		return false;
	struct gm_batch_buf *b = gm_batch_mine;
	if (__builtin_expect(!b, 0) && !(b = gm_batch_claim()))
		return false;
	atomic_store_explicit(&b->busy, 1, memory_order_relaxed);
	if (__builtin_expect(atomic_load_explicit(&gm_batch_mb, memory_order_relaxed), 1))
		atomic_signal_fence(memory_order_seq_cst); /* the flusher's membarrier does the rest */
	else
		atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&b->claim, memory_order_acquire)) {
		atomic_store_explicit(&b->busy, 0, memory_order_release);
		return false; /* the flusher has it: this call goes out as an event of its own */
	}
	if (kind == GM_BATCH_FREE && !has_stack) { /* freed while its record is still here? */
		uint64_t *r = b->rec + (size_t)b->n * GM_BATCH_WORDS;
		for (uint32_t k = b->n < GM_BATCH_FOLD ? b->n : GM_BATCH_FOLD; k > 0; k--) {
			r -= GM_BATCH_WORDS;
			unsigned rk = (unsigned)(r[2] >> GM_BATCH_KIND_SHIFT);
			if (r[1] != ptr || rk == GM_BATCH_MALLOC_FREED || rk == GM_BATCH_CALLOC_FREED)
				continue;
			if (rk == GM_BATCH_MALLOC || rk == GM_BATCH_CALLOC) {
				r[2] += (uint64_t)(GM_BATCH_MALLOC_FREED - GM_BATCH_MALLOC) << GM_BATCH_KIND_SHIFT;
				atomic_store_explicit(&b->busy, 0, memory_order_release);
				return true;
			}
			break; /* an older free of the same address: not this block */
		}
	}
	uint64_t *r = b->rec + (size_t)b->n * GM_BATCH_WORDS;
	r[0] = gm_batch_now(); /* after the check of claim: see the protocol above */
	/* the stack's id after the time: a record stamped after a resync marker looked its
	 * stack up in the table the resync emptied */
	r[3] = has_stack ? gm_batch_stack_id(st, depth) : 0;
	r[1] = ptr;
	r[2] = size | (uint64_t)kind << GM_BATCH_KIND_SHIFT;
	if (++b->n >= gm_config.batch)
		gm_batch_write(b);
	atomic_store_explicit(&b->busy, 0, memory_order_release);
	return true;
}

/* ---- the flusher --------------------------------------------------------------------- */

/* Make every thread of the process pass a full barrier (or fail: then owners use fences). */
static bool gm_batch_barrier(void)
{
	if (atomic_load(&gm_batch_mb)) {
		if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
			return true;
		atomic_store(&gm_batch_mb, 0); /* owners fence from now on; this round is void */
		return false;
	}
	atomic_thread_fence(memory_order_seq_cst);
	return true;
}

void gm_batch_flush_all(bool final)
{
	if (gm_config.batch <= 1)
		return;
	if (final && atomic_exchange(&gm_batch_final_done, 1))
		return;
	int saved = errno;
	/* one flusher at a time: the periodic one steps aside, the final one waits a little */
	for (int tries = 0; atomic_exchange(&gm_batch_flushing, 1); tries++) {
		if (!final || tries >= 1000) {
			errno = saved;
			return;
		}
		sched_yield();
	}
	/* upto first: a buffer claimed by a new thread after the scan below holds only later
	 * records; one claimed before holds a record stamped before upto only if its owner
	 * checked `claim` before we set it: then we see it busy, or the record is there */
	uint64_t upto = gm_batch_now();
	uint64_t mine[GM_BATCH_SLOTS / 64] = { 0 }; /* the buffers this round claims */
	for (int i = 0; i < GM_BATCH_SLOTS; i++)
		if (atomic_load_explicit(&gm_batch_pool[i].state, memory_order_acquire) != GM_BB_FREE) {
			atomic_store_explicit(&gm_batch_pool[i].claim, 1, memory_order_relaxed);
			mine[i / 64] |= 1ULL << (i % 64);
		}
	bool any = false;
	for (int k = 0; k < GM_BATCH_SLOTS / 64; k++)
		any |= mine[k] != 0;
	bool barrier = !any || gm_batch_barrier(), complete = barrier; /* nothing owned: no IPIs */
	uint32_t unflushed = 0;
	pid_t pid = getpid();
	for (int i = 0; i < GM_BATCH_SLOTS; i++) {
		if (!(mine[i / 64] >> (i % 64) & 1))
			continue;
		struct gm_batch_buf *b = &gm_batch_pool[i];
		/* an owner inside a hook sees claim on its next call; this one ends in well under
		 * a microsecond unless it is preempted: at exit, wait for it a little */
		for (int tries = 0; barrier && final && tries < 200 &&
				    atomic_load_explicit(&b->busy, memory_order_acquire); tries++)
			sched_yield();
		if (!barrier) {
			/* owners may not have seen claim: touch nothing */
			unflushed += final ? __atomic_load_n(&b->n, __ATOMIC_RELAXED) : 0;
		} else if (atomic_load_explicit(&b->busy, memory_order_acquire)) {
			complete = false;
			unflushed += __atomic_load_n(&b->n, __ATOMIC_RELAXED); /* a racy count: at exit */
		} else {
			/* an empty buffer: its thread may be gone; then nobody can touch it, give it back */
			bool dead = !final && !b->n && syscall(SYS_tgkill, pid, b->tid, 0) < 0 &&
				    errno == ESRCH;
			gm_batch_write(b);
			if (dead)
				atomic_store_explicit(&b->state, GM_BB_FREE, memory_order_release);
		}
		atomic_store_explicit(&b->claim, 0, memory_order_release);
	}
	if (complete || final)
		lttng_ust_tracepoint(gomemtrace, flush, complete ? upto : 0, (uint8_t)final, unflushed);
	atomic_store(&gm_batch_flushing, 0);
	errno = saved;
}

uint64_t gm_batch_resident(void)
{
	return gm_resident(gm_batch_pool, sizeof gm_batch_pool) + gm_resident((const void *)gm_batch_seen, sizeof gm_batch_seen);
}
