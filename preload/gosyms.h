/* gosyms.h: the traced executable's Go runtime, as seen from inside the process.
 *
 * gm_gosyms_init() runs once in the constructor (before any Go code and before the program
 * has threads of its own); it maps the executable file read-only, finds .gopclntab (section
 * header, or by magic in a stripped binary), .symtab when present and .go.buildinfo, and
 * applies the load bias (PIE). Afterwards every function here is read-only, lock-free,
 * allocation-free and async-signal-safe. */
#ifndef GM_GOSYMS_H
#define GM_GOSYMS_H
#include <stdbool.h>
#include <stdint.h>

int gm_gosyms_init(void);            /* 0: the executable is a Go program; -1 otherwise */
bool gm_gosyms_is_go(void);          /* .gopclntab found */
bool gm_gosyms_has_cgo(void);        /* the runtime was linked with cgo (e.g. _cgo_init present) */
const char *gm_gosyms_version(void); /* "go1.19.8" from .go.buildinfo; "" if unknown */
const char *gm_gosyms_exe(void);     /* absolute path of the executable */
int gm_gosyms_minor(void);           /* 19 for go1.19.x; 0 if unknown */

/* Runtime address range [entry, end) of the Go function `name` (e.g. "runtime.madvise"). */
int gm_gosyms_func(const char *name, uintptr_t *entry, uintptr_t *end);
/* The runtime address of the executable's data symbol `name` (.symtab: absent from a stripped
 * binary), its size in *size (if not NULL); 0 if not found. Start-up only (a linear search). */
uintptr_t gm_gosyms_data(const char *name, uint64_t *size);

/* The Go text range [lo, hi) of the executable: pcs in it are Go code (cgo's C is outside). */
extern uintptr_t gm_gosyms_text_lo, gm_gosyms_text_hi; /* written once by init */
static inline bool gm_gosyms_in_go_text(uintptr_t pc)
{
	return pc >= gm_gosyms_text_lo && pc < gm_gosyms_text_hi;
}

/* Frame size (pcsp value, bytes below the return address) at pc in Go text, -1 if unknown. */
int gm_gosyms_sp_delta(uintptr_t pc);

/* Added by the gosyms piece: */
/* The Go function containing runtime pc: its name (in the mapped file) and [entry, end).
 * Any out pointer may be NULL. 0, or -1 outside Go text. */
int gm_gosyms_lookup(uintptr_t pc, const char **name, uintptr_t *entry, uintptr_t *end);
/* Runtime address minus link address of the executable (0 unless PIE). */
uintptr_t gm_gosyms_load_bias(void);

#ifdef GM_GOSYMS_TESTING
/* For the fuzz target (tests/fuzz/fuzz_gosyms.c): forget any previous start-up, then do
 * gm_gosyms_init()'s parsing on the file image buf (size bytes, 8-byte aligned, outliving
 * the state) taken as loaded at its link addresses (bias 0; the AT_PHDR check is skipped).
 * 0, or -1 as gm_gosyms_init. */
#include <stddef.h>
int gm_gosyms_init_from_memory(const void *buf, size_t size);
#endif
#endif
