/* gotrap.h: catching the Go runtime's raw memory syscalls, which LD_PRELOAD cannot see.
 * See docs/design.md, "The Go trap", for how it works and what it costs. */
#ifndef GM_GOTRAP_H
#define GM_GOTRAP_H
#include <stdint.h>

/* Constructor-time: arm the trap (unless disabled or impossible). Needs gm_gosyms_init(). */
void gm_gotrap_init(void);
uint8_t gm_gotrap_state(void);       /* enum gm_trap_state */
uint32_t gm_gotrap_sites(void);      /* number of syscall sites armed */
const char *gm_gotrap_reason(void);  /* why not armed, or "" */
/* Called by the sampler at every tick: verifies the handler is still ours, disarms if not. */
void gm_gotrap_check(void);
#endif
