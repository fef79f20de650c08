/* report.h: `gomemtrace report`: read a trace, rebuild the process's memory, print findings. */
#ifndef GM_REPORT_H
#define GM_REPORT_H
/* argv[0] is "report"; returns the process exit status. */
int gm_report_main(int argc, char **argv);
#endif
