/* gm-report-run.c: test driver: `gm-report-run [report options] TRACE_DIR` runs
 * gm_report_main() exactly as `gomemtrace report ...` will. */
#include "tools/report/report.h"

int main(int argc, char **argv)
{
	argv[0] = "report";
	return gm_report_main(argc, argv);
}
