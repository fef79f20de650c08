/* churn.c: end-to-end robustness workload for the preload (tests/e2e/robust_*.sh).
 *
 *   churn threads N ITER   N threads, each ITER x (malloc, realloc, free) of varying sizes
 *   churn run N SECONDS    N threads for SECONDS: each keeps 256 live blocks of 16..8207 bytes
 *                          and replaces one at a time (malloc the new one, free the oldest),
 *                          while the main thread asks the tracer for a sample every second
 *                          (gomemtrace_sample_now, if preloaded): SECONDS samples, however
 *                          starved the tracer's own thread; prints "run threads=N samples=K"
 *                          (tests/e2e/robust_footprint.sh)
 *   churn edge             the malloc family's edge cases; prints what libc answered
 *   churn fork             fork() without exec: the child allocates, frees, exits 7
 *   churn vfork            50 x (100 blocks allocated, vfork(), the child _exit(3)s, the blocks
 *                          freed), then a 5555-byte block kept; prints "vfork ok"
 *   churn dlopen LIB       dlopen/dlsym/dlclose LIB a few times
 *   churn leak N           N blocks of 64..4159 bytes (malloc, calloc, realloc), every other one
 *                          freed; prints the bytes allocated in all and still allocated
 *   churn handoff N ITER   N producer threads malloc ITER blocks each and hand them to N
 *                          consumer threads, which free them (so addresses move between
 *                          threads and arenas) except every 7th; prints the same two totals
 *   churn slow MS          malloc and free one block from one call site every millisecond
 *                          for MS milliseconds
 * The output is deterministic so that traced and untraced runs can be compared byte for byte. */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int iters;

static void *churn_thread(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	unsigned sum = 0;
	for (int i = 0; i < iters; i++) {
		size_t n = 16 + ((id * 7919 + (unsigned)i * 104729) % 4096);
		char *p = malloc(n);
		if (!p)
			abort();
		memset(p, (int)i, n);
		char *q = realloc(p, n * 2);
		if (!q)
			abort();
		sum += (unsigned char)q[n - 1];
		free(q);
	}
	return (void *)(uintptr_t)sum;
}

static int run_threads(int n, int iter)
{
	pthread_t t[256];
	iters = iter;
	if (n > 256)
		n = 256;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, churn_thread, (void *)(uintptr_t)i))
			return 1;
	unsigned long total = 0;
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		total += (uintptr_t)r;
	}
	printf("threads=%d iter=%d checksum=%lu\n", n, iter, total);
	return 0;
}

static atomic_int run_stop; /* churn run: set when the time is up */

static void *run_thread(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	enum { RING = 256 };
	void *ring[RING] = { 0 };
	uint64_t x = 0x9E3779B97F4A7C15ULL * (id + 1);
	for (unsigned i = 0; !atomic_load_explicit(&run_stop, memory_order_relaxed); i++) {
		x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
		size_t n = 16 + (size_t)((x * 0x2545F4914F6CDD1DULL) >> 32) % 8192;
		free(ring[i % RING]);
		if (!(ring[i % RING] = malloc(n)))
			abort();
		memset(ring[i % RING], 1, n < 64 ? n : 64);
	}
	for (int k = 0; k < RING; k++)
		free(ring[k]);
	return NULL;
}

static int run_run(int n, int seconds)
{
	pthread_t t[256];
	if (n > 256)
		n = 256;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, run_thread, (void *)(uintptr_t)i))
			return 1;
	int (*sample_now)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "gomemtrace_sample_now");
	int samples = 0;
	for (int s = 0; s < seconds; s++) {
		sleep(1);
		samples += sample_now && sample_now() == 0;
	}
	atomic_store(&run_stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("run threads=%d samples=%d\n", n, samples);
	return 0;
}

static volatile size_t big = SIZE_MAX / 2; /* volatile: keep the compiler out of the edge cases */
static void *volatile nullp; /* realloc(NULL, n) that gcc cannot turn into malloc(n) */

static int run_edge(void)
{
	errno = 0;
	void *p = malloc(big);
	printf("malloc(huge) = %s errno=%s\n", p ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
	errno = 0;
	p = calloc(big, 4);
	printf("calloc(overflow) = %s errno=%s\n", p ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
	free(NULL);
	printf("free(NULL) ok\n");
	p = realloc(nullp, 100);
	printf("realloc(NULL,100) = %s\n", p ? "ptr" : "NULL");
	p = realloc(p, 0);
	printf("realloc(p,0) = %s\n", p ? "ptr" : "NULL");
	free(p);
	void *a = NULL;
	int r = posix_memalign(&a, 3, 64);
	printf("posix_memalign(align 3) = %s\n", r == EINVAL ? "EINVAL" : "?");
	r = posix_memalign(&a, 4096, 100);
	printf("posix_memalign(4096) = %d aligned=%d\n", r, ((uintptr_t)a & 4095) == 0);
	free(a);
	a = aligned_alloc(64, 128);
	printf("aligned_alloc(64) aligned=%d\n", ((uintptr_t)a & 63) == 0);
	free(a);
	a = memalign(256, 10);
	printf("memalign(256) aligned=%d\n", ((uintptr_t)a & 255) == 0);
	free(a);
	a = valloc(10);
	printf("valloc aligned=%d\n", ((uintptr_t)a & 4095) == 0);
	free(a);
	a = reallocarray(NULL, 10, 10);
	printf("reallocarray = %s\n", a ? "ptr" : "NULL");
	errno = 0;
	void *b = reallocarray(a, big, 4);
	printf("reallocarray(overflow) = %s errno=%s\n", b ? "ptr" : "NULL", errno == ENOMEM ? "ENOMEM" : "?");
	if (b)
		a = b;
	free(a);
	errno = 0;
	void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap = %s\n", m == MAP_FAILED ? "FAILED" : "ok");
	r = madvise(m, 1 << 20, MADV_DONTNEED);
	printf("madvise = %d\n", r);
	r = madvise(m, 1 << 20, 12345);
	printf("madvise(bad) = %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : "?");
	void *m2 = mremap(m, 1 << 20, 2 << 20, MREMAP_MAYMOVE);
	printf("mremap = %s\n", m2 == MAP_FAILED ? "FAILED" : "ok");
	r = munmap(m2, 2 << 20);
	printf("munmap = %d\n", r);
	errno = 0;
	r = munmap((void *)1, 4096);
	printf("munmap(bad) = %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : "?");
	return 0;
}

static int run_fork(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++) {
			void *volatile p = malloc(100 + (size_t)i); /* volatile: not optimized away */
			free(p);
		}
		void *volatile leak = malloc(4242);
		(void)leak;
		_exit(7);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child exit=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

/* One vfork(): the child _exit(3)s at once. 0 when it did. (Its own function: nothing of the
 * caller's lives across vfork.) */
static __attribute__((noinline)) int vfork_once(void)
{
	pid_t pid = vfork();
	if (pid == 0)
		_exit(3); /* shares our memory: the tracer must leave it alone */
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3 ? 0 : -1;
}

static void *volatile vfork_kept; /* the block kept at the end, reachable */

static int run_vfork(void)
{
	void *keep[100];
	for (int r = 0; r < 50; r++) {
		for (int i = 0; i < 100; i++)
			keep[i] = malloc(64 + (size_t)i);
		if (vfork_once() != 0) {
			printf("vfork failed\n");
			return 1;
		}
		for (int i = 0; i < 100; i++)
			free(keep[i]);
	}
	vfork_kept = malloc(5555);
	printf("vfork ok\n");
	return 0;
}

static int run_dlopen(const char *lib)
{
	for (int i = 0; i < 3; i++) {
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			printf("dlopen failed: %s\n", dlerror());
			return 1;
		}
		double (*cosp)(double) = (double (*)(double))dlsym(h, "cos");
		printf("cos(0) = %.1f\n", cosp ? cosp(0.0) : -1.0);
		dlclose(h);
	}
	return 0;
}

static void *volatile leak_keep[1 << 20]; /* the leaked blocks, reachable */

static int run_leak(int n)
{
	size_t total = 0, live = 0;
	if (n > (1 << 20))
		n = 1 << 20;
	for (int i = 0; i < n; i++) {
		size_t sz = 64 + ((unsigned)i * 2654435761u) % 4096;
		void *p;
		switch (i % 3) {
		case 0: p = malloc(sz); break;
		case 1: p = calloc(1, sz); break;
		default: /* grow a smaller block: the allocation that counts is the final one */
			p = realloc(malloc(32), sz);
			total += 32;
			break;
		}
		if (!p)
			abort();
		memset(p, 1, sz);
		total += sz;
		if (i % 2) {
			leak_keep[i] = p;
			live += sz;
		} else {
			free(p);
		}
	}
	printf("allocated=%zu live=%zu\n", total, live);
	return 0;
}

/* ---- handoff: blocks freed by another thread than the one that allocated them ---- */
#define HANDOFF_RING 64
struct handoff {
	pthread_mutex_t mu;            /* guards the rest */
	pthread_cond_t cv;             /* signalled on every put and take */
	void *ring[HANDOFF_RING];      /* blocks in flight */
	size_t size[HANDOFF_RING];     /* their sizes */
	unsigned head, count;          /* ring position, blocks in it */
	int iter;                      /* blocks per producer */
	size_t live;                   /* bytes kept by the consumer */
};
static void *volatile handoff_keep[1 << 20]; /* kept blocks, reachable */
static _Atomic unsigned handoff_nkeep;

static void *handoff_producer(void *arg)
{
	struct handoff *h = arg;
	for (int i = 0; i < h->iter; i++) {
		size_t sz = 16 + ((unsigned)i * 40503u) % 2000;
		void *p = malloc(sz);
		if (!p)
			abort();
		memset(p, 2, 8);
		pthread_mutex_lock(&h->mu);
		while (h->count == HANDOFF_RING)
			pthread_cond_wait(&h->cv, &h->mu);
		h->ring[(h->head + h->count) % HANDOFF_RING] = p;
		h->size[(h->head + h->count) % HANDOFF_RING] = sz;
		h->count++;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

static void *handoff_consumer(void *arg)
{
	struct handoff *h = arg;
	for (int i = 0; i < h->iter; i++) {
		pthread_mutex_lock(&h->mu);
		while (!h->count)
			pthread_cond_wait(&h->cv, &h->mu);
		void *p = h->ring[h->head];
		size_t sz = h->size[h->head];
		h->head = (h->head + 1) % HANDOFF_RING;
		h->count--;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		if (i % 7 == 3) {
			handoff_keep[atomic_fetch_add(&handoff_nkeep, 1) % (1 << 20)] = p;
			h->live += sz;
		} else {
			free(p);
		}
	}
	return NULL;
}

static int run_handoff(int n, int iter)
{
	struct handoff *hs = calloc((size_t)n, sizeof *hs);
	pthread_t *t = calloc((size_t)n * 2, sizeof *t);
	if (!hs || !t)
		abort();
	size_t total = 0, live = 0;
	for (int k = 0; k < n; k++) {
		pthread_mutex_init(&hs[k].mu, NULL);
		pthread_cond_init(&hs[k].cv, NULL);
		hs[k].iter = iter;
		pthread_create(&t[2 * k], NULL, handoff_producer, &hs[k]);
		pthread_create(&t[2 * k + 1], NULL, handoff_consumer, &hs[k]);
	}
	for (int k = 0; k < 2 * n; k++)
		pthread_join(t[k], NULL);
	for (int k = 0; k < n; k++)
		live += hs[k].live;
	for (int i = 0; i < iter; i++)
		total += 16 + ((unsigned)i * 40503u) % 2000;
	printf("allocated=%zu live=%zu\n", total * (size_t)n, live);
	free(t);
	free(hs);
	return 0;
}

static int run_slow(int ms)
{
	static void *volatile sink;
	for (int i = 0; i < ms; i++) {
		sink = malloc(100);
		free(sink);
		usleep(1000);
	}
	printf("slow %d\n", ms);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "threads"))
		return run_threads(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run_run(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "edge"))
		return run_edge();
	if (argc >= 2 && !strcmp(argv[1], "fork"))
		return run_fork();
	if (argc >= 2 && !strcmp(argv[1], "vfork"))
		return run_vfork();
	if (argc >= 3 && !strcmp(argv[1], "slow"))
		return run_slow(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "handoff"))
		return run_handoff(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "leak"))
		return run_leak(atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "dlopen"))
		return run_dlopen(argv[2]);
	fprintf(stderr, "usage: churn threads N ITER | run N SECONDS | edge | fork | vfork | dlopen LIB | leak N | handoff N ITER | slow MS\n");
	return 2;
}
