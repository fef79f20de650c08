/* record.h: `gomemtrace record` (run a program under its own LTTng session with the preload)
 * and the lookup of libgomemtrace.so that `gomemtrace preload-path` prints. */
#ifndef GM_RECORD_H
#define GM_RECORD_H

/* ---- exit statuses of `gomemtrace record` itself (as timeout(1) and env(1) use them) ---- */
#define GM_RECORD_EXIT_FAILED 125  /* bad usage, or LTTng could not be set up */
#define GM_RECORD_EXIT_NOEXEC 126  /* PROGRAM found but cannot be traced or executed */
#define GM_RECORD_EXIT_NOTFOUND 127 /* PROGRAM not found */

/* `gomemtrace record [options] -- PROGRAM [ARGS...]`; argv[0] is "record". Returns the
 * program's exit status (128+N if signal N killed it) or one of the statuses above. */
int gm_record_main(int argc, char **argv);

/* The absolute path of libgomemtrace.so: the build tree's when this executable runs from the
 * build tree, else the installed one. NULL (with a message on stderr) when that file is missing. */
const char *gm_record_preload_path(void);


/* ---- shared with `gomemtrace attach` (attach.c); main thread only ---- */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "tools/bufplan.h"

/* The LTTng channel every event goes to. */
#define GM_RECORD_CHANNEL "gomemtrace"

/* gomemtrace's messages on stderr ("gomemtrace CMD: ..."); `always` false: not with -q. */
void gm_record_say(bool always, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Which subcommand the messages name ("record", "attach"), and whether -q was given. */
void gm_record_messages(const char *cmd, bool quiet);

/* getopt_long's ':' (a value missing) or '?' for option `opt`: the message, then the exit status. */
int gm_record_bad_option(int c, const char *opt);
/* --pid's value into *pid: 0, or the exit status after a message. */
int gm_record_parse_pid(const char *s, long *pid);

/* What sizes the buffers. The caller's; read-only here. */
struct gm_record_bufopts {
	const char *budget;      /* --buffer-budget (NULL: the mode's default) */
	const char *subbuf_size; /* --subbuf-size (NULL: the plan's) */
	const char *num_subbuf;  /* --num-subbuf (NULL: the plan's) */
	bool full;               /* full mode (GOMEMTRACE_SAMPLE_BYTES=0): the bigger default budget */
	uint32_t batch;          /* GOMEMTRACE_BATCH the traced program runs with */
};
/* The data channel's buffers. Filled by gm_record_plan_buffers(); read-only after. */
struct gm_record_buf {
	struct gm_bufplan plan; /* what the budget gives */
	uint64_t budget;        /* the budget (bytes) */
	bool full;              /* full mode (every allocation recorded): the bigger default budget */
	char subbuf[32], num[16]; /* what lttng is given: the plan's, or --subbuf-size / --num-subbuf */
	uint64_t total;         /* bytes of shared memory in each traced process, metadata included */
};
/* Size the buffers from the budget (bufplan.c) and say so (not with -q). */
void gm_record_plan_buffers(const struct gm_record_bufopts *o, struct gm_record_buf *b);

/* What happened during one recording, for the report and gomemtrace-record.txt. */
struct gm_record_result {
	const char *mode;                  /* "record", "attach" or "snapshot" (the file's mode= line) */
	char **argv;                       /* the program's command line (NULL-terminated), or NULL */
	const struct gm_record_buf *buf;   /* the buffers */
	const char *path;                  /* PROGRAM as executed */
	const char *session;               /* LTTng session name */
	char **env;                        /* the program's environment (GOMEMTRACE_*, LD_PRELOAD kept) */
	const char *extra;                 /* more key=value lines for the file ("k=v\n"...), or NULL */
	time_t start;                      /* when the session started */
	pid_t pid;                         /* the program's pid (0: never started) */
	int status;                        /* its exit status as we return it (-1: none) */
	bool counted;                      /* the discard counters below were read */
	uint64_t discarded;                /* events the ring buffer discarded (all channels) */
	uint64_t lost;                     /* packets lost (overwrite mode; 0 in discard mode) */
	const char *relayd;                /* the relayd the trace streamed to, or NULL (local) */
};

/* Absolute trace directory in buf: `output` (refused if it holds a trace already) or
 * ./gomemtrace-TAG-YYYYmmdd-HHMMSS[-N]. 0 or GM_RECORD_EXIT_FAILED (after a message). */
int gm_record_output_dir_for(const char *output, const char *tag, char *buf, size_t size);
/* A program's base name reduced to characters safe in a session or directory name. */
void gm_record_tag(const char *prog, char *buf, size_t size);
/* Create, configure and start the session; `pid` > 0: only that process (vpid tracker);
 * `events` NULL-terminated, NULL: record's; `snapshot`: a flight recorder (overwrite mode, no
 * output until a snapshot; `dir` unused); `relayd` non-NULL: stream there (`dir` unused). 0, or -1 after a message (session destroyed). */
int gm_record_start_session(const struct gm_record_buf *b, const char *session, const char *dir, pid_t pid,
			    const char *const *events, bool snapshot, const char *relayd);
/* --relayd URL: refuse it (after a message, -1) unless it parses and both its ports answer. */
int gm_record_relayd_check(const char *url);
/* Run `lttng ARGS... NULL` with a deadline: 0; -1 after a message; -2 when lttng was killed. */
int gm_record_lttng_timed(const char *what, int timeout_s, ...);
/* DIR/gomemtrace-record.txt: how the trace was made (key=value lines; docs/report.md). */
void gm_record_write_info(const char *dir, const struct gm_record_result *res);
/* Stop the session, count what it discarded, destroy it, write gomemtrace-record.txt.
 * `res` NULL: the session never started. -1 on failure (after a message). */
int gm_record_finish(const char *session, const char *dir, struct gm_record_result *res);

#endif
