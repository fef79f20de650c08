/* snapshot.c: `gomemtrace snapshot --pid PID [-o DIR] [--stop]`: write what the flight
 * recorder of a process holds (the session `gomemtrace attach --pid PID --snapshot` left on:
 * ring buffers in overwrite mode, its last seconds or minutes), and end it with --stop.
 *
 * A snapshot is only worth reading if it holds what the report needs besides the records:
 * the process's module list (lttng-ust writes it again when asked, after the request returns)
 * and its proc_info (with every sample, and every second in a batching process). So the
 * snapshot is taken, scanned (tools/report/scan.c), and taken again while the process still
 * runs and these are not in it yet, up to a deadline: no sleep stands for "long enough".
 * The process is never signalled or stopped. Single-threaded. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng-error.h>

#include "tools/attach.h"
#include "tools/record.h"
#include "tools/report/scan.h"
#include "tools/session.h"
#include "tools/snapshot.h"

/* How long a snapshot may be taken again while the process has not written its module list
 * or proc_info into it yet (it does within a second; a loaded machine may take longer). */
#define GM_SNAPSHOT_DEADLINE_S 20

/* ---- options ---- */

/* What the command line asked for. Written by gm_snapshot_parse() only. */
struct gm_snapshot_opts {
	long pid;           /* --pid */
	const char *output; /* -o (NULL: ./gomemtrace-NAME-DATE) */
	bool stop;          /* --stop: end the flight recorder (after the snapshot, if -o) */
	bool quiet;         /* -q */
};

static const char gm_snapshot_usage_text[] =
	"usage: gomemtrace snapshot --pid PID [-o DIR] [--stop]\n"
	"Write what the flight recorder of process PID holds (started by\n"
	"`gomemtrace attach --pid PID --snapshot`): its ring buffers' last records, the newest\n"
	"seconds or minutes of the process (as many as the buffer budget holds). Works after the\n"
	"process died too (an OOM kill: its last moments). `gomemtrace report DIR` reports it as a\n"
	"window that begins where every CPU's buffer still holds all its records.\n"
	"\n"
	"  -p, --pid PID      the process\n"
	"  -o, --output DIR   trace directory (default ./gomemtrace-NAME-YYYYmmdd-HHMMSS)\n"
	"      --stop         end the flight recorder; with -o, after writing the snapshot\n"
	"  -q, --quiet        print only problems\n"
	"  -h, --help         this text\n"
	"Exit status: 0 done; 1 the snapshot lacks part of what a report needs (said why);\n"
	"125 nothing was written (bad usage, no flight recorder for PID, no session daemon).\n";

static int gm_snapshot_parse(int argc, char **argv, struct gm_snapshot_opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' }, { "output", required_argument, NULL, 'o' },
		{ "stop", no_argument, NULL, 's' },      { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	gm_record_messages("snapshot", false);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":p:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (gm_record_parse_pid(optarg, &o->pid))
				return GM_RECORD_EXIT_FAILED;
			break;
		case 'o': o->output = optarg; break;
		case 's': o->stop = true; break;
		case 'q': o->quiet = true; break;
		case 'h': fputs(gm_snapshot_usage_text, stdout); return -1;
		default:
			return gm_record_bad_option(c, argv[optind - 1]);
		}
	}
	if (optind < argc) {
		gm_record_say(true, "unexpected argument '%s' (see gomemtrace snapshot --help)", argv[optind]);
		return GM_RECORD_EXIT_FAILED;
	}
	if (!o->pid) {
		gm_record_say(true, "no --pid given (usage: gomemtrace snapshot --pid PID [-o DIR] [--stop])");
		return GM_RECORD_EXIT_FAILED;
	}
	gm_record_messages("snapshot", o->quiet);
	return 0;
}

/* ---- the snapshot's directory ---- */

static int gm_snapshot_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* The newest snapshot-* directory LTTng made under dir, into buf; 0, or -1 if none. */
static int gm_snapshot_newest(const char *dir, char *buf, size_t size)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	time_t best = 0;
	int found = -1;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "snapshot-", 9) != 0)
			continue;
		char p[PATH_MAX + 256];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && (found < 0 || st.st_mtime >= best)) {
			best = st.st_mtime;
			snprintf(buf, size, "%s", p);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static uint64_t gm_snapshot_mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* What a scan says is missing for process pid ("" when nothing is). */
static const char *gm_snapshot_missing(const struct gm_scan *s, long pid)
{
	const struct gm_scan_proc *p = gm_scan_proc(s, pid);
	if (!p || !s->gm_events)
		return "no record of the process (did it write nothing since the flight recorder began?)";
	if (!p->proc_info)
		return "no proc_info of the process";
	if (p->modules == 0)
		return "no module list of the process";
	if (p->modules == 1)
		return "the process's module list is incomplete";
	return "";
}

/* Take the snapshot into dir until the scan finds what a report needs, or the deadline. 0
 * (complete), 1 (written, something missing: *why says what), or an exit status after a
 * message. `snapdir` gets the snapshot's directory. */
static int gm_snapshot_take(const char *session, long pid, const char *dir, char *snapdir, size_t size,
			    struct gm_scan *scan, const char **why)
{
	bool alive = gm_attach_alive(pid);
	int rc;
	if (alive && (rc = gm_session_regenerate_statedump(session)) < 0)
		gm_record_say(true, "warning: cannot ask process %ld for its module list again (%s)", pid,
			      gm_session_strerror(rc));
	uint64_t t0 = gm_snapshot_mono_ns(), asked = t0;
	for (int n = 0;; n++) {
		if ((rc = gm_session_snapshot_record(session, dir)) < 0) {
			gm_record_say(true, "cannot take the snapshot of LTTng session %s: %s", session,
				      gm_session_strerror(rc));
			return GM_RECORD_EXIT_FAILED;
		}
		if (gm_snapshot_newest(dir, snapdir, size) != 0) {
			gm_record_say(true, "the LTTng session daemon wrote no snapshot into %s", dir);
			return GM_RECORD_EXIT_FAILED;
		}
		char err[512] = "";
		enum gm_rep_input_status st = gm_scan_dir(snapdir, scan, err, sizeof err);
		*why = st == GM_IN_OK ? gm_snapshot_missing(scan, pid) : err;
		uint64_t now = gm_snapshot_mono_ns();
		if (!**why || !alive || now - t0 > GM_SNAPSHOT_DEADLINE_S * 1000000000ULL)
			return **why ? 1 : 0;
		/* still running: it writes them soon (the module list right after the request, a
		 * proc_info within a second); take the snapshot again */
		if (nftw(snapdir, gm_snapshot_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			gm_record_say(true, "cannot remove the incomplete snapshot %s: %s", snapdir, strerror(errno));
			return 1;
		}
		if (gm_scan_proc(scan, pid) && gm_scan_proc(scan, pid)->modules == 0 && now - asked > 1000000000ULL) {
			gm_session_regenerate_statedump(session); /* the request may have raced a registration */
			asked = now;
		}
		struct timespec pause = { 0, 100 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		alive = gm_attach_alive(pid);
	}
}

/* ---- snapshot ---- */

int gm_snapshot_main(int argc, char **argv)
{
	struct gm_snapshot_opts o;
	int rc = gm_snapshot_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!gm_session_daemon_alive()) {
		gm_record_say(true, "no LTTng session daemon answers: a flight recorder lives in one (and is gone "
			      "with it); start one with `lttng-sessiond --daemonize`, then `gomemtrace attach --pid %ld "
			      "--snapshot`", o.pid);
		return GM_RECORD_EXIT_FAILED;
	}
	char session[128], found[256];
	snprintf(session, sizeof session, GM_ATTACH_FLIGHT_FMT, o.pid);
	rc = gm_session_find(session, found, sizeof found);
	if (rc < 0) {
		gm_record_say(true, "cannot ask the LTTng session daemon: %s", gm_session_strerror(rc));
		return GM_RECORD_EXIT_FAILED;
	}
	if (rc == 0 || strcmp(found, session) != 0) {
		gm_record_say(true, "no flight recorder for process %ld (no LTTng session %s): start one with "
			      "`gomemtrace attach --pid %ld --snapshot`", o.pid, session, o.pid);
		return GM_RECORD_EXIT_FAILED;
	}
	if (o.stop && !o.output) {
		if (gm_record_lttng_timed("end the flight recorder", 10, "destroy", session, (char *)NULL) != 0)
			return GM_RECORD_EXIT_FAILED;
		gm_record_say(false, "flight recorder of process %ld ended (nothing written)", o.pid);
		return 0;
	}

	char name[256] = "", env[1 << 16];
	bool alive = gm_attach_alive(o.pid);
	if (!alive || gm_attach_read_proc(o.pid, "comm", name, sizeof name) <= 0)
		snprintf(name, sizeof name, "pid%ld", o.pid);
	name[strcspn(name, "\n")] = '\0';
	char tag[48], dir[PATH_MAX], snapdir[PATH_MAX + 256];
	gm_record_tag(name, tag, sizeof tag);
	if ((rc = gm_record_output_dir_for(o.output, tag, dir, sizeof dir)) != 0)
		return rc;
	if (!alive)
		gm_record_say(true, "process %ld is gone: the snapshot holds its last records", o.pid);
	time_t t0 = time(NULL);
	static struct gm_scan scan;
	const char *why = "";
	rc = gm_snapshot_take(session, o.pid, dir, snapdir, sizeof snapdir, &scan, &why);
	if (rc > 1)
		return rc;

	/* gomemtrace-record.txt: the buffers as the session has them, the process's environment */
	struct gm_record_buf buf;
	memset(&buf, 0, sizeof buf);
	uint64_t sb = 0, nb = 0;
	if (gm_session_channel_bufs(session, GM_RECORD_CHANNEL, &sb, &nb) == 0) {
		snprintf(buf.subbuf, sizeof buf.subbuf, "%" PRIu64, sb);
		snprintf(buf.num, sizeof buf.num, "%" PRIu64, nb);
		buf.plan.ncpus = gm_bufplan_possible_cpus();
		buf.total = gm_bufplan_bytes(buf.plan.ncpus, nb, sb);
		buf.budget = buf.total;
	}
	long envlen = alive ? gm_attach_read_proc(o.pid, "environ", env, sizeof env) : -1;
	static char *envv[512];
	int ne = 0;
	for (const char *e = env; envlen > 0 && e < env + envlen && ne < 511; e += strlen(e) + 1)
		envv[ne++] = (char *)e;
	envv[ne] = NULL;
	char exe[PATH_MAX] = "", exelink[64];
	snprintf(exelink, sizeof exelink, "/proc/%ld/exe", o.pid);
	ssize_t xn = alive ? readlink(exelink, exe, sizeof exe - 1) : -1;
	exe[xn > 0 ? xn : 0] = '\0';
	double held = scan.last_ts > scan.first_ts ? (double)(scan.last_ts - scan.first_ts) / 1e9 : 0;
	uint64_t from = scan.complete_from ? scan.complete_from : scan.first_ts;
	double complete = scan.last_ts > from ? (double)(scan.last_ts - from) / 1e9 : 0;
	char extra[512];
	snprintf(extra, sizeof extra, "snapshot_dir=%s\nsnapshot_held_s=%.3f\nsnapshot_complete_s=%.3f\n"
		 "process_alive=%d\n", strrchr(snapdir, '/') + 1, held, complete, alive ? 1 : 0);
	static char *noargv[] = { NULL };
	struct gm_record_result res = { .mode = "snapshot", .argv = noargv, .buf = &buf, .path = exe,
					.session = session, .env = envv, .extra = extra, .start = t0,
					.pid = (pid_t)o.pid, .status = -1 };
	gm_record_write_info(dir, &res);
	gm_record_say(false, "snapshot of process %ld (%s) written to %s: %.1f s of records, the last %.1f s "
		      "of them complete (every CPU's buffer)", o.pid, name, dir, held, complete);
	if (rc == 1)
		gm_record_say(true, "warning: the snapshot lacks what a report needs: %s", why);
	else
		gm_record_say(false, "its report: gomemtrace report %s", dir);
	if (o.stop) {
		if (gm_record_lttng_timed("end the flight recorder", 10, "destroy", session, (char *)NULL) != 0)
			return 1;
		gm_record_say(false, "flight recorder of process %ld ended", o.pid);
	}
	return rc;
}
