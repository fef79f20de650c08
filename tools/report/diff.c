/* diff.c: `gomemtrace diff [options] BASE NEW`: the command line (formats, thresholds, the
 * gate), both traces loaded and analyzed as `gomemtrace report` does (load.c, model.c), the
 * recorded program picked in each and matched by its executable's base name, then the
 * comparison (diff_compare.c) and a writer. Exit status: 0 no regression, 1 a regression,
 * 2 an error (messages start with "gomemtrace diff:"). Rules: docs/diff.md. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/diff.h"
#include "tools/report/input.h"
#include "tools/report/load.h"

#define GM_DIFF_WHO "gomemtrace diff"

/* ---- usage ---- */
static void gm_diff_usage(FILE *o)
{
	fputs("usage: gomemtrace diff [options] BASE NEW\n"
	      "Compare two traces of the same program (gomemtrace record; before and after a change,\n"
	      "two builds or versions): the memory split at the end, the findings and the live C bytes\n"
	      "of each allocation stack (matched by function and source file, not by address). Exit 0\n"
	      "no regression, 1 a regression above the thresholds, 2 an error. See docs/diff.md.\n"
	      "  --format text|markdown|json|pprof   output (default text); markdown: a short table for a\n"
	      "                                  CI comment; pprof: NEW minus BASE per stack\n"
	      "  -o, --output FILE               write there (pprof: default ./gomemtrace-diff.pb)\n"
	      "  --gate LIST                     the checks that decide the exit status: a comma list\n"
	      "                                  of names (replaces the default), +NAME / -NAME (adds to,\n"
	      "                                  removes from it), all, none, default. Default:\n"
	      "                                  rss,c_heap_live,c_mmap,leak_suspects,stacks,findings\n"
	      "  --threshold-bytes [CHECK=]SIZE  a delta counts above SIZE bytes (K, M, G: KiB, MiB,\n"
	      "                                  GiB); without CHECK= for every check\n"
	      "  --threshold-pct [CHECK=]P       ... and above P % of BASE's figure\n"
	      "  --stderr-k K                    ... and above K standard errors of the difference of\n"
	      "                                  sampled estimates (default 4)\n"
	      "  --top N                         stacks listed per list (default 10, 0: all)\n"
	      "  --base-pid PID, --new-pid PID   compare this process of BASE / NEW (default: the\n"
	      "                                  recorded program, gomemtrace-record.txt)\n"
	      "checks: rss rss_peak c_heap_live c_allocator_retained c_mmap go_heap_in_use\n"
	      "  go_heap_free_retained go_heap_released go_heap_resident go_heap_objects go_heap_unused\n"
	      "  go_runtime_other file shmem\n"
	      "  lazyfree cgroup cgroup_peak leak_suspects stacks findings\n",
	      o);
}

/* ---- option values ---- */
/* A size: digits (a fraction allowed), then K, M or G (KiB, MiB, GiB; "iB" / "B" optional). */
static int gm_diff_size_arg(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1024, end++; break;
	case 'm': case 'M': mul = 1048576, end++; break;
	case 'g': case 'G': mul = 1073741824, end++; break;
	}
	if (mul > 1 && !strcmp(end, "iB"))
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || v * mul >= 0x1p62)
		return -1;
	*out = (int64_t)(v * mul + 0.5);
	return 0;
}

static int gm_diff_num_arg(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

/* "[CHECK=]VALUE" of --threshold-bytes / --threshold-pct into o. 0, or 2 after a message. */
static int gm_diff_threshold_arg(struct gm_diff_opts *o, const char *opt, const char *arg, int pct)
{
	const char *eq = strchr(arg, '=');
	int lo = 0, hi = GM_DIFF_NCHECKS;
	if (eq) {
		int c = gm_diff_check_find(arg, (size_t)(eq - arg));
		if (c < 0) {
			fprintf(stderr, GM_DIFF_WHO ": %s: unknown check '%.*s' (see gomemtrace diff --help)\n", opt,
				(int)(eq - arg), arg);
			return 2;
		}
		lo = c, hi = c + 1;
		arg = eq + 1;
	}
	int64_t b = 0;
	double p = 0;
	if (pct ? gm_diff_num_arg(arg, &p) : gm_diff_size_arg(arg, &b)) {
		fprintf(stderr, GM_DIFF_WHO ": %s: not a %s: %s\n", opt, pct ? "percentage" : "size in bytes", arg);
		return 2;
	}
	for (int c = lo; c < hi; c++)
		if (pct)
			o->lim[c].pct = p;
		else
			o->lim[c].bytes = b;
	return 0;
}

/* --gate LIST into o->gate. 0, or 2 after a message. */
static int gm_diff_gate_arg(struct gm_diff_opts *o, const char *list)
{
	struct gm_diff_opts def;
	gm_diff_opts_default(&def);
	int first = 1;
	const char *s = list;
	while (1) {
		size_t n = strcspn(s, ",");
		char sign = n && (*s == '+' || *s == '-') ? *s : 0;
		const char *name = sign ? s + 1 : s;
		size_t nl = sign ? n - 1 : n;
		if (!nl) {
			fprintf(stderr, GM_DIFF_WHO ": --gate: an empty name in '%s'\n", list);
			return 2;
		}
		uint32_t bits;
		int c = gm_diff_check_find(name, nl);
		if (c >= 0)
			bits = 1u << c;
		else if (nl == 3 && !strncmp(name, "all", 3))
			bits = (1u << GM_DIFF_NCHECKS) - 1;
		else if (nl == 4 && !strncmp(name, "none", 4))
			bits = 0;
		else if (nl == 7 && !strncmp(name, "default", 7))
			bits = def.gate;
		else {
			fprintf(stderr, GM_DIFF_WHO ": --gate: unknown check '%.*s' (see gomemtrace diff --help)\n", (int)nl,
				name);
			return 2;
		}
		if (sign == '-')
			o->gate &= ~bits;
		else if (sign == '+' || !first)
			o->gate |= bits;
		else
			o->gate = bits; /* a plain first name replaces the default */
		first = 0;
		if (!s[n])
			break;
		s += n + 1;
	}
	return 0;
}

/* ---- loading and matching ---- */
/* Load and analyze one trace. 0, or 2 after a message. */
static int gm_diff_load(struct gm_diff_run *r, const char *what, int64_t pid)
{
	char **sessions = NULL;
	size_t nsess = gm_rep_input_sessions(r->dir, &sessions);
	for (size_t i = 0; i < nsess; i++)
		free(sessions[i]);
	free(sessions);
	if (nsess > 1) {
		fprintf(stderr, GM_DIFF_WHO ": %s %s holds %zu recording sessions: give one of them "
				"(gomemtrace report %s lists them)\n", what, r->dir, nsess, r->dir);
		return 2;
	}
	struct gm_rep_opts o = { .top = 10, .pid = pid, .from = 0, .to = -1 };
	if (gm_rep_load(r->dir, &o, &r->m, GM_DIFF_WHO) != 0)
		return 2;
	r->loaded = 1;
	gm_rep_analyze(&r->m);
	return 0;
}

static const char *gm_diff_base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "";
}

/* The recorded program of run r: the reported process whose pid gomemtrace-record.txt names,
 * else the first reported. Counts the reported processes. */
static struct gm_rep_proc *gm_diff_recorded(struct gm_diff_run *r)
{
	struct gm_rep_proc *first = NULL, *rec = NULL;
	r->nprocs = 0;
	for (struct gm_rep_proc *p = r->m.procs; p; p = p->next) {
		if (!p->nevents || !p->selected)
			continue;
		r->nprocs++;
		if (!first)
			first = p;
		if (!rec && p->vpid == r->m.record_pid)
			rec = p;
	}
	return rec ? rec : first;
}

int gm_diff_pick(struct gm_diff *d)
{
	static const char *const what[2] = { "BASE", "NEW" };
	for (int s = 0; s < 2; s++) {
		d->run[s].p = gm_diff_recorded(&d->run[s]);
		if (!d->run[s].p) {
			fprintf(stderr, GM_DIFF_WHO ": %s %s: no process with gomemtrace events to compare\n", what[s],
				d->run[s].dir);
			return -1;
		}
	}
	d->note[0] = '\0';
	const char *bn = gm_diff_base_name(d->run[0].p->exe), *nn = gm_diff_base_name(d->run[1].p->exe);
	if (strcmp(bn, nn) != 0) { /* another reported process of NEW may be BASE's program */
		struct gm_rep_proc *q = NULL;
		for (struct gm_rep_proc *p = d->run[1].m.procs; p && !q; p = p->next)
			if (p->nevents && p->selected && !strcmp(gm_diff_base_name(p->exe), bn))
				q = p;
		if (q)
			d->run[1].p = q;
		else
			snprintf(d->note, sizeof d->note, "the recorded programs have different names (%s, %s): compared "
				 "all the same", *bn ? bn : "?", *nn ? nn : "?");
	}
	if (!d->note[0] && (d->run[0].nprocs > 1 || d->run[1].nprocs > 1))
		snprintf(d->note, sizeof d->note, "compared the recorded program only: BASE reports %d processes, NEW %d "
			 "(their children are not compared; --base-pid/--new-pid pick others)", d->run[0].nprocs,
			 d->run[1].nprocs);
	return 0;
}

/* ---- main ---- */
int gm_diff_main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_GATE, O_TBYTES, O_TPCT, O_K, O_TOP, O_BPID, O_NPID };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },     { "output", required_argument, NULL, 'o' },
		{ "gate", required_argument, NULL, O_GATE },         { "threshold-bytes", required_argument, NULL, O_TBYTES },
		{ "threshold-pct", required_argument, NULL, O_TPCT }, { "stderr-k", required_argument, NULL, O_K },
		{ "top", required_argument, NULL, O_TOP },           { "base-pid", required_argument, NULL, O_BPID },
		{ "new-pid", required_argument, NULL, O_NPID },      { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct gm_diff d; /* two models: kept off the stack */
	memset(&d, 0, sizeof d);
	gm_diff_opts_default(&d.opts);
	const char *format = "text", *outpath = NULL;
	int64_t pid[2] = { -1, -1 };
	double v;
	int c, rc;
	optind = 0; /* re-entrant (tests call us several times); "+:" below: getopt prints nothing */
	while ((c = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			format = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case O_GATE:
			if ((rc = gm_diff_gate_arg(&d.opts, optarg)))
				return rc;
			break;
		case O_TBYTES:
		case O_TPCT:
			if ((rc = gm_diff_threshold_arg(&d.opts, c == O_TPCT ? "--threshold-pct" : "--threshold-bytes", optarg,
							c == O_TPCT)))
				return rc;
			break;
		case O_K:
			if (gm_diff_num_arg(optarg, &v) || v > 1000) {
				fprintf(stderr, GM_DIFF_WHO ": --stderr-k: not a number of standard errors: %s\n", optarg);
				return 2;
			}
			d.opts.k = v;
			break;
		case O_TOP:
			if (gm_diff_num_arg(optarg, &v) || v > 1e6 || v != (int)v) {
				fprintf(stderr, GM_DIFF_WHO ": --top: not a count: %s\n", optarg);
				return 2;
			}
			d.opts.top = (int)v;
			break;
		case O_BPID:
		case O_NPID:
			if (gm_diff_num_arg(optarg, &v) || v < 1 || v > INT32_MAX || v != (int64_t)v) {
				fprintf(stderr, GM_DIFF_WHO ": --%s-pid: not a pid: %s\n", c == O_BPID ? "base" : "new", optarg);
				return 2;
			}
			pid[c == O_NPID] = (int64_t)v;
			break;
		case 'h':
			gm_diff_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, GM_DIFF_WHO ": option %s needs a value (see gomemtrace diff --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, GM_DIFF_WHO ": unknown option %s (see gomemtrace diff --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, GM_DIFF_WHO ": wants two trace directories, BASE and NEW (see gomemtrace diff --help)\n");
		return 2;
	}
	int fmt_json = !strcmp(format, "json"), fmt_md = !strcmp(format, "markdown"), fmt_pprof = !strcmp(format, "pprof");
	if (!fmt_json && !fmt_md && !fmt_pprof && strcmp(format, "text") != 0) {
		fprintf(stderr, GM_DIFF_WHO ": --format: unknown format %s (text, markdown, json, pprof)\n", format);
		return 2;
	}
	if (fmt_pprof && !outpath)
		outpath = "gomemtrace-diff.pb";
	d.run[0].dir = argv[optind];
	d.run[1].dir = argv[optind + 1];
	if (gm_diff_load(&d.run[0], "BASE", pid[0]) || gm_diff_load(&d.run[1], "NEW", pid[1]) || gm_diff_pick(&d)) {
		gm_diff_free(&d);
		return 2;
	}
	gm_diff_compare(&d);
	rc = d.regressions ? 1 : 0;
	if (fmt_pprof) {
		if (gm_diff_write_pprof(&d, outpath) != 0) {
			fprintf(stderr, GM_DIFF_WHO ": %s: %s\n", outpath, strerror(errno));
			rc = 2;
		}
	} else {
		FILE *out = stdout;
		if (outpath && !(out = fopen(outpath, "w"))) {
			fprintf(stderr, GM_DIFF_WHO ": %s: %s\n", outpath, strerror(errno));
			gm_diff_free(&d);
			return 2;
		}
		if (fmt_json)
			gm_diff_write_json(out, &d);
		else if (fmt_md)
			gm_diff_write_markdown(out, &d);
		else
			gm_diff_write_text(out, &d);
		if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
			fprintf(stderr, GM_DIFF_WHO ": write error: %s\n", strerror(errno));
			rc = 2;
		}
	}
	if (rc != 2 && (outpath || fmt_json || fmt_md)) { /* the verdict in the log too */
		char line[1024];
		gm_diff_summary(&d, line, sizeof line);
		fprintf(stderr, GM_DIFF_WHO ": %s%s%s\n", line, outpath ? "; wrote " : "", outpath ? outpath : "");
	}
	gm_diff_free(&d);
	return rc;
}
