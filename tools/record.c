/* record.c: `gomemtrace record`: create an LTTng session of our own (per-UID buffers, discard
 * mode), run PROGRAM with libgomemtrace.so (and lttng-ust's fork/dlopen helpers) preloaded,
 * wait for it, stop and destroy the session, report where the trace is and how many events the
 * ring buffer discarded, and exit with the program's status.
 *
 * LTTng is driven through its command-line client (GM_LTTNG), each call in its own process group
 * so that a Ctrl-C meant for the program cannot kill a `lttng stop` half way. The program stays
 * in our process group (the terminal keeps working for it); SIGINT/SIGTERM/SIGHUP/SIGQUIT sent
 * to us with kill(2) are forwarded to it, those from the terminal already reached it.
 * Single-threaded; the only state shared with the signal handler is marked so. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng-error.h>

#include "common/elf_image.h"
#include "gomemtrace/schema.h"
#include "tools/bufplan.h"
#include "tools/relayd.h"
#include "tools/session.h"
#include "tools/record.h"

#ifndef GM_UST_LIBDIR
#define GM_UST_LIBDIR "/usr/lib/x86_64-linux-gnu"
#endif

extern char **environ;

/* ---- options ---- */

/* What the command line asked for. Written by gm_record_parse() only; read-only after. */
struct gm_record_opts {
	const char *output;      /* -o: trace directory (NULL: ./gomemtrace-PROG-DATE) */
	const char *session;     /* --session: LTTng session name (NULL: gomemtrace-PROG-PID) */
	const char *relayd;      /* --relayd: stream to this lttng-relayd (NULL: a local trace) */
	const char *subbuf_size; /* --subbuf-size: per-CPU sub-buffer size, lttng syntax (NULL: the plan's) */
	const char *num_subbuf;  /* --num-subbuf: sub-buffers per CPU (NULL: the plan's) */
	const char *budget;      /* --buffer-budget: all buffers' bytes (NULL: the mode's default) */
	const char *stack_depth; /* --stack-depth -> GOMEMTRACE_STACK_DEPTH (NULL: inherit) */
	const char *sample_ms;   /* --sample-ms -> GOMEMTRACE_SAMPLE_MS (NULL: inherit) */
	const char *families;    /* --families -> GOMEMTRACE_FAMILIES (NULL: inherit) */
	const char *sample_bytes; /* --sample-bytes -> GOMEMTRACE_SAMPLE_BYTES (NULL: inherit) */
	const char *sample_big;  /* --sample-big -> GOMEMTRACE_SAMPLE_BIG (NULL: inherit) */
	const char *batch;       /* --batch -> GOMEMTRACE_BATCH (NULL: inherit) */
	bool free_stacks;        /* --free-stacks -> GOMEMTRACE_FREE_STACKS=1 */
	bool no_go_trap;         /* --no-go-trap -> GOMEMTRACE_GO_TRAP=0 */
	bool no_go_chunks;       /* --no-go-chunks -> GOMEMTRACE_GO_CHUNKS=0 */
	bool debug;              /* --debug -> GOMEMTRACE_DEBUG=1 */
	bool quiet;              /* -q: print only problems (discards are always reported) */
	char **argv;             /* PROGRAM and its arguments (NULL-terminated) */
};


static const char gm_record_usage_text[] =
	"usage: gomemtrace record [options] -- PROGRAM [ARGS...]\n"
	"Run PROGRAM under a new LTTng session with libgomemtrace.so preloaded; when it exits, stop\n"
	"the session, print where the trace is and how many events were discarded, and exit with\n"
	"PROGRAM's status (128+N if signal N killed it).\n"
	"\n"
	"  -o, --output DIR       trace directory (default ./gomemtrace-PROGRAM-YYYYmmdd-HHMMSS)\n"
	"      --session NAME     LTTng session name (default gomemtrace-PROGRAM-PID)\n"
	"      --relayd net://HOST[:CTRL[:DATA]]  stream the trace to an lttng-relayd (ports 5342,\n"
	"                         5343 by default) instead; -o then gets gomemtrace-record.txt only\n"
	"      --buffer-budget SIZE  shared memory for all LTTng buffers in the traced process,\n"
	"                         k/M/G suffixes (default 8M sampled, 256M with --sample-bytes 0);\n"
	"                         sized over the machine's possible CPUs (said at start)\n"
	"      --subbuf-size SIZE per-CPU sub-buffer size instead of the budget's (k/M/G)\n"
	"      --num-subbuf N     sub-buffers per CPU instead of the budget's\n"
	"      --stack-depth N    frames per stack, 0..128 (GOMEMTRACE_STACK_DEPTH, default 48)\n"
	"      --sample-ms MS     sampler period, 0 = no sampler (GOMEMTRACE_SAMPLE_MS, default 1000)\n"
	"      --free-stacks      record stacks on free() too (GOMEMTRACE_FREE_STACKS=1)\n"
	"      --no-go-trap       do not catch the Go runtime's raw syscalls (GOMEMTRACE_GO_TRAP=0)\n"
	"      --families LIST    comma list of malloc, mmap, madvise (GOMEMTRACE_FAMILIES)\n"
	"      --sample-bytes N   production mode: record C allocations sampled every N bytes on\n"
	"                         average, 0 = all (GOMEMTRACE_SAMPLE_BYTES, default 524288)\n"
	"      --sample-big N     always record allocations of N bytes or more\n"
	"                         (GOMEMTRACE_SAMPLE_BIG, default 1048576)\n"
	"      --batch N          malloc/calloc/free records per event, 0 = one event per call\n"
	"                         (GOMEMTRACE_BATCH, default 128, at most 256)\n"
	"      --no-go-chunks     no per-chunk Go heap page states (GOMEMTRACE_GO_CHUNKS=0)\n"
	"      --debug            tracer diagnostics on stderr (GOMEMTRACE_DEBUG=1)\n"
	"  -q, --quiet            print only problems (discarded events are always reported)\n"
	"  -h, --help             this text\n"
	"Options not given leave the GOMEMTRACE_* variables of the environment as they are.\n"
	"Exit status: PROGRAM's; 125 if gomemtrace or LTTng failed, 126 if PROGRAM cannot be traced\n"
	"or executed, 127 if it is not found. See gomemtrace(1).\n";

/* ---- messages ---- */

static bool gm_record_quiet; /* -q given (main thread only) */
static const char *gm_record_cmd = "record"; /* the subcommand the messages name (main thread only) */

void gm_record_messages(const char *cmd, bool quiet)
{
	gm_record_cmd = cmd;
	gm_record_quiet = quiet;
}

int gm_record_bad_option(int c, const char *opt)
{
	if (c == ':')
		gm_record_say(true, "option %s needs a value (see gomemtrace %s --help)", opt, gm_record_cmd);
	else
		gm_record_say(true, "unknown option %s (see gomemtrace %s --help)", opt, gm_record_cmd);
	return GM_RECORD_EXIT_FAILED;
}

int gm_record_parse_pid(const char *s, long *pid)
{
	char *end;
	errno = 0;
	*pid = strtol(s, &end, 10);
	if (errno || *end || *pid <= 0 || *pid > INT32_MAX) {
		gm_record_say(true, "--pid wants a process id, not '%s'", s);
		return GM_RECORD_EXIT_FAILED;
	}
	return 0;
}

/* One line "gomemtrace record: ..." on stderr; skipped under -q unless `always`. */
void gm_record_say(bool always, const char *fmt, ...)
{
	if (gm_record_quiet && !always)
		return;
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fprintf(stderr, "gomemtrace %s: %s\n", gm_record_cmd, buf);
}

/* ---- option checks ---- */

/* A decimal number within [0, max]. */
static bool gm_record_is_num(const char *s, unsigned long long max)
{
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	return errno == 0 && v <= max;
}

/* A size as lttng takes it: digits, then optionally one of k, K, M, G. */
static bool gm_record_is_size(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 12)
		return false;
	return s[n] == '\0' || (strchr("kKMG", s[n]) && s[n + 1] == '\0');
}

/* A comma list of malloc, mmap, madvise (or "all"). */
static bool gm_record_is_families(const char *s)
{
	if (!strcmp(s, "all"))
		return true;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (!((n == 6 && !strncmp(s, "malloc", n)) || (n == 4 && !strncmp(s, "mmap", n)) ||
		      (n == 7 && !strncmp(s, "madvise", n))))
			return false;
		s += n + (s[n] == ',');
	}
	return true;
}

/* A session name lttng accepts and we can put in a command line: [A-Za-z0-9._-]. */
static bool gm_record_is_name(const char *s)
{
	if (!*s || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* Parse argv into *o. 0, or an exit status (after a message). */
static int gm_record_parse(int argc, char **argv, struct gm_record_opts *o)
{
	enum { O_SESSION = 256, O_SUBBUF, O_NUMSUB, O_BUDGET, O_DEPTH, O_SAMPLE, O_FREE, O_NOTRAP, O_FAM, O_NOCHUNK,
	       O_DEBUG, O_SBYTES, O_SBIG, O_BATCH, O_RELAYD };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "session", required_argument, NULL, O_SESSION },
		{ "subbuf-size", required_argument, NULL, O_SUBBUF },
		{ "num-subbuf", required_argument, NULL, O_NUMSUB },
		{ "buffer-budget", required_argument, NULL, O_BUDGET },
		{ "stack-depth", required_argument, NULL, O_DEPTH },
		{ "sample-ms", required_argument, NULL, O_SAMPLE },
		{ "free-stacks", no_argument, NULL, O_FREE },
		{ "no-go-trap", no_argument, NULL, O_NOTRAP },
		{ "families", required_argument, NULL, O_FAM },
		{ "no-go-chunks", no_argument, NULL, O_NOCHUNK },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "sample-bytes", required_argument, NULL, O_SBYTES },
		{ "sample-big", required_argument, NULL, O_SBIG },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "relayd", required_argument, NULL, O_RELAYD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case O_SESSION: o->session = optarg; break;
		case O_SUBBUF: o->subbuf_size = optarg; break;
		case O_NUMSUB: o->num_subbuf = optarg; break;
		case O_BUDGET: o->budget = optarg; break;
		case O_DEPTH: o->stack_depth = optarg; break;
		case O_SAMPLE: o->sample_ms = optarg; break;
		case O_FREE: o->free_stacks = true; break;
		case O_NOTRAP: o->no_go_trap = true; break;
		case O_FAM: o->families = optarg; break;
		case O_NOCHUNK: o->no_go_chunks = true; break;
		case O_DEBUG: o->debug = true; break;
		case O_SBYTES: o->sample_bytes = optarg; break;
		case O_SBIG: o->sample_big = optarg; break;
		case O_BATCH: o->batch = optarg; break;
		case O_RELAYD: o->relayd = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': fputs(gm_record_usage_text, stdout); return -1;
		default:
			return gm_record_bad_option(c, argv[optind - 1]);
		}
	}
	const char *bad = NULL;
	if (o->stack_depth && !gm_record_is_num(o->stack_depth, 128))
		bad = "--stack-depth wants a number of frames from 0 to 128";
	else if (o->sample_ms && !gm_record_is_num(o->sample_ms, 3600000))
		bad = "--sample-ms wants milliseconds from 0 (no sampler) to 3600000";
	else if (o->sample_bytes && !gm_record_is_num(o->sample_bytes, 1ULL << 40))
		bad = "--sample-bytes wants a mean number of bytes between sampled allocations (0: all)";
	else if (o->sample_big && !gm_record_is_num(o->sample_big, 1ULL << 40))
		bad = "--sample-big wants a size in bytes";
	else if (o->batch && !gm_record_is_num(o->batch, GM_BATCH_MAX))
		bad = "--batch wants a number of records from 0 (no batches) to 256";
	else if (o->families && !gm_record_is_families(o->families))
		bad = "--families wants a comma list of malloc, mmap, madvise";
	else if (o->subbuf_size && !gm_record_is_size(o->subbuf_size))
		bad = "--subbuf-size wants a size such as 4096, 512k or 4M";
	else if (o->num_subbuf && (!gm_record_is_num(o->num_subbuf, 1 << 20) || !strcmp(o->num_subbuf, "0")))
		bad = "--num-subbuf wants a positive number";
	else if (o->budget && gm_bufplan_parse_size(o->budget) < 4096)
		bad = "--buffer-budget wants a size of at least 4k, such as 8M or 512M";
	else if (o->session && !gm_record_is_name(o->session))
		bad = "--session wants a name made of letters, digits, '.', '_' and '-'";
	char why[512];
	struct gm_relayd_url ru;
	if (!bad && o->relayd && gm_relayd_parse(o->relayd, &ru, why, sizeof why) != 0)
		bad = why;
	if (bad) {
		gm_record_say(true, "%s", bad);
		return GM_RECORD_EXIT_FAILED;
	}
	if (optind >= argc) {
		gm_record_say(true, "no PROGRAM given (usage: gomemtrace record [options] -- PROGRAM [ARGS...])");
		return GM_RECORD_EXIT_FAILED;
	}
	o->argv = argv + optind;
	gm_record_messages("record", o->quiet);
	return 0;
}

/* ---- running lttng ---- */

/* Captured output of one command: the first bytes of its stdout and stderr. */
struct gm_record_out {
	char out[16384]; /* stdout, NUL-terminated (truncated) */
	char err[2048];  /* stderr, NUL-terminated (truncated) */
};

/* Deadlines of the clean-up commands. `lttng stop` waits until the consumer has written every
 * sub-buffer (seconds even for big buffers); `lttng destroy` after it has nothing left to wait
 * for, yet was seen hanging forever on a long-running session daemon (2.13.9). */
#define GM_RECORD_STOP_TIMEOUT_S 120
#define GM_RECORD_DESTROY_TIMEOUT_S 60
/* Exit status gm_record_run_for() gives a command it had to kill at its deadline. */
#define GM_RECORD_TIMED_OUT 1000

/* Run argv (argv[0] an absolute path) in its own process group with stdin from /dev/null;
 * capture its output into *cap (or drop it when cap is NULL). Its exit status, or -1 if it
 * could not be started, 128+N if signal N killed it, GM_RECORD_TIMED_OUT if it was still
 * running after timeout_s seconds (0: no limit) and was killed (SIGKILL: record blocks the
 * stop signals during clean-up, and lttng inherits that mask). */
static int gm_record_run_for(char *const argv[], struct gm_record_out *cap, int timeout_s)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
		if (po[0] >= 0) {
			close(po[0]);
			close(po[1]);
		}
		return -1;
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0)
			dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		/* Handlers are reset by exec; the mask is not: give lttng the one we had at start. */
		sigprocmask(SIG_SETMASK, &old, NULL);
		execv(argv[0], argv);
		dprintf(2, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	size_t no = 0, ne = 0;
	struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2;
	bool timed_out = false;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (open_fds > 0) {
		int wait_ms = -1;
		if (timeout_s > 0 && !timed_out) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long left = (long long)timeout_s * 1000 - ((long long)(now.tv_sec - t0.tv_sec) * 1000 +
									(now.tv_nsec - t0.tv_nsec) / 1000000);
			if (left <= 0) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				timed_out = true;
			} else {
				wait_ms = left > 1000 ? 1000 : (int)left;
			}
		}
		int pr = poll(pf, 2, wait_ms);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pr == 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char tmp[4096];
			ssize_t r = read(pf[i].fd, tmp, sizeof tmp);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (!cap)
				continue;
			char *dst = i == 0 ? cap->out : cap->err;
			size_t cap_sz = i == 0 ? sizeof cap->out : sizeof cap->err;
			size_t *n = i == 0 ? &no : &ne;
			size_t k = (size_t)r < cap_sz - 1 - *n ? (size_t)r : cap_sz - 1 - *n;
			memcpy(dst + *n, tmp, k);
			*n += k;
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	if (cap) {
		cap->out[no] = '\0';
		cap->err[ne] = '\0';
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (timed_out) {
		if (cap)
			snprintf(cap->err, sizeof cap->err, "Error: no answer after %d s (killed)\n", timeout_s);
		return GM_RECORD_TIMED_OUT;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int gm_record_run(char *const argv[], struct gm_record_out *cap)
{
	return gm_record_run_for(argv, cap, 0);
}

/* The most useful line of lttng's stderr ("Error: ..." if there is one), trimmed, in buf. */
static const char *gm_record_lttng_error(const struct gm_record_out *cap, char *buf, size_t size)
{
	const char *s = strstr(cap->err, "Error:");
	if (!s)
		for (s = cap->err; *s == '\n' || *s == ' '; s++)
			;
	size_t n = strcspn(s, "\n");
	if (n == 0) {
		snprintf(buf, size, "(no message)");
		return buf;
	}
	snprintf(buf, size, "%.*s", (int)n, s);
	return buf;
}

/* Run `lttng ARGS...` (NULL-terminated). 0, or -1 after a message naming `what`. */
static int gm_record_lttng_v(const char *what, int timeout_s, va_list ap)
{
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)GM_LTTNG;
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)a;
	argv[n] = NULL;
	static struct gm_record_out cap;
	int rc = gm_record_run_for(argv, &cap, timeout_s);
	if (rc == 0)
		return 0;
	char msg[512];
	gm_record_lttng_error(&cap, msg, sizeof msg);
	if (getuid() != 0 && (strstr(cap.err, "ermission") || strstr(cap.err, "not allowed")))
		gm_record_say(true, "no permission to %s as uid %u (lttng: %s); run as root or as a member "
			      "of the 'tracing' group", what, (unsigned)getuid(), msg);
	else if (rc == GM_RECORD_TIMED_OUT)
		gm_record_say(true, "cannot %s: lttng gave no answer in %d s and was killed (is the session "
			      "daemon stuck? `lttng list` should answer; restarting lttng-sessiond clears it)",
			      what, timeout_s);
	else
		gm_record_say(true, "cannot %s: lttng exited with %d: %s", what, rc, msg);
	return rc == GM_RECORD_TIMED_OUT ? -2 : -1;
}

/* Run `lttng ARGS...` with a deadline: -2 when lttng had to be killed after timeout_s seconds. */
int gm_record_lttng_timed(const char *what, int timeout_s, ...)
{
	va_list ap;
	va_start(ap, timeout_s);
	int rc = gm_record_lttng_v(what, timeout_s, ap);
	va_end(ap);
	return rc;
}

/* ---- session daemon ---- */

/* Whether a session daemon answers this user (liblttng-ctl). */
static bool gm_record_sessiond_answers(void) { return gm_session_daemon_alive(); }

/* Make sure a session daemon answers; start one (`lttng-sessiond --daemonize`) when none does.
 * 0, or -1 after a message. */
static int gm_record_sessiond(void)
{
	if (gm_record_sessiond_answers())
		return 0;
	const char *sd = GM_LTTNG_SESSIOND;
	if (!strcmp(sd, "no") || access(sd, X_OK) != 0)
		sd = "/usr/bin/lttng-sessiond";
	gm_record_say(false, "no LTTng session daemon answers; starting %s --daemonize", sd);
	char *argv[] = { (char *)sd, "--daemonize", NULL };
	struct gm_record_out cap;
	memset(&cap, 0, sizeof cap);
	int rc = gm_record_run(argv, &cap);
	if (rc != 0) {
		char msg[512];
		gm_record_say(true, "no LTTng session daemon answers and `%s --daemonize` failed (exit %d): %s%s",
			      sd, rc, gm_record_lttng_error(&cap, msg, sizeof msg),
			      getuid() != 0 ? "; as a non-root user, run as root or join the 'tracing' group "
					      "of a running root session daemon" : "");
		return -1;
	}
	for (int i = 0; i < 100; i++) {
		if (gm_record_sessiond_answers())
			return 0;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	gm_record_say(true, "started %s but it does not answer", sd);
	return -1;
}

/* ---- the program ---- */

/* Find PROGRAM like execvp does (PATH search when it has no '/'); the path in buf. An exit
 * status (after a message) when it is missing or not executable, else 0. */
static int gm_record_find_program(const char *prog, char *buf, size_t size)
{
	struct stat st;
	if (strchr(prog, '/')) {
		snprintf(buf, size, "%s", prog);
	} else {
		const char *path = getenv("PATH");
		if (!path || !*path)
			path = "/usr/local/bin:/usr/bin:/bin";
		bool found = false, denied = false;
		while (*path && !found) {
			size_t n = strcspn(path, ":");
			snprintf(buf, size, "%.*s%s%s", (int)n, path, n ? "/" : "", prog);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(buf, X_OK) == 0)
					found = true;
				else
					denied = true;
			}
			path += n + (path[n] == ':');
		}
		if (!found) {
			if (denied) {
				gm_record_say(true, "%s: not executable", prog);
				return GM_RECORD_EXIT_NOEXEC;
			}
			gm_record_say(true, "%s: program not found in PATH", prog);
			return GM_RECORD_EXIT_NOTFOUND;
		}
	}
	if (stat(buf, &st) != 0) {
		gm_record_say(true, "%s: program not found (%s)", prog, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? GM_RECORD_EXIT_NOTFOUND : GM_RECORD_EXIT_NOEXEC;
	}
	if (!S_ISREG(st.st_mode) || access(buf, X_OK) != 0) {
		gm_record_say(true, "%s: not an executable file", prog);
		return GM_RECORD_EXIT_NOEXEC;
	}
	if (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getegid())) {
		gm_record_say(true, "%s is set-user/group-ID: the dynamic loader ignores LD_PRELOAD in it; "
			      "run it as its owner", prog);
		return GM_RECORD_EXIT_NOEXEC;
	}
	return 0;
}

/* Refuse a statically linked ELF executable (no PT_INTERP: nothing loads the preload).
 * Scripts (#!) pass: their interpreter inherits LD_PRELOAD. 0, or an exit status. */
static int gm_record_check_dynamic(const char *prog, const char *path)
{
	char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* e.g. execute-only: let execve decide */
	ssize_t r = read(fd, magic, sizeof magic);
	close(fd);
	if (r != sizeof magic || memcmp(magic, ELFMAG, SELFMAG) != 0)
		return 0;
	struct gm_elf_image img;
	if (gm_elf_open(&img, path) != 0)
		return 0; /* not an ELF64 image we can read: execve will tell */
	bool dynamic = gm_elf_has_interp(&img);
	const char *interp = gm_elf_interp(&img);
	char musl[256] = "";
	if (interp && strstr(interp, "ld-musl"))
		snprintf(musl, sizeof musl, "%s", interp);
	gm_elf_close(&img);
	if (musl[0]) {
		/* libgomemtrace.so and lttng-ust are built against glibc: musl's loader cannot relocate
		 * them (dozens of "Error relocating" lines, exit 127) */
		gm_record_say(true, "%s is built against musl libc (its loader is %s, as in Alpine images): the tracer "
			      "and LTTng-UST are glibc libraries and cannot be loaded into it; rebuild it against glibc "
			      "(a Debian or distroless/base image, or CGO_ENABLED=1 with a glibc toolchain) and trace that",
			      prog, musl);
		return GM_RECORD_EXIT_NOEXEC;
	}
	if (dynamic)
		return 0;
	gm_record_say(true, "%s is statically linked: LD_PRELOAD cannot inject into it; rebuild with cgo "
		      "enabled (CGO_ENABLED=1) or link dynamically", prog);
	return GM_RECORD_EXIT_NOEXEC;
}

/* ---- paths ---- */

/* The directory of this executable, resolved (for the build-tree test). */
static bool gm_record_self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

const char *gm_record_preload_path(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX], tools[PATH_MAX];
	bool in_build = gm_record_self_dir(self, sizeof self) && realpath(GM_BUILD_TOOLS_DIR, tools) &&
			!strcmp(self, tools);
	const char *want = in_build ? GM_BUILD_PRELOAD : GM_INSTALL_PRELOAD;
	if (!realpath(want, path) || access(path, R_OK) != 0) {
		fprintf(stderr, "gomemtrace: %s not found (%s)%s\n", want, strerror(errno),
			in_build ? "; run make in the build tree" : "; is gomemtrace installed?");
		return NULL;
	}
	return path;
}

/* The absolute path of lttng-ust's helper library `name` (liblttng-ust-fork, -dl) in buf, or NULL.
 * The runtime name (.so.1) first: the unversioned one exists only with the -dev package. */
static const char *gm_record_ust_lib(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { GM_UST_LIBDIR, "/usr/lib/x86_64-linux-gnu", "/usr/local/lib",
					    "/usr/lib64", "/usr/lib" };
	static const char *const sfx[] = { ".so.1", ".so" };
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
		for (size_t s = 0; s < 2; s++) {
			snprintf(buf, size, "%s/%s%s", dirs[d], name, sfx[s]);
			if (access(buf, R_OK) == 0)
				return buf;
		}
	return NULL;
}

/* PROGRAM's base name, reduced to characters safe in a session or directory name. */
void gm_record_tag(const char *prog, char *buf, size_t size)
{
	const char *b = strrchr(prog, '/');
	b = b ? b + 1 : prog;
	size_t n = 0;
	for (; *b && n + 1 < size && n < 40; b++)
		buf[n++] = (isalnum((unsigned char)*b) || strchr("._-", *b)) ? *b : '_';
	if (n == 0)
		buf[n++] = 'x';
	buf[n] = '\0';
}

/* The absolute trace directory in buf: -o DIR (refused if it holds files already), else
 * ./gomemtrace-TAG-YYYYmmdd-HHMMSS[-N], a name not in use. 0 or an exit status. */
int gm_record_output_dir_for(const char *output, const char *tag, char *buf, size_t size)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd)) {
		gm_record_say(true, "cannot get the current directory: %s", strerror(errno));
		return GM_RECORD_EXIT_FAILED;
	}
	struct stat st;
	if (output) {
		int n = output[0] == '/' ? snprintf(buf, size, "%s", output)
					    : snprintf(buf, size, "%s/%s", cwd, output);
		if (n < 0 || (size_t)n >= size) {
			gm_record_say(true, "-o %s: path too long", output);
			return GM_RECORD_EXIT_FAILED;
		}
		char sub[PATH_MAX + 8];
		snprintf(sub, sizeof sub, "%s/ust", buf);
		if (stat(buf, &st) == 0 && (!S_ISDIR(st.st_mode) || stat(sub, &st) == 0)) {
			gm_record_say(true, "%s exists and is %s; choose another -o", buf,
				      S_ISDIR(st.st_mode) ? "a trace already" : "not a directory");
			return GM_RECORD_EXIT_FAILED;
		}
		return 0;
	}
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y%m%d-%H%M%S", &tm);
	for (int i = 1; i < 1000; i++) {
		int n = i == 1 ? snprintf(buf, size, "%s/gomemtrace-%s-%s", cwd, tag, date)
			       : snprintf(buf, size, "%s/gomemtrace-%s-%s-%d", cwd, tag, date, i);
		if (n < 0 || (size_t)n >= size)
			break;
		if (lstat(buf, &st) != 0)
			return 0;
	}
	gm_record_say(true, "cannot find a free trace directory name in %s", cwd);
	return GM_RECORD_EXIT_FAILED;
}

/* ---- the program's environment ---- */

/* environ with LD_PRELOAD prepended with `preload` and the GOMEMTRACE_* options set; malloc'd. */
static char **gm_record_env(const struct gm_record_opts *o, const char *preload)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 16, sizeof(char *));
	if (!env)
		return NULL;
	const char *old_preload = getenv("LD_PRELOAD");
	struct {
		const char *name, *value;
	} set[] = {
		{ "GOMEMTRACE_STACK_DEPTH", o->stack_depth },
		{ "GOMEMTRACE_SAMPLE_MS", o->sample_ms },
		{ "GOMEMTRACE_FAMILIES", o->families },
		{ "GOMEMTRACE_SAMPLE_BYTES", o->sample_bytes },
		{ "GOMEMTRACE_SAMPLE_BIG", o->sample_big },
		{ "GOMEMTRACE_BATCH", o->batch },
		{ "GOMEMTRACE_FREE_STACKS", o->free_stacks ? "1" : NULL },
		{ "GOMEMTRACE_GO_TRAP", o->no_go_trap ? "0" : NULL },
		{ "GOMEMTRACE_GO_CHUNKS", o->no_go_chunks ? "0" : NULL },
		{ "GOMEMTRACE_DEBUG", o->debug ? "1" : NULL },
	};
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = environ[i];
		bool drop = !strncmp(e, "LD_PRELOAD=", 11);
		for (size_t j = 0; j < sizeof set / sizeof set[0] && !drop; j++) {
			size_t l = strlen(set[j].name);
			drop = set[j].value && !strncmp(e, set[j].name, l) && e[l] == '=';
		}
		if (!drop)
			env[k++] = (char *)e;
	}
	for (size_t j = 0; j < sizeof set / sizeof set[0]; j++) {
		if (!set[j].value)
			continue;
		char *v;
		if (asprintf(&v, "%s=%s", set[j].name, set[j].value) < 0)
			return NULL;
		env[k++] = v;
	}
	char *v;
	if (asprintf(&v, "LD_PRELOAD=%s%s%s", preload, old_preload && *old_preload ? ":" : "",
		     old_preload ? old_preload : "") < 0)
		return NULL;
	env[k++] = v;
	env[k] = NULL;
	return env;
}

/* ---- signals ---- */

static volatile sig_atomic_t gm_record_child_pid; /* the program's pid (main thread writes, handler reads) */
static volatile sig_atomic_t gm_record_got_signal; /* last signal received (handler writes) */

/* The signals that end a recording: forwarded to the program. */
static const int gm_record_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/* Forward a signal to the program unless the terminal sent it (then the program, in our
 * process group, has it already). Async-signal-safe. */
static void gm_record_on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int saved = errno;
	gm_record_got_signal = sig;
	pid_t pid = (pid_t)gm_record_child_pid;
	if (pid > 0 && si->si_code != SI_KERNEL)
		kill(pid, sig);
	errno = saved;
}

/* ---- session ---- */

/* Sum of every <TAG>N</TAG> in the machine-interface output `xml`. */
static uint64_t gm_record_mi_sum(const char *xml, const char *tag)
{
	char open[64];
	snprintf(open, sizeof open, "<%s>", tag);
	uint64_t sum = 0;
	for (const char *p = strstr(xml, open); p; p = strstr(p, open)) {
		p += strlen(open);
		sum += strtoull(p, NULL, 10);
	}
	return sum;
}

/* One value on one line: newlines and backslashes escaped. */
static void gm_record_put(FILE *f, const char *key, const char *v)
{
	fprintf(f, "%s=", key);
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('\n', f);
}

/* DIR/gomemtrace-record.txt: how the trace was made, key=value lines, for the reader (it
 * tells the traced program's pid from other processes of the same user that the per-UID
 * session also recorded). babeltrace2 ignores the file. */
void gm_record_write_info(const char *dir, const struct gm_record_result *res)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
	snprintf(path, sizeof path, "%s/gomemtrace-record.txt", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		gm_record_say(true, "cannot write %s: %s", path, strerror(errno));
		return;
	}
	char when[64];
	struct tm tm;
	localtime_r(&res->start, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(f, "# gomemtrace %s: how this trace was recorded (key=value; arg repeats, in order)\n", res->mode);
	fprintf(f, "format=1\nversion=%s\nmode=%s\n", PACKAGE_VERSION, res->mode);
	gm_record_put(f, "session", res->session);
	fprintf(f, "start=%s\npid=%ld\n", when, (long)res->pid);
	gm_record_put(f, "program", res->path);
	for (char **a = res->argv; a && *a; a++)
		gm_record_put(f, "arg", *a);
	fprintf(f, "exit_status=%d\n", res->status);
	if (res->relayd)
		gm_record_put(f, "relayd", res->relayd);
	if (res->extra)
		fputs(res->extra, f);
	if (res->counted)
		fprintf(f, "discarded_events=%" PRIu64 "\nlost_packets=%" PRIu64 "\n", res->discarded, res->lost);
	else
		fprintf(f, "discarded_events=unknown\nlost_packets=unknown\n");
	fprintf(f, "subbuf_size=%s\nnum_subbuf=%s\n", res->buf->subbuf, res->buf->num);
	fprintf(f, "buffer_budget=%" PRIu64 "\npossible_cpus=%" PRIu32 "\nbuffer_bytes=%" PRIu64 "\n", res->buf->budget,
		res->buf->plan.ncpus, res->buf->total);
	for (char **e = res->env; *e; e++)
		if (!strncmp(*e, "GOMEMTRACE_", 11) || !strncmp(*e, "LD_PRELOAD=", 11)) {
			size_t n = strcspn(*e, "=");
			char key[128];
			snprintf(key, sizeof key, "env.%.*s", (int)n, *e);
			gm_record_put(f, key, *e + n + 1);
		}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		gm_record_say(true, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Stop the session, count what it discarded, destroy it, write gomemtrace-record.txt.
 * Reports on stderr; -1 on failure. `res` NULL: the session never started. */
/* Free space under which a trace directory's filesystem counts as full after a recording: less
 * than one sub-buffer of the smallest plan (the consumer writes whole packets). */
#define GM_RECORD_FULL_BYTES (64ULL << 10)

int gm_record_finish(const char *session, const char *dir, struct gm_record_result *res)
{
	int rc = 0;
	if (res && !gm_session_daemon_alive()) {
		/* killed or stopped meanwhile: the session went with it, its consumer too (what it
		 * wrote before is on disk, the rest of the ring buffers is lost); nothing to stop */
		char ust[PATH_MAX + 8];
		snprintf(ust, sizeof ust, "%s/ust", dir);
		bool some = access(ust, F_OK) == 0;
		gm_record_say(true, "the LTTng session daemon went away during the recording: session %s is lost; "
			      "%s; the program was not touched (its exit status is returned)", session,
			      some ? "what its consumer wrote before is in the trace directory (a partial trace: "
				     "gomemtrace report reads it)" : "nothing was written");
		if (some)
			gm_record_write_info(dir, res);
		return -1;
	}
	bool stopped = false; /* stop returned: the data is flushed (lttng stop waits for it) */
	if (res) {
		if (gm_record_lttng_timed("stop the LTTng session", GM_RECORD_STOP_TIMEOUT_S, "stop", session,
					  NULL) != 0)
			rc = -1;
		else
			stopped = true;
	}
	if (res) {
		char *argv[] = { (char *)GM_LTTNG, "--mi", "xml", "list", (char *)session, NULL };
		static struct gm_record_out cap;
		if (gm_record_run(argv, &cap) != 0 || !strstr(cap.out, "<discarded_events>")) {
			gm_record_say(true, "cannot read the discarded-events count of session %s: "
				      "check the trace with babeltrace2 (it warns about discarded events)", session);
			rc = -1;
		} else {
			res->counted = true;
			res->discarded = gm_record_mi_sum(cap.out, "discarded_events");
			res->lost = gm_record_mi_sum(cap.out, "lost_packets");
			if (res->discarded || res->lost)
				gm_record_say(true, "WARNING: %" PRIu64 " events discarded%s%.0" PRIu64 "%s: the ring "
					      "buffer was full and the trace is incomplete; use bigger buffers "
					      "(--buffer-budget) or fewer events (--stack-depth, --families)",
					      res->discarded, res->lost ? ", " : "", res->lost,
					      res->lost ? " packets lost" : "");
			else
				gm_record_say(false, "0 events discarded");
		}
	}
	int d = gm_record_lttng_timed("destroy the LTTng session", GM_RECORD_DESTROY_TIMEOUT_S, "destroy",
				      session, NULL);
	if (d == -2 && stopped)
		gm_record_say(true, "(the session had stopped and flushed its data before: the trace is complete)");
	else if (d != 0)
		rc = -1;
	if (res && res->relayd) { /* the trace is the relayd's; this directory keeps how it was made */
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
			gm_record_say(true, "cannot create %s: %s", dir, strerror(errno));
		gm_record_write_info(dir, res);
		gm_record_say(false, "trace streamed to the relayd at %s (HOSTNAME/%s-DATE under its output directory); "
			      "gomemtrace-record.txt in %s", res->relayd, session, dir);
	} else if (res) {
		char ust[PATH_MAX + 8];
		snprintf(ust, sizeof ust, "%s/ust", dir);
		if (access(ust, F_OK) != 0) {
			gm_record_say(true, "no trace data in %s: the program never registered with LTTng "
				      "(did it start? is liblttng-ust loadable?)", dir);
		} else {
			gm_record_write_info(dir, res);
			struct statvfs fs;
			if (statvfs(dir, &fs) == 0 && (uint64_t)fs.f_bavail * fs.f_frsize < GM_RECORD_FULL_BYTES) {
				/* the consumer's failed writes show nowhere else (lttng-sessiond's own log) */
				gm_record_say(true, "WARNING: the filesystem of %s is full (%" PRIu64 " KiB left): LTTng "
					      "could not write all of the trace, it ends where the space ran out "
					      "(gomemtrace report reads what is there); free space or record "
					      "elsewhere (-o)", dir, (uint64_t)fs.f_bavail * fs.f_frsize / 1024);
				rc = -1;
			} else {
				gm_record_say(false, "trace written to %s", dir);
			}
		}
	}
	return rc;
}

/* ---- the buffer budget (bufplan.c) ---- */

/* A GOMEMTRACE_* number the traced program will see: the option, else the environment, else dflt. */
static uint64_t gm_record_setting(const char *opt, const char *env, uint64_t dflt)
{
	const char *s = opt ? opt : getenv(env);
	if (!s || !*s)
		return dflt;
	char *e;
	unsigned long long v = strtoull(s, &e, 10);
	return *e ? dflt : v;
}

void gm_record_plan_buffers(const struct gm_record_bufopts *o, struct gm_record_buf *b)
{
	memset(b, 0, sizeof *b);
	b->full = o->full;
	b->budget = o->budget ? gm_bufplan_parse_size(o->budget)
			      : b->full ? GM_BUFPLAN_FULL_BUDGET : GM_BUFPLAN_SAMPLED_BUDGET;
	uint32_t batch = o->batch > GM_BATCH_MAX ? GM_BATCH_MAX : o->batch;
	gm_bufplan(b->budget, gm_bufplan_possible_cpus(), gm_bufplan_min_subbuf(batch), &b->plan);
	uint64_t sub = o->subbuf_size ? gm_bufplan_parse_size(o->subbuf_size) : b->plan.subbuf_size;
	uint64_t num = o->num_subbuf ? strtoull(o->num_subbuf, NULL, 10) : b->plan.num_subbuf;
	snprintf(b->subbuf, sizeof b->subbuf, "%" PRIu64, sub);
	snprintf(b->num, sizeof b->num, "%" PRIu64, num);
	b->total = gm_bufplan_bytes(b->plan.ncpus, num, sub);
	uint64_t s2 = gm_bufplan_ceil2(sub), n2 = gm_bufplan_ceil2(num); /* what lttng makes of them */
	bool own = o->subbuf_size || o->num_subbuf;
	bool over = b->total > b->budget;
	gm_record_say(over && !own, "%sbuffers: %.1f MiB of shared memory in the traced process (%" PRIu32
		      " possible CPUs x (%" PRIu64 " + 1) x %.0f KiB, and metadata; %s %.1f MiB, %s mode)",
		      over && !own ? "warning: " : "", (double)b->total / 1048576.0, b->plan.ncpus, n2,
		      (double)s2 / 1024.0, own ? "set by --subbuf-size/--num-subbuf; budget" : "budget",
		      (double)b->budget / 1048576.0, b->full ? "full" : "sampled");
	if (over && !own)
		gm_record_say(true, "warning: the smallest buffers that hold the tracer's events exceed "
			      "--buffer-budget on %" PRIu32 " possible CPUs", b->plan.ncpus);
}

static void gm_record_plan(const struct gm_record_opts *o, struct gm_record_buf *b)
{
	struct gm_record_bufopts bo = {
		.budget = o->budget, .subbuf_size = o->subbuf_size, .num_subbuf = o->num_subbuf,
		.full = gm_record_setting(o->sample_bytes, "GOMEMTRACE_SAMPLE_BYTES", 1) == 0,
		.batch = (uint32_t)gm_record_setting(o->batch, "GOMEMTRACE_BATCH", 128),
	};
	gm_record_plan_buffers(&bo, b);
}

/* Create, configure and start the session (liblttng-ctl: session.c). 0, or -1 after a message
 * (session destroyed). */
int gm_record_relayd_check(const char *url)
{
	struct gm_relayd_url u;
	char err[512];
	if (gm_relayd_parse(url, &u, err, sizeof err) != 0 || gm_relayd_reachable(&u, 3000, err, sizeof err) != 0) {
		gm_record_say(true, "--relayd %s: %s: is lttng-relayd running there (lttng-relayd -d -C tcp://0.0.0.0:%d "
			      "-D tcp://0.0.0.0:%d), and does a firewall let this host through? Nothing was started",
			      url, err, u.ctrl ? u.ctrl : GM_RELAYD_CTRL_PORT, u.data ? u.data : GM_RELAYD_DATA_PORT);
		return -1;
	}
	return 0;
}

int gm_record_start_session(const struct gm_record_buf *b, const char *session, const char *dir, pid_t pid,
			    const char *const *events, bool snapshot, const char *relayd)
{
	struct gm_session_spec spec = { .name = session, .dir = dir, .channel = GM_RECORD_CHANNEL,
					.subbuf_size = gm_bufplan_parse_size(b->subbuf),
					.num_subbuf = strtoull(b->num, NULL, 10), .pid = pid,
					.events = events, .snapshot = snapshot, .relayd = relayd };
	const char *what = "";
	int rc = gm_session_start(&spec, &what);
	if (rc == 0)
		return 0;
	if (rc == -LTTNG_ERR_EPERM && getuid() != 0)
		gm_record_say(true, "no permission to %s as uid %u (LTTng: %s); run as root or as a member "
			      "of the 'tracing' group", what, (unsigned)getuid(), gm_session_strerror(rc));
	else
		gm_record_say(true, "cannot %s: %s (LTTng error %d)", what, gm_session_strerror(rc), -rc);
	return -1;
}

/* ---- record ---- */

int gm_record_main(int argc, char **argv)
{
	struct gm_record_opts o;
	int rc = gm_record_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	const char *prog = o.argv[0];

	/* Refusals first: nothing is created unless the program can be traced. */
	char path[PATH_MAX];
	if ((rc = gm_record_find_program(prog, path, sizeof path)) != 0 ||
	    (rc = gm_record_check_dynamic(prog, path)) != 0)
		return rc;
	const char *lib = gm_record_preload_path();
	if (!lib)
		return GM_RECORD_EXIT_FAILED;
	char fork_lib[PATH_MAX], dl_lib[PATH_MAX], preload[3 * PATH_MAX + 4];
	const char *fl = gm_record_ust_lib("liblttng-ust-fork", fork_lib, sizeof fork_lib);
	const char *dl = gm_record_ust_lib("liblttng-ust-dl", dl_lib, sizeof dl_lib);
	if (!fl || !dl)
		gm_record_say(true, "warning: %s not found: %s will not be followed",
			      !fl ? "liblttng-ust-fork.so" : "liblttng-ust-dl.so",
			      !fl ? "fork()ed children" : "dlopen()ed libraries");
	snprintf(preload, sizeof preload, "%s%s%s%s%s", lib, fl ? ":" : "", fl ? fl : "", dl ? ":" : "",
		 dl ? dl : "");
	char **env = gm_record_env(&o, preload);
	if (!env) {
		gm_record_say(true, "out of memory");
		return GM_RECORD_EXIT_FAILED;
	}
	char tag[48], dir[PATH_MAX], session[256];
	gm_record_tag(prog, tag, sizeof tag);
	if ((rc = gm_record_output_dir_for(o.output, tag, dir, sizeof dir)) != 0)
		return rc;
	if (o.session)
		snprintf(session, sizeof session, "%s", o.session);
	else
		snprintf(session, sizeof session, "gomemtrace-%s-%ld", tag, (long)getpid());

	/* Until the program runs, a stop signal waits (blocked) and is honoured after set-up. */
	sigset_t stops, orig;
	sigemptyset(&stops);
	for (size_t i = 0; i < sizeof gm_record_signals / sizeof gm_record_signals[0]; i++)
		sigaddset(&stops, gm_record_signals[i]);
	sigprocmask(SIG_BLOCK, &stops, &orig);

	struct gm_record_buf buf;
	gm_record_plan(&o, &buf);
	if ((o.relayd && gm_record_relayd_check(o.relayd) != 0) || gm_record_sessiond() != 0 ||
	    gm_record_start_session(&buf, session, dir, 0, NULL, false, o.relayd) != 0)
		return GM_RECORD_EXIT_FAILED;
	if (o.relayd)
		gm_record_say(false, "recording %s to the relayd at %s (its output directory: HOSTNAME/%s-DATE; "
			      "gomemtrace-record.txt into %s) (LTTng session %s)", prog, o.relayd, session, dir, session);
	else
		gm_record_say(false, "recording %s into %s (LTTng session %s)", prog, dir, session);
	struct gm_record_result res = { .mode = "record", .argv = o.argv, .buf = &buf, .path = path,
					.session = session, .env = env, .start = time(NULL), .status = -1,
					.relayd = o.relayd };

	sigset_t pending;
	sigpending(&pending);
	for (size_t i = 0; i < sizeof gm_record_signals / sizeof gm_record_signals[0]; i++) {
		int sig = gm_record_signals[i];
		if (sigismember(&pending, sig)) {
			gm_record_say(true, "interrupted by signal %d before %s started", sig, prog);
			res.status = 128 + sig;
			gm_record_finish(session, dir, &res);
			return res.status;
		}
	}

	/* Run the program; an exec failure comes back through a close-on-exec pipe. */
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) != 0) {
		gm_record_say(true, "pipe: %s", strerror(errno));
		gm_record_finish(session, dir, &res);
		return GM_RECORD_EXIT_FAILED;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(ep[0]);
		sigprocmask(SIG_SETMASK, &orig, NULL);
		execve(path, o.argv, env);
		int e = errno;
		(void)!write(ep[1], &e, sizeof e);
		_exit(127);
	}
	close(ep[1]);
	if (pid < 0) {
		gm_record_say(true, "fork: %s", strerror(errno));
		close(ep[0]);
		gm_record_finish(session, dir, &res);
		return GM_RECORD_EXIT_FAILED;
	}
	gm_record_child_pid = pid;
	res.pid = pid;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = gm_record_on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof gm_record_signals / sizeof gm_record_signals[0]; i++)
		sigaction(gm_record_signals[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);

	int exec_err = 0;
	ssize_t r;
	while ((r = read(ep[0], &exec_err, sizeof exec_err)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* From here on a stop signal must not cut the clean-up short. */
	sigprocmask(SIG_BLOCK, &stops, NULL);
	gm_record_child_pid = 0;

	int status;
	if (r == (ssize_t)sizeof exec_err) {
		gm_record_say(true, "cannot execute %s: %s", prog, strerror(exec_err));
		status = exec_err == ENOENT ? GM_RECORD_EXIT_NOTFOUND : GM_RECORD_EXIT_NOEXEC;
	} else if (WIFSIGNALED(st)) {
		status = 128 + WTERMSIG(st);
		gm_record_say(false, "%s was killed by signal %d (%s)", prog, WTERMSIG(st), strsignal(WTERMSIG(st)));
	} else {
		status = WEXITSTATUS(st);
	}
	res.status = status;
	gm_record_finish(session, dir, &res);
	return status;
}
