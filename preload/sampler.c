/* sampler.c: STUB, to be written (see sampler.h). */
#include "preload/sampler.h"
void gm_sampler_start(void) {}
void gm_sampler_final(void) {}
