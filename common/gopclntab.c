/* gopclntab.c: STUB */
#include "common/gopclntab.h"
int gm_gopclntab_stub_;
