/* session.h: the LTTng session of `gomemtrace record`, set up through liblttng-ctl (the library
 * LTTng ships for this) instead of the lttng command line: no ~/.lttngrc rewritten (the CLI's
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
};

/* Whether a session daemon answers this user (root's, or the user's own). */
int gm_session_daemon_alive(void);

/* Create the session, its channel, the gomemtrace, lttng_ust_statedump and lttng_ust_lib
 * events and the vpid/vtid contexts, and start it. 0; or a negative LTTng error code with
 * `what` naming the step that failed (the session is destroyed again if it was created). */
int gm_session_start(const struct gm_session_spec *s, const char **what);

/* LTTng's message for a negative error code. */
const char *gm_session_strerror(int code);
#endif
