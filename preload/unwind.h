/* unwind.h: a fast, cached unwinder for C frames on x86-64 (.eh_frame), used by the stack
 * walker (stack.c) for the C part of a stack on Go threads.
 *
 * For a frame's registers (ip, sp, bp) it computes the caller's from the "shape" of the
 * frame at ip: CFA = sp+off or bp+off, return address at CFA-8, rbp unchanged or saved at
 * CFA+k, caller's sp = CFA. Shapes come from the object's .eh_frame (found with glibc's
 * lock-free _dl_find_object and the .eh_frame_hdr search table) and are kept in a fixed,
 * lock-free table keyed by pc. Anything the shape cannot express (CFA or a needed register
 * given by a DWARF expression, CFA on another register, signal frames, no FDE) yields
 * GM_UNWIND_FALLBACK: the caller must then unwind the whole stack another way.
 *
 * Everything here is async-signal-safe: no locks, no allocation, no system call (hit or miss;
 * _dl_find_object is lock-free and async-signal-safe), and the only stack memory read is
 * what gm_unwind_apply() reads, inside the bounds it is given. */
#ifndef GM_UNWIND_H
#define GM_UNWIND_H
#include <stdbool.h>
#include <stdint.h>

/* ---- frames and shapes ---- */

/* One frame's registers, as the unwinder needs them; a value owned by the walking thread. */
struct gm_unwind_frame {
	uintptr_t ip; /* the first frame: the pc; any other: the return address into it */
	uintptr_t sp; /* rsp in this frame (the callee's CFA) */
	uintptr_t bp; /* rbp in this frame */
};

/* What a shape says about the frame. */
enum gm_unwind_kind {
	GM_UNWIND_EMPTY = 0,     /* nothing (only seen in the cache: a free slot) */
	GM_UNWIND_FRAME = 1,     /* a caller exists: apply the shape */
	GM_UNWIND_OUTERMOST = 2, /* the return address is undefined (_start, clone): no caller */
	GM_UNWIND_FALLBACK = 3,  /* no FDE, or rules outside what a shape expresses */
};

/* How to get from a frame to its caller; a value filled by gm_unwind_shape_at() and friends,
 * owned by the thread that asked (the shared copy is the cache word). */
struct gm_unwind_shape {
	uint8_t kind;     /* enum gm_unwind_kind */
	bool cfa_bp;      /* CFA = rbp + cfa_off (else rsp + cfa_off) */
	bool bp_saved;    /* the caller's rbp is at CFA + bp_off (else rbp is unchanged) */
	int32_t cfa_off;  /* bytes; GM_UNWIND_FRAME only */
	int32_t bp_off;   /* bytes; bp_saved only */
};

/* The registers of the function this is expanded in, at this point: ip is the pc right
 * after the asm (not a return address: look its shape up at ip itself). rbp is read first,
 * so that an output register allocated to rbp cannot clobber it before it is read. */
#define GM_UNWIND_HERE(f)                                                                 \
	__asm__ volatile("mov %%rbp, %2\n\t"                                              \
			 "lea 0f(%%rip), %0\n\t"                                          \
			 "mov %%rsp, %1\n"                                                \
			 "0:"                                                             \
			 : "=r"((f).ip), "=r"((f).sp), "=r"((f).bp))

/* ---- the cache (its hit path is inline: every frame of every walk reads it) ---- */

/* Word layout: bits 0-1 kind, 2 cfa_bp, 3 bp_saved, 4-19 cfa_off / 8 (unsigned), 20-28
 * bp_off / 8 (signed), 29-63 pc >> 12 (pcs below 2^47). 0 = empty. */
#define GM_UNWIND_CACHE_BITS 12
#define GM_UNWIND_CACHE_SIZE (1u << GM_UNWIND_CACHE_BITS)
#define GM_UNWIND_TAG_SHIFT 29
#define GM_UNWIND_PC_LIMIT ((uintptr_t)1 << 47)

/* The entries (unwind.c). Any thread or signal handler reads and writes them, one whole
 * word at a time with relaxed atomics; never cleared. */
extern uint64_t gm_unwind_cache[GM_UNWIND_CACHE_SIZE];

/* Slot of pc: the low 12 bits mixed with higher ones, so that slot and pc >> 12 give pc. */
static inline uint32_t gm_unwind_cache_slot(uintptr_t pc)
{
	return (uint32_t)((pc ^ (pc >> 12) ^ (pc >> 24)) & (GM_UNWIND_CACHE_SIZE - 1));
}

/* true on a hit (exact: never another pc's shape), with the shape in s. */
static inline bool gm_unwind_cache_get(uintptr_t pc, struct gm_unwind_shape *s)
{
	if (pc >= GM_UNWIND_PC_LIMIT)
		return false;
	uint64_t w = __atomic_load_n(&gm_unwind_cache[gm_unwind_cache_slot(pc)], __ATOMIC_RELAXED);
	if ((w >> GM_UNWIND_TAG_SHIFT) != (uint64_t)(pc >> 12) || !(w & 3))
		return false;
	int32_t b = (int32_t)((w >> 20) & 0x1ff);
	s->kind = w & 3;
	s->cfa_bp = (w >> 2) & 1;
	s->bp_saved = (w >> 3) & 1;
	s->cfa_off = (int32_t)((w >> 4) & 0xffff) * 8;
	s->bp_off = (b >= 256 ? b - 512 : b) * 8;
	return true;
}

/* Store pc's shape; false if the shape or pc cannot be cached. */
bool gm_unwind_cache_put(uintptr_t pc, const struct gm_unwind_shape *s);

/* ---- the walk ---- */

/* Cache miss: look the shape up and cache it. */
void gm_unwind_shape_fill(uintptr_t pc, struct gm_unwind_shape *s);

/* Shape of the frame executing at `pc`, with the rules in effect at pc: for a return
 * address pass ra - 1 (the call instruction), for the first frame its pc. Cached. */
static inline void gm_unwind_shape_at(uintptr_t pc, struct gm_unwind_shape *s)
{
	if (__builtin_expect(!gm_unwind_cache_get(pc, s), 0))
		gm_unwind_shape_fill(pc, s);
}

/* A stack word at a may be read: inside [lo, hi), 8-byte aligned. */
static inline bool gm_unwind_in(uintptr_t a, uintptr_t lo, uintptr_t hi)
{
	return a >= lo && a + 8 <= hi && a + 8 > a && (a & 7) == 0;
}

/* Move f to its caller with shape s (kind GM_UNWIND_FRAME), reading only 8-byte aligned
 * words inside [lo, hi). false (f unchanged) if a read would leave the bounds. */
static inline bool gm_unwind_apply(const struct gm_unwind_shape *s, struct gm_unwind_frame *f,
				   uintptr_t lo, uintptr_t hi)
{
	uintptr_t cfa = (s->cfa_bp ? f->bp : f->sp) + (intptr_t)s->cfa_off;
	uintptr_t ra_at = cfa - 8, bp_at = cfa + (intptr_t)s->bp_off;
	if (!gm_unwind_in(ra_at, lo, hi) || (s->bp_saved && !gm_unwind_in(bp_at, lo, hi)))
		return false;
	uintptr_t bp = s->bp_saved ? *(const uintptr_t *)bp_at : f->bp;
	f->ip = *(const uintptr_t *)ra_at;
	f->sp = cfa;
	f->bp = bp;
	return true;
}

/* ---- exposed for the unit tests (tests/unit/test_unwind.c) ---- */

/* Shape at `pc` from the FDE at `fde` (with its CIE) in an .eh_frame section lying in
 * [lo, hi): runs the CIE's initial instructions, then the FDE's up to pc. pc outside the
 * FDE's range gives GM_UNWIND_FALLBACK. */
void gm_unwind_fde_shape(const uint8_t *fde, const uint8_t *lo, const uint8_t *hi, uintptr_t pc,
			 struct gm_unwind_shape *s);
/* Shape at `pc` computed without the cache (_dl_find_object, .eh_frame_hdr, FDE). */
void gm_unwind_shape_lookup(uintptr_t pc, struct gm_unwind_shape *s);
#endif
