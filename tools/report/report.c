/* report.c: `gomemtrace report [options] TRACE_DIR`: option parsing and the pipeline
 * input (babeltrace2) -> model -> analysis -> writer (text, json, html, pprof, folded). */
#include <errno.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/input.h"
#include "tools/report/load.h"
#include "tools/report/model.h"
#include "tools/report/output.h"
#include "tools/report/report.h"

/* ---- usage ---- */
static void gm_report_usage(FILE *o)
{
	fputs("usage: gomemtrace report [options] TRACE_DIR\n"
	      "  --format text|json|html|pprof|folded\n"
	      "                                     output format (default text); html: one page that\n"
	      "                                     opens from disk, with plots; pprof: a profile.proto\n"
	      "                                     of C allocations by stack, for `go tool pprof`\n"
	      "  -o, --output FILE                  write there instead of stdout (pprof: default\n"
	      "                                     ./gomemtrace.pb)\n"
	      "  --top N                            leak suspects shown (default 10)\n"
	      "  --pid PID                          only this process (vpid); default: the recorded\n"
	      "                                     program and its children (gomemtrace-record.txt)\n"
	      "  --from SECONDS                     suspects: only allocations made after this time\n"
	      "  --to SECONDS, --at SECONDS         the state at this time (seconds since trace start)\n"
	      "  --live URL [--every SECONDS]       follow a live session instead of TRACE_DIR:\n"
	      "                                     net://RELAYD[:5344]/host/HOSTNAME/SESSION (record or\n"
	      "                                     attach --relayd make one); the text report every\n"
	      "                                     SECONDS (default 5) and at the session's end\n",
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

/* After a profile (no header of its own): warnings, left-out processes, sampling on stderr. */
static void gm_report_profile_notes(struct gm_rep_model *m, const char *path)
{
	gm_rep_collect_sym_warnings(m);
	for (size_t i = 0; i < m->nwarnings; i++)
		fprintf(stderr, "gomemtrace report: warning: %s\n", m->warnings[i]);
	if (m->left_out)
		fprintf(stderr, "gomemtrace report: left out (see --pid): %s\n", m->left_out);
	for (struct gm_rep_proc *p = m->procs; p; p = p->next)
		if (p->selected && p->nevents && p->sample_bytes)
			fprintf(stderr, "gomemtrace report: pid %lld: values estimated from sampled allocations "
					"(1 in ~%llu bytes)\n", (long long)p->vpid, (unsigned long long)p->sample_bytes);
	if (path)
		fprintf(stderr, "gomemtrace report: wrote %s\n", path);
}

/* ---- live ---- */
/* A live report's state: the model, and when the last report was printed. Main thread only. */
struct gm_report_live {
	struct gm_rep_model *m;  /* what has been read so far */
	const char *url;         /* the session */
	double every;            /* seconds between reports */
	struct timespec last;    /* the last report (or the start) */
	int reports;             /* reports printed so far */
};

static double gm_report_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Every `every` seconds: the report of what was read so far. The analysis finishes the model
 * (queued records applied, suspects ranked), so it runs on a copy: a fork()ed child, which
 * prints and exits while this process reads on. */
static struct gm_report_live *gm_report_live_now; /* the live report being read */

static void gm_report_live_tick(void *ctx)
{
	(void)ctx; /* the model */
	struct gm_report_live *l = gm_report_live_now;
	if (gm_report_since(&l->last) < l->every)
		return;
	clock_gettime(CLOCK_MONOTONIC, &l->last);
	if (!l->m->gm_events)
		return;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		printf("%s---- live report %d of %s (the session is still recording)\n", l->reports ? "\n" : "",
		       l->reports + 1, l->url);
		gm_rep_analyze(l->m);
		gm_rep_write_text(stdout, l->m, l->url);
		fflush(stdout);
		_exit(0);
	}
	if (c > 0) {
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
		l->reports++;
	}
}

static int gm_report_live(const char *url, const struct gm_rep_opts *o, double every)
{
	struct gm_rep_opts opts = *o;
	static struct gm_rep_model m;
	gm_rep_model_init(&m, &opts);
	struct gm_report_live l = { .m = &m, .url = url, .every = every };
	clock_gettime(CLOCK_MONOTONIC, &l.last);
	struct gm_rep_input_ops ops = { gm_rep_model_event, gm_rep_model_discarded, NULL, gm_report_live_tick };
	char err[1024] = "";
	gm_report_live_now = &l;
	enum gm_rep_input_status st = gm_rep_input_read_live(url, &ops, &m, err, sizeof err);
	if (st == GM_IN_PARTIAL && m.gm_events) {
		m.partial = 1;
		fprintf(stderr, "gomemtrace report: warning: %s\n", err);
		gm_rep_model_warn(&m, "the live session could not be read to its end");
	} else if (st != GM_IN_OK) {
		fprintf(stderr, "gomemtrace report: %s\n", err);
		gm_rep_model_free(&m);
		return 1;
	}
	if (!m.gm_events) {
		fprintf(stderr, "gomemtrace report: %s: the session ended without gomemtrace events\n", url);
		gm_rep_model_free(&m);
		return 1;
	}
	printf("%s---- final report of %s (the session ended)\n", l.reports ? "\n" : "", url);
	gm_rep_analyze(&m);
	gm_rep_write_text(stdout, &m, url);
	gm_rep_model_free(&m);
	return fflush(stdout) != 0;
}

/* ---- main ---- */
/* The output formats. */
enum gm_report_fmt { GM_FMT_TEXT, GM_FMT_JSON, GM_FMT_HTML, GM_FMT_PPROF, GM_FMT_FOLDED };
static int gm_report_one(const char *dir, const struct gm_rep_opts *o, enum gm_report_fmt fmt, const char *outpath,
			 FILE *given);

int gm_report_main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_TOP, O_PID, O_FROM, O_TO, O_LIVE, O_EVERY };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT }, { "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, O_TOP },       { "pid", required_argument, NULL, O_PID },
		{ "from", required_argument, NULL, O_FROM },     { "to", required_argument, NULL, O_TO },
		{ "at", required_argument, NULL, O_TO },         { "help", no_argument, NULL, 'h' },
		{ "live", required_argument, NULL, O_LIVE },     { "every", required_argument, NULL, O_EVERY },
		{ NULL, 0, NULL, 0 },
	};
	struct gm_rep_opts opts = { .top = 10, .pid = -1, .from = 0, .to = -1 };
	const char *format = "text", *outpath = NULL, *live = NULL;
	double every = 5;
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
		case O_LIVE:
			live = optarg;
			break;
		case O_EVERY:
			if (gm_report_num(optarg, &d) || d < 0.1) {
				fprintf(stderr, "gomemtrace report: --every: not a number of seconds >= 0.1: %s\n", optarg);
				return 2;
			}
			every = d;
			break;
		case 'h':
			gm_report_usage(stdout);
			return 0;
		default:
			gm_report_usage(stderr);
			return 2;
		}
	}
	if (live) {
		if (optind != argc || strcmp(format, "text") != 0 || outpath) {
			fprintf(stderr, "gomemtrace report: --live takes no TRACE_DIR, and writes text to stdout\n");
			return 2;
		}
		return gm_report_live(live, &opts, every);
	}
	if (optind != argc - 1) {
		gm_report_usage(stderr);
		return 2;
	}
	const char *dir = argv[optind];
	static const char *const fmts[] = { "text", "json", "html", "pprof", "folded" };
	int fmt = -1;
	for (int k = 0; k < 5; k++)
		if (!strcmp(format, fmts[k]))
			fmt = k;
	if (fmt < 0) {
		fprintf(stderr, "gomemtrace report: --format: unknown format %s (text, json, html, pprof, folded)\n", format);
		return 2;
	}
	if (fmt == GM_FMT_PPROF && !outpath)
		outpath = "gomemtrace.pb";
	if (opts.to >= 0 && opts.to < opts.from) {
		fprintf(stderr, "gomemtrace report: --to is before --from\n");
		return 2;
	}

	/* a relayd's output tree (HOST/SESSION-DATE/ust/...) or any directory of several sessions:
	 * a report each, in text; the other formats describe one session */
	char **sessions = NULL;
	size_t nsess = gm_rep_input_sessions(dir, &sessions);
	if (nsess > 1) {
		int rc = 0;
		if (fmt != GM_FMT_TEXT) {
			fprintf(stderr, "gomemtrace report: %s holds %zu recording sessions; --format %s reports one: "
					"give one of these\n", dir, nsess, format);
			for (size_t i = 0; i < nsess; i++)
				fprintf(stderr, "  %s\n", sessions[i]);
			rc = 2;
		}
		FILE *out = stdout;
		if (!rc && outpath && !(out = fopen(outpath, "w"))) {
			fprintf(stderr, "gomemtrace report: %s: %s\n", outpath, strerror(errno));
			rc = 1;
		}
		for (size_t i = 0; !rc && i < nsess; i++) {
			fprintf(out, "%s#### session %zu of %zu: %s\n", i ? "\n" : "", i + 1, nsess,
				sessions[i] + (strncmp(sessions[i], dir, strlen(dir)) ? 0 : strlen(dir) + (dir[strlen(dir) - 1] != '/')));
			fflush(out);
			int r = gm_report_one(sessions[i], &opts, GM_FMT_TEXT, NULL, out);
			rc = rc ? rc : r;
		}
		if (out && out != stdout && fclose(out) != 0)
			rc = 1;
		for (size_t i = 0; i < nsess; i++)
			free(sessions[i]);
		free(sessions);
		return rc;
	}
	for (size_t i = 0; i < nsess; i++)
		free(sessions[i]);
	free(sessions);
	return gm_report_one(dir, &opts, (enum gm_report_fmt)fmt, outpath, NULL);
}

/* The pipeline on one session's trace(s) under dir: input -> model -> analysis -> a writer.
 * `out`: write there (text), else to outpath or stdout. 0, 1 (no trace, write error). */
static int gm_report_one(const char *dir, const struct gm_rep_opts *o, enum gm_report_fmt fmt, const char *outpath,
			 FILE *given)
{
	struct gm_rep_model m;
	if (gm_rep_load(dir, o, &m, "gomemtrace report") != 0)
		return 1;
	int rc = 0;
	gm_rep_analyze(&m);
	if (fmt == GM_FMT_PPROF) {
		if (gm_rep_write_pprof(&m, outpath) != 0) {
			fprintf(stderr, "gomemtrace report: %s: %s\n", outpath, strerror(errno));
			rc = 1;
		}
		gm_report_profile_notes(&m, outpath);
		gm_rep_model_free(&m);
		return rc;
	}
	FILE *out = given ? given : stdout;
	if (!given && outpath && !(out = fopen(outpath, "w"))) {
		fprintf(stderr, "gomemtrace report: %s: %s\n", outpath, strerror(errno));
		gm_rep_model_free(&m);
		return 1;
	}
	if (fmt == GM_FMT_JSON) {
		gm_rep_write_json(out, &m, dir);
	} else if (fmt == GM_FMT_HTML) {
		if (gm_rep_write_html(out, &m, dir) != 0) {
			fprintf(stderr, "gomemtrace report: --format html: %s\n", strerror(errno));
			rc = 1;
		}
	} else if (fmt == GM_FMT_FOLDED) {
		rc = gm_rep_write_folded(out, &m) != 0;
	} else {
		gm_rep_write_text(out, &m, dir);
	}
	if (fflush(out) != 0 || (out != stdout && out != given && fclose(out) != 0)) {
		fprintf(stderr, "gomemtrace report: write error: %s\n", strerror(errno));
		rc = 1;
	}
	if (fmt == GM_FMT_FOLDED)
		gm_report_profile_notes(&m, outpath);
	gm_rep_model_free(&m);
	return rc;
}
