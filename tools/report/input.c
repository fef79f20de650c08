/* input.c: read CTF traces with libbabeltrace2 (src.ctf.fs per trace -> flt.utils.muxer ->
 * a simple sink) and decode gomemtrace / lttng-ust events into struct gm_rep_ev.
 * Field indexes are looked up once per event class and cached (by class pointer). */
#include <babeltrace2/babeltrace.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "tools/report/input.h"

/* ---- names ---- */
static const char *const gm_rep_field_names[GM_F_COUNT] = {
	"size", "ptr", "err", "origin", "nmemb", "in_ptr", "align",
	"addr", "len", "prot", "flags", "fd", "offset", "ret",
	"old_addr", "old_len", "new_len", "new_addr", "arg",
	"ppid", "page_size", "sample_bytes", "trap_state", "state", "sites",
	"status", "seq", "final", "rss", "pss", "anonymous", "lazyfree",
	"file", "shmem", "swap", "cgroup_current", "malloc_arena", "malloc_mmap", "malloc_inuse",
	"malloc_free", "malloc_keepcost", "go_source", "go_mapped", "go_inuse",
	"go_free", "go_released", "go_resident", "base", "baddr", "memsz",
	"is_pic", "sample_big", "tid", "id", "upto", "unflushed", "batch",
	"kind", "go_read_ns", "stack_hop_failures", "go_heap_checked", "go_heap_check_failed",
	"go_heap_check_addr", "start_ns", "how", "periodic",
	"cgroup_limit", "cgroup_anon", "cgroup_file", "cgroup_kernel", "cgroup_sock", "cgroup_procs",
	"tracer_resident", "freer", "go_objects", "go_spans",
};
static const char *const gm_rep_str_names[GM_S_COUNT] = { "exe", "go_version", "path", "reason", "procname",
							   "stack_layout", "stack_hop_reason" };
static const char *const gm_rep_arr_names[GM_A_COUNT] = { "stack", "inuse", "released", "resident",
							   "build_id", "rec" };

/* Event names -> kinds. */
static const struct { const char *name; enum gm_rep_kind kind; } gm_rep_kinds[] = {
	{ "gomemtrace:malloc", GM_EV_MALLOC }, { "gomemtrace:valloc", GM_EV_MALLOC },
	{ "gomemtrace:pvalloc", GM_EV_MALLOC }, { "gomemtrace:calloc", GM_EV_CALLOC },
	{ "gomemtrace:realloc", GM_EV_REALLOC }, { "gomemtrace:reallocarray", GM_EV_REALLOC },
	{ "gomemtrace:posix_memalign", GM_EV_MEMALIGN }, { "gomemtrace:aligned_alloc", GM_EV_MEMALIGN },
	{ "gomemtrace:memalign", GM_EV_MEMALIGN }, { "gomemtrace:free", GM_EV_FREE },
	{ "gomemtrace:mmap", GM_EV_MMAP }, { "gomemtrace:munmap", GM_EV_MUNMAP },
	{ "gomemtrace:mremap", GM_EV_MREMAP }, { "gomemtrace:madvise", GM_EV_MADVISE },
	{ "gomemtrace:mprotect", GM_EV_MPROTECT }, { "gomemtrace:proc_info", GM_EV_PROC_INFO },
	{ "gomemtrace:trap_status", GM_EV_TRAP_STATUS }, { "gomemtrace:go_exit", GM_EV_GO_EXIT },
	{ "gomemtrace:sample", GM_EV_SAMPLE }, { "gomemtrace:go_chunks", GM_EV_GO_CHUNKS },
	{ "gomemtrace:alloc_batch", GM_EV_ALLOC_BATCH }, { "gomemtrace:stack", GM_EV_STACK },
	{ "gomemtrace:flush", GM_EV_FLUSH }, { "gomemtrace:start", GM_EV_START },
	{ "gomemtrace:resync", GM_EV_RESYNC },
	{ "lttng_ust_statedump:start", GM_EV_SD_START }, { "lttng_ust_statedump:end", GM_EV_SD_END },
	{ "lttng_ust_statedump:bin_info", GM_EV_SD_BIN_INFO },
	{ "lttng_ust_statedump:build_id", GM_EV_SD_BUILD_ID },
	{ "lttng_ust_lib:load", GM_EV_LIB_LOAD }, { "lttng_ust_lib:unload", GM_EV_LIB_UNLOAD },
	{ "lttng_ust_lib:build_id", GM_EV_LIB_BUILD_ID },
};

/* ---- per event class cache ---- */
/* Where each field sits in one event class. Written when the class is first seen, then
 * read-only (the reader is single-threaded). */
struct gm_rep_class {
	const bt_event_class *cls;       /* the class (key) */
	enum gm_rep_kind kind;           /* its kind (GM_EV_OTHER: skipped) */
	int has_clock;                   /* its stream class has a default clock */
	int64_t ctx_vpid, ctx_vtid, ctx_procname; /* common context member indexes, -1 absent */
	int ctx_vpid_signed;             /* vpid is a signed integer */
	int64_t fidx[GM_F_COUNT];        /* payload member index per integer slot, -1 absent */
	uint8_t fsigned[GM_F_COUNT];     /* that member is signed */
	int64_t sidx[GM_S_COUNT];        /* per string slot */
	int64_t aidx[GM_A_COUNT];        /* per array slot */
};

/* Reader state, owned by the (single) reading thread. */
struct gm_rep_reader {
	const struct gm_rep_input_ops *ops; /* the caller's callbacks */
	void *ctx;                          /* their context */
	struct gm_rep_class *classes;       /* class cache */
	size_t nclasses, capclasses;        /* its size and capacity */
	uint64_t *abuf[GM_A_COUNT];         /* array decode buffers */
	uint32_t acap[GM_A_COUNT];          /* their capacities */
	int stopped;                        /* the callback asked to stop */
	uint64_t nevents;                   /* events of the kinds the report uses, handed to ops->event */
	const bt_stream **streams;          /* streams that had an event (ops->stream_first) */
	size_t nstreams, capstreams;        /* their number and capacity */
};

/* Whether the stream in file `path` (src.ctf.fs names a stream after its file) lost packets
 * before its first one: LTTng-UST's packet header, packed and in native byte order (magic,
 * uuid[16], stream_id, stream_instance_id), then its packet context (timestamp_begin,
 * timestamp_end, content_size, packet_size in bits, packet_seq_num, ...: the metadata's
 * `struct packet_context`), begins the file. A first packet numbered 0 is the stream's first
 * ever; a later one means the older packets are gone (overwritten in a flight recorder). When
 * the header does not read as that layout, 1: lost, the careful answer. babeltrace2 itself does
 * not say it: a stream's first packet never yields a discarded-packets message. */
static int gm_rep_stream_lost_before(const char *path)
{
	unsigned char h[72];
	FILE *f = path ? fopen(path, "rb") : NULL;
	size_t n = f ? fread(h, 1, sizeof h, f) : 0;
	if (f)
		fclose(f);
	if (n < sizeof h)
		return 1;
	uint32_t magic;
	uint64_t tb, te, content, size, seq;
	memcpy(&magic, h, 4);
	memcpy(&tb, h + 32, 8), memcpy(&te, h + 40, 8), memcpy(&content, h + 48, 8);
	memcpy(&size, h + 56, 8), memcpy(&seq, h + 64, 8);
	if (magic != 0xC1FC1FC1u || tb > te || content > size || size % 8 || size < 8 * sizeof h)
		return 1;
	return seq != 0;
}

/* ops->stream_first at the first event of its stream. 0, or -1 out of memory. */
static int gm_rep_stream_seen(struct gm_rep_reader *r, const bt_event *e, uint64_t ts)
{
	const bt_stream *s = bt_event_borrow_stream_const(e);
	for (size_t i = r->nstreams; i-- > 0;)
		if (r->streams[i] == s)
			return 0;
	if (r->nstreams == r->capstreams) {
		size_t cap = r->capstreams ? r->capstreams * 2 : 16;
		const bt_stream **n = realloc(r->streams, cap * sizeof *n);
		if (!n)
			return -1;
		r->streams = n, r->capstreams = cap;
	}
	r->streams[r->nstreams++] = s;
	r->ops->stream_first(r->ctx, ts, gm_rep_stream_lost_before(bt_stream_get_name(s)));
	return 0;
}

static int64_t gm_rep_member_index(const bt_field_class *st, const char *name, uint8_t *is_signed)
{
	if (!st || bt_field_class_get_type(st) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return -1;
	uint64_t n = bt_field_class_structure_get_member_count(st);
	for (uint64_t i = 0; i < n; i++) {
		const bt_field_class_structure_member *m =
			bt_field_class_structure_borrow_member_by_index_const(st, i);
		if (strcmp(bt_field_class_structure_member_get_name(m), name) != 0)
			continue;
		if (is_signed) {
			bt_field_class_type t = bt_field_class_get_type(
				bt_field_class_structure_member_borrow_field_class_const(m));
			*is_signed = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
		}
		return (int64_t)i;
	}
	return -1;
}

/* The member's field class type must be `want` (a category), else -1. */
static int64_t gm_rep_member_typed(const bt_field_class *st, const char *name, bt_field_class_type want)
{
	int64_t i = gm_rep_member_index(st, name, NULL);
	if (i < 0)
		return -1;
	const bt_field_class *fc = bt_field_class_structure_member_borrow_field_class_const(
		bt_field_class_structure_borrow_member_by_index_const(st, (uint64_t)i));
	return bt_field_class_type_is(bt_field_class_get_type(fc), want) ? i : -1;
}

static struct gm_rep_class *gm_rep_class_get(struct gm_rep_reader *r, const bt_event_class *cls)
{
	for (size_t i = 0; i < r->nclasses; i++)
		if (r->classes[i].cls == cls)
			return &r->classes[i];
	if (r->nclasses == r->capclasses) {
		size_t cap = r->capclasses ? r->capclasses * 2 : 32;
		struct gm_rep_class *n = realloc(r->classes, cap * sizeof *n);
		if (!n)
			return NULL;
		r->classes = n, r->capclasses = cap;
	}
	struct gm_rep_class *c = &r->classes[r->nclasses++];
	memset(c, 0, sizeof *c);
	c->cls = cls;
	const char *name = bt_event_class_get_name(cls);
	for (size_t i = 0; name && i < sizeof gm_rep_kinds / sizeof gm_rep_kinds[0]; i++)
		if (!strcmp(name, gm_rep_kinds[i].name))
			c->kind = gm_rep_kinds[i].kind;
	const bt_stream_class *sc = bt_event_class_borrow_stream_class_const(cls);
	c->has_clock = bt_stream_class_borrow_default_clock_class_const(sc) != NULL;
	const bt_field_class *cc = bt_stream_class_borrow_event_common_context_field_class_const(sc);
	uint8_t sg = 0;
	c->ctx_vpid = gm_rep_member_typed(cc, "vpid", BT_FIELD_CLASS_TYPE_INTEGER);
	if (c->ctx_vpid >= 0)
		gm_rep_member_index(cc, "vpid", &sg);
	c->ctx_vpid_signed = sg;
	c->ctx_vtid = gm_rep_member_typed(cc, "vtid", BT_FIELD_CLASS_TYPE_INTEGER);
	c->ctx_procname = gm_rep_member_typed(cc, "procname", BT_FIELD_CLASS_TYPE_STRING);
	const bt_field_class *pl = bt_event_class_borrow_payload_field_class_const(cls);
	for (int i = 0; i < GM_F_COUNT; i++) {
		c->fidx[i] = gm_rep_member_typed(pl, gm_rep_field_names[i], BT_FIELD_CLASS_TYPE_INTEGER);
		if (c->fidx[i] >= 0)
			gm_rep_member_index(pl, gm_rep_field_names[i], &c->fsigned[i]);
	}
	for (int i = 0; i < GM_S_COUNT; i++)
		c->sidx[i] = gm_rep_member_typed(pl, gm_rep_str_names[i], BT_FIELD_CLASS_TYPE_STRING);
	for (int i = 0; i < GM_A_COUNT; i++)
		c->aidx[i] = gm_rep_member_typed(pl, gm_rep_arr_names[i], BT_FIELD_CLASS_TYPE_ARRAY);
	return c;
}

/* ---- decoding ---- */
static int64_t gm_rep_int(const bt_field *f, int is_signed)
{
	return is_signed ? bt_field_integer_signed_get_value(f)
			 : (int64_t)bt_field_integer_unsigned_get_value(f);
}

static int gm_rep_decode(struct gm_rep_reader *r, const bt_message *msg)
{
	const bt_event *e = bt_message_event_borrow_event_const(msg);
	struct gm_rep_class *c = gm_rep_class_get(r, bt_event_borrow_class_const(e));
	if (!c)
		return -1;
	if (r->ops->stream_first && c->has_clock) {
		int64_t ns = 0;
		if (bt_clock_snapshot_get_ns_from_origin(bt_message_event_borrow_default_clock_snapshot_const(msg), &ns) ==
			    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK &&
		    gm_rep_stream_seen(r, e, (uint64_t)ns) != 0)
			return -1;
	}
	if (c->kind == GM_EV_OTHER)
		return 0;
	struct gm_rep_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = c->kind;
	ev.vpid = ev.vtid = -1;
	ev.procname = "";
	if (c->has_clock) {
		int64_t ns = 0;
		const bt_clock_snapshot *cs = bt_message_event_borrow_default_clock_snapshot_const(msg);
		if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
			ev.ts = (uint64_t)ns;
			const bt_clock_class *cc = bt_clock_snapshot_borrow_clock_class_const(cs);
			ev.cycles_ok = bt_clock_class_get_frequency(cc) == 1000000000ULL;
			ev.cycles_off = ns - (int64_t)bt_clock_snapshot_get_value(cs);
		}
	}
	const bt_field *cc = bt_event_borrow_common_context_field_const(e);
	if (cc) {
		if (c->ctx_vpid >= 0)
			ev.vpid = gm_rep_int(bt_field_structure_borrow_member_field_by_index_const(
						     cc, (uint64_t)c->ctx_vpid), c->ctx_vpid_signed);
		if (c->ctx_vtid >= 0)
			ev.vtid = gm_rep_int(bt_field_structure_borrow_member_field_by_index_const(
						     cc, (uint64_t)c->ctx_vtid), 1);
		if (c->ctx_procname >= 0)
			ev.procname = bt_field_string_get_value(
				bt_field_structure_borrow_member_field_by_index_const(cc, (uint64_t)c->ctx_procname));
	}
	const bt_field *pl = bt_event_borrow_payload_field_const(e);
	if (pl) {
		for (int i = 0; i < GM_F_COUNT; i++) {
			if (c->fidx[i] < 0)
				continue;
			ev.v[i] = gm_rep_int(bt_field_structure_borrow_member_field_by_index_const(
						     pl, (uint64_t)c->fidx[i]), c->fsigned[i]);
			ev.has[i] = 1;
		}
		for (int i = 0; i < GM_S_COUNT; i++)
			if (c->sidx[i] >= 0)
				ev.s[i] = bt_field_string_get_value(
					bt_field_structure_borrow_member_field_by_index_const(pl, (uint64_t)c->sidx[i]));
		for (int i = 0; i < GM_A_COUNT; i++) {
			if (c->aidx[i] < 0)
				continue;
			const bt_field *arr = bt_field_structure_borrow_member_field_by_index_const(
				pl, (uint64_t)c->aidx[i]);
			uint64_t n = bt_field_array_get_length(arr);
			if (n > (1u << 20))
				n = 1u << 20; /* absurd length: corrupt data, keep bounded */
			if (n > r->acap[i]) {
				uint64_t *nb = realloc(r->abuf[i], n * sizeof *nb);
				if (!nb)
					return -1;
				r->abuf[i] = nb, r->acap[i] = (uint32_t)n;
			}
			for (uint64_t k = 0; k < n; k++) {
				const bt_field *el = bt_field_array_borrow_element_field_by_index_const(arr, k);
				bt_field_class_type t = bt_field_get_class_type(el);
				r->abuf[i][k] = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER)
					? (uint64_t)gm_rep_int(el, bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
					: 0;
			}
			ev.a[i] = r->abuf[i];
			ev.alen[i] = (uint32_t)n;
		}
	}
	r->nevents++;
	if (r->ops->event(r->ctx, &ev))
		r->stopped = 1;
	return 0;
}

static uint64_t gm_rep_msg_end_ns(const bt_clock_snapshot *cs)
{
	int64_t ns = 0;
	if (cs && bt_clock_snapshot_get_ns_from_origin(cs, &ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return (uint64_t)ns;
	return 0;
}

/* ---- sink ---- */
static bt_graph_simple_sink_component_consume_func_status gm_rep_consume(bt_message_iterator *it, void *data)
{
	struct gm_rep_reader *r = data;
	bt_message_array_const msgs;
	uint64_t count = 0;
	switch (bt_message_iterator_next(it, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	int failed = 0;
	for (uint64_t i = 0; i < count; i++) {
		const bt_message *m = msgs[i];
		if (!r->stopped && !failed) {
			switch (bt_message_get_type(m)) {
			case BT_MESSAGE_TYPE_EVENT:
				failed = gm_rep_decode(r, m) != 0;
				break;
			case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
				uint64_t n = 1; /* count unknown: at least one */
				bt_message_discarded_events_get_count(m, &n);
				const bt_stream *s = bt_message_discarded_events_borrow_stream_const(m);
				uint64_t ts = bt_stream_class_discarded_events_have_default_clock_snapshots(
					bt_stream_borrow_class_const(s))
					? gm_rep_msg_end_ns(bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m))
					: 0;
				if (r->ops->discarded)
					r->ops->discarded(r->ctx, n, 0, ts);
				break;
			}
			case BT_MESSAGE_TYPE_DISCARDED_PACKETS: {
				uint64_t n = 1;
				bt_message_discarded_packets_get_count(m, &n);
				const bt_stream *s = bt_message_discarded_packets_borrow_stream_const(m);
				uint64_t ts = bt_stream_class_discarded_packets_have_default_clock_snapshots(
					bt_stream_borrow_class_const(s))
					? gm_rep_msg_end_ns(bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(m))
					: 0;
				if (r->ops->discarded)
					r->ops->discarded(r->ctx, 0, n, ts);
				break;
			}
			default:
				break;
			}
		}
		bt_message_put_ref(m);
	}
	if (failed)
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	return r->stopped ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END
			  : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* ---- errors ---- */
/* The current thread's babeltrace2 error as one line: the innermost causes, "; "-joined. */
static void gm_rep_bt_error(char *out, size_t len, const char *what)
{
	const bt_error *e = bt_current_thread_take_error();
	size_t o = (size_t)snprintf(out, len, "%s", what);
	if (!e)
		return;
	uint64_t n = bt_error_get_cause_count(e);
	/* Causes are innermost last in 2.0: show the two deepest ones, briefly. */
	for (uint64_t i = n > 2 ? n - 2 : 0; i < n && o < len; i++) {
		const char *m = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, i));
		char one[200];
		snprintf(one, sizeof one, "%s", m ? m : "");
		for (char *p = one; *p; p++)
			if (*p == '\n')
				*p = ' ';
		o += (size_t)snprintf(out + o, len - o, ": %s", one);
	}
	bt_error_release(e);
}

/* ---- trace discovery ---- */
/* Collect directories holding a `metadata` file under `dir` (depth-limited). */
static int gm_rep_find_traces(const char *dir, bt_value *arr, int depth)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof p, "%s/metadata", dir);
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
		bt_value_array_append_string_element(arr, dir);
		return 1;
	}
	if (depth > 8)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			char **nn = realloc(names, (n + 1) * sizeof *nn);
			if (!nn)
				break;
			names = nn;
			names[n++] = strdup(p);
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		if (names[i])
			found += gm_rep_find_traces(names[i], arr, depth + 1);
		free(names[i]);
	}
	free(names);
	return found;
}

static int gm_rep_strcmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

size_t gm_rep_input_sessions(const char *dir, char ***out)
{
	*out = NULL;
	bt_value *found = bt_value_array_create();
	if (!found || gm_rep_find_traces(dir, found, 0) == 0) {
		bt_value_put_ref(found);
		return 0;
	}
	uint64_t n = bt_value_array_get_length(found);
	char **list = calloc(n, sizeof *list);
	size_t k = 0;
	for (uint64_t i = 0; list && i < n; i++) {
		const char *t = bt_value_string_get(bt_value_array_borrow_element_by_index_const(found, i));
		const char *cut = NULL;
		for (const char *q = strstr(t, "/ust/"); q; q = strstr(q + 1, "/ust/"))
			cut = q; /* the last one: the session's own ust/ */
		size_t len = cut ? (size_t)(cut - t) : strlen(t);
		int dup = 0;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strlen(list[j]) == len && !strncmp(list[j], t, len);
		if (!dup && (list[k] = strndup(t, len)))
			k++;
	}
	bt_value_put_ref(found);
	if (list)
		qsort(list, k, sizeof *list, gm_rep_strcmp);
	*out = list;
	return k;
}

/* ---- crash containment ----
 * babeltrace2 2.0.4's CTF decoder can crash on corrupt stream data (a garbage sequence
 * length makes bt_field_array_borrow_element_field_by_index fault; `babeltrace2 TRACE`
 * crashes the same way). The reader must not: a fault while the graph runs jumps back
 * here; the graph is then abandoned (leaked, never touched again) and the events decoded
 * so far are reported with a warning. Our callbacks finish each event before returning to
 * babeltrace2, so the model is consistent at any fault inside babeltrace2. */
static sigjmp_buf gm_rep_jmp;
static volatile sig_atomic_t gm_rep_in_graph;

static void gm_rep_fault(int sig)
{
	if (gm_rep_in_graph) {
		gm_rep_in_graph = 0;
		siglongjmp(gm_rep_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Run graph *g to its end (ops->tick between steps, if set). A crash inside babeltrace2
 * abandons it (*g = NULL). */
static enum gm_rep_input_status gm_rep_run_graph(struct gm_rep_reader *r, bt_graph **g, char *err, size_t errlen)
{
	enum gm_rep_input_status ret = GM_IN_BT_ERROR;
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP }; /* glib: SIGTRAP on failed g_malloc */
	struct sigaction sa, old[sizeof sigs / sizeof sigs[0]];
	const int nsigs = (int)(sizeof sigs / sizeof sigs[0]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = gm_rep_fault;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < nsigs; i++)
		sigaction(sigs[i], &sa, &old[i]);
	int sig = sigsetjmp(gm_rep_jmp, 1);
	if (sig) {
		for (int i = 0; i < nsigs; i++)
			sigaction(sigs[i], &old[i], NULL);
		snprintf(err, errlen, "babeltrace2 crashed (signal %d) decoding corrupt trace data; "
			 "the report covers the events before it", sig);
		*g = NULL; /* abandoned: its state is unknown */
		return GM_IN_PARTIAL;
	}
	gm_rep_in_graph = 1;
	for (;;) {
		if (r->ops->tick) { /* step by step, a tick between steps */
			bt_graph_run_once_status s = bt_graph_run_once(*g);
			if (s == BT_GRAPH_RUN_ONCE_STATUS_OK || s == BT_GRAPH_RUN_ONCE_STATUS_AGAIN) {
				gm_rep_in_graph = 0; /* the tick may fork and report: not babeltrace2's */
				r->ops->tick(r->ctx);
				gm_rep_in_graph = 1;
				if (s == BT_GRAPH_RUN_ONCE_STATUS_AGAIN) {
					struct timespec pause = { 0, 50 * 1000 * 1000 };
					nanosleep(&pause, NULL);
				}
				continue;
			}
			if (s == BT_GRAPH_RUN_ONCE_STATUS_END) {
				ret = GM_IN_OK;
				break;
			}
		} else {
			bt_graph_run_status s = bt_graph_run(*g);
			if (s == BT_GRAPH_RUN_STATUS_AGAIN)
				continue;
			if (s == BT_GRAPH_RUN_STATUS_OK) {
				ret = GM_IN_OK;
				break;
			}
		}
		gm_rep_bt_error(err, errlen, "reading the trace failed part way (truncated or corrupt?)");
		ret = GM_IN_PARTIAL;
		break;
	}
	gm_rep_in_graph = 0;
	for (int i = 0; i < nsigs; i++)
		sigaction(sigs[i], &old[i], NULL);
	return ret;
}

/* ---- the graph ---- */
enum gm_rep_input_status gm_rep_input_read_live(const char *url, const struct gm_rep_input_ops *ops, void *ctx,
						char *err, size_t errlen)
{
	enum gm_rep_input_status ret = GM_IN_BT_ERROR;
	struct gm_rep_reader r = { .ops = ops, .ctx = ctx };
	const bt_plugin *ctf = NULL;
	bt_graph *g = NULL;
	bt_value *params = bt_value_map_create(), *inputs = NULL;
	const bt_component_source *src = NULL;
	const bt_component_sink *sink = NULL;
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &ctf) != BT_PLUGIN_FIND_STATUS_OK) {
		gm_rep_bt_error(err, errlen, "babeltrace2's ctf plugin not found");
		goto out;
	}
	if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
	    bt_value_array_append_string_element(inputs, url) != BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK ||
	    bt_value_map_insert_string_entry(params, "session-not-found-action", "fail") != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
	    !(g = bt_graph_create(0)) ||
	    bt_graph_add_source_component(g, bt_plugin_borrow_source_component_class_by_name_const(ctf, "lttng-live"),
					  "live", params, BT_LOGGING_LEVEL_NONE, &src) != BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_add_simple_sink_component(g, "gm-report", NULL, gm_rep_consume, NULL, &r, &sink) !=
		    BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL) !=
		    BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		char what[600];
		snprintf(what, sizeof what, "%s: cannot read it live (the URL is net://RELAYD/host/HOSTNAME/SESSION "
			 "of a live session)", url);
		gm_rep_bt_error(err, errlen, what);
		ret = GM_IN_NOT_CTF;
		goto out;
	}
	ret = gm_rep_run_graph(&r, &g, err, errlen);
	if (ret != GM_IN_OK && r.nevents == 0 && g) { /* nothing came: no relayd, or no such session */
		snprintf(err, errlen, "%s: no relayd answers there, or it has no such live session (gomemtrace "
			 "record/attach --relayd make one; `lttng list` on the traced host names it; the live port is "
			 "the relayd's -L, 5344 by default)", url);
		ret = GM_IN_NO_DIR;
	}
	if (!g)
		ctf = NULL;
out:
	bt_value_put_ref(params);
	bt_graph_put_ref(g);
	bt_plugin_put_ref(ctf);
	free(r.classes);
	free(r.streams);
	for (int i = 0; i < GM_A_COUNT; i++)
		free(r.abuf[i]);
	return ret;
}

enum gm_rep_input_status gm_rep_input_read_dir(const char *dir, const struct gm_rep_input_ops *ops,
					       void *ctx, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", dir, stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
		return GM_IN_NO_DIR;
	}
	bt_value *found = bt_value_array_create();
	if (!found) {
		snprintf(err, errlen, "out of memory");
		return GM_IN_BT_ERROR;
	}
	if (gm_rep_find_traces(dir, found, 0) == 0) {
		bt_value_put_ref(found);
		snprintf(err, errlen, "%s: not a CTF trace (no `metadata` file found under it)", dir);
		return GM_IN_NOT_CTF;
	}
	enum gm_rep_input_status ret = GM_IN_BT_ERROR;
	struct gm_rep_reader r = { .ops = ops, .ctx = ctx };
	const bt_plugin *ctf = NULL, *utils = NULL;
	bt_graph *g = NULL;
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &ctf) != BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &utils) != BT_PLUGIN_FIND_STATUS_OK) {
		gm_rep_bt_error(err, errlen, "babeltrace2's ctf/utils plugins not found");
		goto out;
	}
	g = bt_graph_create(0);
	const bt_component_filter *mux = NULL;
	const bt_component_sink *sink = NULL;
	if (!g || bt_graph_add_filter_component(g, bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer"),
						"muxer", NULL, BT_LOGGING_LEVEL_NONE, &mux) != BT_GRAPH_ADD_COMPONENT_STATUS_OK ||
	    bt_graph_add_simple_sink_component(g, "gm-report", NULL, gm_rep_consume, NULL, &r, &sink) !=
		    BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
		gm_rep_bt_error(err, errlen, "cannot build the babeltrace2 graph");
		goto out;
	}
	const bt_component_class_source *fs = bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs");
	uint64_t nmux = 0;
	for (uint64_t t = 0; t < bt_value_array_get_length(found); t++) {
		const char *tdir = bt_value_string_get(bt_value_array_borrow_element_by_index_const(found, t));
		bt_value *params = bt_value_map_create();
		bt_value *inputs = NULL;
		const bt_component_source *src = NULL;
		char name[32];
		snprintf(name, sizeof name, "src%" PRIu64, t);
		if (!params || bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) != BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK ||
		    bt_value_array_append_string_element(inputs, tdir) != BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK ||
		    bt_graph_add_source_component(g, fs, name, params, BT_LOGGING_LEVEL_NONE, &src) != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
			bt_value_put_ref(params);
			char what[300];
			snprintf(what, sizeof what, "%s: cannot open the CTF trace", tdir);
			gm_rep_bt_error(err, errlen, what);
			ret = GM_IN_NOT_CTF;
			goto out;
		}
		bt_value_put_ref(params);
		for (uint64_t i = 0; i < bt_component_source_get_output_port_count(src); i++) {
			const bt_port_output *op = bt_component_source_borrow_output_port_by_index_const(src, i);
			const bt_port_input *ip = bt_component_filter_borrow_input_port_by_index_const(mux, nmux++);
			if (!ip || bt_graph_connect_ports(g, op, ip, NULL) != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
				gm_rep_bt_error(err, errlen, "cannot connect the trace to the muxer");
				goto out;
			}
		}
	}
	if (bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL) !=
	    BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
		gm_rep_bt_error(err, errlen, "cannot connect the muxer to the sink");
		goto out;
	}
	ret = gm_rep_run_graph(&r, &g, err, errlen);
	if (!g)
		ctf = utils = NULL; /* abandoned after a crash */
out:
	bt_graph_put_ref(g);
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	bt_value_put_ref(found);
	free(r.classes);
	free(r.streams);
	for (int i = 0; i < GM_A_COUNT; i++)
		free(r.abuf[i]);
	return ret;
}
