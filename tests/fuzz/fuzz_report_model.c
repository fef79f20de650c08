/* fuzz_report_model.c: fuzz target of the reader's model (tools/report/model.c) and of the
 * writers that read it (text.c, json.c, profile.c: text, JSON, folded and pprof, all to
 * /dev/null). A hostile trace can declare any fields for any event, so the input decodes
 * into `struct gm_rep_ev` records as the input side would hand them over
 * (tests/unit/test_report_model.c builds them the same way): one option byte, then events
 * of gm_fz_ev_next (kind, time step: forward, backward, repeated or a jump; one of a few
 * pids, so that pids are reused and processes exec; the usual fields from pools of
 * addresses that collide; then any fields set to edge values; strings; a stack of any depth;
 * the go_chunks arrays; batch records and stack ids, defined or not), and lost-event
 * reports; option bits 16|32 together: a snapshot (complete 5 ms in). gm_rep_analyze then runs,
 * and the writers. */
#include <stdio.h>

#include "gomemtrace/schema.h"
#include "tools/report/model.h"
#include "tools/report/output.h"
#include "tests/fuzz/fuzz.h"

/* ---- pools ---- */

#define GM_FZ_MAXEV 512     /* events per input */
#define GM_FZ_MAXDEPTH 600  /* stack frames per event (the tracer's maximum is far lower) */
#define GM_FZ_MAXARR 1100   /* go_chunks array length (a chunk has 512 pages) */
#define GM_FZ_MAXREC (4 * 300) /* batch words */

static const int64_t gm_fz_pids[] = { 42, 43, 1, 0, -1, INT64_MAX };
static const char *const gm_fz_strs[] = { NULL, "", "/usr/bin/app", "/usr/bin/other", "[vdso]",
					  "go1.22.3", "go1.99", "devel go1.23-abc", "x\ty\n\"z\\",
					  "/nonexistent/lib.so" };
#define GM_FZ_NSTRS (sizeof(gm_fz_strs) / sizeof(gm_fz_strs[0]))

/* An address from a small pool (blocks and mappings collide), or any. */
static uint64_t gm_fz_addr(struct gm_fz *c)
{
	uint8_t k = gm_fz_u8(c);
	if (k < 0xc0)
		return 0x7f0000000000ULL + (uint64_t)(k & 0x3f) * 0x1000 + (k >> 6) * 0x400000ULL;
	if (k < 0xe0)
		return (uint64_t)(k & 0x1f) * 16;
	return gm_fz_edgy(c);
}

/* A stack frame from a small pool (Go-looking, C-looking), or any. */
static uint64_t gm_fz_frame(struct gm_fz *c)
{
	uint8_t k = gm_fz_u8(c);
	return k < 0xf0 ? 0x401000ULL + (uint64_t)(k & 0x1f) * 0x40 + (k >> 5) * 0x100000ULL : gm_fz_edgy(c);
}

/* ---- events ---- */

/* Buffers of the event being built (valid during the callback only, as the input's). */
static uint64_t gm_fz_stack[GM_FZ_MAXDEPTH], gm_fz_arr[3][GM_FZ_MAXARR], gm_fz_rec[GM_FZ_MAXREC],
	gm_fz_bid[80];

/* Build the next event from the input into *e. */
static void gm_fz_ev_next(struct gm_fz *c, struct gm_rep_ev *e, uint64_t *ts)
{
	memset(e, 0, sizeof(*e));
	uint8_t k = gm_fz_u8(c);
	e->kind = (enum gm_rep_kind)(k % GM_EV_KIND_COUNT);
	uint8_t t = gm_fz_u8(c);
	switch (t & 3) {
	case 0: *ts += (uint64_t)(t >> 2) * 1000000; break;
	case 1: *ts -= (uint64_t)(t >> 2) * 1000; break; /* out of order */
	case 2: break;
	default: *ts += gm_fz_edgy(c); break;
	}
	e->ts = *ts;
	e->cycles_ok = !(t & 0x80), e->cycles_off = (int64_t)(k & 0x80 ? gm_fz_edgy(c) : 0);
	uint8_t who = gm_fz_u8(c);
	e->vpid = gm_fz_pids[who % 6], e->vtid = (int64_t)((uint64_t)e->vpid + (who >> 4)), e->procname = who & 8 ? "t" : "";
	/* the usual fields */
	e->v[GM_F_PTR] = (int64_t)gm_fz_addr(c);
	e->v[GM_F_IN_PTR] = (int64_t)gm_fz_addr(c);
	e->v[GM_F_SIZE] = (int64_t)gm_fz_edgy(c);
	e->v[GM_F_ADDR] = (int64_t)gm_fz_addr(c), e->v[GM_F_OLD_ADDR] = (int64_t)gm_fz_addr(c);
	e->v[GM_F_NEW_ADDR] = (int64_t)gm_fz_addr(c), e->v[GM_F_RET] = (int64_t)gm_fz_addr(c);
	e->v[GM_F_LEN] = (int64_t)gm_fz_edgy(c), e->v[GM_F_OLD_LEN] = (int64_t)gm_fz_edgy(c);
	e->v[GM_F_NEW_LEN] = (int64_t)gm_fz_edgy(c);
	uint8_t misc = gm_fz_u8(c);
	e->v[GM_F_PROT] = misc & 7, e->v[GM_F_FLAGS] = misc & 8 ? 0x22 : 0x32, e->v[GM_F_FD] = misc & 16 ? 3 : -1;
	e->v[GM_F_ARG] = misc >> 5 & 7 ? 8 : 4, e->v[GM_F_ORIGIN] = misc >> 7, e->v[GM_F_ERR] = misc >> 6 & 1;
	e->v[GM_F_ID] = gm_fz_u8(c) & 15;
	memset(e->has, 1, sizeof e->has);
	if (misc & 4) /* an older tracer's event: some fields absent */
		e->has[GM_F_NMEMB] = e->has[GM_F_PPID] = e->has[GM_F_IS_PIC] = e->has[GM_F_START_NS] =
			e->has[GM_F_CG_LIMIT] = 0;
	/* any fields set to edge values */
	for (unsigned n = gm_fz_u8(c) & 7; n; n--) {
		uint8_t f = gm_fz_u8(c) % GM_F_COUNT;
		e->v[f] = (int64_t)gm_fz_edgy(c);
	}
	/* strings */
	uint8_t sm = gm_fz_u8(c);
	for (int i = 0; i < GM_S_COUNT; i++)
		e->s[i] = sm & (1u << (i % 8)) ? gm_fz_strs[gm_fz_u8(c) % GM_FZ_NSTRS] : NULL;
	/* a stack: depth 0, short, or long */
	uint8_t d = gm_fz_u8(c);
	uint32_t depth = d < 0xf0 ? d % 24 : (uint32_t)(gm_fz_uint(c, 2) % GM_FZ_MAXDEPTH);
	for (uint32_t i = 0; i < depth; i++)
		gm_fz_stack[i] = i < 32 ? gm_fz_frame(c) : gm_fz_stack[i % 32];
	e->a[GM_A_STACK] = depth || (d & 1) ? gm_fz_stack : NULL, e->alen[GM_A_STACK] = depth;
	switch (e->kind) {
	case GM_EV_GO_CHUNKS: {
		uint32_t n = (uint32_t)(gm_fz_uint(c, 2) % GM_FZ_MAXARR);
		for (int a = 0; a < 3; a++) {
			uint32_t na = a == 2 && (d & 2) ? n / 2 : n;
			for (uint32_t i = 0; i < na; i++)
				gm_fz_arr[a][i] = i < 16 ? gm_fz_edgy(c) % 1024 : gm_fz_arr[a][i % 16];
			e->a[GM_A_INUSE + a] = gm_fz_arr[a], e->alen[GM_A_INUSE + a] = na;
		}
		e->v[GM_F_BASE] = (int64_t)(gm_fz_addr(c) & ~(GM_GO_CHUNK_BYTES - 1));
		break;
	}
	case GM_EV_ALLOC_BATCH: {
		uint32_t n = (uint32_t)(gm_fz_uint(c, 2) % GM_FZ_MAXREC);
		for (uint32_t i = 0; i + 4 <= n; i += 4) {
			uint8_t r = gm_fz_u8(c);
			gm_fz_rec[i] = r & 0x80 ? gm_fz_edgy(c) : e->ts - (uint64_t)(r & 0x7f) * 1000;
			gm_fz_rec[i + 1] = gm_fz_addr(c);
			gm_fz_rec[i + 2] = (gm_fz_edgy(c) & GM_BATCH_SIZE_MASK) | (uint64_t)(gm_fz_u8(c) % 7) << GM_BATCH_KIND_SHIFT;
			gm_fz_rec[i + 3] = gm_fz_u8(c) & 15;
		}
		e->a[GM_A_REC] = gm_fz_rec, e->alen[GM_A_REC] = n - (d & 2 ? n % 4 : 0);
		break;
	}
	case GM_EV_SD_BUILD_ID:
	case GM_EV_LIB_BUILD_ID: {
		uint32_t n = gm_fz_u8(c) % 80;
		for (uint32_t i = 0; i < n; i++)
			gm_fz_bid[i] = gm_fz_u8(c);
		e->a[GM_A_BUILD_ID] = gm_fz_bid, e->alen[GM_A_BUILD_ID] = n;
		break;
	}
	default:
		break;
	}
}

/* ---- entry point ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	if (!null && !(null = fopen("/dev/null", "w")))
		return 0;
	struct gm_fz c = { data, size };
	uint8_t o = gm_fz_u8(&c);
	struct gm_rep_opts opts = { .top = o & 1 ? 3 : 10, .pid = o & 2 ? 42 : -1,
				    .from = o & 4 ? 0.5 : 0, .to = o & 8 ? 2.0 : -1 };
	struct gm_rep_model m;
	gm_rep_model_init(&m, &opts);
	m.record_pid = o & 16 ? 43 : -1;
	m.whole_run = (o & 32) != 0;
	uint64_t ts = 1000000000ULL;
	if ((o & 48) == 48) { /* a flight recorder's snapshot, complete 5 ms in (scan.c) */
		m.whole_run = 0;
		m.snapshot = 1;
		m.complete_from = ts + 5000000ULL;
	}
	for (int i = 0; i < GM_FZ_MAXEV && c.n; i++) {
		if (c.p[0] == 0xff) { /* lost events */
			gm_fz_u8(&c);
			gm_rep_model_discarded(&m, gm_fz_edgy(&c), gm_fz_edgy(&c), ts);
			continue;
		}
		struct gm_rep_ev e;
		gm_fz_ev_next(&c, &e, &ts);
		if (gm_rep_model_event(&m, &e) != 0 && !(o & 64))
			break; /* the reader stops at --to */
	}
	gm_rep_analyze(&m);
	gm_rep_write_text(null, &m, "fuzz-trace");
	gm_rep_write_json(null, &m, "fuzz-trace");
	gm_rep_write_folded(null, &m);
	if (o & 128)
		gm_rep_write_pprof(&m, "/dev/null");
	gm_rep_model_free(&m);
	return 0;
}
