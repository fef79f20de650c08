/* arenas.c: the C half of the arenas example: threads that fragment glibc's malloc arenas.
 * All threads start together (each binds an arena at its first malloc while the others are
 * alive, so glibc gives them arenas of their own up to its limit), then take turns: allocate `blocks` blocks of `size` bytes, free all but every
 * `keep`-th (the kept blocks pin the arena, which cannot be trimmed). With one arena per
 * thread each arena keeps its own holes; with MALLOC_ARENA_MAX=2 the threads share arenas
 * and each turn reuses the holes the previous turns left. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arenas.h"

/* ---- shared state (guarded by mu) ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;           /* index of the thread whose turn it is (mu) */
static int started;        /* threads that made their first malloc (mu) */
static int nthreads;       /* threads of this run (set before they start) */
static int nblocks;        /* blocks per turn (set before the threads start) */
static size_t block_size;  /* bytes per block (set before the threads start) */
static int keep_every;     /* keep one block in this many (set before the threads start) */
static long long kept_bytes; /* bytes still allocated by all threads (mu) */

/* ---- the threads ---- */

static void *arenas_thread(void *arg)
{
	int me = (int)(long)arg;
	void *first = malloc(64); /* binds this thread's arena */
	pthread_mutex_lock(&mu);
	started++;
	pthread_cond_broadcast(&cv);
	while (started < nthreads || turn != me)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);

	void **b = malloc(sizeof *b * (size_t)nblocks);
	long long kept = 0;
	for (int i = 0; b && i < nblocks; i++) {
		b[i] = malloc(block_size);
		if (b[i])
			memset(b[i], 0x5a, block_size);
	}
	for (int i = 0; b && i < nblocks; i++) {
		if (i % keep_every == keep_every - 1)
			kept += b[i] ? (long long)block_size : 0; /* kept forever: pins the arena */
		else
			free(b[i]);
	}
	free(b);
	free(first);

	pthread_mutex_lock(&mu);
	kept_bytes += kept;
	turn++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

long long arenas_fragment(int threads, int blocks, size_t size, int keep)
{
	pthread_t t[ARENAS_MAX_THREADS];
	if (threads > ARENAS_MAX_THREADS)
		threads = ARENAS_MAX_THREADS;
	nthreads = threads;
	nblocks = blocks;
	block_size = size;
	keep_every = keep;
	int n = 0;
	for (; n < threads; n++)
		if (pthread_create(&t[n], NULL, arenas_thread, (void *)(long)n) != 0)
			break;
	if (n < threads) { /* let the started ones finish */
		pthread_mutex_lock(&mu);
		nthreads = n;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return kept_bytes;
}
