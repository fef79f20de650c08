/* record.c: STUB */
#include <stdio.h>
#include "tools/record.h"
int gm_record_main(int argc, char **argv) { fprintf(stderr, "gomemtrace record: not yet\n"); return 2; }
