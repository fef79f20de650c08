/* gotrap.c: STUB, to be written (see gotrap.h). */
#include "gomemtrace/schema.h"
#include "preload/gotrap.h"
void gm_gotrap_init(void) {}
uint8_t gm_gotrap_state(void) { return GM_TRAP_OFF; }
uint32_t gm_gotrap_sites(void) { return 0; }
const char *gm_gotrap_reason(void) { return "not implemented"; }
void gm_gotrap_check(void) {}
