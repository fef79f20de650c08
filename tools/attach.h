/* attach.h: `gomemtrace attach --pid PID`: record a window of a process already running with
 * the preload (attach.c). */
#ifndef GM_ATTACH_H
#define GM_ATTACH_H

/* argv[0] is "attach". 0: the window was recorded; 1: cut short or incomplete; 125: nothing
 * was recorded (after a message). */
int gm_attach_main(int argc, char **argv);

/* ---- shared with `gomemtrace snapshot` (snapshot.c) ---- */
#include <stddef.h>

/* The flight recorder's LTTng session of process pid: "gomemtrace-flight-PID". */
#define GM_ATTACH_FLIGHT_FMT "gomemtrace-flight-%ld"

/* /proc/PID/FILE into buf (NUL-terminated; returns its length), or -1 with errno. */
long gm_attach_read_proc(long pid, const char *file, char *buf, size_t cap);
/* Whether process pid runs (not a zombie). */
int gm_attach_alive(long pid);
#endif
