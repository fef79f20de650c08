/* goheap.c: STUB, to be written (see goheap.h). */
#include <string.h>
#include "gomemtrace/schema.h"
#include "preload/goheap.h"
void gm_goheap_note_mmap(uintptr_t addr, size_t len, int prot, int flags, uintptr_t ret) {}
void gm_goheap_sample(uint64_t seq, int emit_chunks, struct gm_goheap_totals *t)
{
	memset(t, 0, sizeof *t);
	t->source = GM_GOHEAP_NONE;
}
