/* leak.c: the C half of the cgoleak example: one function whose result the Go caller must
 * free (and, in leakyHandler, does not), one that cleans up after itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"

/* ---- allocating for the caller ---- */

char *cgoleak_make_record(int id)
{
	char *r = malloc(CGOLEAK_RECORD_BYTES);
	if (r)
		snprintf(r, CGOLEAK_RECORD_BYTES, "record %d", id);
	return r;
}

/* ---- allocating and freeing ---- */

unsigned cgoleak_balanced(size_t size)
{
	unsigned char *p = malloc(size);
	if (!p)
		return 0;
	memset(p, 0x5a, size);
	unsigned sum = 0;
	for (size_t i = 0; i < size; i += 64)
		sum += p[i];
	free(p);
	return sum;
}
