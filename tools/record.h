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

#endif
