/* attach.c: `gomemtrace attach --pid PID`: record a window of a process that already runs
 * with libgomemtrace.so preloaded (the production way: the preload always on, a session only
 * while memory is being looked at). It starts an LTTng session limited to that process and
 * the children it starts meanwhile (a vpid tracker), asks the tracer to write again what a
 * session started late needs (gomemtrace:resync, enabled once the session records), waits
 * for --duration seconds or a stop signal, then stops and destroys the session and says
 * where the trace is and what it cannot hold (blocks allocated before the window).
 * The process is never signalled, stopped or otherwise touched: if anything goes wrong here,
 * the session goes away and the tracer inside it goes quiet (docs/production.md).
 * Single-threaded. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng-error.h>

#include "gomemtrace/schema.h"
#include "tools/attach.h"
#include "tools/bufplan.h"
#include "tools/record.h"
#include "tools/session.h"

/* ---- options ---- */

/* What the command line asked for. Written by gm_attach_parse() only; read-only after. */
struct gm_attach_opts {
	long pid;                /* --pid */
	double duration;         /* --duration seconds (0: until a stop signal) */
	const char *output;      /* -o: trace directory (NULL: ./gomemtrace-NAME-DATE) */
	const char *budget;      /* --buffer-budget (NULL: the mode's default) */
	const char *subbuf_size; /* --subbuf-size */
	const char *num_subbuf;  /* --num-subbuf */
	bool no_children;        /* --no-children: the process only */
	bool snapshot;           /* --snapshot: leave a flight recorder on instead of a window */
	const char *relayd;      /* --relayd: stream the window to this lttng-relayd (NULL: local) */
	bool quiet;              /* -q */
};

static const char gm_attach_usage_text[] =
	"usage: gomemtrace attach --pid PID [--duration SECONDS] [-o DIR] [options]\n"
	"Record a window of a running process that was started with libgomemtrace.so preloaded\n"
	"(LD_PRELOAD=$(gomemtrace preload-path)): an LTTng session limited to PID and the children it\n"
	"starts, for SECONDS or until Ctrl-C (SIGINT/SIGTERM); then print where the trace is.\n"
	"`gomemtrace report DIR` reports it as a window: C memory allocated and still live in it,\n"
	"growth inside it; blocks allocated before it are only counted when they are freed.\n"
	"\n"
	"  -p, --pid PID          the process (its pid as this shell sees it; same pid namespace)\n"
	"  -d, --duration SECONDS how long (fractions allowed; default: until SIGINT/SIGTERM/SIGHUP)\n"
	"  -o, --output DIR       trace directory (default ./gomemtrace-NAME-YYYYmmdd-HHMMSS)\n"
	"      --buffer-budget SIZE  shared memory for all LTTng buffers in the process (k/M/G;\n"
	"                         default 8M sampled, 256M when the process records every allocation)\n"
	"      --subbuf-size SIZE, --num-subbuf N   buffers by hand instead of the budget's\n"
	"      --no-children      do not follow children the process starts during the window\n"
	"      --relayd net://HOST[:CTRL[:DATA]]  stream the window to an lttng-relayd instead\n"
	"                         (-o then gets gomemtrace-record.txt only)\n"
	"      --snapshot         leave a flight recorder on instead, and return: LTTng ring buffers\n"
	"                         in overwrite mode (the budget: the newest records replace the\n"
	"                         oldest); `gomemtrace snapshot --pid PID -o DIR` writes what they\n"
	"                         hold, `gomemtrace snapshot --pid PID --stop` ends it (children the\n"
	"                         process starts later are not in it)\n"
	"  -q, --quiet            print only problems\n"
	"  -h, --help             this text\n"
	"Exit status: 0 the window was recorded (--snapshot: the flight recorder is on); 1 it was cut short (the session daemon went away)\n"
	"or its trace is incomplete; 125 nothing was recorded (bad usage, no such process, no\n"
	"tracer in it, no session daemon, another attach running). See gomemtrace(1).\n";

/* Parse argv into *o. 0; -1 after --help; else an exit status (after a message). */
static int gm_attach_parse(int argc, char **argv, struct gm_attach_opts *o)
{
	enum { O_BUDGET = 256, O_SUBBUF, O_NUMSUB, O_NOCHILD, O_SNAPSHOT, O_RELAYD };
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "buffer-budget", required_argument, NULL, O_BUDGET },
		{ "subbuf-size", required_argument, NULL, O_SUBBUF },
		{ "num-subbuf", required_argument, NULL, O_NUMSUB },
		{ "no-children", no_argument, NULL, O_NOCHILD },
		{ "snapshot", no_argument, NULL, O_SNAPSHOT },
		{ "relayd", required_argument, NULL, O_RELAYD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	gm_record_messages("attach", false);
	optind = 1;
	opterr = 0;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, ":p:d:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (gm_record_parse_pid(optarg, &o->pid))
				return GM_RECORD_EXIT_FAILED;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0) || o->duration > 365 * 86400.0) {
				gm_record_say(true, "--duration wants a positive number of seconds, not '%s'", optarg);
				return GM_RECORD_EXIT_FAILED;
			}
			break;
		case 'o': o->output = optarg; break;
		case O_BUDGET: o->budget = optarg; break;
		case O_SUBBUF: o->subbuf_size = optarg; break;
		case O_NUMSUB: o->num_subbuf = optarg; break;
		case O_NOCHILD: o->no_children = true; break;
		case O_SNAPSHOT: o->snapshot = true; break;
		case O_RELAYD: o->relayd = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': fputs(gm_attach_usage_text, stdout); return -1;
		default:
			return gm_record_bad_option(c, argv[optind - 1]);
		}
	}
	if (optind < argc) {
		gm_record_say(true, "unexpected argument '%s' (see gomemtrace attach --help)", argv[optind]);
		return GM_RECORD_EXIT_FAILED;
	}
	if (!o->pid) {
		gm_record_say(true, "no --pid given (usage: gomemtrace attach --pid PID [--duration SECONDS])");
		return GM_RECORD_EXIT_FAILED;
	}
	if (o->snapshot && o->relayd) {
		gm_record_say(true, "--snapshot with --relayd is not supported yet: a flight recorder keeps its "
			      "ring buffers in the process; `gomemtrace snapshot` writes them locally");
		return GM_RECORD_EXIT_FAILED;
	}
	if (o->snapshot && (o->duration > 0 || o->output)) {
		gm_record_say(true, "--snapshot leaves a flight recorder on and returns: no --duration or -o "
			      "(`gomemtrace snapshot --pid PID -o DIR` writes it)");
		return GM_RECORD_EXIT_FAILED;
	}
	if (o->budget && gm_bufplan_parse_size(o->budget) < 4096) {
		gm_record_say(true, "--buffer-budget wants a size of at least 4k, such as 8M or 512M");
		return GM_RECORD_EXIT_FAILED;
	}
	gm_record_messages("attach", o->quiet);
	return 0;
}

/* ---- the process ---- */

/* /proc/PID/FILE into buf (NUL-terminated, NULs of environ kept: returns the length), or -1. */
long gm_attach_read_proc(long pid, const char *file, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && ((r = read(fd, buf + n, cap - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	int e = errno;
	close(fd);
	errno = e;
	buf[n] = '\0';
	return (long)n;
}

/* Field 22 of /proc/PID/stat (start time, clock ticks since boot) and field 4 (ppid): they
 * tell a process from a later one with the same pid. 0, or -1 when the process is gone. */
static int gm_attach_stat(long pid, unsigned long long *start, long *ppid)
{
	char buf[1024];
	if (gm_attach_read_proc(pid, "stat", buf, sizeof buf) <= 0)
		return -1;
	const char *p = strrchr(buf, ')'); /* the name may hold spaces and ')' */
	if (!p)
		return -1;
	/* fields 3 (state) to 22 (starttime): 4 is the ppid; signed ones (priority, nice) read as %lld */
	char state;
	long long v[19] = { 0 };
	int got = sscanf(p + 1, " %c", &state);
	const char *q = p + 1;
	while (*q == ' ')
		q++;
	q = strchr(q, ' '); /* past the state */
	for (int i = 0; got == 1 && q && i < 19; i++) {
		char *e;
		v[i] = strtoll(q, &e, 10);
		if (e == q)
			return -1;
		q = e;
	}
	if (got != 1 || !q)
		return -1;
	if (ppid)
		*ppid = (long)v[0];
	if (start)
		*start = (unsigned long long)v[18];
	return state == 'Z' || state == 'X' ? -1 : 0; /* a zombie has left already */
}

int gm_attach_alive(long pid) { return gm_attach_stat(pid, NULL, NULL) == 0; }

/* Whether the process maps libgomemtrace.so. 1, 0, or -1 with errno (maps unreadable). */
static int gm_attach_has_tracer(long pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[PATH_MAX + 128];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "/libgomemtrace.so") != NULL;
	int e = errno;
	fclose(f);
	errno = e;
	return found;
}

/* The value of NAME in a NUL-separated environment block, or NULL. */
static const char *gm_attach_env(const char *env, long len, const char *name)
{
	size_t nl = strlen(name);
	for (const char *e = env; e < env + len; e += strlen(e) + 1)
		if (!strncmp(e, name, nl) && e[nl] == '=')
			return e + nl + 1;
	return NULL;
}

/* ---- children ---- */

#define GM_ATTACH_MAX_PIDS 4096 /* processes followed in one window */

/* The processes the session follows. Main thread only. */
struct gm_attach_set {
	long pid[GM_ATTACH_MAX_PIDS]; /* tracked vpids, the attached process first */
	int n;                        /* how many */
	bool full;                    /* the set is full: later children are not followed (said once) */
};

static bool gm_attach_in(const struct gm_attach_set *s, long pid)
{
	for (int i = 0; i < s->n; i++)
		if (s->pid[i] == pid)
			return true;
	return false;
}

/* Add to the session every live process whose parent is in the set (until nothing changes);
 * returns how many were added. A child that lives less than one poll (100 ms) is missed. */
static int gm_attach_follow(const char *session, struct gm_attach_set *s)
{
	int added = 0;
	for (bool again = true; again;) {
		again = false;
		DIR *d = opendir("/proc");
		if (!d)
			return added;
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			long pid = strtol(de->d_name, NULL, 10), ppid = 0;
			if (gm_attach_in(s, pid) || gm_attach_stat(pid, NULL, &ppid) != 0 || !gm_attach_in(s, ppid))
				continue;
			if (s->n >= GM_ATTACH_MAX_PIDS) {
				if (!s->full)
					gm_record_say(true, "warning: more than %d processes in the window: later children "
						      "are not recorded", GM_ATTACH_MAX_PIDS);
				s->full = true;
				break;
			}
			int rc = gm_session_track_pid(session, (int)pid);
			if (rc < 0)
				continue; /* the session is gone: the main loop finds out */
			s->pid[s->n++] = pid;
			added++;
			again = true;
			gm_record_say(false, "following child %ld (of %ld)", pid, ppid);
		}
		closedir(d);
	}
	return added;
}

/* ---- attach ---- */

static uint64_t gm_attach_mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* The checks before anything is created: the process, its tracer, the session daemon, no other
 * attach. 0, or an exit status after a message. `name` gets the process's name, *events the
 * events to enable (gm_session_app_events). */
static int gm_attach_check(const struct gm_attach_opts *o, char *name, size_t size, char ***events)
{
	long pid = o->pid;
	if (gm_attach_stat(pid, NULL, NULL) != 0) {
		gm_record_say(true, "no process %ld (is it running? attach wants its pid as this shell sees it)", pid);
		return GM_RECORD_EXIT_FAILED;
	}
	if (gm_attach_read_proc(pid, "comm", name, size) <= 0)
		snprintf(name, size, "pid%ld", pid);
	name[strcspn(name, "\n")] = '\0';
	int has = gm_attach_has_tracer(pid);
	if (has < 0) {
		gm_record_say(true, "cannot read /proc/%ld/maps (%s): run attach as the process's user or as root",
			      pid, strerror(errno));
		return GM_RECORD_EXIT_FAILED;
	}
	if (!has) {
		const char *lib = gm_record_preload_path();
		gm_record_say(true, "process %ld (%s) does not have the tracer loaded: attach records only a process "
			      "started with it, e.g. LD_PRELOAD=%s %s (docs/production.md: systemd, Kubernetes); "
			      "or run it under `gomemtrace record -- PROGRAM`", pid, name, lib ? lib : "libgomemtrace.so",
			      name);
		return GM_RECORD_EXIT_FAILED;
	}
	if (!gm_session_daemon_alive()) {
		gm_record_say(true, "no LTTng session daemon answers: the tracer in process %ld registers with one "
			      "(root's, or its user's own); start `lttng-sessiond --daemonize` as root (or as the "
			      "process's user) and attach again once it registered (a few seconds)", pid);
		return GM_RECORD_EXIT_FAILED;
	}
	char other[256], prefix[64];
	if (o->snapshot)
		snprintf(prefix, sizeof prefix, GM_ATTACH_FLIGHT_FMT, pid);
	else
		snprintf(prefix, sizeof prefix, "gomemtrace-attach-%ld-", pid);
	int rc = gm_session_find(prefix, other, sizeof other);
	if (rc > 0 && o->snapshot && !strcmp(other, prefix)) {
		gm_record_say(true, "a flight recorder for process %ld is on already (LTTng session %s): "
			      "`gomemtrace snapshot --pid %ld -o DIR` writes it, `--stop` ends it", pid, other, pid);
		return GM_RECORD_EXIT_FAILED;
	}
	if (rc > 0 && !o->snapshot) {
		gm_record_say(true, "another attach to process %ld is running (LTTng session %s): one window at a "
			      "time; stop it first (Ctrl-C it, or `lttng destroy %s` if it died)", pid, other, other);
		return GM_RECORD_EXIT_FAILED;
	}
	int reg = gm_session_app_events((int)pid, events);
	if (reg == 0) {
		gm_record_say(true, "process %ld (%s) has the tracer loaded but is not registered with this session "
			      "daemon: it registered with another one (another user's, or another container's), "
			      "or it runs in another pid namespace", pid, name);
		return GM_RECORD_EXIT_FAILED;
	}
	if (rc < 0 || reg < 0) {
		int e = rc < 0 ? rc : reg;
		gm_record_say(true, "cannot ask the LTTng session daemon: %s%s", gm_session_strerror(e),
			      e == -LTTNG_ERR_EPERM && getuid() != 0 ? " (run as root or as a member of the 'tracing' "
								       "group)" : "");
		return GM_RECORD_EXIT_FAILED;
	}
	return 0;
}

/* `attach --snapshot`: the flight recorder's session, started, resync asked for; then return. */
static int gm_attach_flight(const struct gm_attach_opts *o, const char *name, const struct gm_record_buf *buf,
			    char **events)
{
	char session[128];
	snprintf(session, sizeof session, GM_ATTACH_FLIGHT_FMT, o->pid);
	if (gm_record_start_session(buf, session, NULL, (pid_t)o->pid, (const char *const *)events, true, NULL) != 0)
		return GM_RECORD_EXIT_FAILED;
	int er = gm_session_enable_resync(session, GM_RECORD_CHANNEL);
	if (er < 0)
		gm_record_say(true, "warning: cannot enable gomemtrace:resync (%s): a snapshot of a batching "
			      "process will have no C-heap records", gm_session_strerror(er));
	gm_record_say(false, "flight recorder on for process %ld (%s): LTTng session %s, %.1f MiB of ring buffers "
		      "in overwrite mode; `gomemtrace snapshot --pid %ld -o DIR` writes what they hold (also after "
		      "the process died), `gomemtrace snapshot --pid %ld --stop` ends it", o->pid, name, session,
		      (double)buf->total / 1048576.0, o->pid, o->pid);
	return 0;
}

int gm_attach_main(int argc, char **argv)
{
	struct gm_attach_opts o;
	int rc = gm_attach_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	char name[256], **events = NULL;
	if ((rc = gm_attach_check(&o, name, sizeof name, &events)) != 0)
		return rc;
	unsigned long long pstart = 0;
	gm_attach_stat(o.pid, &pstart, NULL);

	/* what the process runs with: its mode sizes the buffers (environ may be unreadable) */
	static char env[1 << 16];
	long envlen = gm_attach_read_proc(o.pid, "environ", env, sizeof env);
	const char *sb = envlen > 0 ? gm_attach_env(env, envlen, "GOMEMTRACE_SAMPLE_BYTES") : NULL;
	const char *bt = envlen > 0 ? gm_attach_env(env, envlen, "GOMEMTRACE_BATCH") : NULL;
	struct gm_record_bufopts bo = { .budget = o.budget, .subbuf_size = o.subbuf_size, .num_subbuf = o.num_subbuf,
					.full = sb && !strcmp(sb, "0"), .batch = bt ? (uint32_t)strtoul(bt, NULL, 10) : 128 };
	struct gm_record_buf buf;
	gm_record_plan_buffers(&bo, &buf);

	if (o.snapshot)
		return gm_attach_flight(&o, name, &buf, events);
	char tag[48], dir[PATH_MAX], session[128];
	gm_record_tag(name, tag, sizeof tag);
	if ((rc = gm_record_output_dir_for(o.output, tag, dir, sizeof dir)) != 0)
		return rc;
	snprintf(session, sizeof session, "gomemtrace-attach-%ld-%ld", o.pid, (long)getpid());

	/* from here on, the stop signals are read in the loop below (sigtimedwait) */
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGQUIT);
	sigprocmask(SIG_BLOCK, &stops, NULL);

	if ((o.relayd && gm_record_relayd_check(o.relayd) != 0) ||
	    gm_record_start_session(&buf, session, dir, (pid_t)o.pid, (const char *const *)events, false, o.relayd) != 0)
		return GM_RECORD_EXIT_FAILED;
	struct gm_attach_set *set = calloc(1, sizeof *set);
	if (!set) {
		gm_record_say(true, "out of memory");
		gm_record_finish(session, dir, NULL);
		return GM_RECORD_EXIT_FAILED;
	}
	set->pid[set->n++] = o.pid;
	if (!o.no_children)
		gm_attach_follow(session, set);
	int er = gm_session_enable_resync(session, GM_RECORD_CHANNEL);
	if (er < 0)
		gm_record_say(true, "warning: cannot enable gomemtrace:resync (%s): allocation records of the "
			      "window's first second may name stacks the trace lacks", gm_session_strerror(er));
	time_t t0 = time(NULL);
	uint64_t m0 = gm_attach_mono_ns();
	char when[64];
	struct tm tm;
	localtime_r(&t0, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
	if (o.duration > 0)
		gm_record_say(false, "attached to process %ld (%s) at %s for %.1f s, into %s (LTTng session %s)",
			      o.pid, name, when, o.duration, dir, session);
	else
		gm_record_say(false, "attached to process %ld (%s) at %s until Ctrl-C, into %s (LTTng session %s)",
			      o.pid, name, when, dir, session);

	/* the window: poll every 100 ms for the end, the process, the daemon and new children */
	enum { END_TIME, END_SIGNAL, END_EXITED, END_DAEMON } why = END_TIME;
	int sig = 0;
	for (;;) {
		uint64_t now = gm_attach_mono_ns();
		if (o.duration > 0 && (double)(now - m0) / 1e9 >= o.duration)
			break;
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		int s = sigtimedwait(&stops, NULL, &tick);
		if (s > 0) {
			why = END_SIGNAL, sig = s;
			break;
		}
		unsigned long long st = 0;
		if (gm_attach_stat(o.pid, &st, NULL) != 0 || st != pstart) {
			why = END_EXITED;
			break;
		}
		if (!gm_session_daemon_alive()) {
			why = END_DAEMON;
			break;
		}
		if (!o.no_children)
			gm_attach_follow(session, set);
	}
	double secs = (double)(gm_attach_mono_ns() - m0) / 1e9;
	if (why == END_SIGNAL)
		gm_record_say(false, "signal %d (%s): ending the window after %.1f s", sig, strsignal(sig), secs);
	else if (why == END_EXITED)
		gm_record_say(true, "process %ld (%s) exited %.1f s into the window: its final records are in the trace",
			      o.pid, name, secs);
	else if (why == END_DAEMON)
		gm_record_say(true, "the LTTng session daemon went away %.1f s into the window: the session is lost, "
			      "what its consumer wrote before is in %s; process %ld was not touched and goes on "
			      "running (its tracer is quiet without a session)", secs, dir, o.pid);

	char extra[512];
	snprintf(extra, sizeof extra,
		 "window_start_monotonic_ns=%" PRIu64 "\nwindow_s=%.3f\nwindow_end=%s\nprocesses=%d\n", m0, secs,
		 why == END_TIME ? "duration" : why == END_SIGNAL ? "signal" : why == END_EXITED ? "exited" : "daemon",
		 set->n);
	static char *noargv[] = { NULL };
	/* the environment block as NULL-terminated strings (GOMEMTRACE_* and LD_PRELOAD are kept) */
	static char *envv[512];
	int ne = 0;
	for (const char *e = env; envlen > 0 && e < env + envlen && ne < 511; e += strlen(e) + 1)
		envv[ne++] = (char *)e;
	envv[ne] = NULL;
	char exe[PATH_MAX], exelink[64];
	snprintf(exelink, sizeof exelink, "/proc/%ld/exe", o.pid);
	ssize_t xn = readlink(exelink, exe, sizeof exe - 1);
	exe[xn > 0 ? xn : 0] = '\0';
	struct gm_record_result res = { .mode = "attach", .argv = noargv, .buf = &buf, .path = exe, .session = session,
					.env = envv, .extra = extra, .start = t0, .pid = (pid_t)o.pid, .status = -1,
					.relayd = o.relayd };
	int frc = 0;
	if (why == END_DAEMON) {
		/* nothing to stop or destroy: write down what we know next to what was written */
		char ust[PATH_MAX + 8];
		snprintf(ust, sizeof ust, "%s/ust", dir);
		if (access(ust, F_OK) == 0)
			gm_record_write_info(dir, &res);
		free(set);
		return 1;
	}
	frc = gm_record_finish(session, dir, &res);
	free(set);
	if (frc != 0)
		return 1;
	gm_record_say(false, "the window's report: gomemtrace report %s (blocks allocated before the window are "
		      "not in it: docs/production.md)", dir);
	return res.counted && (res.discarded || res.lost) ? 1 : 0;
}
