/* sampling.c: Poisson sampling of C allocations by bytes and the set of sampled blocks
 * (see sampling.h). */
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/config.h"
#include "preload/sampling.h"

bool gm_sampling_active;
__thread int64_t gm_sampling_left __attribute__((tls_model("initial-exec")));
/* Per-thread xorshift64* state; 0 until seeded. Owner: the thread. */
static __thread uint64_t gm_sampling_rng __attribute__((tls_model("initial-exec")));

/* ---- the set of live sampled blocks ---------------------------------------------------- */
/* Open addressing over four tables of growing size (2^12, 2^15, 2^18 and 2^21 slots) in one
 * mapping of 19 MiB of address space, touched only where used: a block goes into the first
 * table with a free slot within GM_SET_PROBES of its hash, so the tracer's resident memory
 * follows the number of live sampled blocks, not the number of addresses ever sampled (hashed
 * addresses reach every page of a table: one table of 2^21 slots was all resident after a
 * minute of churn). A slot holds a block address, EMPTY or TOMB (a removed entry, reusable).
 * Any thread inserts (CAS EMPTY/TOMB -> p) and removes (CAS p -> TOMB). A block address is
 * live at most once at a time, so an address is never inserted twice concurrently; free
 * removes its address before the real free, so the allocator cannot hand it out again
 * while the set still holds it. A slot once non-EMPTY never becomes EMPTY again, so a lookup
 * stops at the first EMPTY slot of a table: the block would have taken it; and it reads only
 * the tables used so far (gm_set_used is raised before a block is stored in a new one). */
#define GM_SET_TABLES 4
#define GM_SET_BITS0 12   /* table k has 2^(GM_SET_BITS0 + 3k) slots */
#define GM_SET_SLOTS_ALL ((1UL << 12) + (1UL << 15) + (1UL << 18) + (1UL << 21))
#define GM_SET_PROBES 64  /* longest probe sequence in a table; beyond it the next table */
#define GM_SET_EMPTY 0UL
#define GM_SET_TOMB 1UL

static _Atomic uintptr_t *gm_set;      /* all the slots; written once by init */
static atomic_int gm_set_used;          /* tables [0, gm_set_used) may hold blocks (any thread raises it) */
static atomic_uint_fast64_t gm_dropped; /* sampled blocks not remembered: every table full */

_Atomic uint8_t gm_sampling_filter[1u << GM_SAMPLING_FILTER_BITS];

/* Add d (+1 or -1) to p's filter counter; 255 is sticky. */
static void gm_filter_add(uintptr_t p, int d)
{
	_Atomic uint8_t *c = &gm_sampling_filter[gm_sampling_filter_hash(p)];
	uint8_t v = atomic_load_explicit(c, memory_order_relaxed);
	while (v != 255 && !(d < 0 && v == 0) &&
	       !atomic_compare_exchange_weak_explicit(c, &v, (uint8_t)(v + d), memory_order_relaxed,
						      memory_order_relaxed))
		;
}

/* Table k: its first slot and its size's bits. */
static _Atomic uintptr_t *gm_set_table(int k, unsigned *bits)
{
	*bits = GM_SET_BITS0 + 3u * (unsigned)k;
	size_t off = 0;
	for (int i = 0; i < k; i++)
		off += 1UL << (GM_SET_BITS0 + 3u * (unsigned)i);
	return gm_set + off;
}

static inline size_t gm_set_hash(uintptr_t p, unsigned bits)
{
	return (size_t)(((uint64_t)p >> 4) * 0x9E3779B97F4A7C15ULL >> (64 - bits));
}

bool gm_sampling_remember(uintptr_t p)
{
	for (int k = 0; gm_set && k < GM_SET_TABLES; k++) {
		unsigned bits;
		_Atomic uintptr_t *t = gm_set_table(k, &bits);
		size_t h = gm_set_hash(p, bits), mask = (1UL << bits) - 1;
		for (size_t i = 0; i < GM_SET_PROBES; i++) {
			_Atomic uintptr_t *slot = &t[(h + i) & mask];
			uintptr_t v = atomic_load_explicit(slot, memory_order_relaxed);
			if (k >= atomic_load_explicit(&gm_set_used, memory_order_relaxed)) { /* first use of table k */
				int u = atomic_load(&gm_set_used);
				while (u <= k && !atomic_compare_exchange_weak(&gm_set_used, &u, k + 1))
					;
			}
			if ((v == GM_SET_EMPTY || v == GM_SET_TOMB) &&
			    atomic_compare_exchange_strong(slot, &v, p)) {
				gm_filter_add(p, +1); /* before the block reaches the program */
				return true;
			}
		}
	}
	atomic_fetch_add_explicit(&gm_dropped, 1, memory_order_relaxed);
	return false;
}

bool gm_sampling_forget(uintptr_t p)
{
	/* tables never used are not read: their pages stay unmapped */
	int used = atomic_load_explicit(&gm_set_used, memory_order_acquire);
	for (int k = 0; gm_set && k < used; k++) {
		unsigned bits;
		_Atomic uintptr_t *t = gm_set_table(k, &bits);
		size_t h = gm_set_hash(p, bits), mask = (1UL << bits) - 1;
		for (size_t i = 0; i < GM_SET_PROBES; i++) {
			_Atomic uintptr_t *slot = &t[(h + i) & mask];
			uintptr_t v = atomic_load_explicit(slot, memory_order_relaxed);
			if (v == GM_SET_EMPTY)
				break; /* not in this table */
			if (v == p) {
				if (!atomic_compare_exchange_strong(slot, &v, GM_SET_TOMB))
					return false;
				gm_filter_add(p, -1);
				return true;
			}
		}
	}
	return false;
}

uint64_t gm_resident(const void *addr, size_t len)
{
	uintptr_t lo = (uintptr_t)addr & ~(uintptr_t)4095, hi = ((uintptr_t)addr + len + 4095) & ~(uintptr_t)4095;
	unsigned char vec[256];
	uint64_t n = 0;
	for (uintptr_t at = lo; at < hi; at += sizeof vec * 4096) {
		size_t k = (hi - at) / 4096 < sizeof vec ? (hi - at) / 4096 : sizeof vec;
		if (syscall(SYS_mincore, (void *)at, k * 4096, vec) != 0)
			return 0;
		for (size_t i = 0; i < k; i++)
			n += vec[i] & 1;
	}
	return n * 4096;
}

uint64_t gm_sampling_resident(void)
{
	return gm_set ? gm_resident((const void *)gm_set, GM_SET_SLOTS_ALL * sizeof(uintptr_t)) : 0;
}

uint64_t gm_sampling_dropped(void) { return atomic_load_explicit(&gm_dropped, memory_order_relaxed); }

/* ---- intervals ------------------------------------------------------------------------ */

static uint64_t gm_sampling_random(void)
{
	uint64_t x = gm_sampling_rng;
	if (!x) { /* seed: this thread's TLS address and the time stamp counter */
		x = (uint64_t)(uintptr_t)&gm_sampling_rng ^ __builtin_ia32_rdtsc() ^ 0x2545F4914F6CDD1DULL;
		if (!x)
			x = 1;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	gm_sampling_rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ln(u) for u in (0, 1], without libm (a preloaded library must not drag libm into every
 * traced process): u = m * 2^e with m in [1, 2); ln(m) = 2 atanh((m-1)/(m+1)), a series in
 * t^2 with |t| <= 1/3: 8 terms give a relative error below 1e-8. */
static double gm_sampling_ln(double u)
{
	uint64_t bits;
	memcpy(&bits, &u, sizeof bits);
	int e = (int)((bits >> 52) & 0x7ff) - 1023;
	bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
	double m;
	memcpy(&m, &bits, sizeof m);
	double t = (m - 1.0) / (m + 1.0), t2 = t * t, sum = 0.0, term = t;
	for (int k = 1; k <= 15; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return 2.0 * sum + e * 0.69314718055994530942;
}

/* Bytes until the next sample: exponential with mean sample_bytes (at least 1). */
static int64_t gm_sampling_interval(void)
{
	double u = ((double)(gm_sampling_random() >> 11) + 1.0) / 9007199254740993.0; /* (0,1] */
	double v = -gm_sampling_ln(u) * (double)gm_config.sample_bytes;
	return v < 1.0 ? 1 : v > 4e18 ? (int64_t)4e18 : (int64_t)v;
}

bool gm_sampling_draw(size_t size)
{
	if (!gm_sampling_rng) {
		/* the thread's first allocation: start a budget, then count this one against it */
		gm_sampling_left = gm_sampling_interval() - (int64_t)size;
		if (gm_sampling_left > 0)
			return false;
	}
	/* the budget ran out inside this allocation; several sampling points may fall in one
	 * block, which is still one sample (the reader's weight 1/(1-exp(-s/mean)) accounts) */
	do
		gm_sampling_left += gm_sampling_interval();
	while (gm_sampling_left <= 0);
	return true;
}

void gm_sampling_init(void)
{
	if (!gm_config.sample_bytes)
		return;
	void *m = (void *)syscall(SYS_mmap, NULL, GM_SET_SLOTS_ALL * sizeof(uintptr_t),
				  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		gm_config_warn("cannot map the sampled-block set (%zu MiB of address space): "
			       "recording every allocation instead", (GM_SET_SLOTS_ALL * sizeof(uintptr_t)) >> 20);
		return;
	}
	gm_set = m;
	gm_sampling_active = true;
}
