/* gosyms.c: STUB, to be written (see gosyms.h). */
#include "preload/gosyms.h"
uintptr_t gm_gosyms_text_lo, gm_gosyms_text_hi;
int gm_gosyms_init(void) { return -1; }
bool gm_gosyms_is_go(void) { return false; }
bool gm_gosyms_has_cgo(void) { return false; }
const char *gm_gosyms_version(void) { return ""; }
const char *gm_gosyms_exe(void) { return ""; }
int gm_gosyms_minor(void) { return 0; }
int gm_gosyms_func(const char *name, uintptr_t *entry, uintptr_t *end) { return -1; }
int gm_gosyms_sp_delta(uintptr_t pc) { return -1; }
