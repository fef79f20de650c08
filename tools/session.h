/* session.h: the LTTng sessions of `gomemtrace record` and `gomemtrace attach`, set up through
 * liblttng-ctl (the library LTTng ships for this) instead of the lttng command line: no ~/.lttngrc rewritten (the CLI's
 * `create` makes its session the user's current one), LTTng's own error codes, and no lttng
 * process started per call. Stopping and destroying stay with the command line, run under a
 * deadline by record.c: a call into a stuck session daemon cannot be interrupted in-process. */
#ifndef GM_TOOLS_SESSION_H
#define GM_TOOLS_SESSION_H
#include <stddef.h>
#include <stdint.h>

/* What the session is made of. The caller's; read-only here. */
struct gm_session_spec {
	const char *name;     /* session name */
	const char *dir;      /* absolute trace directory */
	const char *channel;  /* the one data channel (per-UID buffers, discard mode) */
	uint64_t subbuf_size; /* per-CPU sub-buffer bytes (LTTng rounds up to a power of two) */
	uint64_t num_subbuf;  /* sub-buffers per CPU (likewise) */
	int pid;              /* > 0: only this process (a vpid tracker: gomemtrace attach); 0: all */
	const char *const *events; /* the events (NULL-terminated), NULL: record's (gomemtrace:* and
				      lttng-ust's module information) */
	const char *relayd;   /* non-NULL: stream to this lttng-relayd (net://HOST[:CTRL[:DATA]]);
				 `dir` is then unused */
	int snapshot;         /* 1: a flight recorder (snapshot session, overwrite-mode channel: the
				 oldest packets give way, nothing is written until a snapshot) */
};

/* Whether a session daemon answers this user (root's, or the user's own). */
int gm_session_daemon_alive(void);

/* Create the session, with a pid its vpid tracker, its channel, the events, the vpid/vtid
 * contexts, and start it. 0; or a negative LTTng error code with
 * `what` naming the step that failed (the session is destroyed again if it was created). */
int gm_session_start(const struct gm_session_spec *s, const char **what);

/* Enable gomemtrace:resync in the started session `name`: the tracer in each traced process
 * notices it within 100 ms and writes again what a session started late needs
 * (preload/resync.c). 0 or a negative LTTng error code. */
int gm_session_enable_resync(const char *name, const char *channel);

/* Add vpid `pid` to the session's tracker (a child of the attached process). 0, 1 if it was
 * tracked already, or a negative LTTng error code. */
int gm_session_track_pid(const char *name, int pid);

/* The events process `pid` registered (lttng list -u) that an attach enables: its gomemtrace
 * events but gomemtrace:resync, then lttng-ust's module information; NULL-terminated, malloc'd
 * in *names. Their number (0: the process registered none), or a negative LTTng error code.
 * (Not the wildcard with an exclusion: lttng-sessiond 2.13.9 crashes listing such a session.) */
int gm_session_app_events(int pid, char ***names);

/* Whether a session whose name begins with `prefix` exists: 1 (its name in buf), 0, or a
 * negative LTTng error code. */
int gm_session_find(const char *prefix, char *buf, size_t size);

/* A flight recorder's snapshot: ask the traced processes to write their module lists again
 * (lttng_ust_statedump, done by each process after the call returns). 0 or a negative code. */
int gm_session_regenerate_statedump(const char *name);

/* Write what the snapshot session `name` holds into `dir` (LTTng makes DIR/snapshot-N-DATE-K).
 * 0 or a negative LTTng error code. */
int gm_session_snapshot_record(const char *name, const char *dir);

/* The sub-buffer size and count of channel `channel` of session `name`. 0 or a negative code. */
int gm_session_channel_bufs(const char *name, const char *channel, uint64_t *subbuf_size, uint64_t *num_subbuf);

/* LTTng's message for a negative error code. */
const char *gm_session_strerror(int code);
#endif
