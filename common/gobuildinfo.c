/* gobuildinfo.c: STUB */
#include "common/gobuildinfo.h"
int gm_gobuildinfo_stub_;
