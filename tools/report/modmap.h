/* modmap.h: a per-process module map, rebuilt from the trace's lttng-ust module events:
 *   lttng_ust_statedump:bin_info (baddr, memsz, path, is_pic, ...)  -> gm_modmap_add
 *   lttng_ust_statedump:build_id (baddr, build_id[])               -> gm_modmap_set_build_id
 *   lttng_ust_lib:load (baddr, memsz, path, ...)                   -> gm_modmap_add (is_pic:
 *                                           true: the event has no such field; dlopen loads PIC)
 *   lttng_ust_lib:build_id (baddr, build_id[])                     -> gm_modmap_set_build_id
 *   lttng_ust_lib:unload (baddr)                                   -> gm_modmap_unload
 *   lttng_ust_statedump:start                                      -> gm_modmap_statedump_start
 * The caller keeps one map per process (vpid) and copies the parent's on fork.
 *
 * Nothing is forgotten early: a module that was unloaded, or that a later statedump did not
 * mention, still resolves addresses (stacks recorded before the dlclose are symbolized at
 * the end of the report) until a new module is added over its address range, which replaces
 * it (same baddr: a re-dump of the same library; overlapping: an exec'd image or a new
 * dlopen at the old place). Modules are owned by the map; pointers to them stay valid until
 * gm_modmap_free (replaced modules are retired, not freed). Single-threaded (the reader). */
#ifndef GM_REPORT_MODMAP_H
#define GM_REPORT_MODMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- types ---- */

#define GM_BUILD_ID_MAX 64 /* longest build id kept (GNU ones are 20 bytes) */

/* One loaded image (executable, shared library, vDSO). Written by the map's functions only. */
struct gm_module {
	uint64_t baddr;                    /* load base address in the process */
	uint64_t memsz;                    /* extent of its mapping: [baddr, baddr+memsz) */
	char *path;                        /* file path as the tracer saw it ("[vdso]" allowed) */
	bool is_pic;                       /* position-independent: file offset = addr - baddr */
	bool unloaded;                     /* lttng_ust_lib:unload seen (still resolves until replaced) */
	uint8_t build_id[GM_BUILD_ID_MAX]; /* build id bytes from the trace */
	size_t build_id_len;               /* 0 when the trace carries none */
};

/* A process's module map (opaque). */
struct gm_modmap;

/* ---- lifetime ---- */

struct gm_modmap *gm_modmap_new(void);
/* A copy for a forked child (modules are copied; the copy owns its own). */
struct gm_modmap *gm_modmap_copy(const struct gm_modmap *m);
void gm_modmap_free(struct gm_modmap *m);

/* ---- updates (from the trace's events) ---- */

/* A statedump begins: remembered only so that the next adds are counted as its members;
 * existing modules stay until replaced (see above). */
void gm_modmap_statedump_start(struct gm_modmap *m);
/* Add a module; any module whose range overlaps [baddr, baddr+memsz) is replaced. Returns the
 * new module, or NULL on allocation failure (the map is left as it was). memsz 0 is taken as 1. */
struct gm_module *gm_modmap_add(struct gm_modmap *m, uint64_t baddr, uint64_t memsz,
				const char *path, bool is_pic);
/* Attach a build id to the module loaded at baddr. 0, or -1 (no module there). */
int gm_modmap_set_build_id(struct gm_modmap *m, uint64_t baddr, const uint8_t *id, size_t len);
/* Mark the module at baddr unloaded (it still resolves addresses until replaced). 0 or -1. */
int gm_modmap_unload(struct gm_modmap *m, uint64_t baddr);

/* ---- lookups ---- */

/* The module containing addr, or NULL; *offset (optional) receives the address to look up
 * in the module's file: addr - baddr if PIC, else addr. Binary search. */
const struct gm_module *gm_modmap_find(const struct gm_modmap *m, uint64_t addr, uint64_t *offset);
/* Number of current (not replaced) modules, and the i-th by address (for listings). */
size_t gm_modmap_count(const struct gm_modmap *m);
const struct gm_module *gm_modmap_at(const struct gm_modmap *m, size_t i);

#endif
