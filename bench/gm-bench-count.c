/* gm-bench-count.c: count the events of one process in an LTTng trace, for `make bench`.
 *
 * usage: gm-bench-count TRACE_DIR [VPID]
 * Prints one line "events=N all_events=M discarded=D": N events whose vpid context is VPID
 * (all events when VPID is not given or the events have no vpid context), M events of every
 * process, D events the ring buffer discarded (the per-UID buffers are shared, so D cannot be
 * told apart by process). The per-UID session of `gomemtrace record` also records every other
 * process of the same user that has the tracer preloaded at the time: hence the vpid filter.
 *
 * Graph: src.ctf.fs -> flt.utils.muxer -> a simple sink (the consume callback below).
 * Single-threaded; exit status 0, or 1 with a message on stderr. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* nftw */
#endif
#include <babeltrace2/babeltrace.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- counting sink ---- */

/* What the sink has counted. Touched by the main thread only (the graph runs there). */
struct gm_bench_count {
	bt_message_iterator *it; /* upstream iterator (created in the initialize callback) */
	int64_t vpid;            /* the process to count, -1 = all */
	uint64_t events;         /* events of vpid */
	uint64_t all_events;     /* events of any process */
	uint64_t discarded;      /* discarded-events counts, summed */
};

/* The vpid of an event, or -1 when it has no vpid common context field. */
static int64_t gm_bench_count_vpid(const bt_event *ev)
{
	const bt_field *ctx = bt_event_borrow_common_context_field_const(ev);
	if (!ctx)
		return -1;
	const bt_field *f = bt_field_structure_borrow_member_field_by_name_const(ctx, "vpid");
	if (!f)
		return -1;
	bt_field_class_type t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		return bt_field_integer_signed_get_value(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		return (int64_t)bt_field_integer_unsigned_get_value(f);
	return -1;
}

static bt_graph_simple_sink_component_initialize_func_status
gm_bench_count_init(bt_message_iterator *it, void *data)
{
	((struct gm_bench_count *)data)->it = it;
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_INITIALIZE_FUNC_STATUS_OK;
}

static bt_graph_simple_sink_component_consume_func_status
gm_bench_count_consume(bt_message_iterator *it, void *data)
{
	struct gm_bench_count *c = data;
	bt_message_array_const msgs;
	uint64_t n;
	switch (bt_message_iterator_next(it, &msgs, &n)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK: break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	default: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (uint64_t i = 0; i < n; i++) {
		const bt_message *m = msgs[i];
		switch (bt_message_get_type(m)) {
		case BT_MESSAGE_TYPE_EVENT: {
			c->all_events++;
			if (c->vpid < 0)
				c->events++;
			else {
				int64_t v = gm_bench_count_vpid(bt_message_event_borrow_event_const(m));
				if (v < 0 || v == c->vpid)
					c->events++;
			}
			break;
		}
		case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
			uint64_t k = 0;
			if (bt_message_discarded_events_get_count(m, &k) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
				c->discarded += k;
			break;
		}
		default: break;
		}
		bt_message_put_ref(m);
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* ---- graph ---- */

/* The inputs array of src.ctf.fs being filled by gm_bench_count_walk() (main thread only). */
static bt_value *gm_bench_count_inputs;

/* nftw callback: every directory holding a "metadata" file is one CTF trace (src.ctf.fs does not
 * search sub-directories itself; the babeltrace2 command line does). */
static int gm_bench_count_walk(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	if (type != FTW_F || strcmp(path + ftw->base, "metadata") != 0)
		return 0;
	char dir[4096];
	snprintf(dir, sizeof dir, "%.*s", ftw->base > 0 ? ftw->base - 1 : 0, path);
	return bt_value_array_append_string_element(gm_bench_count_inputs, dir) !=
	       BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK;
}

/* A component class of a plugin that ships with babeltrace2 (NULL on failure). */
static const bt_plugin *gm_bench_count_plugin(const char *name)
{
	const bt_plugin *p = NULL;
	if (bt_plugin_find(name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &p) != BT_PLUGIN_FIND_STATUS_OK)
		return NULL;
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gm-bench-count TRACE_DIR [VPID]\n");
		return 1;
	}
	struct gm_bench_count c = { .vpid = argc == 3 ? strtoll(argv[2], NULL, 10) : -1 };
	const bt_plugin *ctf = gm_bench_count_plugin("ctf"), *utils = gm_bench_count_plugin("utils");
	if (!ctf || !utils) {
		fprintf(stderr, "gm-bench-count: babeltrace2 plugins ctf/utils not found\n");
		return 1;
	}
	const bt_component_class_source *src_cls = bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs");
	const bt_component_class_filter *mux_cls =
		bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer");
	bt_graph *g = bt_graph_create(0);
	bt_value *params = bt_value_map_create();
	bt_value *inputs = NULL;
	const bt_component_source *src = NULL;
	const bt_component_filter *mux = NULL;
	const bt_component_sink *sink = NULL;
	int rc = 1;
	if (!src_cls || !mux_cls || !g || !params ||
	    bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
		goto out;
	gm_bench_count_inputs = inputs;
	if (nftw(argv[1], gm_bench_count_walk, 16, FTW_PHYS) != 0 || bt_value_array_is_empty(inputs)) {
		fprintf(stderr, "gm-bench-count: no CTF trace under %s\n", argv[1]);
		goto out;
	}
	if (bt_graph_add_source_component(g, src_cls, "src", params, BT_LOGGING_LEVEL_NONE, &src) ||
	    bt_graph_add_filter_component(g, mux_cls, "mux", NULL, BT_LOGGING_LEVEL_NONE, &mux) ||
	    bt_graph_add_simple_sink_component(g, "count", gm_bench_count_init, gm_bench_count_consume, NULL, &c,
					       &sink)) {
		fprintf(stderr, "gm-bench-count: cannot open %s as a CTF trace\n", argv[1]);
		goto out;
	}
	uint64_t nout = bt_component_source_get_output_port_count(src);
	for (uint64_t i = 0; i < nout; i++) {
		const bt_port_output *op = bt_component_source_borrow_output_port_by_index_const(src, i);
		const bt_port_input *ip = bt_component_filter_borrow_input_port_by_index_const(mux, i);
		if (!ip || bt_graph_connect_ports(g, op, ip, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
			goto out;
	}
	if (bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0),
				   NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK)
		goto out;
	bt_graph_run_status st;
	while ((st = bt_graph_run(g)) == BT_GRAPH_RUN_STATUS_AGAIN)
		;
	if (st != BT_GRAPH_RUN_STATUS_OK) {
		fprintf(stderr, "gm-bench-count: reading %s failed\n", argv[1]);
		goto out;
	}
	printf("events=%" PRIu64 " all_events=%" PRIu64 " discarded=%" PRIu64 "\n", c.events, c.all_events,
	       c.discarded);
	rc = 0;
out:
	bt_value_put_ref(params);
	bt_graph_put_ref(g);
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return rc;
}
