/* gomemtrace.c: STUB */
#include "tools/record.h"
int main(int argc, char **argv) { return gm_record_main(argc, argv); }
