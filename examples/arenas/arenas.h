/* arenas.h: the C half of the arenas example (arenas.c). */
#ifndef ARENAS_H
#define ARENAS_H
#include <stddef.h>

#define ARENAS_MAX_THREADS 64

/* Start `threads` threads that take turns allocating `blocks` blocks of `size` bytes and
 * freeing all but every `keep`-th; join them; return the bytes they still hold. */
long long arenas_fragment(int threads, int blocks, size_t size, int keep);
#endif
