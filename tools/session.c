/* session.c: the LTTng session of `gomemtrace record` through liblttng-ctl (see session.h). */
#include <stdio.h>
#include <string.h>

#include <lttng/lttng.h>

#include "tools/session.h"

/* The events record enables (docs/events.md): ours, and lttng-ust's module information. */
static const char *const gm_session_events[] = { "gomemtrace:*", "lttng_ust_statedump:*", "lttng_ust_lib:*" };

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
	ch->attr.overwrite = 0; /* discard mode: lost events are counted, never overwritten */
	ch->attr.subbuf_size = s->subbuf_size;
	ch->attr.num_subbuf = s->num_subbuf;
	ch->attr.output = LTTNG_EVENT_MMAP;
	ret = lttng_enable_channel(h, ch);
	lttng_channel_destroy(ch);
	if (ret < 0)
		return ret;
	*what = "enable the gomemtrace events";
	for (size_t i = 0; i < sizeof gm_session_events / sizeof gm_session_events[0]; i++) {
		struct lttng_event *ev = lttng_event_create();
		if (!ev)
			return -LTTNG_ERR_NOMEM;
		ev->type = LTTNG_EVENT_TRACEPOINT;
		ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
		snprintf(ev->name, sizeof ev->name, "%s", gm_session_events[i]);
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
	struct lttng_session_descriptor *d = lttng_session_descriptor_local_create(s->name, s->dir);
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
	struct lttng_handle *h = lttng_create_handle(s->name, &dom);
	int ret = h ? gm_session_fill(h, &dom, s, what) : -LTTNG_ERR_NOMEM;
	lttng_destroy_handle(h);
	if (ret == 0) {
		*what = "start the LTTng session";
		ret = lttng_start_tracing(s->name);
	}
	if (ret < 0)
		lttng_destroy_session(s->name);
	return ret;
}
