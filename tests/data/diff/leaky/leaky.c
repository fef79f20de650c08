/* leaky.c: the C side of tests/data/diff/leaky (see main.go). */
#include <stdlib.h>
#include <string.h>

#include "leaky.h"

void *leaky_block(size_t n)
{
	void *p = malloc(n);
	if (p)
		memset(p, 1, n);
	return p;
}

static void *volatile leaky_sink;

void leaky_churn(int n)
{
	for (int i = 0; i < n; i++) {
		leaky_sink = malloc(64 + (size_t)(i % 4096));
		free(leaky_sink);
	}
}
