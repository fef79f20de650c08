/* leak.h: the C half of the cgoleak example: a C "library" that allocates on its own. */
#ifndef CGOLEAK_LEAK_H
#define CGOLEAK_LEAK_H
#include <stddef.h>

/* Bytes cgoleak_make_record() allocates per call (the caller owns them). */
#define CGOLEAK_RECORD_BYTES 512

/* A record describing request `id`, malloc'd inside C; the caller must free() it. */
char *cgoleak_make_record(int id);
/* Allocate, use and free a scratch buffer of `size` bytes inside C; returns a checksum. */
unsigned cgoleak_balanced(size_t size);
#endif
