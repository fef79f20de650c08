/* session.c: the LTTng sessions of `gomemtrace record` and `attach` through liblttng-ctl (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttng/lttng.h>

#include "tools/session.h"

/* The events record enables (docs/events.md): ours, and lttng-ust's module information. */
static const char *const gm_session_events[] = { "gomemtrace:*", "lttng_ust_statedump:*", "lttng_ust_lib:*", NULL };
static char gm_session_resync_name[] = "gomemtrace:resync";
#define GM_SESSION_LIVE_US 1000000 /* live timer of relayd sessions: their data reaches readers within it */

int gm_session_daemon_alive(void) { return lttng_session_daemon_alive() == 1; }

const char *gm_session_strerror(int code) { return lttng_strerror(code); }

/* The session's channel, events and contexts through handle h. 0 or a negative code. */
static int gm_session_fill(struct lttng_handle *h, struct lttng_domain *dom, const struct gm_session_spec *s,
			   const char **what)
{
	int ret;
	*what = "create the LTTng channel";
	struct lttng_channel *ch = lttng_channel_create(dom);
	if (!ch)
		return -LTTNG_ERR_NOMEM;
	snprintf(ch->name, sizeof ch->name, "%s", s->channel);
	ch->enabled = 1;
	/* discard mode: lost events are counted, never overwritten; a flight recorder overwrites */
	ch->attr.overwrite = s->snapshot ? 1 : 0;
	ch->attr.subbuf_size = s->subbuf_size;
	ch->attr.num_subbuf = s->num_subbuf;
	ch->attr.output = LTTNG_EVENT_MMAP;
	ret = lttng_enable_channel(h, ch);
	lttng_channel_destroy(ch);
	if (ret < 0)
		return ret;
	*what = "enable the gomemtrace events";
	const char *const *names = s->events ? s->events : gm_session_events;
	for (size_t i = 0; names[i]; i++) {
		struct lttng_event *ev = lttng_event_create();
		if (!ev)
			return -LTTNG_ERR_NOMEM;
		ev->type = LTTNG_EVENT_TRACEPOINT;
		ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
		snprintf(ev->name, sizeof ev->name, "%s", names[i]);
		ret = lttng_enable_event_with_exclusions(h, ev, (char *)s->channel, NULL, 0, NULL);
		lttng_event_destroy(ev);
		if (ret < 0)
			return ret;
	}
	/* no procname context: ~15 % of a full-mode event; proc_info carries the name */
	*what = "add the vpid/vtid contexts";
	const enum lttng_event_context_type ctxs[] = { LTTNG_EVENT_CONTEXT_VPID, LTTNG_EVENT_CONTEXT_VTID };
	for (size_t i = 0; i < sizeof ctxs / sizeof ctxs[0]; i++) {
		struct lttng_event_context c;
		memset(&c, 0, sizeof c);
		c.ctx = ctxs[i];
		if ((ret = lttng_add_context(h, &c, NULL, s->channel)) < 0)
			return ret;
	}
	return 0;
}

int gm_session_start(const struct gm_session_spec *s, const char **what)
{
	*what = "create the LTTng session";
	struct lttng_session_descriptor *d =
		/* a live session (the live timer: 1 s): `gomemtrace report --live` can follow it */
		s->relayd     ? lttng_session_descriptor_live_network_create(s->name, s->relayd, NULL, GM_SESSION_LIVE_US)
		: s->snapshot ? lttng_session_descriptor_snapshot_create(s->name)
			      : lttng_session_descriptor_local_create(s->name, s->dir);
	if (!d)
		return -LTTNG_ERR_INVALID;
	enum lttng_error_code code = lttng_create_session_ext(d);
	lttng_session_descriptor_destroy(d);
	if (code != LTTNG_OK)
		return -(int)code;
	struct lttng_domain dom;
	memset(&dom, 0, sizeof dom);
	dom.type = LTTNG_DOMAIN_UST;
	dom.buf_type = LTTNG_BUFFER_PER_UID;
	int ret = 0;
	if (s->pid > 0) { /* before any event: no other process ever sees this session's events on */
		*what = "limit the LTTng session to the process (vpid tracker)";
		ret = gm_session_track_pid(s->name, s->pid);
		ret = ret > 0 ? 0 : ret;
	}
	struct lttng_handle *h = ret == 0 ? lttng_create_handle(s->name, &dom) : NULL;
	if (ret == 0)
		ret = h ? gm_session_fill(h, &dom, s, what) : -LTTNG_ERR_NOMEM;
	lttng_destroy_handle(h);
	if (ret == 0) {
		*what = "start the LTTng session";
		ret = lttng_start_tracing(s->name);
	}
	if (ret < 0)
		lttng_destroy_session(s->name);
	return ret;
}

int gm_session_track_pid(const char *name, int pid)
{
	struct lttng_process_attr_tracker_handle *t = NULL;
	enum lttng_error_code code =
		lttng_session_get_tracker_handle(name, LTTNG_DOMAIN_UST, LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID, &t);
	if (code != LTTNG_OK)
		return -(int)code;
	int ret = 0;
	enum lttng_tracking_policy pol;
	if (lttng_process_attr_tracker_handle_get_tracking_policy(t, &pol) != LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK)
		ret = -LTTNG_ERR_UNK;
	else if (pol != LTTNG_TRACKING_POLICY_INCLUDE_SET &&
		 lttng_process_attr_tracker_handle_set_tracking_policy(t, LTTNG_TRACKING_POLICY_INCLUDE_SET) !=
			 LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK)
		ret = -LTTNG_ERR_UNK;
	if (ret == 0) {
		enum lttng_process_attr_tracker_handle_status st =
			lttng_process_attr_virtual_process_id_tracker_handle_add_pid(t, pid);
		ret = st == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK	    ? 0
		      : st == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_EXISTS ? 1
		      : st == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_SESSION_DOES_NOT_EXIST
			      ? -LTTNG_ERR_SESS_NOT_FOUND
			      : -LTTNG_ERR_UNK;
	}
	lttng_process_attr_tracker_handle_destroy(t);
	return ret;
}

int gm_session_enable_resync(const char *name, const char *channel)
{
	struct lttng_domain dom;
	memset(&dom, 0, sizeof dom);
	dom.type = LTTNG_DOMAIN_UST;
	dom.buf_type = LTTNG_BUFFER_PER_UID;
	struct lttng_handle *h = lttng_create_handle(name, &dom);
	if (!h)
		return -LTTNG_ERR_NOMEM;
	struct lttng_event *ev = lttng_event_create();
	int ret = -LTTNG_ERR_NOMEM;
	if (ev) {
		ev->type = LTTNG_EVENT_TRACEPOINT;
		ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
		snprintf(ev->name, sizeof ev->name, "%s", gm_session_resync_name);
		ret = lttng_enable_event_with_exclusions(h, ev, (char *)channel, NULL, 0, NULL);
		lttng_event_destroy(ev);
	}
	lttng_destroy_handle(h);
	return ret;
}

int gm_session_app_events(int pid, char ***names)
{
	*names = NULL;
	struct lttng_domain dom;
	memset(&dom, 0, sizeof dom);
	dom.type = LTTNG_DOMAIN_UST;
	struct lttng_handle *h = lttng_create_handle(NULL, &dom);
	if (!h)
		return -LTTNG_ERR_NOMEM;
	struct lttng_event *ev = NULL;
	int n = lttng_list_tracepoints(h, &ev);
	lttng_destroy_handle(h);
	if (n < 0)
		return n;
	char **out = calloc((size_t)n + 3, sizeof *out);
	int k = 0;
	for (int i = 0; out && i < n; i++)
		if (ev[i].pid == (pid_t)pid && !strncmp(ev[i].name, "gomemtrace:", 11) &&
		    strcmp(ev[i].name, gm_session_resync_name) != 0)
			out[k++] = strdup(ev[i].name);
	free(ev);
	if (!out)
		return -LTTNG_ERR_NOMEM;
	if (k) {
		out[k++] = strdup("lttng_ust_statedump:*");
		out[k++] = strdup("lttng_ust_lib:*");
	}
	*names = out;
	return k;
}

int gm_session_find(const char *prefix, char *buf, size_t size)
{
	struct lttng_session *list = NULL;
	int n = lttng_list_sessions(&list);
	if (n < 0)
		return n;
	int found = 0;
	for (int i = 0; i < n && !found; i++)
		if (!strncmp(list[i].name, prefix, strlen(prefix))) {
			snprintf(buf, size, "%s", list[i].name);
			found = 1;
		}
	free(list);
	return found;
}

int gm_session_regenerate_statedump(const char *name) { return lttng_regenerate_statedump(name); }

int gm_session_snapshot_record(const char *name, const char *dir)
{
	struct lttng_snapshot_output *out = lttng_snapshot_output_create();
	if (!out)
		return -LTTNG_ERR_NOMEM;
	int ret = lttng_snapshot_output_set_local_path(dir, out);
	if (ret == 0)
		ret = lttng_snapshot_record(name, out, 1);
	lttng_snapshot_output_destroy(out);
	return ret;
}

int gm_session_channel_bufs(const char *name, const char *channel, uint64_t *subbuf_size, uint64_t *num_subbuf)
{
	struct lttng_domain dom;
	memset(&dom, 0, sizeof dom);
	dom.type = LTTNG_DOMAIN_UST;
	dom.buf_type = LTTNG_BUFFER_PER_UID;
	struct lttng_handle *h = lttng_create_handle(name, &dom);
	if (!h)
		return -LTTNG_ERR_NOMEM;
	struct lttng_channel *ch = NULL;
	int n = lttng_list_channels(h, &ch);
	lttng_destroy_handle(h);
	int ret = n < 0 ? n : -LTTNG_ERR_UST_CHAN_NOT_FOUND;
	for (int i = 0; i < n; i++)
		if (!strcmp(ch[i].name, channel)) {
			*subbuf_size = ch[i].attr.subbuf_size;
			*num_subbuf = ch[i].attr.num_subbuf;
			ret = 0;
		}
	free(ch);
	return ret;
}
