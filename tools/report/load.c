/* load.c: one session's trace into a model: what gomemtrace-record.txt says of it (the
 * recorded pid, a whole run or a window, a snapshot), where a snapshot is complete (scan.c),
 * then the events (input.c) into the model (model.c). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/report/input.h"
#include "tools/report/load.h"
#include "tools/report/scan.h"

/* Whether DIR holds a snapshot that `lttng snapshot record` wrote (a `snapshot-N-DATE-K`
 * directory, LTTng's own name) and no gomemtrace-record.txt says otherwise. */
static int gm_report_lttng_snapshot(const char *dir)
{
	const char *base = strrchr(dir, '/');
	base = base && base[1] ? base + 1 : dir;
	if (!strncmp(base, "snapshot-", 9))
		return 1;
	DIR *d = opendir(dir);
	int found = 0;
	struct dirent *de;
	while (d && !found && (de = readdir(d)))
		found = !strncmp(de->d_name, "snapshot-", 9);
	if (d)
		closedir(d);
	return found;
}

/* From DIR/gomemtrace-record.txt (written by `gomemtrace record`, `attach` and `snapshot`): its
 * pid (else -1), whether record made it (mode=record, or a file from before mode=: record
 * started the session before the program, so the recorded processes' whole runs are in the
 * trace), and whether it is a flight recorder's snapshot (mode=snapshot; without the file, a
 * snapshot directory of LTTng's). */
static int64_t gm_report_record_info(const char *dir, int *whole_run, int *snapshot)
{
	char path[4096], line[256];
	snprintf(path, sizeof path, "%s/gomemtrace-record.txt", dir);
	*whole_run = 0;
	*snapshot = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		*snapshot = gm_report_lttng_snapshot(dir);
		return -1;
	}
	int64_t pid = -1;
	int mode_seen = 0;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "pid=", 4)) {
			char *end;
			long long v = strtoll(line + 4, &end, 10);
			if (end != line + 4 && v > 0)
				pid = v;
		} else if (!strncmp(line, "mode=", 5)) {
			mode_seen = 1;
			*whole_run = !strcmp(line + 5, "record\n");
			*snapshot = !strcmp(line + 5, "snapshot\n");
		}
	}
	if (!mode_seen)
		*whole_run = 1;
	fclose(f);
	return pid;
}

int gm_rep_load(const char *dir, const struct gm_rep_opts *o, struct gm_rep_model *m, const char *who)
{
	gm_rep_model_init(m, o);
	m->record_pid = gm_report_record_info(dir, &m->whole_run, &m->snapshot);
	struct gm_rep_input_ops ops = { gm_rep_model_event, gm_rep_model_discarded, NULL };
	char err[1024] = "";
	enum gm_rep_input_status st = GM_IN_OK;
	if (m->snapshot) { /* where every stream is complete, before the model sees an event */
		static struct gm_scan scan;
		st = gm_scan_dir(dir, &scan, err, sizeof err);
		m->complete_from = scan.complete_from;
		m->cut_streams = scan.lost_streams;
	}
	if (st == GM_IN_OK)
		st = gm_rep_input_read_dir(dir, &ops, m, err, sizeof err);
	if (st == GM_IN_PARTIAL) {
		m->partial = 1;
		fprintf(stderr, "%s: warning: %s\n", who, err);
		gm_rep_model_warn(m, "the trace could not be read to its end (truncated or corrupt)");
	} else if (st != GM_IN_OK) {
		fprintf(stderr, "%s: %s\n", who, err);
		gm_rep_model_free(m);
		return 1;
	}
	if (!m->gm_events) {
		if (o->pid >= 0)
			fprintf(stderr, "%s: %s: no gomemtrace events of pid %lld\n", who, dir, (long long)o->pid);
		else
			fprintf(stderr, "%s: %s: no gomemtrace events in this trace "
					"(was the program run under `gomemtrace record`?)\n", who, dir);
		gm_rep_model_free(m);
		return 1;
	}
	return 0;
}
