/* leaky.h: the C side of tests/data/diff/leaky (see main.go). */
#ifndef LEAKY_H
#define LEAKY_H
#include <stddef.h>
/* A block of n bytes, written (so it is resident): the leaks' allocation. */
void *leaky_block(size_t n);
/* n blocks of various sizes allocated and freed: C work that leaves nothing. */
void leaky_churn(int n);
#endif
