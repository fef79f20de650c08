/* report.c: STUB until the reader lands. */
#include <stdio.h>
#include "tools/report/report.h"
int gm_report_main(int argc, char **argv)
{
	fprintf(stderr, "gomemtrace report: not available in this build yet\n");
	return 2;
}
