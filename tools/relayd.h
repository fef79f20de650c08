/* relayd.h: `--relayd net://HOST[:CTRL[:DATA]]` of record and attach: the trace streams to an
 * lttng-relayd (LTTng's own collector for fleets) instead of a local directory (relayd.c). */
#ifndef GM_TOOLS_RELAYD_H
#define GM_TOOLS_RELAYD_H
#include <stddef.h>

/* The default ports of lttng-relayd: control and data. */
#define GM_RELAYD_CTRL_PORT 5342
#define GM_RELAYD_DATA_PORT 5343

/* The parts of a relayd URL. Filled by gm_relayd_parse(). */
struct gm_relayd_url {
	char host[256];  /* host name or address (no brackets) */
	int ctrl, data;  /* ports */
	int ipv6;        /* net6:// */
};

/* Parse net://HOST[:CTRL[:DATA]] or net6://[ADDR][:CTRL[:DATA]]. 0, or -1 with a reason in err. */
int gm_relayd_parse(const char *url, struct gm_relayd_url *u, char *err, size_t errlen);

/* Whether both ports answer a TCP connect within timeout_ms (before any session is created, so
 * that an unreachable relayd is a clear error, not a session daemon's timeout later). 0, or -1
 * with a reason in err. */
int gm_relayd_reachable(const struct gm_relayd_url *u, int timeout_ms, char *err, size_t errlen);
#endif
