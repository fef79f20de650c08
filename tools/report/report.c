/* report.c: `gomemtrace report [options] TRACE_DIR`: option parsing and the pipeline
 * input (babeltrace2) -> model -> analysis -> writer. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/input.h"
#include "tools/report/model.h"
#include "tools/report/output.h"
#include "tools/report/report.h"

/* ---- usage ---- */
static void gm_report_usage(FILE *o)
{
	fputs("usage: gomemtrace report [options] TRACE_DIR\n"
	      "  --format text|json|pprof|folded   output format (default text)\n"
	      "  -o, --output FILE                  write there instead of stdout\n"
	      "  --top N                            leak suspects shown (default 10)\n"
	      "  --pid PID                          only this process (vpid)\n"
	      "  --from SECONDS                     suspects: only allocations made after this time\n"
	      "  --to SECONDS, --at SECONDS         the state at this time (seconds since trace start)\n",
	      o);
}

static int gm_report_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* ---- main ---- */
int gm_report_main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_TOP, O_PID, O_FROM, O_TO };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT }, { "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, O_TOP },       { "pid", required_argument, NULL, O_PID },
		{ "from", required_argument, NULL, O_FROM },     { "to", required_argument, NULL, O_TO },
		{ "at", required_argument, NULL, O_TO },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gm_rep_opts opts = { .top = 10, .pid = -1, .from = 0, .to = -1 };
	const char *format = "text", *outpath = NULL;
	double d;
	int c;
	optind = 0; /* re-entrant (tests call us several times) */
	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			format = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case O_TOP:
			if (gm_report_num(optarg, &d) || d > 1e6) {
				fprintf(stderr, "gomemtrace report: --top: not a count: %s\n", optarg);
				return 2;
			}
			opts.top = (int)d;
			break;
		case O_PID:
			if (gm_report_num(optarg, &d)) {
				fprintf(stderr, "gomemtrace report: --pid: not a pid: %s\n", optarg);
				return 2;
			}
			opts.pid = (int64_t)d;
			break;
		case O_FROM:
		case O_TO:
			if (gm_report_num(optarg, &d)) {
				fprintf(stderr, "gomemtrace report: --%s: not a number of seconds: %s\n",
					c == O_FROM ? "from" : "to", optarg);
				return 2;
			}
			*(c == O_FROM ? &opts.from : &opts.to) = d;
			break;
		case 'h':
			gm_report_usage(stdout);
			return 0;
		default:
			gm_report_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		gm_report_usage(stderr);
		return 2;
	}
	const char *dir = argv[optind];
	int fmt_json = !strcmp(format, "json");
	if (!fmt_json && strcmp(format, "text") != 0) {
		if (!strcmp(format, "pprof") || !strcmp(format, "folded"))
			fprintf(stderr, "gomemtrace report: --format %s: not available yet in this build\n", format);
		else
			fprintf(stderr, "gomemtrace report: --format: unknown format %s (text, json, pprof, folded)\n", format);
		return 2;
	}
	if (opts.to >= 0 && opts.to < opts.from) {
		fprintf(stderr, "gomemtrace report: --to is before --from\n");
		return 2;
	}

	struct gm_rep_model m;
	gm_rep_model_init(&m, &opts);
	struct gm_rep_input_ops ops = { gm_rep_model_event, gm_rep_model_discarded };
	char err[1024] = "";
	enum gm_rep_input_status st = gm_rep_input_read_dir(dir, &ops, &m, err, sizeof err);
	int rc = 0;
	if (st == GM_IN_PARTIAL) {
		m.partial = 1;
		fprintf(stderr, "gomemtrace report: warning: %s\n", err);
		gm_rep_model_warn(&m, "the trace could not be read to its end (truncated or corrupt)");
	} else if (st != GM_IN_OK) {
		fprintf(stderr, "gomemtrace report: %s\n", err);
		gm_rep_model_free(&m);
		return 1;
	}
	if (!m.gm_events) {
		if (opts.pid >= 0)
			fprintf(stderr, "gomemtrace report: %s: no gomemtrace events of pid %lld\n", dir, (long long)opts.pid);
		else
			fprintf(stderr, "gomemtrace report: %s: no gomemtrace events in this trace "
					"(was the program run under `gomemtrace record`?)\n", dir);
		gm_rep_model_free(&m);
		return 1;
	}
	gm_rep_analyze(&m);
	FILE *out = stdout;
	if (outpath && !(out = fopen(outpath, "w"))) {
		fprintf(stderr, "gomemtrace report: %s: %s\n", outpath, strerror(errno));
		gm_rep_model_free(&m);
		return 1;
	}
	if (fmt_json)
		gm_rep_write_json(out, &m, dir);
	else
		gm_rep_write_text(out, &m, dir);
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
		fprintf(stderr, "gomemtrace report: write error: %s\n", strerror(errno));
		rc = 1;
	}
	gm_rep_model_free(&m);
	return rc;
}
