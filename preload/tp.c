/* tp.c: instantiates the gomemtrace tracepoint provider (probes and call-site state) inside
 * libgomemtrace.so; the schema itself is include/gomemtrace/tp.h. */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "gomemtrace/tp.h"
