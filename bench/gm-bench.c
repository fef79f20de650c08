/* gm-bench.c: the driver of `make bench`: the tracer's overhead against the untraced program.
 *
 * For each workload (bench/workloads/: a = C malloc/free churn through cgo, b = Go allocation
 * with scavenger activity, c = go-sqlite3) it runs the modes
 *   untraced | preload, no session | sampled (gomemtrace record, GOMEMTRACE_SAMPLE_BYTES=524288)
 *   | full (record, GOMEMTRACE_SAMPLE_BYTES=0) | heaptrack | lttng-ust libc wrapper with a session
 * (the last two on a and c only), round-robin, BENCH_RUNS rounds, and prints a markdown table of
 * medians as ratios to untraced: wall time of the workload's own work loop, wall time of the
 * whole command (for record: session set-up and tear-down included), CPU (user+sys) of the
 * command's process tree (wait4 rusage: every waited-for descendant), the workload's own peak
 * RSS, and the events recorded / discarded (counted on the first round by gm-bench-count).
 * A run slower than the timeout is stopped (SIGTERM to its process group, then SIGKILL) and
 * its mode is skipped in later rounds; the table says so.
 *
 * usage: gm-bench --builddir DIR --bindir DIR [--runs N] [--workloads a,b,c] [--scratch DIR]
 *                 [--timeout-factor F] [--min-timeout S] [--no-count] [--modes unsfhw]
 * Single-threaded. Not part of `make check`: timings are not asserted anywhere. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GM_BENCH_MAX_RUNS 64
#define GM_BENCH_SAMPLE_BYTES "524288"

/* ---- workloads and modes ---- */

/* One workload program (built by bench/local.mk into --bindir). Constant table. */
struct gm_bench_workload {
	char id;               /* letter used in --workloads */
	const char *bin;       /* binary name in --bindir */
	const char *what;      /* column text */
	const char *args[6];   /* arguments (sized for ~1-3 s untraced on 2 vCPUs) */
	bool others;           /* also run heaptrack and the lttng-ust libc wrapper */
};

static const struct gm_bench_workload gm_bench_workloads[] = {
	{ 'a', "cchurn", "a: C malloc/free via cgo", { "-n", "6000000", "-per", "4", NULL }, true },
	{ 'b', "goheap", "b: Go heap + scavenger", { "-cycles", "8", "-peak", "64", NULL }, false },
	{ 'c', "sqlite", "c: go-sqlite3", { "-rows", "200000", NULL }, true },
};
#define GM_BENCH_NWORK (sizeof gm_bench_workloads / sizeof gm_bench_workloads[0])

enum gm_bench_mode { M_UNTRACED, M_NOSESSION, M_SAMPLED, M_FULL, M_HEAPTRACK, M_USTLIBC, M_COUNT };

static const char *const gm_bench_mode_names[M_COUNT] = {
	"untraced",
	"preload, no session",
	"sampled (SAMPLE_BYTES=" GM_BENCH_SAMPLE_BYTES ")",
	"full (SAMPLE_BYTES=0)",
	"heaptrack",
	"lttng-ust libc wrapper",
};

/* ---- results ---- */

/* One run's measurements. Main thread only. */
struct gm_bench_run {
	double work_s;    /* the workload's own work-loop time ("gm-bench: work_ns=") */
	double wall_s;    /* fork to wait4 of the whole command */
	double cpu_s;     /* user+sys of the command's process tree */
	double rss_mib;   /* the workload's own peak RSS ("maxrss_kb=") */
};

/* All runs of one (workload, mode) cell. Main thread only. */
struct gm_bench_cell {
	struct gm_bench_run runs[GM_BENCH_MAX_RUNS]; /* successful runs */
	int n;                                       /* runs[] used */
	bool timed_out;                              /* a run hit the timeout: skipped afterwards */
	bool failed;                                 /* a run failed otherwise: skipped afterwards */
	double timeout_s;                            /* the timeout that was hit */
	bool counted;                                /* events/discarded below are known */
	uint64_t events;                             /* events of the workload's process (round 1) */
	uint64_t discarded;                          /* events the ring buffer discarded (round 1) */
	bool discarded_known;                        /* discarded is known without events */
	int others;                                  /* runs kept although another session was on */
};

/* The command line. Written by main() only. */
static struct {
	const char *builddir;   /* top build directory (preload/.libs, tools/gomemtrace) */
	const char *bindir;     /* workload binaries and gm-bench-count */
	const char *scratch;    /* traces and logs (removed run by run) */
	const char *workloads;  /* letters to run */
	int runs;               /* rounds */
	double timeout_factor;  /* timeout = factor * untraced warm-up wall ... */
	double min_timeout;     /* ... but at least this many seconds */
	bool count;             /* count events on round 1 */
	const char *modes;      /* mode letters to run (gm_bench_mode_letters; untraced always) */
} gm_bench_opt = { NULL, NULL, NULL, "abc", 5, 60, 20, true, "unsfhw" };

/* --modes letters, in enum order: untraced, no session, sampled, full, heaptrack, wrapper */
static const char gm_bench_mode_letters[M_COUNT + 1] = "unsfhw";

static struct gm_bench_cell gm_bench_cells[GM_BENCH_NWORK][M_COUNT];
static volatile sig_atomic_t gm_bench_interrupted; /* SIGINT/SIGTERM seen (handler writes) */

static double gm_bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- running one command ---- */

/* Run argv with extra environment entries (NAME=VALUE, NULL-terminated) in its own process
 * group, stdout captured (the workload's gm-bench line), stderr to `log`. Fills *r. Returns 0,
 * 1 on timeout, -1 on failure (message printed). *pid_out: the child's pid. */
static int gm_bench_exec(char *const argv[], const char *const env[], const char *log, double timeout,
			 struct gm_bench_run *r, pid_t *pid_out)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return perror("gm-bench: pipe"), -1;
	double t0 = gm_bench_now();
	pid_t pid = fork();
	if (pid < 0)
		return perror("gm-bench: fork"), -1;
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		dup2(fds[1], 1);
		int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (lfd >= 0)
			dup2(lfd, 2);
		for (int i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execvp(argv[0], argv);
		fprintf(stderr, "gm-bench: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	*pid_out = pid;
	close(fds[1]);
	char out[8192];
	size_t len = 0;
	bool timed_out = false, eof = false;
	double killed_at = 0;
	while (!eof) {
		double left = timed_out ? killed_at + 10 - gm_bench_now() : t0 + timeout - gm_bench_now();
		if (left <= 0 || gm_bench_interrupted) {
			if (!timed_out) {
				timed_out = true;
				killed_at = gm_bench_now();
				kill(-pid, SIGTERM);
				continue;
			}
			kill(-pid, SIGKILL);
			break;
		}
		struct pollfd p = { fds[0], POLLIN, 0 };
		int k = poll(&p, 1, (int)(left * 1000) + 1);
		if (k > 0) {
			char tmp[4096];
			ssize_t got = read(fds[0], tmp, sizeof tmp);
			if (got <= 0) {
				eof = true;
				break;
			}
			for (ssize_t i = 0; i < got; i++) { /* keep the last sizeof(out)-1 bytes */
				if (len == sizeof out - 1) {
					memmove(out, out + sizeof out / 2, sizeof out / 2 - 1);
					len = sizeof out / 2 - 1;
				}
				out[len++] = tmp[i];
			}
		}
	}
	close(fds[0]);
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	/* Children of the group that outlived the command (e.g. heaptrack's interpreter) are reaped
	 * by wait4 above only if they are ours; the group is killed in any case. */
	kill(-pid, SIGKILL);
	r->wall_s = gm_bench_now() - t0;
	r->cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		   ru.ru_stime.tv_usec / 1e6;
	out[len] = '\0';
	if (timed_out)
		return 1;
	const char *line = strstr(out, "gm-bench: ");
	unsigned long long work_ns = 0, rss_kb = 0;
	const char *w = line ? strstr(line, "work_ns=") : NULL, *m = line ? strstr(line, "maxrss_kb=") : NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !w || !m ||
	    sscanf(w, "work_ns=%llu", &work_ns) != 1 || sscanf(m, "maxrss_kb=%llu", &rss_kb) != 1) {
		fprintf(stderr, "gm-bench: %s failed (status 0x%x); its stderr is in %s\n", argv[0], status, log);
		return -1;
	}
	r->work_s = (double)work_ns / 1e9;
	r->rss_mib = (double)rss_kb / 1024;
	return 0;
}

/* Run a shell command quietly (LTTng set-up); 0 on success. */
static int gm_bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int gm_bench_sh(const char *fmt, ...)
{
	char cmd[2 * PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	char full[2 * PATH_MAX + 32];
	snprintf(full, sizeof full, "%s >/dev/null 2>&1", cmd);
	int rc = system(full);
	if (rc != 0)
		fprintf(stderr, "gm-bench: failed: %s\n", cmd);
	return rc;
}

/* Count the events of process `vpid` under trace dir `dir` into *c (gm-bench-count). */
static void gm_bench_count(const char *dir, long vpid, struct gm_bench_cell *c)
{
	char cmd[2 * PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "'%s/gm-bench-count' '%s' %ld", gm_bench_opt.bindir, dir, vpid);
	FILE *f = popen(cmd, "r");
	if (!f)
		return;
	unsigned long long ev, all, disc;
	if (fscanf(f, "events=%llu all_events=%llu discarded=%llu", &ev, &all, &disc) == 3) {
		c->counted = true;
		c->events = ev;
		if (!c->discarded_known)
			c->discarded = disc;
		c->discarded_known = true;
	}
	pclose(f);
}

/* A key's value in DIR/gomemtrace-record.txt (0 when absent). */
static long long gm_bench_record_key(const char *dir, const char *key, bool *found)
{
	char path[PATH_MAX], line[512];
	snprintf(path, sizeof path, "%s/gomemtrace-record.txt", dir);
	FILE *f = fopen(path, "r");
	long long v = 0;
	*found = false;
	size_t kl = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == '=' && line[kl + 1] >= '0' && line[kl + 1] <= '9') {
			v = strtoll(line + kl + 1, NULL, 10);
			*found = true;
		}
	if (f)
		fclose(f);
	return v;
}

/* True when the session daemon has no recording session at all. The per-UID session of any
 * other `gomemtrace record` (or test) of this user records our "no session" process too, and
 * adds ring-buffer RSS and consumer load to the others: such runs are redone. */
static bool gm_bench_no_sessions(void)
{
	FILE *f = popen("lttng list 2>&1", "r");
	char line[512];
	bool none = false;
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "Currently no available recording session"))
			none = true;
	if (f)
		pclose(f);
	return none;
}

/* One run of workload w in mode m, round `round`; updates the cell. */
static void gm_bench_one_try(size_t wi, enum gm_bench_mode m, int round, double timeout)
{
	const struct gm_bench_workload *w = &gm_bench_workloads[wi];
	struct gm_bench_cell *c = &gm_bench_cells[wi][m];
	char prog[PATH_MAX], tool[PATH_MAX], preload[PATH_MAX + 16], dir[PATH_MAX], log[PATH_MAX];
	char ht[PATH_MAX + 16];
	char session[128];
	snprintf(prog, sizeof prog, "%s/%s", gm_bench_opt.bindir, w->bin);
	snprintf(tool, sizeof tool, "%s/tools/gomemtrace", gm_bench_opt.builddir);
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s/preload/.libs/libgomemtrace.so", gm_bench_opt.builddir);
	snprintf(dir, sizeof dir, "%s/trace-%s-%d-%d", gm_bench_opt.scratch, w->bin, (int)m, round);
	snprintf(log, sizeof log, "%s/log-%s-%d-%d.txt", gm_bench_opt.scratch, w->bin, (int)m, round);
	snprintf(ht, sizeof ht, "%s/heaptrack", dir);
	snprintf(session, sizeof session, "gm-bench-%ld-%s-%d", (long)getpid(), w->bin, round);

	char *argv[24];
	int n = 0;
	const char *env[4] = { NULL };
	switch (m) {
	case M_UNTRACED: break;
	case M_NOSESSION: env[0] = preload; break;
	case M_SAMPLED:
	case M_FULL:
		argv[n++] = tool;
		argv[n++] = "record";
		argv[n++] = "-q";
		argv[n++] = "-o";
		argv[n++] = dir;
		argv[n++] = "--";
		env[0] = m == M_SAMPLED ? "GOMEMTRACE_SAMPLE_BYTES=" GM_BENCH_SAMPLE_BYTES : "GOMEMTRACE_SAMPLE_BYTES=0";
		break;
	case M_HEAPTRACK:
		mkdir(dir, 0755);
		argv[n++] = "heaptrack";
		argv[n++] = "-o";
		argv[n++] = ht;
		break;
	case M_USTLIBC:
		env[0] = "LD_PRELOAD=liblttng-ust-libc-wrapper.so";
		if (gm_bench_sh("lttng create '%s' -o '%s'", session, dir) ||
		    gm_bench_sh("lttng enable-channel -u -s '%s' --subbuf-size=4M --num-subbuf=8 ch", session) ||
		    gm_bench_sh("lttng enable-event -u -s '%s' -c ch 'lttng_ust_libc:*'", session) ||
		    gm_bench_sh("lttng add-context -u -s '%s' -c ch -t vpid -t vtid", session) ||
		    gm_bench_sh("lttng start '%s'", session)) {
			gm_bench_sh("lttng destroy '%s'", session);
			c->failed = true;
			return;
		}
		break;
	default: break;
	}
	argv[n++] = prog;
	for (int i = 0; w->args[i]; i++)
		argv[n++] = (char *)w->args[i];
	argv[n] = NULL;

	struct gm_bench_run r;
	pid_t pid = 0;
	int rc = gm_bench_exec(argv, env, log, timeout, &r, &pid);
	if (m == M_USTLIBC) {
		gm_bench_sh("lttng stop '%s'", session);
		gm_bench_sh("lttng destroy '%s'", session);
	}
	if (rc == 0) {
		c->runs[c->n++] = r;
		long vpid = pid;
		if (m == M_SAMPLED || m == M_FULL) {
			bool found;
			long long d = gm_bench_record_key(dir, "discarded_events", &found);
			if (found && round == 0) {
				c->discarded = (uint64_t)d;
				c->discarded_known = true;
			}
			vpid = (long)gm_bench_record_key(dir, "pid", &found);
		}
		if (round == 0 && gm_bench_opt.count && (m == M_SAMPLED || m == M_FULL || m == M_USTLIBC))
			gm_bench_count(dir, vpid, c);
		unlink(log);
	} else if (rc == 1) {
		c->timed_out = true;
		c->timeout_s = timeout;
		unlink(log);
		fprintf(stderr, "gm-bench: %s / %s: stopped after %.0f s (timeout); skipped from now on\n", w->bin,
			gm_bench_mode_names[m], timeout);
	} else {
		c->failed = true;
	}
	if (m == M_HEAPTRACK && rc != 0)
		fprintf(stderr, "gm-bench: heaptrack log: %s\n", log);
	gm_bench_sh("rm -rf '%s'", dir);
}

/* gm_bench_one_try() when no other LTTng session is on before and after the run (waiting up
 * to a minute for quiet, up to 3 attempts; the last is kept and counted in cell->others). */
static void gm_bench_one(size_t wi, enum gm_bench_mode m, int round, double timeout)
{
	struct gm_bench_cell *c = &gm_bench_cells[wi][m];
	for (int attempt = 0;; attempt++) {
		for (int i = 0; i < 60 && !gm_bench_no_sessions() && !gm_bench_interrupted; i++)
			sleep(1);
		struct gm_bench_cell before = *c;
		gm_bench_one_try(wi, m, round, timeout);
		if (m == M_UNTRACED || c->n == before.n || gm_bench_no_sessions())
			return;
		if (attempt == 2) {
			c->others++;
			return;
		}
		fprintf(stderr, "gm-bench: %s / %s: another LTTng session was on; run again\n",
			gm_bench_workloads[wi].bin, gm_bench_mode_names[m]);
		*c = before;
	}
}

/* ---- table ---- */

static int gm_bench_dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of one field (byte offset into struct gm_bench_run) over a cell's runs. */
static double gm_bench_median(const struct gm_bench_cell *c, size_t off)
{
	double v[GM_BENCH_MAX_RUNS];
	for (int i = 0; i < c->n; i++)
		v[i] = *(const double *)((const char *)&c->runs[i] + off);
	qsort(v, (size_t)c->n, sizeof v[0], gm_bench_dcmp);
	return c->n % 2 ? v[c->n / 2] : (v[c->n / 2 - 1] + v[c->n / 2]) / 2;
}

static bool gm_bench_mode_applies(size_t wi, enum gm_bench_mode m)
{
	if (m != M_UNTRACED && !strchr(gm_bench_opt.modes, gm_bench_mode_letters[m]))
		return false;
	return m < M_HEAPTRACK || gm_bench_workloads[wi].others;
}

static void gm_bench_table(void)
{
	printf("| workload | mode | wall (work loop) | wall (command) | CPU (tree) | peak RSS MiB | "
	       "events recorded | events discarded | runs |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t wi = 0; wi < GM_BENCH_NWORK; wi++) {
		if (!strchr(gm_bench_opt.workloads, gm_bench_workloads[wi].id))
			continue;
		const struct gm_bench_cell *base = &gm_bench_cells[wi][M_UNTRACED];
		if (base->n == 0)
			continue;
		double bw = gm_bench_median(base, offsetof(struct gm_bench_run, work_s));
		double bl = gm_bench_median(base, offsetof(struct gm_bench_run, wall_s));
		double bc = gm_bench_median(base, offsetof(struct gm_bench_run, cpu_s));
		for (int m = 0; m < M_COUNT; m++) {
			if (!gm_bench_mode_applies(wi, (enum gm_bench_mode)m))
				continue;
			const struct gm_bench_cell *c = &gm_bench_cells[wi][m];
			printf("| %s | %s | ", gm_bench_workloads[wi].what, gm_bench_mode_names[m]);
			if (c->n == 0) {
				if (c->timed_out)
					printf("> %.0f× (timeout %.0f s) | > %.0f× | | | | | 0 |\n", c->timeout_s / bl,
					       c->timeout_s, c->timeout_s / bl);
				else
					printf("failed | | | | | | 0 |\n");
				continue;
			}
			double w = gm_bench_median(c, offsetof(struct gm_bench_run, work_s));
			double l = gm_bench_median(c, offsetof(struct gm_bench_run, wall_s));
			double u = gm_bench_median(c, offsetof(struct gm_bench_run, cpu_s));
			double rss = gm_bench_median(c, offsetof(struct gm_bench_run, rss_mib));
			if (m == M_UNTRACED)
				printf("1.00 (%.2f s) | 1.00 (%.2f s) | 1.00 (%.2f s) | ", w, l, u);
			else
				printf("%.2f× | %.2f× | %.2f× | ", w / bw, l / bl, u / bc);
			printf("%.1f | ", rss);
			if (c->counted)
				printf("%" PRIu64 " | ", c->events);
			else
				printf("%s | ", m == M_UNTRACED || m == M_NOSESSION || m == M_HEAPTRACK ? "–" : "?");
			if (c->discarded_known)
				printf("%" PRIu64 " | ", c->discarded);
			else
				printf("%s | ", m == M_UNTRACED || m == M_NOSESSION || m == M_HEAPTRACK ? "–" : "?");
			printf("%d%s", c->n, c->timed_out ? " (then timeout)" : c->failed ? " (then failed)" : "");
			if (c->others)
				printf(", %d with another session on", c->others);
			printf(" |\n");
		}
	}
}

/* ---- main ---- */

static void gm_bench_on_signal(int sig)
{
	(void)sig;
	gm_bench_interrupted = 1;
}

/* The first line of `cmd`'s output into buf ("?" if none). */
static void gm_bench_first_line(const char *cmd, char *buf, size_t size)
{
	snprintf(buf, size, "?");
	FILE *f = popen(cmd, "r");
	if (f && fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		pclose(f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "builddir", required_argument, NULL, 'B' },
		{ "bindir", required_argument, NULL, 'b' },
		{ "scratch", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "workloads", required_argument, NULL, 'w' },
		{ "timeout-factor", required_argument, NULL, 'f' },
		{ "min-timeout", required_argument, NULL, 't' },
		{ "no-count", no_argument, NULL, 'n' },
		{ "modes", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'B': gm_bench_opt.builddir = optarg; break;
		case 'b': gm_bench_opt.bindir = optarg; break;
		case 's': gm_bench_opt.scratch = optarg; break;
		case 'r': gm_bench_opt.runs = atoi(optarg); break;
		case 'w': gm_bench_opt.workloads = optarg; break;
		case 'f': gm_bench_opt.timeout_factor = atof(optarg); break;
		case 't': gm_bench_opt.min_timeout = atof(optarg); break;
		case 'n': gm_bench_opt.count = false; break;
		case 'm': gm_bench_opt.modes = optarg; break;
		default:
			fprintf(stderr, "usage: gm-bench --builddir DIR --bindir DIR [--runs N] [--workloads abc] "
					"[--scratch DIR] [--timeout-factor F] [--min-timeout S] [--no-count]\n"
					"                [--modes unsfhw]  (untraced, no session, sampled, full, "
					"heaptrack, lttng-ust libc wrapper)\n");
			return 2;
		}
	}
	if (!gm_bench_opt.builddir || !gm_bench_opt.bindir || gm_bench_opt.runs < 1 ||
	    gm_bench_opt.runs > GM_BENCH_MAX_RUNS) {
		fprintf(stderr, "gm-bench: --builddir and --bindir are needed; --runs is 1..%d\n", GM_BENCH_MAX_RUNS);
		return 2;
	}
	char scratch[PATH_MAX];
	if (!gm_bench_opt.scratch) {
		snprintf(scratch, sizeof scratch, "/tmp/gm-bench.XXXXXX");
		if (!mkdtemp(scratch))
			return perror("gm-bench: mkdtemp"), 1;
		gm_bench_opt.scratch = scratch;
	} else {
		mkdir(gm_bench_opt.scratch, 0755);
	}
	signal(SIGINT, gm_bench_on_signal);
	signal(SIGTERM, gm_bench_on_signal);
	if (system("lttng list >/dev/null 2>&1") != 0 && system("lttng-sessiond --daemonize --quiet") != 0) {
		fprintf(stderr, "gm-bench: no LTTng session daemon and cannot start one\n");
		return 1;
	}

	/* Warm-up: one untraced run of each workload (page cache; sets the timeouts). */
	double timeout[GM_BENCH_NWORK];
	for (size_t wi = 0; wi < GM_BENCH_NWORK; wi++) {
		if (!strchr(gm_bench_opt.workloads, gm_bench_workloads[wi].id))
			continue;
		gm_bench_one(wi, M_UNTRACED, -1, 600);
		struct gm_bench_cell *c = &gm_bench_cells[wi][M_UNTRACED];
		if (c->n != 1) {
			fprintf(stderr, "gm-bench: workload %s does not run untraced\n", gm_bench_workloads[wi].bin);
			return 1;
		}
		timeout[wi] = c->runs[0].wall_s * gm_bench_opt.timeout_factor;
		if (timeout[wi] < gm_bench_opt.min_timeout)
			timeout[wi] = gm_bench_opt.min_timeout;
		c->n = 0;
		fprintf(stderr, "gm-bench: %s warm-up %.2f s, timeout %.0f s\n", gm_bench_workloads[wi].bin,
			c->runs[0].wall_s, timeout[wi]);
	}
	/* Round-robin: every round runs every (workload, mode) once. */
	for (int round = 0; round < gm_bench_opt.runs && !gm_bench_interrupted; round++) {
		fprintf(stderr, "gm-bench: round %d/%d\n", round + 1, gm_bench_opt.runs);
		for (size_t wi = 0; wi < GM_BENCH_NWORK && !gm_bench_interrupted; wi++) {
			if (!strchr(gm_bench_opt.workloads, gm_bench_workloads[wi].id))
				continue;
			for (int m = 0; m < M_COUNT && !gm_bench_interrupted; m++) {
				struct gm_bench_cell *c = &gm_bench_cells[wi][m];
				if (!gm_bench_mode_applies(wi, (enum gm_bench_mode)m) || c->timed_out || c->failed)
					continue;
				gm_bench_one(wi, (enum gm_bench_mode)m, round, timeout[wi]);
			}
		}
	}

	/* Header: when, where, how. */
	char date[64], cpu[256], kernel[256];
	time_t now = time(NULL);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
	gm_bench_first_line("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo", cpu, sizeof cpu);
	struct utsname un;
	snprintf(kernel, sizeof kernel, "%s", uname(&un) == 0 ? un.release : "?");
	printf("\n## gomemtrace overhead benchmark\n\n");
	printf("- date: %s\n- machine: %ld CPUs, %s, Linux %s\n", date, sysconf(_SC_NPROCESSORS_ONLN), cpu, kernel);
	printf("- command: `make bench BENCH_RUNS=%d BENCH_WORKLOADS=%s`\n", gm_bench_opt.runs, gm_bench_opt.workloads);
	printf("- medians of %d round-robin runs; ratios to untraced (its absolute median in brackets); wall "
	       "(work loop) is the workload's own timing of its work, wall (command) includes process start "
	       "and, for the record modes, LTTng session set-up and tear-down; CPU is user+sys of the "
	       "command's process tree (not the LTTng session and consumer daemons); peak RSS is the "
	       "workload process's own maxrss; events are those of the workload's process on the first "
	       "run, discards are of the whole per-UID buffer; runs during which any other LTTng session "
	       "was on are redone (up to 3 attempts); a run slower than %.0f× the untraced warm-up "
	       "(at least %.0f s) is stopped and its mode skipped afterwards.\n\n",
	       gm_bench_opt.runs, gm_bench_opt.timeout_factor, gm_bench_opt.min_timeout);
	gm_bench_table();
	if (gm_bench_interrupted)
		printf("\n(interrupted: incomplete)\n");
	if (gm_bench_opt.scratch == scratch)
		rmdir(scratch);
	return gm_bench_interrupted ? 1 : 0;
}
