/* gomemtrace.c: the `gomemtrace` command: dispatches to its subcommands (record, attach, snapshot, preload-path,
 * report and diff: the reader in tools/report/) and answers --help and --version. */
#include <stdio.h>
#include <string.h>

#include "tools/attach.h"
#include "tools/record.h"
#include "tools/report/diff.h"
#include "tools/report/report.h"
#include "tools/snapshot.h"

/* ---- help ---- */

static const char gm_main_usage_text[] =
	"usage: gomemtrace COMMAND [ARGS...]\n"
	"Why is my cgo Go program's RSS far above what pprof shows? gomemtrace traces every C\n"
	"allocation and address-space call of both worlds, with stacks from C into Go.\n"
	"\n"
	"commands:\n"
	"  record [options] -- PROGRAM [ARGS...]  run PROGRAM under a new LTTng session with the\n"
	"                                         tracer preloaded; see gomemtrace record --help\n"
	"  attach --pid PID [--duration S]          record a window of a running process started\n"
	"                                         with the preload (gomemtrace attach --help);\n"
	"                                         --snapshot: a flight recorder instead\n"
	"  snapshot --pid PID [-o DIR] [--stop]   write what a flight recorder holds\n"
	"                                         (gomemtrace snapshot --help)\n"
	"  preload-path                           print the absolute path of libgomemtrace.so\n"
	"                                         (for your own LTTng sessions)\n"
	"  report [options] TRACE_DIR             findings, memory split, leak suspects\n"
	"                                         (gomemtrace report --help)\n"
	"  diff [options] BASE NEW                two traces of one program compared, for CI:\n"
	"                                         exit 1 on a memory regression (gomemtrace diff --help)\n"
	"  help, --help, -h                       this text\n"
	"  --version, -V                          the version\n"
	"See gomemtrace(1).\n";

/* ---- subcommands ---- */

/* `gomemtrace preload-path`: the path on stdout, 0; or 1 when the library is missing. */
static int gm_main_preload_path(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: gomemtrace preload-path\nPrint the absolute path of libgomemtrace.so.");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "gomemtrace preload-path: takes no arguments\n");
		return 2;
	}
	const char *p = gm_record_preload_path();
	if (!p)
		return 1;
	puts(p);
	return 0;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	if (!cmd) {
		fputs(gm_main_usage_text, stderr);
		return 2;
	}
	if (!strcmp(cmd, "record"))
		return gm_record_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "attach"))
		return gm_attach_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "snapshot"))
		return gm_snapshot_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "preload-path"))
		return gm_main_preload_path(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return gm_report_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return gm_diff_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(gm_main_usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("gomemtrace %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "gomemtrace: unknown command '%s' (see gomemtrace --help)\n", cmd);
	return 2;
}
