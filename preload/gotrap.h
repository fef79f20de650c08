/* gotrap.h: catching the Go runtime's raw memory syscalls, which LD_PRELOAD cannot see.
 * See docs/go-trap.md for how it works and what it costs. */
#ifndef GM_GOTRAP_H
#define GM_GOTRAP_H
#include <stddef.h>
#include <stdint.h>

/* Constructor-time: arm the trap (unless disabled or impossible). Needs gm_gosyms_init(). */
void gm_gotrap_init(void);
uint8_t gm_gotrap_state(void);       /* enum gm_trap_state */
uint32_t gm_gotrap_sites(void);      /* number of syscall sites armed */
const char *gm_gotrap_reason(void);  /* why not armed, or "" */
/* Called by the sampler at every tick: verifies the handler is still ours, disarms if not. */
void gm_gotrap_check(void);

/* The site finder (pure; unit-tested on real binaries): offsets in code[0, len) of every
 * `syscall` (0f 05) directly preceded by a load of `nr` into eax/rax (b8 imm32 or
 * 48 c7 c0 imm32). At most `max` offsets go to offs[]; returns how many were found. */
int gm_gotrap_find_sites(const uint8_t *code, size_t len, uint32_t nr, uint32_t *offs, int max);
#endif
