/* stack.c: STUB */
#include "preload/stack.h"
uint32_t gm_stack_capture(uint64_t *out, uint32_t max, uint32_t skip) { return 0; }
uint32_t gm_stack_capture_go(uint64_t *out, uint32_t max, uintptr_t pc, uintptr_t sp, uintptr_t bp) { return 0; }
